/**
 * The school calendar edited from the dashboard applies at once: a holiday saved through
 * PUT /api/calendar moves the due date of the next checkout, both when the server decides and in
 * a station's replica after the sync the change triggers (decided offline, the server stopped).
 * An invalid calendar is refused with its reasons and changes nothing; a viewer cannot save one.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { addDays, nextOpenDay, type SchoolCalendar } from '#core/calendar.ts';
import { DEMO_CALENDAR } from '#core/demo-calendar.ts';
import type { Config } from '#core/config.ts';
import { startServer, type RunningServer } from '#server/server.ts';
import { startStation, type RunningStation } from '#station/station.ts';
import { quietLog, testConfig, waitUntil } from '#test/school.ts';
import { Client } from '../dashboard/auth-helpers.ts';

interface CalendarAnswer {
  calendar: SchoolCalendar;
  needsReview: boolean;
  updatedBy: string | null;
}

describe('school calendar editable from the dashboard', function () {
  this.timeout(60000);
  let config: Config;
  let server: RunningServer | null = null;
  let station: RunningStation;
  let base: string;

  before(async () => {
    config = await testConfig();
    server = await startServer({ config, log: quietLog });
    base = `http://127.0.0.1:${server.httpPort}`;
    const sc = config.stations[0]!;
    station = await startStation({ config, station: sc, log: quietLog, mqttUrl: sc.mqttUrl });
    await waitUntil(() => station.link.connected && station.replica.counts().patrons > 0, 15000, 'the station to sync');
  });
  after(async () => {
    await station?.stop();
    await server?.stop();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  const librarian = async () => {
    const c = new Client(base);
    assert.equal((await c.login('thuthu', 'thuvien')).status, 200);
    return c;
  };

  /** Pupils with no open loan and no block, and children's books on the shelf. */
  function freePupils(n: number): string[] {
    const rows = server!.db
      .prepare(
        `SELECT id FROM patrons WHERE kind = 'pupil' AND active = 1 AND blocked_reason IS NULL
           AND id NOT IN (SELECT patron_id FROM loans WHERE returned_at IS NULL) ORDER BY id LIMIT ?`,
      )
      .all(n) as { id: string }[];
    assert.equal(rows.length, n);
    return rows.map((r) => r.id);
  }
  function shelfBooks(n: number): string[] {
    const rows = server!.db
      .prepare(`SELECT barcode FROM copies WHERE status = 'on_shelf' AND collection = 'children' AND reference_only = 0 ORDER BY barcode LIMIT ?`)
      .all(n) as { barcode: string }[];
    assert.equal(rows.length, n);
    return rows.map((r) => r.barcode);
  }

  it('is stored at the first start from the demo calendar (sim: no review needed) and any staff may read it', async () => {
    const viewer = new Client(base);
    assert.equal((await viewer.login('hieutruong', 'hieutruong')).status, 200);
    const res = await viewer.get('/api/calendar');
    assert.equal(res.status, 200);
    const body = (await res.json()) as CalendarAnswer;
    assert.deepEqual(body.calendar, DEMO_CALENDAR);
    assert.equal(body.needsReview, false);
  });

  it('a viewer cannot save, nor anyone without the CSRF token', async () => {
    const viewer = new Client(base);
    await viewer.login('hieutruong', 'hieutruong');
    assert.equal((await viewer.send('PUT', '/api/calendar', DEMO_CALENDAR)).status, 403);
    const lib = await librarian();
    lib.csrf = '';
    assert.equal((await lib.send('PUT', '/api/calendar', DEMO_CALENDAR)).status, 403);
  });

  it('refuses an invalid calendar with every reason, Vietnamese and English, and changes nothing', async () => {
    const lib = await librarian();
    const seq = server!.library.changeSeq();
    const broken = {
      ...DEMO_CALENDAR,
      closedDates: ['2027-02-30'],
      openingHours: { open: '17:00', close: '07:00' },
      openWeekdays: [1, 8],
      semesters: [{ name_vi: 'HK', name_en: 'S', start: '2026-08-01', end: '2026-12-31' }],
    };
    const res = await lib.send('PUT', '/api/calendar', broken);
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; message_vi: string; message_en: string }; issues: { path: string; message_vi: string; message_en: string }[] };
    assert.equal(body.error.code, 'BAD_CALENDAR');
    const paths = body.issues.map((i) => i.path);
    for (const p of ['closedDates.0', 'openingHours', 'openWeekdays.1']) assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
    assert.match(body.error.message_vi, /ngày có thật/);
    assert.match(body.error.message_en, /real date/);
    // Semesters outside the year: checked once the fields themselves are right.
    const outside = await lib.send('PUT', '/api/calendar', { ...DEMO_CALENDAR, semesters: broken.semesters });
    assert.equal(outside.status, 400);
    assert.match(((await outside.json()) as { error: { message_vi: string } }).error.message_vi, /nằm trong năm học/);
    // The school year's name follows the class rosters: not changed here.
    const renamed = await lib.send('PUT', '/api/calendar', { ...DEMO_CALENDAR, schoolYear: { ...DEMO_CALENDAR.schoolYear, name: '2027-2028' } });
    assert.equal(renamed.status, 400);
    assert.equal((await renamed.json() as { issues: { path: string }[] }).issues[0]!.path, 'schoolYear.name');
    for (const bad of [null, 'x', { ...DEMO_CALENDAR, readingSchedule: { '8': [1] } }]) {
      assert.equal((await lib.send('PUT', '/api/calendar', bad)).status, 400);
    }

    const now = (await (await lib.get('/api/calendar')).json()) as CalendarAnswer;
    assert.deepEqual(now.calendar, DEMO_CALENDAR);
    assert.equal(server!.library.changeSeq(), seq, 'no change recorded for the stations');
  });

  it('a new holiday moves the due date online and, after the sync, in the station replica', async () => {
    const [first, second, third] = freePupils(3);
    const [bookA, bookB, bookC] = shelfBooks(3);

    // Before: the due date under the demo calendar.
    const before = await station.circulation.checkout(first!, [bookA!]);
    assert.equal(before.offline, false);
    assert.equal(before.items[0]!.ok, true, JSON.stringify(before.items[0]));
    const d0 = before.items[0]!.dueDate!;

    // The school closes for a few days around that due date.
    const holiday = { name_vi: 'Nghỉ đột xuất', name_en: 'Unplanned closure', start: addDays(d0, -1), end: addDays(d0, 2) };
    const next: SchoolCalendar = { ...DEMO_CALENDAR, holidays: [...DEMO_CALENDAR.holidays, holiday] };
    const expected = nextOpenDay(next, d0);
    assert.ok(expected > holiday.end, `the new due date ${expected} is after the holiday`);

    const lib = await librarian();
    const res = await lib.send('PUT', '/api/calendar', next);
    assert.equal(res.status, 200, await res.clone().text());
    const saved = (await res.json()) as CalendarAnswer;
    assert.deepEqual(saved.calendar.holidays.at(-1), holiday);
    assert.equal(saved.updatedBy, 'thuthu');

    // Online: the server decides with the new calendar at once.
    const online = await station.circulation.checkout(second!, [bookB!]);
    assert.equal(online.offline, false);
    assert.equal(online.items[0]!.ok, true, JSON.stringify(online.items[0]));
    assert.equal(online.items[0]!.dueDate, expected);
    const row = server!.db.prepare(`SELECT l.due_date FROM loans l JOIN copies c ON c.id = l.copy_id WHERE c.barcode = ? AND l.returned_at IS NULL`).get(bookB!) as { due_date: string };
    assert.equal(row.due_date, expected);

    // The station hears of the change (the server announces the new change number) and resyncs.
    await waitUntil(() => station.replica.calendar().holidays.some((h) => h.name_en === 'Unplanned closure'), 10000, 'the replica to get the new calendar');
    await waitUntil(() => station.replica.seq === server!.library.changeSeq(), 10000, 'the replica to catch up');

    // Offline: the replica's calendar decides the same due date.
    await server!.stop();
    server = null;
    await waitUntil(() => !station.link.connected, 5000, 'the station to notice');
    const offline = await station.circulation.checkout(third!, [bookC!]);
    assert.equal(offline.offline, true);
    assert.equal(offline.items[0]!.ok, true, JSON.stringify(offline.items[0]));
    assert.equal(offline.items[0]!.dueDate, expected);

    // A restart keeps the saved calendar.
    server = await startServer({ config, log: quietLog });
    base = `http://127.0.0.1:${server.httpPort}`;
    const again = (await (await (await librarian()).get('/api/calendar')).json()) as CalendarAnswer;
    assert.deepEqual(again.calendar.holidays.at(-1), holiday);
  });
});
