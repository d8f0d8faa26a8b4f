/**
 * Occupancy and footfall from door counter readings, against a hand-computed day: two doors, one
 * counter rebooting mid-morning, a duplicate and a stale reading, the reset at closing time with its
 * drift, a reading that arrives after the reset, and the next day. Real SQLite file, fixed clock.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CALENDAR } from '#core/demo-calendar.ts';
import { openDatabase, type Db } from '#core/node/sqlite.ts';
import type { CounterEvent } from '#core/protocol/messages.ts';
import { MIGRATIONS } from '#server/db/migrations.ts';
import { OccupancyStore } from '#server/occupancy/occupancy-store.ts';
import { readingDelta } from '#server/occupancy/reading-delta.ts';

/** Local Vietnam time (UTC+7) on a December 2026 day → UTC ISO. */
const vn = (day: number, hhmm: string) => new Date(Date.parse(`2026-12-${String(day).padStart(2, '0')}T${hhmm}:00+07:00`));
const reading = (device: string, boot: string, seq: number, inN: number, outN: number, at: Date): CounterEvent => ({
  id: `${device}-${boot}-${seq}`,
  at: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  device,
  type: 'counter',
  in: inN,
  out: outN,
  boot,
  seq,
});

describe('occupancy: readings, footfall, daily reset and drift', () => {
  let dir: string;
  let db: Db;
  let now: Date;
  let store: OccupancyStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'openshelf-occupancy-'));
    db = openDatabase(join(dir, 'library.sqlite'), MIGRATIONS);
    now = vn(1, '07:00');
    store = new OccupancyStore({ db, calendar: DEMO_CALENDAR, clock: () => now });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Ingests as if received at the reading's own time (plus a few seconds). */
  const ingest = (e: CounterEvent, receivedAt = new Date(Date.parse(e.at) + 2000)) => store.ingest(e, receivedAt);

  it('reading deltas: cumulative per boot, whole counts after a reboot, nothing for old copies', () => {
    assert.deepEqual(readingDelta(null, { boot: 'a', seq: 0, in: 3, out: 1 }), { in: 3, out: 1, restarted: false });
    assert.deepEqual(readingDelta({ boot: 'a', seq: 0, in: 3, out: 1 }, { boot: 'a', seq: 1, in: 5, out: 1 }), { in: 2, out: 0, restarted: false });
    assert.deepEqual(readingDelta({ boot: 'a', seq: 4, in: 30, out: 20 }, { boot: 'b', seq: 0, in: 1, out: 0 }), { in: 1, out: 0, restarted: true });
    assert.equal(readingDelta({ boot: 'a', seq: 4, in: 30, out: 20 }, { boot: 'a', seq: 3, in: 29, out: 20 }), null);
    assert.deepEqual(readingDelta({ boot: 'a', seq: 4, in: 30, out: 20 }, { boot: 'a', seq: 5, in: 2, out: 1 }), { in: 2, out: 1, restarted: true });
  });

  it('computes the hand-worked day', () => {
    // Door 1 (counter-1): boots at 07:00, reboots at about 09:15 (counts start again from 0).
    assert.equal(ingest(reading('counter-1', 'aaaaaaaa', 0, 0, 0, vn(1, '07:00'))), 'stored');
    assert.equal(ingest(reading('counter-1', 'aaaaaaaa', 1, 5, 0, vn(1, '07:10'))), 'stored'); // +5 in  (hour 7)
    assert.equal(ingest(reading('counter-1', 'aaaaaaaa', 2, 12, 3, vn(1, '08:05'))), 'stored'); // +7 in, +3 out (hour 8)
    assert.equal(ingest(reading('counter-1', 'bbbbbbbb', 0, 2, 1, vn(1, '09:20'))), 'stored'); // reboot: +2, +1 (hour 9)
    assert.equal(ingest(reading('counter-1', 'bbbbbbbb', 1, 6, 9, vn(1, '10:45'))), 'stored'); // +4, +8 (hour 10)
    assert.equal(ingest(reading('counter-1', 'bbbbbbbb', 1, 6, 9, vn(1, '10:45'))), 'duplicate');
    assert.equal(ingest(reading('counter-1', 'bbbbbbbb', 0, 2, 1, vn(1, '09:20'))), 'stale');
    assert.equal(ingest(reading('counter-1', 'aaaaaaaa', 3, 13, 3, vn(1, '09:10'))), 'stale', 'a late reading of the boot before');
    assert.equal(ingest(reading('counter-1', 'bbbbbbbb', 2, 9, 11, vn(1, '16:20'))), 'stored'); // +3, +2 (hour 16)
    // Door 2 (counter-2).
    assert.equal(ingest(reading('counter-2', 'cccccccc', 0, 3, 1, vn(1, '08:30'))), 'stored'); // +3, +1 (hour 8)
    // Card visits the same day: two pupils, one of them twice; one pupil the next day.
    db.prepare(`INSERT INTO patrons (id, kind, full_name) VALUES ('p1', 'pupil', 'A'), ('p2', 'pupil', 'B')`).run();
    const visit = db.prepare(`INSERT INTO visits (patron_id, at, source) VALUES (?, ?, 'kiosk-1')`);
    visit.run('p1', vn(1, '07:12').toISOString());
    visit.run('p1', vn(1, '10:40').toISOString());
    visit.run('p2', vn(1, '08:06').toISOString());
    visit.run('p1', vn(2, '07:35').toISOString());

    // 16:25: in 5+7+2+4+3 (door 1) + 3 (door 2) = 24, out 3+1+8+2 + 1 = 15.
    now = vn(1, '16:25');
    let r = store.report();
    assert.equal(r.closingTime, '16:30');
    assert.deepEqual([r.periodIn, r.periodOut, r.net, r.occupancy, r.periodStart], [24, 15, 9, 9, null]);
    assert.equal(r.lastReset, null);
    assert.equal(r.today.date, '2026-12-01');
    assert.deepEqual([r.today.in, r.today.out], [24, 15]);
    const busy = r.today.hours.filter((h) => h.in || h.out).map((h) => [h.hour, h.in, h.out]);
    assert.deepEqual(busy, [
      [7, 5, 0],
      [8, 10, 4],
      [9, 2, 1],
      [10, 4, 8],
      [16, 3, 2],
    ]);
    assert.equal(r.today.hours.length, 24);
    assert.deepEqual(
      r.counters.map((c) => [c.device, c.boot, c.in, c.out]),
      [
        ['counter-1', 'bbbbbbbb', 9, 11],
        ['counter-2', 'cccccccc', 3, 1],
      ],
    );

    // 16:31: the reset at 16:30 keeps the drift (9 people "still inside") and starts again at 0.
    now = vn(1, '16:31');
    r = store.report();
    assert.deepEqual(r.lastReset, { at: vn(1, '16:30').toISOString(), in: 24, out: 15, drift: 9 });
    assert.deepEqual([r.periodIn, r.periodOut, r.net, r.occupancy, r.periodStart], [0, 0, 0, 0, vn(1, '16:30').toISOString()]);
    assert.equal(store.applyResets(now), 0, 'a reset is made once');

    // A reading made at 16:29 that arrives at 16:33 (door 2 was off the network), and one at 16:40:
    // both count in the new period; footfall stays on the hour they were made.
    assert.equal(ingest(reading('counter-2', 'cccccccc', 1, 4, 3, vn(1, '16:29')), vn(1, '16:33')), 'stored'); // +1, +2
    assert.equal(ingest(reading('counter-1', 'bbbbbbbb', 3, 10, 13, vn(1, '16:40'))), 'stored'); // +1, +2
    now = vn(1, '16:45');
    r = store.report();
    assert.deepEqual([r.periodIn, r.periodOut, r.net, r.occupancy], [2, 4, -2, 0], 'more out than in: shown as 0 people');
    assert.deepEqual(r.today.hours[16], { hour: 16, in: 5, out: 6 });

    // Next morning.
    assert.equal(ingest(reading('counter-1', 'bbbbbbbb', 4, 14, 13, vn(2, '07:30'))), 'stored'); // +4
    now = vn(2, '08:00');
    r = store.report();
    assert.deepEqual([r.net, r.occupancy], [2, 2]);
    assert.equal(r.today.date, '2026-12-02');
    assert.deepEqual([r.today.in, r.today.out, r.today.hours[7]!.in], [4, 0, 4]);
    const days = Object.fromEntries(r.days.map((d) => [d.date, d]));
    assert.equal(r.days.length, 7);
    assert.equal(r.days[6]!.date, '2026-12-02');
    assert.deepEqual(days['2026-12-01'], { date: '2026-12-01', in: 26, out: 19, visits: 2, drift: 9 });
    assert.deepEqual(days['2026-12-02'], { date: '2026-12-02', in: 4, out: 0, visits: 1, drift: null });
    assert.deepEqual(days['2026-11-30'], { date: '2026-11-30', in: 0, out: 0, visits: 0, drift: null });

    // Two closings later (the server was off on the evening of the 2nd): both resets are made.
    now = vn(3, '17:00');
    assert.equal(store.applyResets(now), 2);
    r = store.report();
    const later = Object.fromEntries(r.days.map((d) => [d.date, d.drift]));
    assert.equal(later['2026-12-02'], 2, 'in 1+1+4 − out 2+2 since the first reset');
    assert.equal(later['2026-12-03'], 0);
    assert.deepEqual([r.net, r.occupancy], [0, 0]);
  });

  it('places a reading at the server time when the counter clock is more than 10 minutes off', () => {
    const received = vn(1, '09:10');
    assert.equal(store.ingest(reading('counter-1', 'aaaaaaaa', 0, 3, 0, vn(1, '13:00')), received), 'stored');
    now = vn(1, '10:00');
    const r = store.report();
    assert.deepEqual(r.today.hours[9], { hour: 9, in: 3, out: 0 });
    assert.equal(r.counters[0]!.at, received.toISOString());
  });

  it('uses the configured closing time when the calendar has no opening hours', () => {
    const s = new OccupancyStore({ db, calendar: { timeZoneOffsetMinutes: 420 }, clock: () => now, closingTime: '11:00' });
    assert.equal(s.closingTime, '11:00');
    s.ingest(reading('counter-1', 'aaaaaaaa', 0, 4, 1, vn(1, '10:00')), vn(1, '10:00'));
    assert.equal(s.applyResets(vn(1, '11:05')), 1);
    assert.deepEqual(s.report(vn(1, '11:05')).lastReset, { at: vn(1, '11:00').toISOString(), in: 4, out: 1, drift: 3 });
    assert.throws(() => new OccupancyStore({ db, calendar: { timeZoneOffsetMinutes: 420 }, clock: () => now, closingTime: '5pm' }), /HH:MM/);
  });
});
