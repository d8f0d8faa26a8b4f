/**
 * The stored school calendar: seeded once (flagged for review in production), validated on save,
 * and read live by what the server built at start: the statistics periods and the occupancy
 * closing time follow a saved change without a restart; a save records a change for the stations.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '#core/node/sqlite.ts';
import { DEMO_CALENDAR } from '#core/demo-calendar.ts';
import { MIGRATIONS } from '#server/db/migrations.ts';
import { CalendarStore } from '#server/calendar/store.ts';
import { OccupancyStore } from '#server/occupancy/occupancy-store.ts';
import { periodOf } from '#server/stats/periods.ts';

describe('calendar store', () => {
  let dir: string;
  let db: Db;
  const clock = () => new Date('2026-10-15T03:00:00Z');
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'openshelf-cal-'));
    db = openDatabase(join(dir, 'library.sqlite'), MIGRATIONS);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('seeds once, flagged for review in production, and keeps what was saved over the default', () => {
    const first = new CalendarStore(db, { initial: DEMO_CALENDAR, initialNeedsReview: true, clock });
    assert.equal(first.get().needsReview, true);
    assert.deepEqual(first.get().calendar, DEMO_CALENDAR);
    const saved = first.update({ ...DEMO_CALENDAR, closedDates: ['2026-11-20'] }, 'thuthu');
    assert.equal(saved.ok, true);
    const again = new CalendarStore(db, { initial: DEMO_CALENDAR, initialNeedsReview: true, clock });
    assert.equal(again.get().needsReview, false, 'saved by the librarian: reviewed');
    assert.deepEqual(again.get().calendar.closedDates, ['2026-11-20']);
    assert.equal(again.get().updatedBy, 'thuthu');
  });

  it('serves the default, flagged, over an unreadable row without overwriting it', () => {
    db.prepare(`INSERT INTO settings (key, value) VALUES ('calendar', '{"calendar": {"nope": 1}}')`).run();
    const s = new CalendarStore(db, { initial: DEMO_CALENDAR, initialNeedsReview: false, clock });
    assert.deepEqual(s.get().calendar, DEMO_CALENDAR);
    assert.equal(s.get().needsReview, true);
    assert.equal((db.prepare(`SELECT value FROM settings WHERE key = 'calendar'`).get() as { value: string }).value, '{"calendar": {"nope": 1}}');
  });

  it('is read live: semesters and the closing time follow a save; the change is recorded in the same transaction', () => {
    const recorded: unknown[] = [];
    const s = new CalendarStore(db, { initial: DEMO_CALENDAR, initialNeedsReview: false, clock, onSaved: (c) => recorded.push(c) });
    const occupancy = new OccupancyStore({ db, calendar: s.live, clock });
    assert.equal(occupancy.closingTime, '16:30');
    assert.equal(periodOf(s.live, 'semester', '2027-01-19').to, '2027-05-31');

    const next = {
      ...DEMO_CALENDAR,
      openingHours: { open: '07:30', close: '17:15' },
      semesters: [
        { name_vi: 'Học kỳ I', name_en: 'Semester 1', start: '2026-09-05', end: '2027-01-20' },
        { name_vi: 'Học kỳ II', name_en: 'Semester 2', start: '2027-01-21', end: '2027-05-31' },
      ],
    };
    assert.equal(s.update(next, 'thuthu').ok, true);
    assert.equal(occupancy.closingTime, '17:15');
    assert.equal(periodOf(s.live, 'semester', '2027-01-19').to, '2027-01-20');
    assert.equal(JSON.stringify(s.live), JSON.stringify(next), 'the live view travels as the plain calendar');
    assert.equal(recorded.length, 1);
  });

  it('refuses an invalid calendar with reasons in Vietnamese and English, and changes nothing', () => {
    const recorded: unknown[] = [];
    const s = new CalendarStore(db, { initial: DEMO_CALENDAR, initialNeedsReview: false, clock, onSaved: (c) => recorded.push(c) });
    const out = s.update({ ...DEMO_CALENDAR, schoolYear: { name: '2026-2027', start: '2026-09-05', end: '2027-02-30' }, openWeekdays: [0] }, 'thuthu');
    assert.equal(out.ok, false);
    if (out.ok) return;
    assert.deepEqual(out.issues.map((i) => i.path).sort(), ['openWeekdays.0', 'schoolYear.end']);
    assert.ok(out.issues.every((i) => i.message_vi && i.message_en && i.message_vi !== i.message_en));
    assert.deepEqual(s.get().calendar, DEMO_CALENDAR);
    assert.equal(recorded.length, 0);
  });
});
