/**
 * Code 128 for card barcodes (ISO/IEC 15417): code set C for digit pairs (a 14-digit card number is
 * 7 symbols), code set B for other printable ASCII, the mod-103 check symbol, and an SVG drawing.
 * Our own small encoder so the card sheet needs nothing from the catalogue's label code.
 */

/** Bar and space widths (modules) of symbols 0–105; 106 is the stop (with its final bar). */
const PATTERNS = (
  '212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 ' +
  '221312 231212 112232 122132 122231 113222 123122 123221 223211 221132 ' +
  '221231 213212 223112 312131 311222 321122 321221 312212 322112 322211 ' +
  '212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 ' +
  '231113 231311 112133 112331 132131 113123 113321 133121 313121 211331 ' +
  '231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 ' +
  '314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 ' +
  '112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 ' +
  '111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 ' +
  '214121 412121 111143 111341 131141 114113 114311 411113 411311 113141 ' +
  '114131 311141 411131 211412 211214 211232 2331112'
).split(' ');

const START_B = 104;
const START_C = 105;
const CODE_B = 100;
const CODE_C = 99;
const STOP = 106;

export class Code128Error extends Error {
  override name = 'Code128Error';
}

/** Symbol values including start and check, without the stop. */
export function code128Values(text: string): number[] {
  if (text.length === 0 || !/^[\x20-\x7e]+$/.test(text)) throw new Code128Error('Code 128 here takes printable ASCII only');
  const values: number[] = [];
  let i = 0;
  let set: 'B' | 'C';
  const digitRun = (from: number) => /^\d*/.exec(text.slice(from))![0].length;
  if (digitRun(0) >= 4 || (digitRun(0) === text.length && text.length % 2 === 0)) {
    set = 'C';
    values.push(START_C);
  } else {
    set = 'B';
    values.push(START_B);
  }
  while (i < text.length) {
    const run = digitRun(i);
    if (set === 'C') {
      if (run >= 2) {
        values.push(Number(text.slice(i, i + 2)));
        i += 2;
        continue;
      }
      set = 'B';
      values.push(CODE_B);
    }
    // In B: switch to C for a run of 4+ digits (an even run, or an odd one after its first digit).
    if (run >= 4 && (run % 2 === 0 || i + run === text.length)) {
      if (run % 2 === 1) {
        values.push(text.charCodeAt(i) - 32);
        i++;
      }
      set = 'C';
      values.push(CODE_C);
      continue;
    }
    values.push(text.charCodeAt(i) - 32);
    i++;
  }
  let sum = values[0]!;
  for (let k = 1; k < values.length; k++) sum += k * values[k]!;
  values.push(sum % 103);
  return values;
}

/** The bar/space widths of the whole symbol, starting with a bar. */
export function code128Widths(text: string): number[] {
  return [...code128Values(text), STOP].flatMap((v) => [...PATTERNS[v]!].map(Number));
}

/** An SVG of the barcode with a 10-module quiet zone each side; height in modules. */
export function code128Svg(text: string, o: { height?: number; title?: string } = {}): string {
  const widths = code128Widths(text);
  const quiet = 10;
  const total = widths.reduce((a, b) => a + b, 0) + 2 * quiet;
  const h = o.height ?? 40;
  let x = quiet;
  let path = '';
  widths.forEach((w, k) => {
    if (k % 2 === 0) path += `M${x} 0h${w}v${h}h-${w}z`;
    x += w;
  });
  const title = o.title ? `<title>${o.title.replace(/[<&>]/g, '')}</title>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${total} ${h}" preserveAspectRatio="none" shape-rendering="crispEdges" role="img">${title}<rect width="${total}" height="${h}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`;
}
