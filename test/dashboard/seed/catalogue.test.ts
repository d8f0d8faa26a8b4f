import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isValidLibraryBarcode, parseLibraryBarcode } from '#core/ids.ts';
import { readIso2709 } from '#core/marc/iso2709.ts';
import { bibSummary } from '#core/marc/summary.ts';
import { demoCatalogue, FIRST_GENERATED_ITEM_SERIAL } from '#server/seed/catalogue.ts';

const load = (p: string): Buffer => readFileSync(new URL(`../../../dashboard/seed-data/marc/${p}`, import.meta.url));

describe('dashboard/seed/catalogue demoCatalogue', () => {
  const vnBuf = load('vn-school/vn-school-utf8.mrc');
  const frBuf = load('evergreen/lul_fre_500.mrc');
  const cat = demoCatalogue(vnBuf, frBuf);
  const titleOf = (barcode: string): string => cat.records[cat.copies.find((c) => c.barcode === barcode)!.recordIndex]!.title;
  const vnCopies = cat.copies.filter((c) => cat.records[c.recordIndex]!.sourceFile === 'vn-school-utf8.mrc');
  const frCopies = cat.copies.filter((c) => cat.records[c.recordIndex]!.sourceFile === 'lul_fre_500.mrc');

  it('has the 15 + 500 records and reads both files without problems', () => {
    assert.equal(cat.records.length, 515);
    assert.equal(cat.records.filter((r) => r.sourceFile === 'vn-school-utf8.mrc').length, 15);
    assert.deepEqual(cat.problems, []);
    assert.equal(cat.records[0]!.title, 'Dế Mèn phiêu lưu ký');
  });

  it('keeps each record’s original bytes, which read back to the same summary', () => {
    for (const i of [0, 10, 15, 514]) {
      const r = cat.records[i]!;
      const again = readIso2709(r.marc);
      assert.deepEqual(again.errors, []);
      const { marc: _m, sourceFile: _s, ...summary } = r;
      assert.deepEqual(bibSummary(again.records[0]!), summary);
    }
  });

  it('makes one copy per 952 $p of the vn-school file, with its own barcode', () => {
    assert.equal(vnCopies.length, 29);
    assert.ok(vnCopies.every((c) => !c.generated));
    assert.ok(frCopies.every((c) => c.generated));
    assert.equal(titleOf('30001000000101'), 'Dế Mèn phiêu lưu ký');
    assert.ok(vnCopies.every((c) => isValidLibraryBarcode(c.barcode)));
  });

  it('puts Tiếng Việt 1, Toán 6 and English 6 in the textbook collection', () => {
    const textbooks = vnCopies.filter((c) => c.collection === 'textbook');
    assert.deepEqual(
      [...new Set(textbooks.map((c) => cat.records[c.recordIndex]!.title))],
      ['Tiếng Việt 1', 'Toán 6', 'English 6 : student’s book'],
    );
    assert.equal(textbooks.length, 12);
    assert.ok(textbooks.every((c) => c.accession.startsWith('SGK.')));
  });

  it('keeps Truyện cổ tích Việt Nam in the library and lets every other vn-school copy circulate', () => {
    const refOnly = cat.copies.filter((c) => c.referenceOnly);
    assert.deepEqual(
      refOnly.map((c) => cat.records[c.recordIndex]!.title),
      ['Truyện cổ tích Việt Nam'],
    );
    const others = vnCopies.filter((c) => c.collection !== 'textbook' && !c.referenceOnly);
    assert.equal(others.length, 29 - 12 - 1);
    assert.ok(others.every((c) => c.collection === 'children' || c.collection === 'reference'));
    assert.equal(vnCopies.find((c) => c.barcode === '30001000000101')!.collection, 'children');
    assert.ok(others.filter((c) => c.collection === 'children').every((c) => c.accession.startsWith('TN.')));
  });

  it('gives the 500 French records 1–2 copies with valid generated item barcodes from serial 500000', () => {
    const perRecord = new Map<number, number>();
    for (const c of frCopies) perRecord.set(c.recordIndex, (perRecord.get(c.recordIndex) ?? 0) + 1);
    assert.equal(perRecord.size, 500);
    assert.ok([...perRecord.values()].every((n) => n === 1 || n === 2));
    assert.ok([...perRecord.values()].some((n) => n === 2));
    frCopies.forEach((c, i) => {
      const parsed = parseLibraryBarcode(c.barcode)!;
      assert.equal(parsed.type, 'item');
      assert.equal(parsed.institution, '0001');
      assert.equal(parsed.serial, FIRST_GENERATED_ITEM_SERIAL + i);
      assert.ok(c.collection === 'general' || c.collection === 'reference');
      assert.equal(c.referenceOnly, false);
      assert.match(c.accession, /^STK\.\d{6}$/);
    });
    const refShare = frCopies.filter((c) => c.collection === 'reference').length / frCopies.length;
    assert.ok(refShare > 0.05 && refShare < 0.3);
  });

  it('has unique barcodes and accession numbers, in the documented formats', () => {
    assert.equal(new Set(cat.copies.map((c) => c.barcode)).size, cat.copies.length);
    assert.equal(new Set(cat.copies.map((c) => c.accession)).size, cat.copies.length);
    assert.ok(cat.copies.every((c) => /^(SGK|TN|STK)\.\d{6}$/.test(c.accession)));
  });

  it('is deterministic and honours another institution code for generated barcodes', () => {
    assert.deepEqual(demoCatalogue(vnBuf, frBuf).copies, cat.copies);
    const other = demoCatalogue(vnBuf, frBuf, '0042');
    const gen = other.copies.filter((c) => other.records[c.recordIndex]!.sourceFile === 'lul_fre_500.mrc');
    assert.ok(gen.every((c) => parseLibraryBarcode(c.barcode)!.institution === '0042'));
  });
});
