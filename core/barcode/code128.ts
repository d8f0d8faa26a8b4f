/**
 * Code 128 (ISO/IEC 15417), pure: the pattern table, data → symbol values (code sets B and C,
 * chosen to give the fewest symbols, so a 14-digit barcode is 7 symbols of set C), the mod-103
 * check symbol, bar/space widths and an inline SVG. Used by the copy labels, the library cards and
 * the printer's slip preview (which reads ESC/POS GS k data itself, hardware/src/printer/code128.ts).
 */

/**
 * Bar/space widths in modules of symbol values 0–106, bar first; each symbol is 11 modules, the
 * stop (106) has 7 elements and 13 modules.
 */
// prettier-ignore
export const CODE128_PATTERNS: readonly string[] = [
  '212222', '222122', '222221', '121223', '121322', '131222', '122213', '122312', '132212', '221213',
  '221312', '231212', '112232', '122132', '122231', '113222', '123122', '123221', '223211', '221132',
  '221231', '213212', '223112', '312131', '311222', '321122', '321221', '312212', '322112', '322211',
  '212123', '212321', '232121', '111323', '131123', '131321', '112313', '132113', '132311', '211313',
  '231113', '231311', '112133', '112331', '132131', '113123', '113321', '133121', '313121', '211331',
  '231131', '213113', '213311', '213131', '311123', '311321', '331121', '312113', '312311', '332111',
  '314111', '221411', '431111', '111224', '111422', '121124', '121421', '141122', '141221', '112214',
  '112412', '122114', '122411', '142112', '142211', '241211', '221114', '413111', '241112', '134111',
  '111242', '121142', '121241', '114212', '124112', '124211', '411212', '421112', '421211', '212141',
  '214121', '412121', '111143', '111341', '131141', '114113', '114311', '411113', '411311', '113141',
  '114131', '311141', '411131', '211412', '211214', '211232', '2331112',
];

export const START_A = 103;
export const START_B = 104;
export const START_C = 105;
/** "Code A/B/C": switch to that set (values as seen from the other sets). */
export const CODE_A = 101;
export const CODE_B = 100;
export const CODE_C = 99;
export const STOP = 106;

/** Thrown for text Code 128 sets B and C cannot carry (outside printable ASCII) or an unknown symbol value. */
export class Code128Error extends Error {
  override name = 'Code128Error';
}

type CodeSet = 'B' | 'C';

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/**
 * Symbol values for data: start, data (with code-set switches), check symbol, stop. Throws
 * Code128Error for empty data or characters outside ASCII 32–126.
 */
export function code128Values(data: string): number[] {
  if (data.length === 0) throw new Code128Error('Code 128 needs at least one character');
  for (const ch of data) {
    const c = ch.codePointAt(0)!;
    if (c < 32 || c > 126) throw new Code128Error(`Code 128 set B/C cannot encode ${JSON.stringify(ch)} (U+${c.toString(16).toUpperCase().padStart(4, '0')})`);
  }
  // Fewest symbols by dynamic programming from the end: cost[i][set] = symbols to encode data[i..] when in set.
  const n = data.length;
  const cost: Record<CodeSet, number>[] = Array.from({ length: n + 1 }, () => ({ B: 0, C: 0 }));
  const step: Record<CodeSet, CodeSet>[] = Array.from({ length: n + 1 }, () => ({ B: 'B', C: 'C' }));
  for (let i = n - 1; i >= 0; i--) {
    const stayB = 1 + cost[i + 1]!.B;
    const stayC = isDigit(data[i]) && isDigit(data[i + 1]) ? 1 + cost[i + 2]!.C : Infinity;
    // In set B: encode one character here, or switch to C (one symbol) and continue there.
    cost[i]!.B = Math.min(stayB, 1 + stayC);
    step[i]!.B = stayB <= 1 + stayC ? 'B' : 'C';
    cost[i]!.C = Math.min(stayC, 1 + stayB);
    step[i]!.C = stayC <= 1 + stayB ? 'C' : 'B';
  }
  // The start symbol picks the first set at no extra cost.
  let set: CodeSet = isDigit(data[0]) && isDigit(data[1]) && 1 + cost[2]!.C <= cost[0]!.B ? 'C' : 'B';
  const values = [set === 'C' ? START_C : START_B];
  let i = 0;
  while (i < n) {
    const want = step[i]![set];
    if (want !== set) {
      values.push(want === 'C' ? CODE_C : CODE_B);
      set = want;
    }
    if (set === 'C') {
      values.push(Number(data.slice(i, i + 2)));
      i += 2;
    } else {
      values.push(data.charCodeAt(i) - 32);
      i += 1;
    }
  }
  values.push(code128Check(values), STOP);
  return values;
}

/** The check symbol of [start, ...data]: (start + Σ i × value_i) mod 103. */
export function code128Check(startAndData: readonly number[]): number {
  let sum = startAndData[0]!;
  for (let i = 1; i < startAndData.length; i++) sum += i * startAndData[i]!;
  return sum % 103;
}

/** Bar/space widths in modules of symbol values (the stop included when given), starting with a bar. */
export function code128Widths(values: readonly number[]): number[] {
  return values.flatMap((v) => {
    const p = CODE128_PATTERNS[v];
    if (p === undefined) throw new Code128Error(`no Code 128 symbol ${v}`);
    return Array.from(p, Number);
  });
}

export interface Code128SvgOptions {
  /** Width of one module in SVG user units (default 1). */
  module?: number;
  /** Bar height in user units (default 40). */
  height?: number;
  /** Quiet zone each side, in modules (default 10, the standard's minimum). */
  quiet?: number;
  /** A <title> for the drawing (the aria-label is always the data). */
  title?: string;
  /** Let CSS stretch the bars to any box (preserveAspectRatio="none"); default keeps the aspect ratio. */
  stretch?: boolean;
}

/** An inline <svg> of data's bars (no text: labels and cards print the digits themselves), scaled by its viewBox. */
export function code128Svg(data: string, o: Code128SvgOptions = {}): string {
  const module = o.module ?? 1;
  const height = o.height ?? 40;
  const quiet = o.quiet ?? 10;
  const widths = code128Widths(code128Values(data));
  const total = (widths.reduce((a, b) => a + b, 0) + 2 * quiet) * module;
  let x = quiet;
  const rects: string[] = [];
  widths.forEach((w, k) => {
    if (k % 2 === 0) rects.push(`<rect x="${x * module}" y="0" width="${w * module}" height="${height}"/>`);
    x += w;
  });
  const title = o.title ? `<title>${escapeXml(o.title)}</title>` : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="code128" viewBox="0 0 ${total} ${height}" width="${total}" height="${height}"` +
    `${o.stretch ? ' preserveAspectRatio="none"' : ''} shape-rendering="crispEdges" role="img" aria-label="${escapeXml(data)}">` +
    `${title}<rect width="100%" height="100%" fill="#fff"/><g fill="#000">${rects.join('')}</g></svg>`
  );
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
