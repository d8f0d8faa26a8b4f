import assert from 'node:assert/strict';
import { encodeQr, formatBits, qrSvg, reedSolomon, QrError } from '#server/patrons/qr.ts';
import { code128Values, code128Widths, code128Svg } from '#server/patrons/code128.ts';

/**
 * Expected matrices as published by an independent encoder's test suite (JakeYallop/Quarer,
 * tests/Quarer.Tests/QrCodeTests.cs, MIT licence, Copyright (c) 2024 Jake Yallop; only these two
 * expected outputs are taken, no code): "01234567" at 1-M is the example of ISO/IEC 18004
 * Annex I; the Latin-1 sentence fills a 4-M symbol in byte mode (two interleaved blocks).
 * X = dark, - = light, no quiet zone.
 */
const ISO_01234567_1M = `
XXXXXXX---XXX-XXXXXXX
X-----X-XXX---X-----X
X-XXX-X--XX---X-XXX-X
X-XXX-X--X-XX-X-XXX-X
X-XXX-X-XX-XX-X-XXX-X
X-----X----X--X-----X
XXXXXXX-X-X-X-XXXXXXX
---------------------
X-X-X-X---X-X---X--X-
XX-X----X-XX-X-X---X-
---XX-XXX-XX-XXX-XXX-
XX--XX-X-X-XXX-XX--X-
--X--XXX-XXX-XXX----X
--------X-X---X----X-
XXXXXXX-----X---X---X
X-----X---X---X--X-XX
X-XXX-X-XXX-X-X-XXX-X
X-XXX-X--X-X-X-X-XXX-
X-XXX-X-XX-X-XXX--X-X
X-----X----XXX-XXX---
XXXXXXX-X--X-XXX--X-X`;

const LATIN1_4M = `
XXXXXXX--XXX--XX-XXX--XX--XXXXXXX
X-----X-----X--XX-X-XXXXX-X-----X
X-XXX-X--XXXXX-XXXXXX-----X-XXX-X
X-XXX-X--XXX-XXX--X----XX-X-XXX-X
X-XXX-X--X-XX-XX-XX--X-XX-X-XXX-X
X-----X-XXXX-XXXXXXX-X----X-----X
XXXXXXX-X-X-X-X-X-X-X-X-X-XXXXXXX
---------X-XX-X--X---X--X--------
X--X-XX-X--XXXX----X-X---X-X-----
-X-X-X---X--XX--XX--XXX-XXX-----X
--XXXXXXXX----X--X-XX---XXXXXXX-X
X-XXX--------X-XX-XX-X---XX--X-XX
X--XXXX-X-XXX-X-XXXXX---XXX-----X
XX-X---XXX---X---X-XXXX-X--XX---X
XX--X-XXXX-X---XX------X-XXX--XX-
X-XX---XXXXX---X-XXXXX-X--X----X-
XXX--XXXX-XXXXX-XX-XXXXXX-XXXX-X-
XXXX---X--X-----X----X-X-----XXX-
-XX-X-X-X-X-------X-X---XX--X-X-X
XXX----X-X--XXX-X----X-XX--XX--XX
XX---XX---X-XX--X----X-XXX---X-X-
-X---X-X-XXXXXX--XX-X---XXX--X-X-
XXXXXXXXX--X--X----X----XXX-XX--X
-X-----XXXXX-X--X-X--X--XX--XX-X-
X-----XX---X--XX-X-XXXX-XXXXX--X-
--------X-X-------XX--XXX---X-X-X
XXXXXXX----XXX--X-X-XX--X-X-XXXX-
X-----X-XX-XX-XX-XXX-X--X---X--XX
X-XXX-X--X-XX-X-XXXXXXX-XXXXX----
X-XXX-X-X-XXXX--X----X----XXX-X--
X-XXX-X---XXXX-XXXX---XX----XXX-X
X-----X---XXX--XXX-X-XX-X--------
XXXXXXX-X-------X-X--X--XX-X-X-X-`;

const parse = (s: string) =>
  s
    .trim()
    .split('\n')
    .map((l) => [...l.trim()].map((ch) => ch === 'X'));
const show = (m: boolean[][]) => m.map((r) => r.map((d) => (d ? 'X' : '-')).join('')).join('\n');

/** The mask a symbol says it uses: format bits 10–12 read around the top-left finder. */
function maskOf(m: boolean[][]): number {
  const bits = [0, 1, 2, 3, 4, 5, 7, 8].map((r) => m[r]![8]!).concat([7, 5, 4, 3, 2, 1, 0].map((c) => m[8]![c]!));
  const value = bits.reduce((acc, b, i) => acc | ((b ? 1 : 0) << i), 0);
  for (let mask = 0; mask < 8; mask++) if (formatBits('M', mask) === value) return mask;
  throw new Error('no level-M format information');
}

describe('dashboard/patrons QR encoder', () => {
  it('computes Reed–Solomon codewords of the well-known "HELLO WORLD" 1-M example', () => {
    const data = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17];
    assert.deepEqual(reedSolomon(data, 10), [196, 35, 39, 119, 235, 215, 231, 226, 93, 23]);
  });

  it('computes the BCH-coded format information of the spec’s table', () => {
    assert.equal(formatBits('M', 0).toString(2).padStart(15, '0'), '101010000010010');
    assert.equal(formatBits('L', 0).toString(2).padStart(15, '0'), '111011111000100');
    assert.equal(formatBits('H', 7).toString(2).padStart(15, '0'), '000100000111011');
    assert.equal(formatBits('Q', 3).toString(2).padStart(15, '0'), '011101000000110');
  });

  it('reproduces the ISO 18004 Annex I symbol for "01234567" (1-M), choosing its mask itself', () => {
    const q = encodeQr('01234567', { mode: 'numeric' });
    assert.equal(q.version, 1);
    assert.equal(q.mask, 0);
    assert.equal(show(q.modules), show(parse(ISO_01234567_1M)));
  });

  it('reproduces a full 4-M byte-mode symbol with two interleaved blocks', () => {
    const expected = parse(LATIN1_4M);
    const mask = maskOf(expected);
    const data = new Uint8Array(Buffer.from('Hello world with a longer string using Latin1 Encoding û þ ç Ã', 'latin1'));
    assert.equal(data.length, 62, 'exactly the byte capacity of 4-M');
    const q = encodeQr(data, { mask });
    assert.equal(q.version, 4);
    assert.equal(show(q.modules), show(expected));
    assert.throws(() => encodeQr(new Uint8Array(63)), QrError);
  });

  it('puts a 14-digit card barcode, and nothing else, in a version 1 symbol at level M', () => {
    const q = encodeQr('20001000000012');
    assert.equal(q.version, 1);
    assert.equal(q.ecLevel, 'M');
    assert.equal(maskOf(q.modules), q.mask);
    const svg = qrSvg(q, { title: '20001000000012' });
    assert.match(svg, /^<svg [^>]*viewBox="0 0 29 29"/);
    assert.match(svg, /<title>20001000000012<\/title>/);
  });
});

describe('dashboard/patrons Code 128', () => {
  it('encodes a card number in code set C with the mod-103 check', () => {
    // Start C (105), pairs 20 00 10 00 00 00 12, check = (105 + Σ i·v) mod 103.
    const v = code128Values('20001000000012');
    const pairs = [20, 0, 10, 0, 0, 0, 12];
    const check = (105 + pairs.reduce((s, x, i) => s + (i + 1) * x, 0)) % 103;
    assert.deepEqual(v, [105, ...pairs, check]);
  });

  it('uses code set B for letters and switches to C for a long digit run', () => {
    assert.deepEqual(code128Values('HS20190001').slice(0, 4), [104, 40, 51, 99]);
    assert.deepEqual(code128Values('A1').slice(0, 3), [104, 33, 17]);
    assert.throws(() => code128Values('Đức'));
  });

  it('draws 11 modules per symbol and 13 for the stop, starting and ending with a bar', () => {
    const w = code128Widths('20001000000012');
    assert.equal(w.length, 9 * 6 + 7);
    assert.equal(w.reduce((a, b) => a + b, 0), 9 * 11 + 13);
    for (let s = 0; s < 9; s++) assert.equal(w.slice(s * 6, s * 6 + 6).reduce((a, b) => a + b, 0), 11);
    assert.match(code128Svg('20001000000012'), /^<svg [^>]*viewBox="0 0 132 40"/);
    assert.deepEqual(w.slice(0, 6), [2, 1, 1, 2, 3, 2], 'Start C');
    assert.deepEqual(w.slice(-7), [2, 3, 3, 1, 1, 1, 2], 'Stop');
  });
});
