/**
 * The librarian's "reset now" and the daily reset's closing time from the school calendar: the
 * store (real SQLite file, fixed clock) and POST /api/occupancy/reset on the running server (roles,
 * CSRF, readings from the simulated door counter over the embedded broker).
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
import type { OccupancyReport } from '#server/occupancy/types.ts';
import { VisitorCounterSim } from '#hardware/sim/visitor-counter.ts';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';
import { Client, errorCode } from './auth-helpers.ts';

const vn = (day: number, hhmm: string) => new Date(Date.parse(`2026-12-${String(day).padStart(2, '0')}T${hhmm}:00+07:00`));
const reading = (seq: number, inN: number, outN: number, at: Date): CounterEvent => ({
  id: `counter-1-aaaaaaaa-${seq}`,
  at: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  device: 'counter-1',
  type: 'counter',
  in: inN,
  out: outN,
  boot: 'aaaaaaaa',
  seq,
});

describe('occupancy: reset now, and the closing time from the calendar', () => {
  describe('store', () => {
    let dir: string;
    let db: Db;
    let store: OccupancyStore;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'openshelf-occupancy-reset-'));
      db = openDatabase(join(dir, 'library.sqlite'), MIGRATIONS);
      store = new OccupancyStore({ db, calendar: DEMO_CALENDAR, clock: () => vn(1, '07:00') });
    });
    afterEach(() => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('takes the closing time from the calendar’s opening hours, not the fallback', () => {
      assert.equal(store.closingTime, DEMO_CALENDAR.openingHours.close);
      assert.notEqual(store.closingTime, '17:00');
      const other = new OccupancyStore({ db, calendar: { timeZoneOffsetMinutes: 420, openingHours: { close: '15:45' } }, clock: () => vn(1, '07:00'), closingTime: '11:00' });
      assert.equal(other.closingTime, '15:45', 'the calendar wins over the option');
    });

    it('starts again at 0 now, keeps the drift, and the closing still ends the next period', () => {
      store.ingest(reading(0, 0, 0, vn(1, '07:00')), vn(1, '07:00'));
      store.ingest(reading(1, 9, 4, vn(1, '09:30')), vn(1, '09:30'));
      assert.equal(store.report(vn(1, '10:00')).occupancy, 5);

      const r = store.resetNow(vn(1, '10:00'));
      assert.deepEqual(r, { at: vn(1, '10:00').toISOString(), in: 9, out: 4, drift: 5 });
      const after = store.report(vn(1, '10:00'));
      assert.deepEqual([after.occupancy, after.net, after.periodIn, after.periodOut], [0, 0, 0, 0]);
      assert.equal(after.periodStart, vn(1, '10:00').toISOString());
      assert.equal(after.today.in, 9, 'footfall is not touched by a reset');
      assert.equal(store.resetNow(vn(1, '10:00')), null, 'a second reset in the same instant changes nothing');

      store.ingest(reading(2, 12, 6, vn(1, '11:00')), vn(1, '11:00'));
      assert.equal(store.report(vn(1, '11:00')).occupancy, 1);
      // 16:30 closing: the period since 10:00 (in 3, out 2) ends with drift 1; the day's drift is 5 + 1.
      const evening = store.report(vn(1, '17:00'));
      assert.deepEqual(evening.lastReset, { at: vn(1, '16:30').toISOString(), in: 3, out: 2, drift: 1 });
      assert.equal(evening.occupancy, 0);
      assert.equal(evening.days.find((d) => d.date === '2026-12-01')!.drift, 6);
      const rows = db.prepare(`SELECT at, drift FROM occupancy_resets ORDER BY at`).all();
      assert.deepEqual(rows, [
        { at: vn(1, '10:00').toISOString(), drift: 5 },
        { at: vn(1, '16:30').toISOString(), drift: 1 },
      ]);
    });

    it('makes the closings due first, so a late reset does not swallow a whole day', () => {
      store.ingest(reading(0, 4, 1, vn(1, '08:00')), vn(1, '08:00'));
      store.ingest(reading(1, 6, 1, vn(2, '08:00')), vn(2, '08:00'));
      const r = store.resetNow(vn(2, '09:00'));
      assert.deepEqual(r, { at: vn(2, '09:00').toISOString(), in: 2, out: 0, drift: 2 });
      const rows = db.prepare(`SELECT at, in_count AS "in", out_count AS "out", drift FROM occupancy_resets ORDER BY at`).all();
      assert.deepEqual(rows, [
        { at: vn(1, '16:30').toISOString(), in: 4, out: 1, drift: 3 },
        { at: vn(2, '09:00').toISOString(), in: 2, out: 0, drift: 2 },
      ]);
    });
  });

  describe('POST /api/occupancy/reset', function () {
    this.timeout(60000);
    let school: TestSchool;
    let counter: VisitorCounterSim;
    before(async () => {
      const config = await testConfig();
      config.server!.devices.push({ username: 'counter-1', password: 'pw-counter-1', role: 'counter' });
      school = await startSchool(config, []);
      counter = new VisitorCounterSim({ url: school.server.mqttUrl, school: config.school.id, device: 'counter-1', password: 'pw-counter-1', publishIntervalMs: 100 });
      await counter.start();
    });
    after(async () => {
      await counter?.stop();
      await school?.stop();
    });

    it('is for a librarian with the CSRF token; it sets occupancy to 0 and keeps the drift', async () => {
      const base = `http://127.0.0.1:${school.server.httpPort}`;
      const librarian = new Client(base);
      assert.equal((await librarian.login('thuthu', 'thuvien')).status, 200);
      const report = async () => (await (await librarian.get('/api/occupancy')).json()) as OccupancyReport;
      assert.equal((await report()).closingTime, DEMO_CALENDAR.openingHours.close, 'the server wires the calendar’s closing time');

      for (let i = 0; i < 4; i++) counter.passage('in');
      counter.passage('out');
      await waitUntil(async () => (await report()).occupancy === 3, 15000, 'three people inside');

      const anon = new Client(base);
      assert.equal((await anon.send('POST', '/api/occupancy/reset', {})).status, 401);
      const viewer = new Client(base);
      assert.equal((await viewer.login('hieutruong', 'hieutruong')).status, 200);
      const refused = await viewer.send('POST', '/api/occupancy/reset', {});
      assert.equal(refused.status, 403);
      const noCsrf = await fetch(`${base}/api/occupancy/reset`, { method: 'POST', headers: { cookie: librarian.cookie, 'content-type': 'application/json' }, body: '{}' });
      assert.equal(noCsrf.status, 403);
      assert.equal(await errorCode(noCsrf), 'CSRF');
      assert.equal((await report()).occupancy, 3, 'nothing reset by the refused requests');

      const ok = await librarian.send('POST', '/api/occupancy/reset', {});
      assert.equal(ok.status, 200);
      const body = (await ok.json()) as { reset: { drift: number; in: number; out: number }; report: OccupancyReport };
      assert.deepEqual([body.reset.in, body.reset.out, body.reset.drift], [4, 1, 3]);
      assert.equal(body.report.occupancy, 0);
      assert.equal(body.report.lastReset?.drift, 3);

      counter.passage('in');
      await waitUntil(async () => (await report()).occupancy === 1, 15000, 'counting on from 0');
      assert.equal((await report()).today.in, 5, 'footfall keeps the whole day');
    });
  });
});
