import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeMarc8, hasMarc8Set, Marc8Decoder, MARC8_SET, type Marc8Issue } from '../../../core/marc/marc8.ts';
import { generate } from '../../../scripts/gen-marc8.ts';

const bytes = (...parts: (string | number)[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : [...Buffer.from(p, 'latin1')])));

describe('core/marc/marc8', () => {
  it('passes ASCII through', () => {
    assert.equal(decodeMarc8(bytes('Hello, world 123!')), 'Hello, world 123!');
  });

  it('moves ANSEL diacritics after their base letter and composes (NFC)', () => {
    assert.equal(decodeMarc8(bytes('caf', 0xe2, 'e')), 'café');
    assert.equal(decodeMarc8(bytes(0xe2, 'E')), 'É');
    assert.equal(decodeMarc8(bytes('gar', 0xf0, 'con')), 'garçon');
  });

  it('decodes Vietnamese letters, including two stacked diacritics', () => {
    // ế = circumflex + acute + e; ộ = dot below + circumflex + o; ơ, ư, Đ, đ are ANSEL letters.
    assert.equal(decodeMarc8(bytes('D', 0xe3, 0xe2, 'e M', 0xe1, 'en')), 'Dế Mèn');
    assert.equal(decodeMarc8(bytes('H', 0xe1, 'a N', 0xf2, 0xe3, 'oi')), 'Hà Nội');
    assert.equal(decodeMarc8(bytes('l', 0xbd, 'u ', 0xa3, 'i ', 0xb3, 'i ', 0xe2, 0xbc)), 'lưu Đi đi ớ');
    const s = decodeMarc8(bytes('Vi', 0xf2, 0xe3, 'et'));
    assert.equal(s, 'Việt');
    assert.equal(s.length, 4, 'one precomposed code point for ệ');
  });

  it('keeps diacritics with no base letter at the end instead of dropping them', () => {
    assert.equal(decodeMarc8(bytes(0xe2)), '\u0301');
    assert.equal(decodeMarc8(bytes('x ', 0xe2)), 'x \u0301');
  });

  it('maps the ANSEL ligature halves to one combining double inverted breve', () => {
    assert.equal(decodeMarc8(bytes(0xeb, 't', 0xec, 's')), 't\u0361s');
  });

  it('switches sets with escape sequences and back', () => {
    // ESC ( N: basic Cyrillic as G0 (capitals at 0x60-0x7E, small letters at 0x40-0x5F, the
    // reverse of ASCII); ESC ( B: back to ASCII.
    assert.equal(decodeMarc8(bytes(0x1b, '(N', 'mIR', 0x1b, '(B', ' ok')), 'Мир ok');
    // ESC ( S: basic Greek.
    assert.equal(decodeMarc8(bytes(0x1b, '(S', 'A', 0x1b, '(B')), 'Α');
    // Technique 1: ESC b subscripts, ESC p superscripts, ESC s back to ASCII.
    assert.equal(decodeMarc8(bytes('H', 0x1b, 'b2', 0x1b, 's', 'O x', 0x1b, 'p2', 0x1b, 's')), 'H₂O x²');
    // ESC $ 1: the multibyte East Asian set (EACC) as G0.
    assert.equal(decodeMarc8(bytes(0x1b, '$1', 0x21, 0x30, 0x21, 0x1b, '(B', '!')), '一!');
    // G1 designation with the "!" intermediate some systems write: ESC ) ! E (ANSEL).
    assert.equal(decodeMarc8(bytes(0x1b, ')!E', 0xe2, 'e')), 'é');
  });

  it('keeps the designation across calls of one decoder, as within a field', () => {
    const d = new Marc8Decoder();
    assert.equal(d.decode(bytes(0x1b, '(N', 'dA')), 'Да');
    assert.equal(d.decode(bytes('NET')), 'нет');
    assert.equal(d.g0, MARC8_SET.CYRILLIC);
    assert.equal(new Marc8Decoder().decode(bytes('NET')), 'NET');
  });

  it('resolves numeric character references (the lossless conversion model)', () => {
    assert.equal(decodeMarc8(bytes('student&#x2019;s')), 'student’s');
    assert.equal(decodeMarc8(bytes('&#xZZ; &amp;')), '&#xZZ; &amp;');
  });

  it('reports unknown escapes and undefined bytes, and replaces the bad byte', () => {
    const issues: Marc8Issue[] = [];
    assert.equal(decodeMarc8(bytes('a', 0x1b, 'Zb'), (i) => issues.push(i)), 'aZb');
    assert.match(issues[0]!.message, /unknown escape sequence/);
    issues.length = 0;
    assert.equal(decodeMarc8(bytes('x', 0xaf, 'y'), (i) => issues.push(i)), 'x\uFFFDy');
    assert.equal(issues[0]!.offset, 1);
    issues.length = 0;
    decodeMarc8(bytes(0x1b, '(', 0x7a, 'q'), (i) => issues.push(i));
    assert.match(issues[0]!.message, /does not define/);
    issues.length = 0;
    decodeMarc8(bytes('a', 0x1b), (i) => issues.push(i));
    assert.equal(issues.length, 1);
  });

  it('knows every set of the LoC tables', () => {
    for (const f of Object.values(MARC8_SET)) assert.ok(hasMarc8Set(f), `set 0x${f.toString(16)}`);
    assert.ok(!hasMarc8Set(0x7a));
  });

  it('the committed tables match the LoC code tables they are generated from', function () {
    this.timeout(30000);
    const xml = readFileSync(new URL('../../../dashboard/seed-data/marc/loc/codetables.xml', import.meta.url), 'utf8');
    const committed = JSON.parse(
      readFileSync(new URL('../../../core/marc/marc8-tables.generated.json', import.meta.url), 'utf8'),
    ) as unknown;
    assert.deepEqual(committed, JSON.parse(JSON.stringify(generate(xml))));
  });
});
