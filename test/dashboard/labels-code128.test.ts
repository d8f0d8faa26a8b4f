/**
 * Code 128 for copy labels, checked against encodings published by other encoders (not derived
 * from ours): iText/JBarcode's bar widths for a 32-digit set C code, CodeMatrix's module counts,
 * and check symbols worked out by hand from the standard's formula.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PATTERNS, STOP, code128Check, code128Svg, code128Values, code128Widths, Code128Error } from '#server/catalogue/code128.ts';
import { labelSheetHtml } from '#server/catalogue/labels.ts';

/** Decodes bar/space widths back to text, independently of the encoder's code-set choice. */
function decodeWidths(widths: number[]): { text: string; values: number[] } {
  const values: number[] = [];
  let i = 0;
  while (i < widths.length) {
    const len = widths.length - i === 7 ? 7 : 6;
    const pat = widths.slice(i, i + len).join('');
    const v = PATTERNS.indexOf(pat);
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

/** The bar and space widths an SVG draws, from its rect x/width attributes (module = 2 units). */
function widthsOfSvg(svg: string, module = 2): number[] {
  const bars = [...svg.matchAll(/<rect x="(\d+)" y="0" width="(\d+)"/g)].map((m) => ({ x: Number(m[1]) / module, w: Number(m[2]) / module }));
  const out: number[] = [];
  bars.forEach((b, k) => {
    if (k > 0) out.push(b.x - (bars[k - 1]!.x + bars[k - 1]!.w));
    out.push(b.w);
  });
  return out;
}

describe('Code 128 encoder', () => {
  it('has 107 distinct patterns: 11 modules each (stop 13), an even number of bar modules', () => {
    assert.equal(PATTERNS.length, 107);
    assert.equal(new Set(PATTERNS).size, 107);
    PATTERNS.forEach((p, v) => {
      const w = Array.from(p, Number);
      assert.equal(w.reduce((a, b) => a + b, 0), v === STOP ? 13 : 11, `symbol ${v}`);
      const bars = w.filter((_, k) => k % 2 === 0).reduce((a, b) => a + b, 0);
      assert.equal(bars % 2, 0, `symbol ${v} bar parity`);
    });
  });

  it('matches JBarcode/iText bar widths for a 32-digit code (all set C)', () => {
    // borisklug/jbarcode Barcode128Test: "01040123453333361503123110123456".
    const expected = [
      2, 1, 1, 2, 3, 2, 2, 2, 2, 1, 2, 2, 1, 2, 1, 3, 2, 2, 2, 2, 2, 1, 2, 2, 3, 1, 2, 1, 3, 1, 1, 1, 3, 1, 2, 3, 1, 1, 1, 3, 2, 3, 1, 1, 1, 3, 2, 3, 1, 1, 2, 3,
      1, 3, 1, 1, 3, 2, 2, 2, 1, 2, 1, 2, 2, 3, 1, 1, 2, 2, 3, 2, 2, 1, 2, 3, 2, 1, 2, 2, 1, 3, 1, 2, 1, 1, 2, 2, 3, 2, 1, 3, 1, 1, 2, 3, 3, 3, 1, 1, 2, 1,
      2, 2, 3, 1, 1, 2, 2, 3, 3, 1, 1, 1, 2,
    ];
    assert.deepEqual(code128Widths(code128Values('01040123453333361503123110123456')), expected);
  });

  it('uses the fewest symbols: CodeMatrix module counts for "CODE128-12345" (167) and "1234567890" (90)', () => {
    const modules = (s: string) => code128Widths(code128Values(s)).reduce((a, b) => a + b, 0);
    assert.equal(modules('CODE128-12345'), 167);
    assert.equal(modules('1234567890'), 90);
  });

  it('computes the check symbol as (start + Σ position × value) mod 103', () => {
    // 14-digit library barcode, set C: 105 + 30·1 + 0·2 + 10·3 + 0·4 + 0·5 + 6·6 + 6·7 = 243 → 243 mod 103 = 37.
    assert.deepEqual(code128Values('30001000000606'), [105, 30, 0, 10, 0, 0, 6, 6, 37, 106]);
    // "A" in set B: 104 + 33 = 137 → 34.
    assert.deepEqual(code128Values('A'), [104, 33, 34, 106]);
    // "PJJ123C", set B all through (three digits are not worth a switch): 104 + 48 + 2·42 + 3·42 + 4·17 + 5·18 + 6·19 + 7·35 = 879 → 55.
    assert.deepEqual(code128Values('PJJ123C'), [104, 48, 42, 42, 17, 18, 19, 35, 55, 106]);
    // An accession number: set B for "STK.", then set C for the six digits: 104 + 51 + 2·52 + 3·43 + 4·14 + 5·99 + 6·0 + 7·1 + 8·23.
    assert.deepEqual(code128Values('STK.000123'), [104, 51, 52, 43, 14, 99, 0, 1, 23, (104 + 51 + 104 + 129 + 56 + 495 + 0 + 7 + 184) % 103, 106]);
  });

  it('refuses what sets B and C cannot carry', () => {
    assert.throws(() => code128Values(''), Code128Error);
    assert.throws(() => code128Values('Đ'), Code128Error);
    assert.throws(() => code128Values('a\nb'), Code128Error);
  });

  it('round-trips any printable ASCII text through widths and through the SVG', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[ -~]{1,30}$/), (s) => {
        const values = code128Values(s);
        const decoded = decodeWidths(code128Widths(values));
        assert.equal(decoded.text, s);
        assert.equal(decodeWidths(widthsOfSvg(code128Svg(s))).text, s);
      }),
      { numRuns: 300 },
    );
  });
});

describe('barcode label sheet', () => {
  const copies = [
    { barcode: '30001000000606', accession: 'TN.000012', callNumber: '895.9223 ĐOÀ', title: 'Đất rừng phương Nam' },
    { barcode: 'STK.000123', accession: 'STK.000123', callNumber: null, title: 'Truyện <Kiều> & "thơ"' },
  ];
  const html = labelSheetHtml({ schoolName: 'Trường THCS Demo', copies });

  it('has one label per copy, each with a scannable barcode of its own code', () => {
    const labels = [...html.matchAll(/<div class="label" data-barcode="([^"]+)">([\s\S]*?)<\/div><\/div>/g)];
    assert.equal(labels.length, 2);
    labels.forEach((m, k) => {
      const svg = /<svg[\s\S]*?<\/svg>/.exec(m[2]!)![0];
      assert.equal(decodeWidths(widthsOfSvg(svg)).text, copies[k]!.barcode);
    });
  });

  it('shows the school, the title, the call number and the accession when it differs from the barcode', () => {
    assert.match(html, /<html lang="vi">/);
    assert.match(html, /Trường THCS Demo/);
    assert.match(html, /Đất rừng phương Nam/);
    assert.match(html, /895\.9223 ĐOÀ/);
    assert.match(html, /ĐKCB TN\.000012/);
    assert.doesNotMatch(html, /ĐKCB STK\.000123/);
    // Text is escaped, never markup.
    assert.match(html, /Truyện &#60;Kiều&#62; &#38; &#34;thơ&#34;/);
    assert.doesNotMatch(html, /<Kiều>/);
  });

  it('leaves the first labels of a used sheet empty when asked', () => {
    const skipped = labelSheetHtml({ schoolName: 'X', copies: copies.slice(0, 1), skip: 5 });
    assert.equal([...skipped.matchAll(/class="label empty"/g)].length, 5);
  });
});
