/**
 * The kiosk server tells the page about today (opening hours, whose reading day it is): on connect,
 * again when it changes (opening, closing, midnight), and a broken calendar only leaves it out.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import pino from 'pino';
import { io, type Socket } from 'socket.io-client';
import { libraryDay } from '#core/calendar.ts';
import { DEMO_CALENDAR } from '#core/demo-calendar.ts';
import { IDLE_VIEW, type LibraryDay } from '#core/protocol/kiosk-events.ts';
import { KioskServer } from '#station/http/kiosk-server.ts';
import type { KioskSession } from '#station/session/machine.ts';
import { waitUntil } from '#test/school.ts';

describe('kiosk server: today at the library', () => {
  let server: KioskServer | null = null;
  let client: Socket | null = null;
  afterEach(async () => {
    client?.close();
    await server?.close();
    server = client = null;
  });

  async function start(today: () => LibraryDay | null): Promise<LibraryDay[]> {
    const session = Object.assign(new EventEmitter(), { view: IDLE_VIEW }) as unknown as KioskSession;
    server = new KioskServer({
      session,
      meta: { device: 'kiosk-1', role: 'kiosk', mode: 'sim', schoolName: 'Demo', version: '0' },
      staticDir: '/nonexistent',
      sim: null,
      health: () => ({}),
      today,
      todayCheckMs: 20,
      log: pino({ level: 'silent' }),
    });
    const port = await server.listen(0, '127.0.0.1');
    const got: LibraryDay[] = [];
    client = io(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
    client.on('today', (d: LibraryDay) => got.push(d));
    return got;
  }

  it('sends today on connect and again only when it changes', async () => {
    let at = new Date('2026-12-02T02:00:00Z'); // Wednesday 09:00 in Vietnam
    let asked = 0;
    const got = await start(() => {
      asked++;
      return libraryDay(DEMO_CALENDAR, at);
    });
    await waitUntil(() => got.length === 1, 5000, 'today on connect');
    assert.deepEqual(got[0]!.gradesToday, [4, 5]);
    at = new Date('2026-12-02T02:30:00Z'); // same day, still open: nothing new to say
    const checked = asked;
    await waitUntil(() => asked >= checked + 5, 5000, 'five more checks');
    assert.equal(got.length, 1, 'nothing re-sent while nothing changed');
    at = new Date('2026-12-02T10:00:00Z'); // 17:00: closed now
    await waitUntil(() => got.length === 2, 5000, 'closing time');
    assert.equal(got[1]!.openNow, false);
    at = new Date('2026-12-02T23:00:00Z'); // Thursday morning
    await waitUntil(() => got.length === 3, 5000, 'the next day');
    assert.deepEqual(got[2]!.gradesToday, [6, 7]);
  });

  it('a calendar that throws leaves today out and the page still gets its session', async () => {
    const got = await start(() => {
      throw new RangeError('not a YYYY-MM-DD date: "2027-02-30"');
    });
    let sessions = 0;
    client!.on('session', () => sessions++);
    await waitUntil(() => sessions === 1 || client!.connected, 5000, 'connected');
    await waitUntil(() => sessions === 1, 5000, 'the session view');
    assert.equal(got.length, 0);
  });
});
