/** Reads Code 128 drawings back, independently of the encoder's code-set choice (for the encoder and label tests). */
import assert from 'node:assert/strict';
import { CODE128_PATTERNS, STOP, code128Check } from '#core/barcode/code128.ts';

/** Decodes bar/space widths back to text and symbol values; asserts the stop and check symbols. */
export function decodeWidths(widths: number[]): { text: string; values: number[] } {
  const values: number[] = [];
  let i = 0;
  while (i < widths.length) {
    const len = widths.length - i === 7 ? 7 : 6;
    const pat = widths.slice(i, i + len).join('');
    const v = CODE128_PATTERNS.indexOf(pat);
    assert.notEqual(v, -1, `unknown pattern ${pat} at element ${i}`);
    values.push(v);
    i += len;
  }
  assert.equal(values.at(-1), STOP);
  assert.equal(values.at(-2), code128Check(values.slice(0, -2)), 'check symbol');
  let set = values[0] === 105 ? 'C' : values[0] === 104 ? 'B' : 'A';
  let text = '';
  for (const v of values.slice(1, -2)) {
    if (set === 'C' && v === 100) set = 'B';
    else if (set === 'B' && v === 99) set = 'C';
    else if (set === 'C') text += String(v).padStart(2, '0');
    else text += String.fromCharCode(v + 32);
  }
  return { text, values };
}

/** The bar and space widths an SVG draws, from its rect x/width attributes (module = SVG units per module). */
export function widthsOfSvg(svg: string, module = 2): number[] {
  const bars = [...svg.matchAll(/<rect x="(\d+)" y="0" width="(\d+)"/g)].map((m) => ({ x: Number(m[1]) / module, w: Number(m[2]) / module }));
  const out: number[] = [];
  bars.forEach((b, k) => {
    if (k > 0) out.push(b.x - (bars[k - 1]!.x + bars[k - 1]!.w));
    out.push(b.w);
  });
  return out;
}
