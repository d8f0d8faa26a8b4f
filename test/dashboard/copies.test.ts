/**
 * Copies: accession numbers per collection pattern, library barcodes, call numbers with the author
 * mark, status changes refused or recorded, and the replica changes a station applies.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '#core/node/sqlite.ts';
import { isValidLibraryBarcode } from '#core/ids.ts';
import { changeSchema } from '#core/protocol/messages.ts';
import { MIGRATIONS } from '#server/db/migrations.ts';
import { Library } from '#server/db/library.ts';
import { Replica } from '#station/replica.ts';
import { STATION_MIGRATIONS } from '#station/db/migrations.ts';
import { CatalogueSearch } from '#server/catalogue/search.ts';
import {
  accessionNumber,
  authorMark,
  callNumberFor,
  CatalogueError,
  CopyManager,
  formatAccession,
  parseAccessionPattern,
} from '#server/catalogue/copies.ts';

const refused = (code: string) => (err: unknown) => err instanceof CatalogueError && err.code === code && err.message_vi.length > 0;

describe('accession patterns and call numbers', () => {
  it('formats and reads numbers in a pattern', () => {
    const stk = parseAccessionPattern('STK.{000000}');
    assert.deepEqual(stk, { prefix: 'STK.', width: 6, suffix: '' });
    assert.equal(formatAccession(stk, 123), 'STK.000123');
    assert.equal(formatAccession(stk, 1234567), 'STK.1234567');
    assert.equal(accessionNumber(stk, 'STK.000123'), 123);
    assert.equal(accessionNumber(stk, 'STK.12'), 12);
    assert.equal(accessionNumber(stk, 'SGK.000123'), null);
    assert.equal(accessionNumber(stk, 'STK.00A123'), null);
    const tn = parseAccessionPattern('{00000}/TN');
    assert.equal(formatAccession(tn, 42), '00042/TN');
    assert.equal(accessionNumber(tn, '00042/TN'), 42);
  });

  it('refuses a pattern without exactly one run of zeros in braces', () => {
    for (const bad of ['STK', 'STK.{00}{00}', 'STK.{abc}', '', '{}', 'ST K.{000}', 'STK.{0000000000000}']) {
      assert.throws(() => parseAccessionPattern(bad), refused('BAD_PATTERN'), bad);
    }
  });

  it('makes the author mark from the first three letters of the main entry, Vietnamese letters kept', () => {
    assert.equal(authorMark('Tô Hoài'), 'TÔH');
    assert.equal(authorMark('Nguyễn, Nhật Ánh'), 'NGU');
    assert.equal(authorMark('Đoàn, Giỏi'), 'ĐOÀ');
    assert.equal(authorMark('Đoàn, Giỏi'.normalize('NFD')), 'ĐOÀ');
    assert.equal(authorMark('Saint-Exupéry, Antoine de'), 'SAI');
    assert.equal(authorMark('Ư'), 'Ư');
    assert.equal(authorMark('1984'), '');
    assert.equal(callNumberFor('895.9223', 'Tô Hoài', 'Dế Mèn phiêu lưu ký'), '895.9223 TÔH');
    assert.equal(callNumberFor('372.6', null, 'Tiếng Việt 1'), '372.6 TIẾ');
    assert.equal(callNumberFor(null, 'Tô Hoài', 'Dế Mèn'), null);
  });
});

describe('CopyManager on a real database', () => {
  let dir: string;
  let db: Db;
  let library: Library;
  let copies: CopyManager;
  let recordId: number;
  const count = () => (db.prepare(`SELECT COUNT(*) AS n FROM copies`).get() as { n: number }).n;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'openshelf-copies-'));
    db = openDatabase(join(dir, 'library.sqlite'), MIGRATIONS);
    library = new Library(db, '2026-2027');
    copies = new CopyManager(db, library, () => new Date('2026-11-20T03:00:00Z'));
    recordId = Number(
      db.prepare(`INSERT INTO records (title, author, ddc, search_text) VALUES ('Đất rừng phương Nam', 'Đoàn, Giỏi', '895.9223', 'dat rung phuong nam doan gioi')`).run()
        .lastInsertRowid,
    );
    const ins = db.prepare(`INSERT INTO copies (record_id, barcode, accession, collection) VALUES (?, ?, ?, ?)`);
    ins.run(recordId, '30001000000101', 'STK.000007', 'reference');
    ins.run(recordId, '30001000000606', 'STK.000012', 'general');
    ins.run(recordId, 'OLD-1', 'TN.000003', 'children');
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives new copies the next accession of their collection, a library barcode and the call number', () => {
    const added = copies.addCopies(recordId, { count: 2, collection: 'reference', price: 85000, source: 'donated' });
    assert.deepEqual(added.map((c) => c.accession), ['STK.000013', 'STK.000014']);
    // Reference and general share STK in the default patterns: one register, one sequence.
    assert.equal(copies.nextAccession('general'), 'STK.000015');
    assert.equal(copies.nextAccession('children'), 'TN.000004');
    assert.equal(copies.nextAccession('textbook'), 'SGK.000001');
    // Institution 0001 from the barcodes on file; serial one past the highest (60): 3 0001 00000061 + Luhn 4.
    assert.deepEqual(added.map((c) => c.barcode), ['30001000000614', '30001000000622']);
    assert.ok(added.every((c) => isValidLibraryBarcode(c.barcode)));
    for (const c of added) {
      assert.equal(c.callNumber, '895.9223 ĐOÀ');
      assert.equal(c.status, 'on_shelf');
      assert.equal(c.price, 85000);
      assert.equal(c.source, 'donated');
      assert.equal(c.addedAt, '2026-11-20T03:00:00.000Z');
      assert.equal(c.collection, 'reference');
    }
    // The search index knows them at once (triggers).
    assert.equal(new CatalogueSearch(db).search('30001000000622').hits[0]?.match, 'barcode');
  });

  it('follows the school’s own pattern and barcode choice', () => {
    copies.saveSettings({ accessionPatterns: { children: '{00000}/TN' }, barcodes: 'accession' });
    const [c] = copies.addCopies(recordId, { collection: 'children' });
    assert.equal(c!.accession, '00001/TN');
    assert.equal(c!.barcode, '00001/TN');
    assert.equal(copies.addCopies(recordId, { collection: 'children' })[0]!.accession, '00002/TN');
    // An explicit institution overrides the one read from the barcodes on file.
    copies.saveSettings({ barcodes: 'library', institution: '0042' });
    assert.equal(copies.addCopies(recordId, { collection: 'periodical' })[0]!.barcode.slice(0, 5), '30042');
    assert.throws(() => copies.saveSettings({ accessionPatterns: { textbook: 'SGK' } }), refused('BAD_PATTERN'));
    assert.throws(() => copies.saveSettings({ institution: '12' }), refused('BAD_INSTITUTION'));
    assert.equal(copies.settings().accessionPatterns.textbook, 'SGK.{000000}');
  });

  it('refuses bad input and writes nothing', () => {
    const before = count();
    assert.throws(() => copies.addCopies(recordId, { count: 0, collection: 'reference' }), refused('BAD_COUNT'));
    assert.throws(() => copies.addCopies(recordId, { count: 201, collection: 'reference' }), refused('BAD_COUNT'));
    assert.throws(() => copies.addCopies(recordId, { collection: 'comics' as never }), refused('BAD_COLLECTION'));
    assert.throws(() => copies.addCopies(recordId, { collection: 'reference', price: -1 }), refused('BAD_PRICE'));
    assert.throws(() => copies.addCopies(recordId, { collection: 'reference', price: 1.5 }), refused('BAD_PRICE'));
    assert.throws(() => copies.addCopies(9999, { collection: 'reference' }), refused('NO_RECORD'));
    assert.equal(count(), before);
  });

  it('changes status and details; the change reaches a station replica', () => {
    const station = openDatabase(':memory:', STATION_MIGRATIONS);
    const replica = new Replica(station);
    replica.applySync({ mode: 'snapshot', seq: library.changeSeq(), changes: library.snapshot() });
    const copyId = (db.prepare(`SELECT id FROM copies WHERE barcode = '30001000000606'`).get() as { id: number }).id;
    assert.equal(replica.item('30001000000606')?.status, 'on_shelf');

    const since = library.changeSeq();
    const changed = copies.updateCopy(copyId, { status: 'damaged', statusNote: 'rách bìa', price: 40000, callNumber: '895.9223 ĐOA' });
    assert.equal(changed.status, 'damaged');
    assert.equal(changed.statusNote, 'rách bìa');
    assert.equal(changed.price, 40000);
    assert.equal(changed.callNumber, '895.9223 ĐOA');

    // The numbered changes the server sends at the next sync, validated as the station validates them.
    const rows = library.changesSince(since, 100).map((c) => changeSchema.parse(c));
    assert.ok(rows.some((c) => c.entity === 'item' && c.key === '30001000000606' && c.data?.status === 'damaged'));
    replica.applySync({ mode: 'changes', seq: library.changeSeq(), changes: rows });
    assert.equal(replica.item('30001000000606')?.status, 'damaged');

    // A new copy reaches the replica the same way.
    const [added] = copies.addCopies(recordId, { collection: 'children', referenceOnly: true });
    replica.applySync({ mode: 'changes', seq: library.changeSeq(), changes: library.changesSince(replica.seq, 100) });
    assert.deepEqual(replica.item(added!.barcode), { barcode: added!.barcode, title: 'Đất rừng phương Nam', collection: 'children', referenceOnly: true, status: 'on_shelf' });
    station.close();
  });

  it('leaves lending to circulation and refuses to change a copy that is out', () => {
    const copyId = (db.prepare(`SELECT id FROM copies WHERE barcode = '30001000000101'`).get() as { id: number }).id;
    assert.throws(() => copies.updateCopy(copyId, { status: 'on_loan' }), refused('LOAN_BY_CIRCULATION'));
    db.prepare(`INSERT INTO patrons (id, kind, full_name) VALUES ('p1', 'pupil', 'Nguyễn Văn An')`).run();
    library.openLoan({ txId: 't1', copyId, patronId: 'p1', classId: null, station: 'kiosk-1', at: '2026-11-20T02:00:00Z', dueDate: '2026-11-27', offline: false });
    const seq = library.changeSeq();
    assert.throws(() => copies.updateCopy(copyId, { status: 'lost' }), refused('COPY_ON_LOAN'));
    assert.equal(copies.copy(copyId)!.status, 'on_loan');
    assert.equal(copies.copy(copyId)!.dueDate, '2026-11-27');
    assert.equal(library.changeSeq(), seq);
    // A detail that is not the status may still be corrected.
    assert.equal(copies.updateCopy(copyId, { price: 12000 }).price, 12000);
    assert.throws(() => copies.updateCopy(424242, { status: 'lost' }), refused('NO_COPY'));
    assert.throws(() => copies.updateCopy(copyId, { source: 'stolen' as never }), refused('BAD_SOURCE'));
  });

  it('returns a record with its subjects and copies', () => {
    const rec = copies.record(recordId)!;
    assert.equal(rec.title, 'Đất rừng phương Nam');
    assert.deepEqual(rec.subjects, []);
    assert.deepEqual(rec.copies.map((c) => c.accession), ['STK.000007', 'STK.000012', 'TN.000003']);
    assert.equal(copies.record(9999), null);
  });
});
