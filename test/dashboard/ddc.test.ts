/**
 * DDC browse over the seeded demo school. The expected counts are read off the vn-school MARC
 * file's 082 fields by hand (see DATA-SOURCES.md): 15 classified records with 29 copies, the 500
 * French records carry no DDC number.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '#core/node/sqlite.ts';
import { DEMO_CALENDAR } from '#core/demo-calendar.ts';
import { MIGRATIONS } from '#server/db/migrations.ts';
import { seedDemo } from '#server/seed/seed-db.ts';
import { DDC_CLASSES, ddcDivisions, ddcOverview, ddcRange, ddcRecords, mainClassOf } from '#server/catalogue/ddc.ts';
import { quietLog } from '#test/school.ts';

describe('DDC browse', function () {
  this.timeout(60000);
  let dir: string;
  let db: Db;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'openshelf-ddc-'));
    db = openDatabase(join(dir, 'library.sqlite'), MIGRATIONS);
    seedDemo(db, { dataDir: dir, institution: '0001', now: new Date('2026-11-20T03:00:00Z'), calendar: DEMO_CALENDAR, log: quietLog });
  });
  after(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the 10 main classes in Vietnamese and English', () => {
    assert.deepEqual(DDC_CLASSES.map((c) => c.code), ['000', '100', '200', '300', '400', '500', '600', '700', '800', '900']);
    assert.equal(DDC_CLASSES.find((c) => c.code === '800')!.vi, 'Văn học (văn chương) và tu từ học');
    assert.equal(DDC_CLASSES.find((c) => c.code === '900')!.en, 'History and geography');
  });

  it('reads the class of a DDC number', () => {
    assert.equal(mainClassOf('895.9223'), '800');
    assert.equal(mainClassOf('005.1 NGU'), '000');
    assert.equal(mainClassOf('8'), null);
    assert.equal(mainClassOf(null), null);
    assert.deepEqual(ddcRange('8'), { kind: 'class', code: '800', from: '800', to: '900' });
    assert.deepEqual(ddcRange('900'), { kind: 'class', code: '900', from: '900', to: ':' });
    assert.deepEqual(ddcRange('89'), { kind: 'division', code: '890', from: '890', to: '900' });
    assert.deepEqual(ddcRange('050'), { kind: 'division', code: '050', from: '050', to: '060' });
    assert.equal(ddcRange('8a'), null);
    assert.equal(ddcRange('895'), null);
  });

  it('counts records and copies per class, zeros included, and the unclassified rest', () => {
    const o = ddcOverview(db);
    const by = Object.fromEntries(o.classes.map((c) => [c.code, [c.records, c.copies]]));
    assert.deepEqual(by, {
      '000': [0, 0],
      '100': [0, 0],
      '200': [0, 0],
      '300': [2, 6], // Tiếng Việt 1 (372.6, 5 copies), Truyện cổ tích Việt Nam (398.209597, 1)
      '400': [1, 3], // English 6 (428.64)
      '500': [1, 4], // Toán 6 (510.712)
      '600': [0, 0],
      '700': [1, 2], // Doraemon (741.5952)
      '800': [9, 12], // 895.92…, 843 ×2, 823.914
      '900': [1, 2], // Lịch sử Việt Nam bằng tranh (959.7)
    });
    assert.equal(o.unclassified.records, 500);
  });

  it('lists the divisions of a class and the records in a class or division', () => {
    assert.deepEqual(ddcDivisions(db, '800'), [
      { code: '820', records: 1, copies: 1 },
      { code: '840', records: 2, copies: 2 },
      { code: '890', records: 6, copies: 9 },
    ]);
    const cls = ddcRecords(db, '800')!;
    assert.equal(cls.total, 9);
    assert.equal(cls.records[0]!.title, 'Harry Potter và hòn đá phù thuỷ');
    const div = ddcRecords(db, '84')!;
    assert.deepEqual(div.records.map((r) => r.title).sort(), ['Hoàng tử bé', 'Không gia đình : tiểu thuyết']);
    const page = ddcRecords(db, '8', 2, 8)!;
    assert.equal(page.total, 9);
    assert.equal(page.records.length, 1);
    assert.equal(ddcRecords(db, 'x'), null);
  });

  it('closes the 900 range and picks up a new record at once', () => {
    const id = Number(db.prepare(`INSERT INTO records (title, ddc) VALUES ('Atlas Việt Nam', '912.597')`).run().lastInsertRowid);
    db.prepare(`INSERT INTO records (title, ddc) VALUES ('Không rõ', 'Fic')`).run();
    const o = ddcOverview(db);
    assert.deepEqual(o.classes.find((c) => c.code === '900')!.records, 2);
    assert.equal(o.unclassified.records, 501);
    assert.ok(ddcRecords(db, '91')!.records.some((r) => r.id === id));
  });
});
