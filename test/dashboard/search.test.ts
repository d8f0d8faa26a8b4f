/**
 * Catalogue search over a real SQLite file: the demo seed (the same MARC files and code the server
 * seeds with) plus records written the way the MARC importer writes them. The FTS index is kept by
 * migration 8's triggers, so nothing here calls an indexer.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '#core/node/sqlite.ts';
import { foldVietnamese } from '#core/fold.ts';
import { isValidIsbn10, normalizeIsbn } from '#core/ids.ts';
import { DEMO_CALENDAR } from '#core/demo-calendar.ts';
import { MIGRATIONS } from '#server/db/migrations.ts';
import { Library } from '#server/db/library.ts';
import { seedDemo } from '#server/seed/seed-db.ts';
import { CatalogueSearch, ftsQuery } from '#server/catalogue/search.ts';
import { quietLog } from '#test/school.ts';

/** Inserts a record as the importer does: search_text = folded title, author, publisher, ISBN and subjects. */
function importRecord(db: Db, r: { title: string; author?: string | null; isbn?: string | null; ddc?: string | null; subjects?: string[] }): number {
  const search = foldVietnamese([r.title, r.author, r.isbn, ...(r.subjects ?? [])].filter(Boolean).join(' '));
  const info = db
    .prepare(`INSERT INTO records (title, author, isbn, ddc, search_text) VALUES (?, ?, ?, ?, ?)`)
    .run(r.title, r.author ?? null, r.isbn ?? null, r.ddc ?? null, search);
  return Number(info.lastInsertRowid);
}

describe('catalogue search (FTS5 over the seeded demo school)', function () {
  this.timeout(60000);
  let dir: string;
  let db: Db;
  let search: CatalogueSearch;
  const titles = (q: string, limit = 20) => search.search(q, limit).hits.map((h) => h.title);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'openshelf-search-'));
    db = openDatabase(join(dir, 'library.sqlite'), MIGRATIONS);
    seedDemo(db, { dataDir: dir, institution: '0001', now: new Date('2026-11-20T03:00:00Z'), calendar: DEMO_CALENDAR, log: quietLog });
    search = new CatalogueSearch(db);
  });
  after(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs on a SQLite with FTS5', () => {
    assert.equal((db.prepare(`SELECT sqlite_compileoption_used('ENABLE_FTS5') AS f`).get() as { f: number }).f, 1);
    assert.equal((db.prepare(`SELECT COUNT(*) AS n FROM catalogue_fts`).get() as { n: number }).n, 515);
  });

  it('finds "Đất rừng phương Nam" from "dat rung", without marks and without đ', () => {
    assert.equal(titles('dat rung')[0], 'Đất rừng phương Nam');
    assert.equal(titles('Đất rừng')[0], 'Đất rừng phương Nam');
    assert.equal(titles('ĐẤT RỪNG PHƯƠNG NAM')[0], 'Đất rừng phương Nam');
    // Decomposed input (a Mac, some IMEs) and the CP1258-as-CP1252 ð fold alike.
    assert.equal(titles('Đất rừng'.normalize('NFD'))[0], 'Đất rừng phương Nam');
    assert.equal(titles('ðat rung')[0], 'Đất rừng phương Nam');
  });

  it('folds đ in the author too: "doan gioi" finds Đoàn Giỏi', () => {
    const hits = search.search('doan gioi').hits;
    assert.equal(hits[0]?.title, 'Đất rừng phương Nam');
    assert.equal(hits[0]?.author, 'Đoàn, Giỏi');
  });

  it('matches every word as a prefix, as the librarian types', () => {
    for (const typed of ['dat r', 'dat ru', 'dat run', 'dat rung p', 'đất rừng phươ']) {
      assert.equal(titles(typed)[0], 'Đất rừng phương Nam', `typed "${typed}"`);
    }
    assert.ok(titles('de m').includes('Dế Mèn phiêu lưu ký'));
    // Every word must match: a word that is in no title of the record empties the result.
    assert.deepEqual(titles('dat rung harry'), []);
  });

  it('finds by author ("nguyen nhat anh": three books, title words rank first)', () => {
    const t = titles('nguyen nhat anh');
    assert.equal(t.length, 3);
    assert.deepEqual(new Set(t), new Set(['Tôi thấy hoa vàng trên cỏ xanh : truyện dài', 'Cho tôi xin một vé đi tuổi thơ']));
    assert.equal(titles('to hoai')[0], 'Dế Mèn phiêu lưu ký');
  });

  it('finds by subject through the search text the importer writes', () => {
    const id = importRecord(db, { title: 'Bí mật hồ cá thần', author: 'Lê, Thu', subjects: ['Truyện đồng thoại', 'Văn học thiếu nhi -- Việt Nam'] });
    const hits = search.search('dong thoai').hits;
    assert.deepEqual(hits.map((h) => h.id), [id]);
    assert.equal(hits[0]!.match, 'text');
    db.prepare(`DELETE FROM records WHERE id = ?`).run(id);
    assert.deepEqual(titles('dong thoai'), []);
  });

  it('finds by ISBN with or without hyphens, as ISBN-13 or ISBN-10', () => {
    assert.equal(normalizeIsbn('978-604-300-006-1'), '9786043000061');
    for (const q of ['9786043000061', '978-604-300-006-1', '978 604 300 006 1', 'ISBN 978-604-300-006-1']) {
      const hits = search.search(q).hits;
      assert.equal(hits[0]?.title, 'Đất rừng phương Nam', q);
      assert.equal(hits[0]?.match, 'isbn', q);
    }
    // The same book as ISBN-10 (9 digits of the 978 ISBN-13 with a mod-11 check): 604-3-00006-7.
    assert.ok(isValidIsbn10('6043000067'));
    assert.equal(search.search('604-3-00006-7').hits[0]?.title, 'Đất rừng phương Nam');
    // A record catalogued with an ISBN-10 is found from its ISBN-13.
    const id = importRecord(db, { title: 'Old edition', isbn: '0-306-40615-2' });
    assert.deepEqual(search.search('978-0-306-40615-7').hits.map((h) => [h.id, h.match]), [[id, 'isbn']]);
    // A part of an ISBN typed with its hyphens is a prefix of the number.
    assert.equal(search.search('978-604-300-006').hits[0]?.title, 'Đất rừng phương Nam');
    db.prepare(`DELETE FROM records WHERE id = ?`).run(id);
  });

  it('puts the copy of a scanned barcode or a typed accession number first', () => {
    const hits = search.search('30001000000606').hits;
    assert.equal(hits[0]?.title, 'Đất rừng phương Nam');
    assert.equal(hits[0]?.match, 'barcode');
    assert.equal(hits[0]?.copy?.barcode, '30001000000606');
    const acc = (db.prepare(`SELECT accession FROM copies WHERE barcode = '30001000000804'`).get() as { accession: string }).accession;
    assert.match(acc, /^TN\.\d{6}$/);
    const byAcc = search.search(` ${acc.toLowerCase()} `).hits;
    assert.equal(byAcc[0]?.title, 'Hoàng tử bé');
    assert.equal(byAcc[0]?.match, 'accession');
    assert.equal(byAcc[0]?.copy?.accession, acc);
    // A barcode prefix, as a librarian without a scanner types it.
    assert.deepEqual(search.search('3000100000060').hits.map((h) => [h.title, h.match]), [['Đất rừng phương Nam', 'barcode']]);
    assert.deepEqual(titles('300010000006'), ['Đất rừng phương Nam']);
  });

  it('counts copies and those on the shelf', () => {
    const hit = search.search('de men phieu luu').hits[0]!;
    assert.equal(hit.title, 'Dế Mèn phiêu lưu ký');
    assert.equal(hit.copies, 3);
    assert.equal(hit.available, 3);
  });

  it('keeps the index in step with records (triggers) and finds copies as they change', () => {
    const id = importRecord(db, { title: 'Quê nội', author: 'Võ, Quảng' });
    assert.deepEqual(search.search('que noi').hits.map((h) => h.id), [id]);
    db.prepare(`UPDATE records SET title = 'Tuổi thơ im lặng', search_text = ? WHERE id = ?`).run(foldVietnamese('Tuổi thơ im lặng Võ Quảng'), id);
    assert.deepEqual(titles('que noi'), []);
    assert.deepEqual(search.search('tuoi tho im').hits.map((h) => h.id), [id]);
    // Copies are found through their own indexes: at once, exactly and by prefix, and no longer once changed.
    db.prepare(`INSERT INTO copies (record_id, barcode, accession, collection) VALUES (?, 'X-77', 'TN.999001', 'children')`).run(id);
    assert.deepEqual(search.search('tn.999001').hits.map((h) => [h.id, h.match]), [[id, 'accession']]);
    assert.deepEqual(search.search('tn.9990').hits.map((h) => [h.id, h.match]), [[id, 'accession']]);
    db.prepare(`UPDATE copies SET accession = 'TN.999002' WHERE barcode = 'X-77'`).run();
    assert.deepEqual(titles('TN.999001'), []);
    assert.deepEqual(search.search('TN.999002').hits.map((h) => h.id), [id]);
    db.prepare(`DELETE FROM copies WHERE barcode = 'X-77'`).run();
    assert.deepEqual(titles('TN.999002'), []);
    db.prepare(`DELETE FROM records WHERE id = ?`).run(id);
    assert.deepEqual(titles('tuoi tho im'), []);
  });

  it('takes anything typed: empty, punctuation and FTS syntax find nothing or plain words, never throw', () => {
    assert.deepEqual(search.search('').hits, []);
    assert.deepEqual(search.search('   ').hits, []);
    assert.deepEqual(search.search('"*():^-').hits, []);
    assert.equal(ftsQuery('dat" OR rung*'), '"dat"* AND "or"* AND "rung"*');
    assert.doesNotThrow(() => search.search('NEAR(dat rung) AND "'));
    assert.doesNotThrow(() => search.search('x'.repeat(5000)));
  });

  it('honours the limit and says when there is more', () => {
    const r = search.search('a', 5);
    assert.equal(r.hits.length, 5);
    assert.equal(r.more, true);
    assert.equal(search.search('dat rung phuong', 5).more, false);
  });

  it('is what Library.search answers', () => {
    const lib = new Library(db, DEMO_CALENDAR.schoolYear.name);
    assert.equal(lib.search('dat rung')[0]?.title, 'Đất rừng phương Nam');
  });
});

describe('catalogue search index migration', () => {
  it('indexes the records already in a database when migration 8 runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'openshelf-search-mig-'));
    try {
      const file = join(dir, 'library.sqlite');
      const before = openDatabase(file, MIGRATIONS.slice(0, 7));
      before.prepare(`INSERT INTO records (id, title, author, isbn, search_text) VALUES (7, 'Đất rừng phương Nam', 'Đoàn, Giỏi', '978-604-300-006-1', '')`).run();
      before.prepare(`INSERT INTO copies (record_id, barcode, accession, collection) VALUES (7, '30001000000606', 'TN.000009', 'children')`).run();
      before.close();
      const db = openDatabase(file, MIGRATIONS);
      const s = new CatalogueSearch(db);
      assert.deepEqual(s.search('dat rung').hits.map((h) => h.id), [7]);
      assert.deepEqual(s.search('doan').hits.map((h) => h.id), [7]);
      assert.deepEqual(s.search('9786043000061').hits.map((h) => [h.id, h.match]), [[7, 'isbn']]);
      assert.deepEqual(s.search('tn.000009').hits.map((h) => [h.id, h.match]), [[7, 'accession']]);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
