// The codec against every ISO 2709 fixture copied from ../shared/data/marc, and the malformations
// issue 6 names, built byte by byte.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { controlField, readIso2709, subfield, type MarcRecord } from '../../../core/marc/iso2709.ts';
import { readMarcXml, writeMarcXml } from '../../../core/marc/marcxml.ts';
import { writeIso2709 } from '../../../core/marc/write.ts';
import { buildRecord, concat, df, simpleRecord } from './build-record.ts';

const fixture = (p: string): Buffer => readFileSync(new URL(`../../fixtures/marc/${p}`, import.meta.url));
const expected = JSON.parse(readFileSync(new URL('../../fixtures/marc/expected.json', import.meta.url), 'utf8')) as {
  files: Record<string, { format: 'iso2709' | 'marcxml'; read: number; accepted: number; rejected: number; warned?: boolean }>;
};
const rawOf = (buf: Buffer, r: MarcRecord): Buffer => buf.subarray(r.source!.offset, r.source!.offset + r.source!.length);

describe('core/marc codec on the fixtures', function () {
  // Hundreds of records, on a machine other work shares.
  this.timeout(120000);
  for (const [file, e] of Object.entries(expected.files)) {
    it(`${file}: ${e.read} read, ${e.accepted} accepted, ${e.rejected} rejected (from its documentation)`, () => {
      const buf = fixture(file);
      const { records, errors } = e.format === 'marcxml' ? readMarcXml(buf) : readIso2709(buf);
      const rejected = new Set(errors.filter((p) => p.severity === 'error').map((p) => p.index));
      assert.equal(records.length, e.accepted);
      assert.equal(rejected.size, e.rejected);
      assert.equal(records.length + rejected.size, e.read);
      assert.equal(errors.some((p) => p.severity === 'warning'), e.warned === true, 'a warning exactly for the documented defects');
      for (const p of errors) {
        assert.ok(p.reasonVi.length > 0 && p.reasonVi !== p.reason, 'every problem has its Vietnamese reason');
      }
      const text = JSON.stringify(records.map((r) => r.fields));
      assert.equal(text, text.normalize('NFC'), 'text is NFC');
    });
  }

  it('round trip ISO 2709 → MARCXML → ISO 2709 is byte-identical for every valid UTF-8 record in NFC', () => {
    let checked = 0;
    for (const [file, e] of Object.entries(expected.files)) {
      if (e.format !== 'iso2709') continue;
      const buf = fixture(file);
      const { records, errors } = readIso2709(buf);
      const warned = new Set(errors.map((p) => p.index));
      for (const r of records) {
        const raw = rawOf(buf, r);
        const decoded = raw.toString('utf8');
        // Valid: leader says UTF-8, read without any repair, and the file's text is already NFC.
        if (r.leader[9] !== 'a' || warned.has(r.source!.index) || decoded !== decoded.normalize('NFC')) continue;
        const direct = Buffer.from(writeIso2709(r));
        assert.deepEqual(direct, raw, `${file} record ${r.source!.index + 1}: write(read(x)) == x`);
        const viaXml = readMarcXml(writeMarcXml([r]));
        assert.deepEqual(viaXml.errors, []);
        assert.deepEqual(Buffer.from(writeIso2709(viaXml.records[0]!)), raw, `${file} record ${r.source!.index + 1} via MARCXML`);
        checked++;
      }
    }
    // vn-school 14 (record 12 is NFD on purpose), pride-and-prejudice 341, chabon 2, summerland 1, brkrtest_UTF8 3.
    assert.ok(checked >= 350, `only ${checked} records checked`);
  });

  it('MARC-8 brkrtest.mrc decodes to the same text as brkrtest_UTF8.mrc after NFC', () => {
    const marc8 = readIso2709(fixture('loc/brkrtest.mrc'));
    const utf8 = readIso2709(fixture('loc/brkrtest_UTF8.mrc'));
    assert.deepEqual(marc8.errors, []);
    assert.equal(marc8.records.length, 8);
    assert.equal(utf8.records.length, 8);
    for (let i = 0; i < 8; i++) {
      assert.equal(marc8.records[i]!.leader[9], ' ');
      assert.equal(utf8.records[i]!.leader[9], 'a');
      assert.deepEqual(marc8.records[i]!.fields, utf8.records[i]!.fields, `record ${i + 1}`);
    }
    const all = JSON.stringify(marc8.records.map((r) => r.fields));
    // Vietnamese letters from ANSEL (Ơ, ư with the horn; đ).
    for (const ch of ['Ơ', 'ư', 'đ']) assert.ok(all.includes(ch), `contains ${ch}`);
  });

  it('MARC-8 records written back are UTF-8 with leader/09 = a and read back to the same text', () => {
    for (const file of ['loc/brkrtest.mrc', 'evergreen/lul_fre_500.mrc', 'vn-school/vn-school-marc8.mrc', 'pymarc/marc8.dat']) {
      const { records } = readIso2709(fixture(file));
      for (const r of records) {
        const out = writeIso2709(r);
        const back = readIso2709(out);
        assert.deepEqual(back.errors, [], `${file}`);
        assert.equal(back.records[0]!.leader[9], 'a');
        assert.deepEqual(back.records[0]!.fields, r.fields);
      }
    }
  });
});

describe('core/marc malformations (issue 6), byte cases', () => {
  const a = simpleRecord('A1', 'Tắt đèn');
  const b = simpleRecord('B2', 'Số đỏ');
  const c = simpleRecord('C3', 'Chí Phèo');
  const ids = (rs: MarcRecord[]): (string | undefined)[] => rs.map((r) => controlField(r, '001'));

  it('a BOM at the start and CR LF between records', () => {
    const { records, errors } = readIso2709(concat(Buffer.from([0xef, 0xbb, 0xbf]), a, Buffer.from('\r\n'), b, Buffer.from('\r\n'), c));
    assert.deepEqual(ids(records), ['A1', 'B2', 'C3']);
    assert.deepEqual(errors, []);
  });

  it('a length counted in characters instead of bytes: resynchronised on the record terminator, the next record intact', () => {
    const bad = Buffer.from(b);
    const chars = bad.toString('utf8').length;
    assert.ok(chars < bad.length, 'the record has multi-byte characters');
    bad.write(String(chars).padStart(5, '0'), 0, 'latin1');
    const { records, errors } = readIso2709(concat(a, bad, c));
    assert.deepEqual(ids(records), ['A1', 'B2', 'C3']);
    assert.equal(errors.length, 1);
    assert.deepEqual([errors[0]!.index, errors[0]!.offset, errors[0]!.severity], [1, a.length, 'warning']);
    assert.match(errors[0]!.reason, new RegExp(`in characters \\(${chars}\\) instead of bytes \\(${bad.length}\\)`));
    assert.match(errors[0]!.reasonVi, /tính theo ký tự/);
  });

  it('a missing terminator between records and at the end of the file', () => {
    const { records, errors } = readIso2709(concat(a.subarray(0, a.length - 1), b, c.subarray(0, c.length - 1)));
    assert.deepEqual(ids(records), ['A1', 'B2', 'C3']);
    assert.deepEqual(
      errors.map((e) => [e.index, e.severity]),
      [
        [0, 'warning'],
        [2, 'warning'],
      ],
    );
  });

  it('a truncated file: the cut record is rejected with its position, the earlier ones imported', () => {
    const { records, errors } = readIso2709(concat(a, b, c.subarray(0, 50)));
    assert.deepEqual(ids(records), ['A1', 'B2']);
    assert.equal(errors.length, 1);
    assert.deepEqual([errors[0]!.index, errors[0]!.offset, errors[0]!.severity], [2, a.length + b.length, 'error']);
    assert.match(errors[0]!.reason, /truncated/);
  });

  it('invalid UTF-8: read with U+FFFD and a warning naming the field', () => {
    const rec = buildRecord([
      ['001', 'X1'],
      ['245', new Uint8Array([0x31, 0x30, 0x1f, 0x61, 0x54, 0xc3, 0x28, 0x20, 0x2f])],
    ]);
    const { records, errors } = readIso2709(concat(a, rec));
    assert.equal(records.length, 2);
    assert.equal(subfield(records[1]!, '245', 'a'), 'T\uFFFD( /');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.reason, /invalid UTF-8 in 245 \$a/);
    assert.match(errors[0]!.reasonVi, /UTF-8/);
  });

  it('a UTF-8 file whose leader says MARC-8: read as UTF-8, and said so', () => {
    const rec = buildRecord([
      ['001', 'V1'],
      ['245', df('10', ['a', 'Dế Mèn phiêu lưu ký /'])],
    ], ' ');
    const { records, errors } = readIso2709(rec);
    assert.equal(subfield(records[0]!, '245', 'a'), 'Dế Mèn phiêu lưu ký /');
    assert.equal(records[0]!.encoding, 'utf8');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.reason, /leader\/09 says MARC-8 but the text is UTF-8/);
    assert.match(errors[0]!.reasonVi, /MARC-8.*UTF-8/);
    // Written back, the leader tells the truth.
    assert.equal(String.fromCharCode(writeIso2709(records[0]!)[9]!), 'a');
  });

  it('a record with a leader and no fields is rejected (pymarc NoFieldsFound)', () => {
    const empty = Buffer.from('00026     2200025   4500\x1e\x1d', 'latin1');
    const { records, errors } = readIso2709(concat(a, empty, b));
    assert.deepEqual(ids(records), ['A1', 'B2']);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.reason, /no fields/);
  });
});
