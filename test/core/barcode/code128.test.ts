/**
 * Code 128, the one encoder behind copy labels, library cards and the slip preview, checked against
 * encodings published by other encoders (not derived from ours): iText/JBarcode's bar widths for a
 * 32-digit set C code, CodeMatrix's module counts, and check symbols worked out by hand from the
 * standard's formula.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CODE128_PATTERNS, STOP, code128Svg, code128Values, code128Widths, Code128Error } from '#core/barcode/code128.ts';
import { decodeWidths, widthsOfSvg } from '#test/code128.ts';

describe('Code 128 encoder', () => {
  it('has 107 distinct patterns: 11 modules each (stop 13), an even number of bar modules', () => {
    assert.equal(CODE128_PATTERNS.length, 107);
    assert.equal(new Set(CODE128_PATTERNS).size, 107);
    CODE128_PATTERNS.forEach((p, v) => {
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
        assert.equal(decodeWidths(widthsOfSvg(code128Svg(s, { module: 2 }))).text, s);
      }),
      { numRuns: 300 },
    );
  });
});

describe('Code 128 for card numbers', () => {
  it('encodes a card number in code set C with the mod-103 check', () => {
    // Start C (105), pairs 20 00 10 00 00 00 12, check = (105 + Σ i·v) mod 103, stop.
    const v = code128Values('20001000000012');
    const pairs = [20, 0, 10, 0, 0, 0, 12];
    const check = (105 + pairs.reduce((s, x, i) => s + (i + 1) * x, 0)) % 103;
    assert.deepEqual(v, [105, ...pairs, check, STOP]);
  });

  it('uses code set B for letters and switches to C for a long digit run', () => {
    assert.deepEqual(code128Values('HS20190001').slice(0, 4), [104, 40, 51, 99]);
    assert.deepEqual(code128Values('A1').slice(0, 3), [104, 33, 17]);
    assert.throws(() => code128Values('Đức'), Code128Error);
  });

  it('draws 11 modules per symbol and 13 for the stop, starting and ending with a bar', () => {
    const w = code128Widths(code128Values('20001000000012'));
    assert.equal(w.length, 9 * 6 + 7);
    assert.equal(w.reduce((a, b) => a + b, 0), 9 * 11 + 13);
    for (let s = 0; s < 9; s++) assert.equal(w.slice(s * 6, s * 6 + 6).reduce((a, b) => a + b, 0), 11);
    assert.match(code128Svg('20001000000012'), /^<svg [^>]*viewBox="0 0 132 40"/);
    assert.deepEqual(w.slice(0, 6), [2, 1, 1, 2, 3, 2], 'Start C');
    assert.deepEqual(w.slice(-7), [2, 3, 3, 1, 1, 1, 2], 'Stop');
  });

  it('carries a title and lets the card stretch the bars when asked', () => {
    const svg = code128Svg('20001000000012', { title: '20001000000012', stretch: true });
    assert.match(svg, /<title>20001000000012<\/title>/);
    assert.match(svg, /preserveAspectRatio="none"/);
    assert.equal(decodeWidths(widthsOfSvg(svg, 1)).text, '20001000000012');
    assert.doesNotMatch(code128Svg('1'), /preserveAspectRatio/);
  });
});
