import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readIso2709 } from '../../../core/marc/iso2709.ts';
import { bibSummary, trimIsbd } from '../../../core/marc/summary.ts';
import { buildRecord, df } from './build-record.ts';

const load = (p: string): Buffer => readFileSync(new URL(`../../../dashboard/seed-data/marc/${p}`, import.meta.url));
const one = (fields: Parameters<typeof buildRecord>[0]) => bibSummary(readIso2709(buildRecord(fields)).records[0]!);

describe('core/marc/summary bibSummary', () => {
  const vn = readIso2709(load('vn-school/vn-school-utf8.mrc')).records.map(bibSummary);

  it('summarises "Dế Mèn phiêu lưu ký" with its three copies from 952', () => {
    assert.deepEqual(vn[0], {
      controlNumber: 'VNTHCS000001',
      title: 'Dế Mèn phiêu lưu ký',
      author: 'Tô Hoài',
      publisher: 'Kim Đồng',
      year: '2020',
      isbn: '9786041000018',
      ddc: '895.9223',
      holdings: [
        { barcode: '30001000000101', callNumber: '895.9223' },
        { barcode: '30001000000119', callNumber: '895.9223' },
        { barcode: '30001000000127', callNumber: '895.9223' },
      ],
    });
  });

  it('joins 245 $a and $b and trims the ISBD punctuation', () => {
    assert.equal(vn[1]!.title, 'Tôi thấy hoa vàng trên cỏ xanh : truyện dài');
    assert.equal(vn[9]!.title, 'English 6 : student’s book');
    assert.equal(vn[8]!.title, 'Lịch sử Việt Nam bằng tranh : Tập 1 : Thời Hùng Vương');
    assert.equal(vn[14]!.author, 'Rowling, J. K.');
  });

  it('gives the same summaries for the MARC-8 twin', () => {
    const m8 = readIso2709(load('vn-school/vn-school-marc8.mrc')).records.map(bibSummary);
    assert.deepEqual(m8, vn);
  });

  it('counts 29 copies in the vn-school file, every barcode distinct', () => {
    const barcodes = vn.flatMap((s) => s.holdings.map((h) => h.barcode));
    assert.equal(barcodes.length, 29);
    assert.equal(new Set(barcodes).size, 29);
  });

  it('summarises French MARC-8 records (260, 700 fallback)', () => {
    const fr = readIso2709(load('evergreen/lul_fre_500.mrc')).records.map(bibSummary);
    assert.equal(fr[0]!.title, "L'autre monde, mythes et légendes : le purgatoire de Saint Patrice");
    assert.equal(fr[0]!.author, 'Félice, Philippe de');
    assert.equal(fr[0]!.publisher, 'Champion');
    assert.equal(fr[0]!.year, '1906');
    assert.deepEqual(fr[0]!.holdings, []);
    assert.equal(fr[7]!.author, 'Bergaigne, Abel Henri Joseph', 'no 100: the first 700');
    assert.ok(fr.every((s) => s.title.length > 0));
  });

  it('falls back to 852 for copies, and to 008 for the year', () => {
    const s = one([
      ['001', ' X1 '],
      ['008', '250101s2019    vm a   j      000 1 vie d'],
      ['020', df('  ', ['a', '978-604-0-35127-2 (bìa mềm)'])],
      ['082', df('04', ['a', '895.922/3'])],
      ['110', df('2 ', ['a', 'Bộ Giáo dục và Đào tạo.'])],
      ['245', df('10', ['a', 'Sách giáo viên.'], ['n', 'Tập 2 /'])],
      ['260', df('  ', ['a', 'H. :'], ['b', 'Giáo dục,'], ['c', '[s.a.]'])],
      ['852', df('  ', ['h', '372.6'], ['i', 'S102'], ['p', '30001000009999'])],
    ]);
    assert.equal(s.controlNumber, 'X1');
    assert.equal(s.title, 'Sách giáo viên. Tập 2');
    assert.equal(s.author, 'Bộ Giáo dục và Đào tạo');
    assert.equal(s.publisher, 'Giáo dục');
    assert.equal(s.year, '2019');
    assert.equal(s.isbn, '978-604-0-35127-2');
    assert.equal(s.ddc, '895.9223');
    assert.deepEqual(s.holdings, [{ barcode: '30001000009999', callNumber: '372.6 S102' }]);
  });

  it('takes the accession number from 952 $i and prefers 264 _1 over other 264s', () => {
    const s = one([
      ['245', df('00', ['a', 'Toán 6'])],
      ['264', df(' 4', ['c', '©2020'])],
      ['264', df(' 1', ['b', 'Giáo dục Việt Nam,'], ['c', '2021'])],
      ['952', df('  ', ['p', '30001000000408'], ['i', 'SGK.000012'], ['o', '510.712'])],
      ['952', df('  ', ['i', 'no barcode'])],
    ]);
    assert.equal(s.publisher, 'Giáo dục Việt Nam');
    assert.equal(s.year, '2021');
    assert.deepEqual(s.holdings, [{ barcode: '30001000000408', accession: 'SGK.000012', callNumber: '510.712' }]);
    assert.equal(s.controlNumber, null);
    assert.equal(s.author, null);
  });

  it('trimIsbd keeps initials and ellipses', () => {
    assert.equal(trimIsbd('Dế Mèn phiêu lưu ký /'), 'Dế Mèn phiêu lưu ký');
    assert.equal(trimIsbd('Kim Đồng,'), 'Kim Đồng');
    assert.equal(trimIsbd('Hébert, Marcel,'), 'Hébert, Marcel');
    assert.equal(trimIsbd('Félice, Philippe de.'), 'Félice, Philippe de');
    assert.equal(trimIsbd('Lauras, M.'), 'Lauras, M.');
    assert.equal(trimIsbd('Hà Huy Khoái (tổng ch.b.) ...'), 'Hà Huy Khoái (tổng ch.b.) ...');
    assert.equal(trimIsbd(' = : ; '), '');
  });
});
