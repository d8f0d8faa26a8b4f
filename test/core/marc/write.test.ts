import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readIso2709, type MarcField, type MarcRecord } from '../../../core/marc/iso2709.ts';
import { MarcWriteError, writeIso2709, writeIso2709File } from '../../../core/marc/write.ts';
import { readMarcXml, writeMarcXml } from '../../../core/marc/marcxml.ts';
import { buildRecord, df } from './build-record.ts';

const dec = new TextDecoder();

// Valid MARC 21 records: control fields 001–009, data fields 010–999 with one-character
// indicators and subfield codes, values in NFC without the three ISO 2709 delimiters, and a
// leader whose byte-dependent positions the writer fills in.
const safeChar = fc
  .oneof(
    { weight: 6, arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789.,:;/-()[]&<>"\''.split('')) },
    { weight: 3, arbitrary: fc.constantFrom(...'ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐƯƠ'.split('')) },
    { weight: 1, arbitrary: fc.constantFrom('é', 'ç', 'ß', 'Ж', 'λ', '中', '文', '😀', '\u02BB', 'œ') },
  );
const text = (max: number) => fc.array(safeChar, { maxLength: max }).map((a) => a.join('').normalize('NFC'));
const tagNum = (min: number, max: number) => fc.integer({ min, max }).map((n) => String(n).padStart(3, '0'));
const indicator = fc.constantFrom(' ', '0', '1', '2', '4', '7', '9');
const code = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''));

const controlFieldArb: fc.Arbitrary<MarcField> = fc.tuple(tagNum(1, 9), text(40)).map(([tag, value]) => ({ tag, value }));
const dataFieldArb: fc.Arbitrary<MarcField> = fc.record({
  tag: tagNum(10, 999),
  ind1: indicator,
  ind2: indicator,
  subfields: fc.array(
    fc.tuple(code, text(60)).map(([c, value]) => ({ code: c, value })),
    { minLength: 1, maxLength: 6 },
  ),
}).map((f) => ({ tag: f.tag, ind1: f.ind1, ind2: f.ind2, subfields: f.subfields }));
const leaderArb = fc
  .tuple(
    fc.constantFrom('n', 'c', 'd', 'a', 'p'),
    fc.constantFrom('a', 'c', 'g', 'm', 't'),
    fc.constantFrom('m', 's', 'a', 'c'),
    fc.constantFrom(' ', 'a'),
    fc.constantFrom(' ', '1', '4', 'I', 'K'),
    fc.constantFrom(' ', 'a', 'c', 'i'),
  )
  .map(([status, type, level, control, encLevel, cat]) => `00000${status}${type}${level}${control}a2200000${encLevel}${cat} 4500`);
const recordArb: fc.Arbitrary<MarcRecord> = fc
  .tuple(leaderArb, fc.array(controlFieldArb, { maxLength: 4 }), fc.array(dataFieldArb, { minLength: 1, maxLength: 12 }))
  .map(([leader, c, d]) => ({ leader, fields: [...c, ...d] }));

describe('core/marc/write writeIso2709', function () {
  this.timeout(60000);
  it('writes a record byte for byte as the test builder lays it out', () => {
    const bytes = buildRecord([
      ['001', 'VN001'],
      ['245', df('10', ['a', 'Đất rừng phương Nam /'], ['c', 'Đoàn Giỏi'])],
      ['952', df('  ', ['p', '30001000000606'], ['g', '65000'])],
    ]);
    const rec = readIso2709(bytes).records[0]!;
    assert.deepEqual(Buffer.from(writeIso2709(rec)), Buffer.from(bytes));
  });

  it('property: write(read(x)) == x for generated valid UTF-8 records', () => {
    fc.assert(
      fc.property(recordArb, (rec) => {
        const bytes = writeIso2709(rec);
        const read = readIso2709(bytes);
        assert.deepEqual(read.errors, []);
        assert.equal(read.records.length, 1);
        const back = read.records[0]!;
        // The reader hands back exactly the fields …
        assert.deepEqual(back.fields, rec.fields);
        // … and writing them again gives the same bytes.
        assert.deepEqual(Buffer.from(writeIso2709(back)), Buffer.from(bytes));
        // Through MARCXML as well.
        const viaXml = readMarcXml(writeMarcXml([back]));
        assert.deepEqual(viaXml.errors, []);
        assert.deepEqual(Buffer.from(writeIso2709(viaXml.records[0]!)), Buffer.from(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('property: a file of several records reads back record by record', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 8 }), (recs) => {
        const file = writeIso2709File(recs);
        const read = readIso2709(file);
        assert.deepEqual(read.errors, []);
        assert.deepEqual(
          read.records.map((r) => r.fields),
          recs.map((r) => r.fields),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('recomputes lengths and the base address, and marks the record UTF-8 (leader/09 = a)', () => {
    const rec: MarcRecord = { leader: '99999cam  2299999 a 4500', fields: [{ tag: '001', value: 'x' }, { tag: '245', ind1: '0', ind2: '0', subfields: [{ code: 'a', value: 'Tiếng Việt 1' }] }] };
    const out = writeIso2709(rec);
    const leader = dec.decode(out.subarray(0, 24));
    assert.equal(leader.slice(0, 5), String(out.length).padStart(5, '0'));
    assert.equal(leader[9], 'a');
    assert.equal(leader.slice(12, 17), '00049');
    assert.equal(leader.slice(5, 9), 'cam ');
    assert.equal(out[out.length - 1], 0x1d);
  });

  it('refuses what ISO 2709 cannot carry, with a reason in both languages', () => {
    const base = (fields: MarcField[]): MarcRecord => ({ leader: '00000nam a2200000 i 4500', fields });
    const cases: [MarcRecord, RegExp][] = [
      [base([{ tag: '24', value: 'x' }]), /tag "24"/],
      [base([{ tag: '245', ind1: '1', ind2: '0', subfields: [{ code: 'a', value: 'a\x1eb' }] }]), /delimiter 0x1E/],
      [base([{ tag: '245', ind1: '10', ind2: '0', subfields: [] }]), /indicators/],
      [base([{ tag: '245', ind1: '1', ind2: '0', subfields: [{ code: 'a', value: 'x'.repeat(10000) }] }]), /over the ISO 2709 limit of 9,999/],
      [base(Array.from({ length: 12 }, () => ({ tag: '500', ind1: ' ', ind2: ' ', subfields: [{ code: 'a', value: 'y'.repeat(9000) }] }))), /over the ISO 2709 limit of 99,999/],
    ];
    for (const [rec, re] of cases) {
      assert.throws(
        () => writeIso2709(rec),
        (err: unknown) => err instanceof MarcWriteError && re.test(err.reason.en) && err.reason.vi.length > 0 && err.reason.vi !== err.reason.en,
      );
    }
  });
});
