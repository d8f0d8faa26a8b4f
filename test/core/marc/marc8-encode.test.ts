// Unicode → MARC-8 (export to systems that read only MARC-8): decode(encode(s)) is s in NFC, and
// MARC-8 records read and written back in MARC-8 keep their bytes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { decodeMarc8, encodeMarc8 } from '../../../core/marc/marc8.ts';
import { readIso2709 } from '../../../core/marc/iso2709.ts';
import { writeIso2709 } from '../../../core/marc/write.ts';

const fixture = (p: string): Buffer => readFileSync(new URL(`../../fixtures/marc/${p}`, import.meta.url));
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

describe('core/marc/marc8 encodeMarc8', function () {
  this.timeout(120000);

  it('writes ANSEL diacritics before their letter, Vietnamese letters included', () => {
    assert.equal(latin1(encodeMarc8('Dế Mèn')), 'D\xe3\xe2e M\xe1en');
    assert.equal(latin1(encodeMarc8('ớ')), '\xe2\xbc', 'acute + ơ (ANSEL has ơ as a letter)');
    assert.equal(latin1(encodeMarc8('Đi đi')), '\xa3i \xb3i');
  });

  it('designates other sets with escape sequences and returns to ASCII/ANSEL at the end', () => {
    const cyr = latin1(encodeMarc8('Ж.'));
    assert.ok(cyr.startsWith('\x1b(N'), 'basic Cyrillic as G0');
    assert.ok(cyr.includes('\x1b(B.'), 'back to ASCII for the full stop');
    assert.equal(decodeMarc8(encodeMarc8('CO₂ x²')), 'CO₂ x²');
    assert.equal(decodeMarc8(encodeMarc8('中文')), '中文');
  });

  it('writes a character MARC-8 lacks as a numeric character reference', () => {
    assert.equal(latin1(encodeMarc8('a😀b')), 'a&#x1F600;b');
    assert.equal(decodeMarc8(encodeMarc8('a😀b')), 'a😀b');
  });

  it('property: decodeMarc8(encodeMarc8(s)) == NFC(s)', () => {
    const pool = [
      ...'abcdefghijklmnopqrstuvwxyzABCXYZ0123456789 .,:;/-()[]&\'"!?',
      ...'ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐƯƠ',
      ...'éèçœæßøłÅñü’“”',
      ...'ЖжЩщЁёλπΩ',
      ...'中文字書',
      '😀',
      '\u0301',
      '\u0323',
      'ש',
      '\u05B8',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pool), { maxLength: 40 }), (chars) => {
        const s = chars.join('');
        assert.equal(decodeMarc8(encodeMarc8(s)), s.normalize('NFC'));
      }),
      { numRuns: 500 },
    );
  });

  it('every text of every fixture survives encode → decode', () => {
    let n = 0;
    for (const f of ['loc/brkrtest_UTF8.mrc', 'evergreen/lul_fre_500.mrc', 'vn-school/vn-school-utf8.mrc', 'marc4j/pride-and-prejudice-fixed.mrc']) {
      for (const r of readIso2709(fixture(f)).records) {
        for (const field of r.fields) {
          for (const v of 'value' in field ? [field.value] : field.subfields.map((s) => s.value)) {
            assert.equal(decodeMarc8(encodeMarc8(v)), v, `${f}: ${v}`);
            n++;
          }
        }
      }
    }
    assert.ok(n > 30000);
  });

  it('MARC-8 records written back in MARC-8 are byte-identical (vn-school, Evergreen, pymarc); brkrtest keeps every field', () => {
    for (const f of ['vn-school/vn-school-marc8.mrc', 'evergreen/lul_fre_500.mrc', 'pymarc/marc8.dat']) {
      const buf = fixture(f);
      for (const r of readIso2709(buf).records) {
        const raw = buf.subarray(r.source!.offset, r.source!.offset + r.source!.length);
        assert.deepEqual(Buffer.from(writeIso2709(r, { encoding: 'marc8' })), raw, `${f} record ${r.source!.index + 1}`);
      }
    }
    for (const r of readIso2709(fixture('loc/brkrtest.mrc')).records) {
      const back = readIso2709(writeIso2709(r, { encoding: 'marc8' }));
      assert.deepEqual(back.errors, []);
      assert.equal(back.records[0]!.leader[9], ' ');
      assert.deepEqual(back.records[0]!.fields, r.fields);
    }
    // UTF-8 records exported as MARC-8 read back to the same text.
    for (const r of readIso2709(fixture('vn-school/vn-school-utf8.mrc')).records) {
      assert.deepEqual(readIso2709(writeIso2709(r, { encoding: 'marc8' })).records[0]!.fields, r.fields);
    }
  });
});
