/**
 * The daily activity table against the raw tables, for any order of writes: loans and visits land
 * on random days in random order (an offline replay writes an earlier day after later ones), some
 * before the statistics migration (its backfill) and some after (its triggers). For every random
 * range the fast counts must equal the naive GROUP BY.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { openDatabase } from '#core/node/sqlite.ts';
import { addDays } from '#core/calendar.ts';
import { MIGRATIONS } from '#server/db/migrations.ts';
import { groupCounts, naiveGroupCounts } from '#server/stats/rates.ts';

const YEAR = '2026-2027';
const START = '2026-09-01';
const PATRONS = ['a', 'b', 'c', 'd', 't'];
// Slot 5 is the accounts and statistics migration: everything before it is "an older database".
const BEFORE_STATS = 4;

const write = fc.record({
  kind: fc.constantFrom('loan', 'visit'),
  patron: fc.constantFrom(...PATRONS),
  day: fc.integer({ min: 0, max: 40 }),
  // Minutes after 00:00 UTC: past 17:00 UTC is the next school day.
  minute: fc.integer({ min: 0, max: 1439 }),
});

describe('daily activity = raw tables (property)', function () {
  this.timeout(120000);
  it('agrees with the naive count for every order of writes and every range', () => {
    const dir = mkdtempSync(join(tmpdir(), 'openshelf-activity-'));
    let run = 0;
    try {
      fc.assert(
        fc.property(fc.array(write, { maxLength: 40 }), fc.nat({ max: 40 }), fc.integer({ min: 0, max: 60 }), fc.nat({ max: 40 }), (writes, split, from, len) => {
          const file = join(dir, `r${run++}.sqlite`);
          let db = openDatabase(file, MIGRATIONS.slice(0, BEFORE_STATS));
          db.exec(`
            INSERT INTO records (id, title) VALUES (1, 'x');
            INSERT INTO classes (id, name, grade, school_year) VALUES ('1A', '1A', 1, '${YEAR}'), ('1B', '1B', 1, '${YEAR}');
            INSERT INTO patrons (id, kind, full_name) VALUES ('a','pupil','A'), ('b','pupil','B'), ('c','pupil','C'), ('d','pupil','D'), ('t','teacher','T');
            INSERT INTO class_members (school_year, class_id, patron_id) VALUES ('${YEAR}','1A','a'), ('${YEAR}','1A','b'), ('${YEAR}','1B','c'), ('${YEAR}','1B','d');
          `);
          const apply = (w: { kind: string; patron: string; day: number; minute: number }, i: number) => {
            const at = new Date(Date.parse(`${addDays(START, w.day)}T00:00:00Z`) + w.minute * 60000).toISOString();
            if (w.kind === 'visit') db.prepare(`INSERT INTO visits (patron_id, at, source) VALUES (?, ?, 'kiosk')`).run(w.patron, at);
            else {
              db.prepare(`INSERT INTO copies (id, record_id, barcode, accession, collection) VALUES (?, 1, ?, ?, 'children')`).run(i + 1, `b${i}`, `a${i}`);
              db.prepare(`INSERT INTO loans (copy_id, patron_id, station, loaned_at, due_date, returned_at) VALUES (?, ?, 'k', ?, '2027-01-01', ?)`).run(i + 1, w.patron, at, at);
            }
          };
          const cut = Math.min(split, writes.length);
          writes.slice(0, cut).forEach((w, i) => apply(w, i));
          db.close();
          db = openDatabase(file, MIGRATIONS);
          writes.slice(cut).forEach((w, i) => apply(w, cut + i));
          const f = addDays(START, from - 10);
          const t = addDays(f, len);
          try {
            assert.deepEqual(groupCounts(db, YEAR, f, t), naiveGroupCounts(db, YEAR, f, t));
          } finally {
            db.close();
          }
        }),
        { numRuns: 150 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
