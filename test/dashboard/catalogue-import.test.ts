// Catalogue import into a real SQLite file: every MARC fixture with the counts its documentation
// gives, matching and updating, copies from holdings, cancel, the import-runs table, and export.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '#core/node/sqlite.ts';
import { controlField, readIso2709 } from '#core/marc/iso2709.ts';
import { readMarcXml } from '#core/marc/marcxml.ts';
import { MIGRATIONS } from '#server/db/migrations.ts';
import { detectFormat, importMarc, normaliseIsbn, parsePrice, type ImportProgress } from '#server/catalogue/import.ts';
import { exportCatalogueBytes } from '#server/catalogue/export.ts';

const FIXTURES = new URL('../fixtures/marc/', import.meta.url);
const fixture = (p: string): Buffer => readFileSync(new URL(p, FIXTURES));
const expected = JSON.parse(readFileSync(new URL('expected.json', FIXTURES), 'utf8')) as {
  files: Record<string, { format: 'iso2709' | 'marcxml'; read: number; accepted: number; rejected: number; warned?: boolean; source: string }>;
};

describe('dashboard/catalogue import', function () {
  // Real database files with synchronous = FULL, on a machine other work shares.
  this.timeout(120000);
  let dir: string;
  const dbs: Db[] = [];
  const freshDb = (name: string): Db => {
    const db = openDatabase(join(dir, `${name.replace(/[^\w.-]/g, '_')}.sqlite`), MIGRATIONS);
    dbs.push(db);
    return db;
  };
  const count = (db: Db, sql: string, ...args: unknown[]): number => (db.prepare(sql).get(...args) as { n: number }).n;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'openshelf-import-'));
  });
  after(() => {
    for (const db of dbs) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('every fixture, with the counts from its documentation (test/fixtures/marc/expected.json)', () => {
    for (const [file, e] of Object.entries(expected.files)) {
      it(`${file}: read ${e.read}, accepted ${e.accepted}, rejected ${e.rejected}`, async () => {
        const db = freshDb(file);
        const r = await importMarc(db, fixture(file), { fileName: file });
        assert.equal(r.status, 'done');
        assert.equal(r.format, e.format);
        assert.equal(r.read, e.read);
        assert.equal(r.imported + r.updated, e.accepted);
        assert.equal(r.rejected, e.rejected);
        // The database holds exactly the new records (an update within one file replaces a row).
        assert.equal(count(db, 'SELECT COUNT(*) AS n FROM records'), r.imported);
        // Each rejected record is named with its position and a reason in both languages.
        const errors = r.problems.filter((p) => p.severity === 'error');
        assert.equal(errors.length, e.rejected);
        for (const p of errors) {
          assert.ok(p.record >= 1 && p.record <= e.read);
          assert.ok(p.offset >= 0);
          assert.ok(p.vi.length > 0 && p.en.length > 0 && p.vi !== p.en);
        }
        if (e.warned) assert.ok(r.problems.some((p) => p.severity === 'warning'), 'the documented defect is reported');
        // The run is kept with the same figures and the report.
        const run = db.prepare('SELECT * FROM import_runs WHERE id = ?').get(r.runId) as Record<string, unknown>;
        assert.deepEqual(
          [run.status, run.read, run.imported, run.updated, run.rejected, run.file_name],
          ['done', r.read, r.imported, r.updated, r.rejected, file],
        );
        assert.equal((JSON.parse(run.report as string) as { problems: unknown[] }).problems.length, r.problems.length);
        // Stored text is NFC.
        const titles = (db.prepare('SELECT title, author FROM records').all() as { title: string; author: string | null }[]).map((x) => x.title + (x.author ?? ''));
        assert.equal(titles.join('|'), titles.join('|').normalize('NFC'));
      });
    }
  });

  it('the bad_records.mrc report: records 2–7 rejected at their byte offsets, in order', async () => {
    const r = await importMarc(freshDb('bad-records-order'), fixture('pymarc/bad_records.mrc'));
    assert.deepEqual(
      r.problems.map((p) => [p.record, p.offset]),
      [
        [2, 127],
        [3, 254],
        [4, 381],
        [5, 509],
        [6, 637],
        [7, 764],
      ],
    );
    assert.match(r.problems[0]!.vi, /địa chỉ bắt đầu dữ liệu \(99937\)/);
    assert.match(r.problems[5]!.en, /no fields/);
  });

  it('the same 15 records in UTF-8, MARC-8 and MARCXML: imported once, then matched and updated', async () => {
    const db = freshDb('vn-three-ways');
    const a = await importMarc(db, fixture('vn-school/vn-school-utf8.mrc'));
    assert.deepEqual([a.imported, a.updated], [15, 0]);
    const copies = count(db, 'SELECT COUNT(*) AS n FROM copies');
    assert.ok(copies > 15);
    const storedUtf8 = db.prepare('SELECT control_number AS cn, marc FROM records ORDER BY id').all() as { cn: string; marc: Buffer }[];
    const b = await importMarc(db, fixture('vn-school/vn-school-marc8.mrc'));
    assert.deepEqual([b.imported, b.updated, b.copiesAdded, b.copiesUpdated], [0, 15, 0, copies]);
    const c = await importMarc(db, fixture('vn-school/vn-school.xml'));
    assert.deepEqual([c.imported, c.updated, c.copiesAdded], [0, 15, 0]);
    assert.equal(count(db, 'SELECT COUNT(*) AS n FROM records'), 15);
    assert.equal(count(db, 'SELECT COUNT(*) AS n FROM copies'), copies);
    // The MARC-8 file stored as the very same UTF-8 NFC record; its own bytes kept beside it.
    const after = db.prepare('SELECT control_number AS cn, marc FROM records ORDER BY id').all() as { cn: string; marc: Buffer }[];
    assert.deepEqual(after, storedUtf8);
    assert.equal(count(db, 'SELECT COUNT(*) AS n FROM records WHERE marc_source IS NULL'), 15, 'the XML import left no source bytes');
  });

  it('matches by ISBN when the control number differs', async () => {
    const db = freshDb('isbn-match');
    await importMarc(db, fixture('vn-school/vn-school-utf8.mrc'));
    const first = readIso2709(fixture('vn-school/vn-school-utf8.mrc')).records[0]!;
    const f001 = first.fields.find((f) => f.tag === '001')!;
    (f001 as { value: string }).value = 'OTHER-SYSTEM-42';
    const { writeIso2709 } = await import('#core/marc/write.ts');
    const r = await importMarc(db, writeIso2709(first));
    assert.deepEqual([r.imported, r.updated], [0, 1]);
    assert.equal(count(db, 'SELECT COUNT(*) AS n FROM records WHERE control_number = ?', 'OTHER-SYSTEM-42'), 1);
  });

  it('copies come from 952: barcode, accession, call number, price; replicas get change rows; search text is folded', async () => {
    const db = freshDb('copies');
    const r = await importMarc(db, fixture('vn-school/vn-school-utf8.mrc'));
    const copy = db
      .prepare(
        `SELECT c.barcode, c.accession, c.call_number AS callNumber, c.price, c.status, r.title, r.search_text AS search
         FROM copies c JOIN records r ON r.id = c.record_id WHERE c.barcode = ?`,
      )
      .get('30001000000101') as Record<string, unknown>;
    assert.deepEqual(copy, {
      barcode: '30001000000101',
      accession: '30001000000101',
      callNumber: '895.9223',
      price: 50000,
      status: 'on_shelf',
      title: 'Dế Mèn phiêu lưu ký',
      search: copy.search,
    });
    assert.match(copy.search as string, /^de men phieu luu ky to hoai/);
    assert.equal(count(db, `SELECT COUNT(*) AS n FROM changes WHERE entity = 'item'`), r.copiesAdded);
    const change = db.prepare(`SELECT data FROM changes WHERE entity = 'item' AND key = ?`).get('30001000000101') as { data: string };
    assert.deepEqual(JSON.parse(change.data), { barcode: '30001000000101', title: 'Dế Mèn phiêu lưu ký', collection: 'general', referenceOnly: false, status: 'on_shelf' });
  });

  it('a barcode that already belongs to another title is not moved: the copy is skipped with a warning', async () => {
    const db = freshDb('barcode-clash');
    await importMarc(db, fixture('vn-school/vn-school-utf8.mrc'));
    const first = readIso2709(fixture('vn-school/vn-school-utf8.mrc')).records[0]!;
    first.fields = first.fields.filter((f) => !['001', '020'].includes(f.tag));
    (first.fields.find((f) => f.tag === '245') as { subfields: { code: string; value: string }[] }).subfields = [{ code: 'a', value: 'Một cuốn khác' }];
    const { writeIso2709 } = await import('#core/marc/write.ts');
    const r = await importMarc(db, writeIso2709(first));
    assert.deepEqual([r.imported, r.copiesAdded], [1, 0]);
    assert.ok(r.problems.some((p) => p.severity === 'warning' && /30001000000101 already belongs to a copy of "Dế Mèn phiêu lưu ký"/.test(p.en)));
    assert.equal(count(db, `SELECT COUNT(*) AS n FROM copies c JOIN records r ON r.id = c.record_id WHERE c.barcode = '30001000000101' AND r.title = 'Dế Mèn phiêu lưu ký'`), 1);
  });

  it('cancel mid-import: whole batches only, the run says cancelled, no half record', async () => {
    const db = freshDb('cancel');
    const abort = new AbortController();
    const seen: ImportProgress[] = [];
    const r = await importMarc(db, fixture('vn-school/vn-school-utf8.mrc'), {
      batchSize: 4,
      signal: abort.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.done >= 8) abort.abort();
      },
    });
    assert.equal(r.status, 'cancelled');
    assert.deepEqual([r.imported, r.notProcessed], [8, 7]);
    assert.deepEqual(
      seen.map((p) => p.done),
      [0, 4, 8],
    );
    assert.equal(count(db, 'SELECT COUNT(*) AS n FROM records'), 8);
    // Every stored record has all the copies its MARC holds, and nothing else exists.
    const rows = db.prepare('SELECT id, marc FROM records').all() as { id: number; marc: Buffer }[];
    let expectCopies = 0;
    for (const row of rows) {
      const rec = readIso2709(row.marc).records[0]!;
      const barcodes = new Set(rec.fields.filter((f) => f.tag === '952' && 'subfields' in f).map((f) => (f as { subfields: { code: string; value: string }[] }).subfields.find((s) => s.code === 'p')!.value));
      assert.equal(count(db, 'SELECT COUNT(*) AS n FROM copies WHERE record_id = ?', row.id), barcodes.size, `record ${controlField(rec, '001')}`);
      expectCopies += barcodes.size;
    }
    assert.equal(count(db, 'SELECT COUNT(*) AS n FROM copies'), expectCopies);
    const run = db.prepare('SELECT status, imported FROM import_runs WHERE id = ?').get(r.runId);
    assert.deepEqual(run, { status: 'cancelled', imported: 8 });
    // Importing again finishes the job: the 8 are matched, the other 7 are new.
    const again = await importMarc(db, fixture('vn-school/vn-school-utf8.mrc'));
    assert.deepEqual([again.imported, again.updated], [7, 8]);
  });

  it('an empty or non-MARC file: nothing read, reported', async () => {
    const db = freshDb('empty');
    const empty = await importMarc(db, Buffer.alloc(0));
    assert.deepEqual([empty.read, empty.imported, empty.rejected], [0, 0, 0]);
    const junk = await importMarc(db, Buffer.from('Họ và tên,Lớp\nNguyễn Văn A,4A\n'));
    assert.deepEqual([junk.imported, junk.rejected], [0, 1]);
    assert.match(junk.problems[0]!.en, /complete record|not a number|leader/);
  });

  it('exports ISO 2709 and MARCXML that read back as the stored records (NFC records byte-identical to the file)', async () => {
    const db = freshDb('export');
    const file = fixture('vn-school/vn-school-utf8.mrc');
    await importMarc(db, file);
    await importMarc(db, fixture('evergreen/lul_fre_500.mrc'));
    const iso = exportCatalogueBytes(db, 'iso2709');
    const read = readIso2709(iso);
    assert.deepEqual(read.errors, []);
    assert.equal(read.records.length, 515);
    const original = readIso2709(file);
    for (let i = 0; i < 15; i++) {
      const o = original.records[i]!;
      const raw = file.subarray(o.source!.offset, o.source!.offset + o.source!.length);
      const out = iso.subarray(read.records[i]!.source!.offset, read.records[i]!.source!.offset + read.records[i]!.source!.length);
      if (i === 11) assert.notDeepEqual(out, raw, 'record 12 was NFD in the file and is NFC now');
      else assert.deepEqual(out, raw, `record ${i + 1}`);
    }
    const xml = readMarcXml(exportCatalogueBytes(db, 'marcxml'));
    assert.deepEqual(xml.errors, []);
    assert.deepEqual(
      xml.records.map((r) => r.fields),
      read.records.map((r) => r.fields),
    );
  });

  it('helpers: format detection, ISBN and price normalisation', () => {
    assert.equal(detectFormat(Buffer.from('\uFEFF  \n<?xml version="1.0"?>')), 'marcxml');
    assert.equal(detectFormat(fixture('vn-school/vn-school-utf8.mrc')), 'iso2709');
    assert.equal(normaliseIsbn('978-604-0-35127-2'), '9786040351272');
    assert.equal(normaliseIsbn('0-19-852663-6 (pbk.)'), '0198526636');
    assert.equal(normaliseIsbn('12'), null);
    assert.deepEqual(['50000', '50.000 đ', '50,000 VND', '1.250.000', 'miễn phí', undefined].map(parsePrice), [50000, 50000, 50000, 1250000, null, null]);
  });
});
