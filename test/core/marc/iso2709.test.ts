import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  controlField,
  isDataField,
  readIso2709,
  subfield,
  subfields,
  type MarcRecord,
} from '../../../core/marc/iso2709.ts';
import { buildRecord, concat, df, simpleRecord } from './build-record.ts';

const dir = new URL('../../../dashboard/seed-data/marc/', import.meta.url);
const load = (p: string): Buffer => readFileSync(new URL(p, dir));

const title = (r: MarcRecord): string | undefined => subfield(r, '245', 'a');

describe('core/marc/iso2709 readIso2709', () => {
  describe('bundled files', () => {
    it('reads the 15 UTF-8 vn-school records without a problem', () => {
      const { records, errors } = readIso2709(load('vn-school/vn-school-utf8.mrc'));
      assert.equal(records.length, 15);
      assert.deepEqual(errors, []);
      assert.equal(controlField(records[0]!, '001'), 'VNTHCS000001');
      assert.equal(title(records[0]!), 'Dế Mèn phiêu lưu ký /');
      assert.equal(subfield(records[0]!, '100', 'a'), 'Tô Hoài');
      assert.deepEqual(subfields(records[0]!, '952', 'p'), ['30001000000101', '30001000000119', '30001000000127']);
      assert.deepEqual(records[0]!.source, { index: 0, offset: 0, length: 1165 });
    });

    it('uses byte lengths: record 11 is 3,771 bytes but 2,949 characters', () => {
      const buf = load('vn-school/vn-school-utf8.mrc');
      const { records } = readIso2709(buf);
      const r11 = records[10]!;
      assert.equal(r11.source!.length, 3771);
      assert.equal(r11.leader.slice(0, 5), '03771');
      const raw = buf.subarray(r11.source!.offset, r11.source!.offset + r11.source!.length);
      assert.equal(raw.toString('utf8').length, 2949);
      assert.equal(title(r11), 'Cho tôi xin một vé đi tuổi thơ /');
    });

    it('normalises the NFD record 12 to NFC, equal to record 2', () => {
      const buf = load('vn-school/vn-school-utf8.mrc');
      const { records } = readIso2709(buf);
      const r12 = records[11]!;
      // The file really holds decomposed text …
      const raw = buf.subarray(r12.source!.offset, r12.source!.offset + r12.source!.length).toString('utf8');
      assert.notEqual(raw, raw.normalize('NFC'));
      // … and the reader hands out composed text.
      assert.equal(title(r12), title(records[1]!));
      assert.equal(title(r12), 'Tôi thấy hoa vàng trên cỏ xanh :');
      const all = JSON.stringify(records.map((r) => r.fields));
      assert.equal(all, all.normalize('NFC'));
    });

    it('reads the MARC-8 twin with the same text, field for field, after NFC', () => {
      const utf8 = readIso2709(load('vn-school/vn-school-utf8.mrc'));
      const marc8 = readIso2709(load('vn-school/vn-school-marc8.mrc'));
      assert.equal(marc8.records.length, 15);
      assert.deepEqual(marc8.errors, []);
      for (let i = 0; i < 15; i++) {
        assert.equal(marc8.records[i]!.leader[9], ' ');
        assert.deepEqual(marc8.records[i]!.fields, utf8.records[i]!.fields, `record ${i + 1}`);
      }
      // ơ, ư, Đ and stacked diacritics (ế, ộ) come from ANSEL; ’ from a numeric character reference.
      assert.equal(title(marc8.records[0]!), 'Dế Mèn phiêu lưu ký /');
      assert.equal(subfield(marc8.records[0]!, '264', 'b'), 'Kim Đồng,');
      assert.equal(subfield(marc8.records[9]!, '245', 'b'), 'student’s book /');
    });

    it('reads the 500 French MARC-8 records of lul_fre_500 with their accents', () => {
      const { records, errors } = readIso2709(load('evergreen/lul_fre_500.mrc'));
      assert.equal(records.length, 500);
      assert.deepEqual(errors, []);
      assert.equal(title(records[0]!), "L'autre monde, mythes et légendes :");
      assert.equal(subfield(records[0]!, '100', 'a'), 'Félice, Philippe de.');
      assert.equal(title(records[2]!), "Le Père Antoine Lavalette à la Martinique, d'après beaucoup de documents inédits /");
      const all = JSON.stringify(records.map((r) => r.fields));
      assert.ok(!all.includes('\uFFFD'), 'no replacement characters');
      assert.equal(all, all.normalize('NFC'));
      assert.ok(all.includes('é') && all.includes('è') && all.includes('ç') && all.includes('œ'));
      // One record has no 001; the reader does not invent one.
      assert.equal(records.filter((r) => controlField(r, '001') === undefined).length, 1);
    });

    it('keeps data fields apart from control fields', () => {
      const { records } = readIso2709(load('vn-school/vn-school-utf8.mrc'));
      const f245 = records[0]!.fields.find((f) => f.tag === '245')!;
      assert.ok(isDataField(f245));
      assert.equal(f245.ind1, '1');
      assert.equal(f245.ind2, '0');
      assert.deepEqual(
        f245.subfields.map((s) => s.code),
        ['a', 'c'],
      );
      const f008 = records[0]!.fields.find((f) => f.tag === '008')!;
      assert.ok(!isDataField(f008));
    });
  });

  describe('broken bundled files', () => {
    it('bad_char_count_length: reads the record and warns that the length counts characters', () => {
      const { records, errors } = readIso2709(load('vn-school/bad_char_count_length.mrc'));
      const good = readIso2709(load('vn-school/vn-school-utf8.mrc')).records[0]!;
      assert.equal(records.length, 1);
      assert.deepEqual(records[0]!.fields, good.fields);
      assert.equal(errors.length, 1);
      assert.equal(errors[0]!.severity, 'warning');
      assert.equal(errors[0]!.index, 0);
      assert.equal(errors[0]!.offset, 0);
      assert.match(errors[0]!.reason, /characters \(1103\) instead of bytes \(1165\)/);
    });

    it('bad_missing_record_terminator: reads both records and warns about the first', () => {
      const { records, errors } = readIso2709(load('vn-school/bad_missing_record_terminator.mrc'));
      assert.equal(records.length, 2);
      assert.equal(controlField(records[0]!, '001'), 'VNTHCS000001');
      assert.equal(controlField(records[1]!, '001'), 'VNTHCS000002');
      assert.equal(errors.length, 1);
      assert.equal(errors[0]!.severity, 'warning');
      assert.equal(errors[0]!.index, 0);
      assert.match(errors[0]!.reason, /no record terminator/);
      assert.equal(records[1]!.source!.offset, 1164);
    });

    it('bad_truncated: reports the cut record with its position and reads nothing', () => {
      const { records, errors } = readIso2709(load('vn-school/bad_truncated.mrc'));
      assert.equal(records.length, 0);
      assert.equal(errors.length, 1);
      assert.deepEqual(
        { index: errors[0]!.index, offset: errors[0]!.offset, severity: errors[0]!.severity },
        { index: 0, offset: 0, severity: 'error' },
      );
      assert.match(errors[0]!.reason, /ends in the middle of this record.*1165 bytes.*582/);
    });
  });

  describe('synthetic defects', () => {
    const a = simpleRecord('A1', 'Tắt đèn');
    const b = simpleRecord('B2', 'Số đỏ');
    const c = simpleRecord('C3', 'Chí Phèo');

    it('skips a byte-order mark and CR LF between records', () => {
      const crlf = Uint8Array.from([0x0d, 0x0a]);
      const bom = Uint8Array.from([0xef, 0xbb, 0xbf]);
      const { records, errors } = readIso2709(concat(bom, a, crlf, b, crlf, c, crlf));
      assert.deepEqual(errors, []);
      assert.deepEqual(records.map(title), ['Tắt đèn /', 'Số đỏ /', 'Chí Phèo /']);
      assert.equal(records[1]!.source!.offset, 3 + a.length + 2);
    });

    it('reads a last record without its terminator, with a warning', () => {
      const { records, errors } = readIso2709(concat(a, b.subarray(0, b.length - 1)));
      assert.equal(records.length, 2);
      assert.equal(errors.length, 1);
      assert.equal(errors[0]!.index, 1);
      assert.equal(errors[0]!.offset, a.length);
      assert.equal(errors[0]!.severity, 'warning');
    });

    it('skips a record cut short in the middle of a file and reads the next one', () => {
      const { records, errors } = readIso2709(concat(a, b.subarray(0, 60), c));
      assert.deepEqual(records.map((r) => controlField(r, '001')), ['A1', 'C3']);
      assert.equal(errors.length, 1);
      assert.equal(errors[0]!.severity, 'error');
      assert.equal(errors[0]!.index, 1);
      assert.equal(errors[0]!.offset, a.length);
      assert.equal(records[1]!.source!.index, 2);
    });

    it('rejects a record whose base address is not a number, and carries on', () => {
      const bad = Uint8Array.from(b);
      bad[13] = 0x78; // 'x'
      const { records, errors } = readIso2709(concat(a, bad, c));
      assert.deepEqual(records.map((r) => controlField(r, '001')), ['A1', 'C3']);
      assert.equal(errors.length, 1);
      assert.match(errors[0]!.reason, /base address.*not a number/);
      assert.equal(errors[0]!.index, 1);
    });

    it('rejects a base address beyond the record and a directory that is not whole entries', () => {
      const past = Uint8Array.from(b);
      past.set(new TextEncoder().encode('99999'), 12);
      const { errors: e1 } = readIso2709(concat(past));
      assert.match(e1[0]!.reason, /beyond the end of the record/);

      // Insert a stray byte into the directory and move the base address and length to match.
      const rec = Buffer.from(buildRecord([['001', 'X'], ['245', df('10', ['a', 'T'])]]));
      const base = Number(rec.toString('latin1', 12, 17));
      const longer = Buffer.concat([rec.subarray(0, base - 1), Buffer.from('0'), rec.subarray(base - 1)]);
      longer.write(String(rec.length + 1).padStart(5, '0'), 0, 'latin1');
      longer.write(String(base + 1).padStart(5, '0'), 12, 'latin1');
      const { records, errors: e2 } = readIso2709(longer);
      assert.equal(records.length, 0);
      assert.match(e2[0]!.reason, /not a whole number of 12-byte entries/);

      const lenBroken = Buffer.from(rec);
      lenBroken[27] = 0x3f; // '?' in the 001 entry's length
      assert.match(readIso2709(lenBroken).errors[0]!.reason, /directory entry 1 \(tag 001\).*not a number/);
    });

    it('rejects non-ASCII in the directory', () => {
      const bad = Uint8Array.from(a);
      bad[30] = 0xc3;
      const { records, errors } = readIso2709(concat(bad, b));
      assert.equal(records.length, 1);
      assert.match(errors[0]!.reason, /not plain ASCII/);
    });

    it('falls back to field terminators when the directory lengths count characters', () => {
      // Rewrite the 245 entry's length as its character count instead of its byte count.
      const rec = simpleRecord('D4', 'Đất rừng phương Nam');
      const text = Buffer.from(rec).toString('latin1');
      const base = Number(text.slice(12, 17));
      const entries = text.slice(24, base - 1);
      const e245 = entries.indexOf('245');
      const bytes = Number(entries.slice(e245 + 3, e245 + 7));
      const body = Buffer.from(rec).subarray(base).toString('utf8');
      const chars = body.split('\x1e')[1]!.length + 1;
      assert.notEqual(chars, bytes);
      const patched = Buffer.from(rec);
      patched.write(String(chars).padStart(4, '0'), 24 + e245 + 3, 'latin1');
      const { records, errors } = readIso2709(patched);
      assert.equal(records.length, 1);
      assert.equal(title(records[0]!), 'Đất rừng phương Nam /');
      assert.equal(errors[0]!.severity, 'warning');
      assert.match(errors[0]!.reason, /field terminators/);
    });

    it('reports invalid UTF-8 and keeps the record with replacement characters', () => {
      const rec = buildRecord([
        ['001', 'E5'],
        ['245', concat(new TextEncoder().encode('10\x1faCa'), Uint8Array.from([0xc3, 0x28]), new TextEncoder().encode(' dao'))],
      ]);
      const { records, errors } = readIso2709(concat(rec));
      assert.equal(records.length, 1);
      assert.equal(title(records[0]!), 'Ca\uFFFD( dao');
      assert.equal(errors[0]!.severity, 'warning');
      assert.match(errors[0]!.reason, /invalid UTF-8 in 245 \$a/);
    });

    it('reads UTF-8 text in a record whose leader/09 wrongly says MARC-8, with a warning', () => {
      const rec = buildRecord([['001', 'F6'], ['245', df('10', ['a', 'Lão Hạc'])]], ' ');
      const { records, errors } = readIso2709(concat(rec));
      assert.equal(title(records[0]!), 'Lão Hạc');
      assert.match(errors[0]!.reason, /leader\/09 says MARC-8 but the text is UTF-8/);
    });

    it('decodes MARC-8 when leader/09 is blank', () => {
      // "Vợ nhặt" in MARC-8: ơ = 0xBC, dot below (0xF2) and circumflex precede their letters.
      const marc8 = Uint8Array.from([...Buffer.from('10\x1faV', 'latin1'), 0xf2, 0xbc, 0x20, 0x6e, 0x68, 0xf2, 0xe6, 0x61, 0x74]);
      const rec = buildRecord([['001', 'G7'], ['245', marc8]], ' ');
      const { records, errors } = readIso2709(concat(rec));
      assert.deepEqual(errors, []);
      assert.equal(title(records[0]!), 'Vợ nhặt');
    });

    it('reports trailing garbage and an empty input calmly', () => {
      assert.deepEqual(readIso2709(Buffer.alloc(0)), { records: [], errors: [] });
      assert.deepEqual(readIso2709(Buffer.from('\r\n\r\n')), { records: [], errors: [] });
      const { records, errors } = readIso2709(concat(a, Buffer.from('garbage')));
      assert.equal(records.length, 1);
      assert.equal(errors.length, 1);
      assert.equal(errors[0]!.severity, 'error');
      assert.equal(errors[0]!.offset, a.length);
    });

    it('warns when the leader length is wrong but the directory proves the record whole', () => {
      const rec = Buffer.from(simpleRecord('H8', 'Bỉ vỏ'));
      rec.write('00010', 0, 'latin1');
      const { records, errors } = readIso2709(rec);
      assert.equal(records.length, 1);
      assert.match(errors[0]!.reason, /says the record is 10 bytes long/);
    });
  });

  describe('helpers', () => {
    const rec = readIso2709(
      buildRecord([
        ['001', 'X'],
        ['650', df(' 7', ['a', 'Văn học thiếu nhi'], ['2', 'Bộ TK TVQG'])],
        ['650', df(' 7', ['a', 'Truyện dài'])],
      ]),
    ).records[0]!;

    it('subfield gives the first value, subfields all of them, undefined/[] when absent', () => {
      assert.equal(subfield(rec, '650', 'a'), 'Văn học thiếu nhi');
      assert.deepEqual(subfields(rec, '650', 'a'), ['Văn học thiếu nhi', 'Truyện dài']);
      assert.equal(subfield(rec, '650', 'x'), undefined);
      assert.deepEqual(subfields(rec, '245', 'a'), []);
      assert.equal(subfield(rec, '001', 'a'), undefined);
      assert.equal(controlField(rec, '001'), 'X');
    });
  });
});
