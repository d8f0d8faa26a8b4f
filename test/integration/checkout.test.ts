/**
 * The whole path of one checkout, with real parts: simulated card reader and scanner bytes through
 * the real HID decoder, the station's session, MQTT request/response through a real broker (embedded
 * aedes, and a private Debian mosquitto), the server's SQLite, the event seen by the read-only monitor
 * login, the printed slip, and the dashboard's socket.io update.
 */
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { io as ioClient } from 'socket.io-client';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { uuidv7 } from '#core/ids.ts';
import { topics } from '#core/protocol/topics.ts';
import type { LibraryEvent } from '#core/protocol/messages.ts';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';
import { MOSQUITTO, startMosquitto, type PrivateMosquitto } from '#test/mosquitto.ts';
import { requireTool } from '#test/require-tool.ts';

const PUPIL_CARD = '20001000000012';
const BOOK = '30001000000101';

async function monitorClient(url: string, username = 'monitor', password = 'monitor') {
  const c = await mqtt.connectAsync(url, { protocolVersion: 4, username, password, reconnectPeriod: 0 });
  const seen: { topic: string; json: unknown }[] = [];
  c.on('message', (topic, payload) => {
    try {
      seen.push({ topic, json: JSON.parse(payload.toString()) });
    } catch {
      seen.push({ topic, json: null });
    }
  });
  await c.subscribeAsync('library/v1/#', { qos: 1 });
  return { client: c, seen };
}

async function dashboardSocket(port: number) {
  const res = await fetch(`http://127.0.0.1:${port}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'thuthu', password: 'thuvien' }),
  });
  assert.equal(res.status, 200);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const socket = ioClient(`http://127.0.0.1:${port}`, { extraHeaders: { cookie }, transports: ['websocket'] });
  const events: LibraryEvent[] = [];
  socket.on('event', (e: LibraryEvent) => events.push(e));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, events };
}

function openLoans(school: TestSchool, barcode: string): { patron_id: string; station: string; due_date: string }[] {
  return school.server.db
    .prepare(`SELECT l.patron_id, l.station, l.due_date FROM loans l JOIN copies c ON c.id = l.copy_id WHERE c.barcode = ? AND l.returned_at IS NULL`)
    .all(barcode) as { patron_id: string; station: string; due_date: string }[];
}

function suite(name: string, brokerFor: (ctx: Mocha.Context) => Promise<{ url?: string; stop?: () => Promise<void> }>) {
  describe(`checkout end to end (${name})`, function () {
    this.timeout(60000);
    let school: TestSchool;
    let broker: { url?: string; stop?: () => Promise<void> };
    let monitorUrl: string;

    before(async function () {
      broker = await brokerFor(this);
      const config = await testConfig(broker.url ? { brokerUrl: broker.url } : {});
      school = await startSchool(config, ['kiosk-1', 'kiosk-2']);
      monitorUrl = school.server.mqttUrl;
    });
    after(async () => {
      await school?.stop();
      await broker?.stop?.();
    });

    it('lends a book from a card tap and a scan, and everyone hears of it', async () => {
      const kiosk = school.stations[0]!;
      const monitor = await monitorClient(monitorUrl);
      const dash = await dashboardSocket(school.server.httpPort);
      try {
        await kiosk.sim!.card!.type(PUPIL_CARD);
        await waitUntil(() => kiosk.session.view.screen === 'patron', 5000, 'the pupil to be identified');
        assert.equal(kiosk.session.view.patron?.className, '4A');
        await kiosk.sim!.scanner!.type(BOOK);
        await waitUntil(() => kiosk.session.view.items.some((i) => i.state !== 'pending'), 5000, 'the checkout answer');
        const line = kiosk.session.view.items[0]!;
        assert.equal(line.state, 'ok', JSON.stringify(line.reason));
        assert.match(line.title ?? '', /Dế Mèn/);
        assert.match(line.dueDate ?? '', /^\d{4}-\d{2}-\d{2}$/);
        assert.equal(line.offline, false);

        const loans = openLoans(school, BOOK);
        assert.equal(loans.length, 1);
        assert.equal(loans[0]!.station, 'kiosk-1');

        await waitUntil(() => monitor.seen.some((m) => m.topic === topics.event('demo', 'server', 'checkout')), 5000, 'the monitor to see the checkout event');
        const ev = monitor.seen.find((m) => m.topic === topics.event('demo', 'server', 'checkout'))!.json as Record<string, unknown>;
        assert.equal(ev.device, 'server');
        assert.equal(ev.station, 'kiosk-1');
        assert.equal(ev.patronId, loans[0]!.patron_id);
        assert.deepEqual((ev.items as { barcode: string }[]).map((i) => i.barcode), [BOOK]);
        assert.ok(!JSON.stringify(ev).includes('fullName'), 'events carry ids, not names');

        await waitUntil(() => dash.events.some((e) => e.type === 'checkout'), 5000, 'the dashboard socket update');

        // Tapping the same card again finishes the session and prints the slip.
        await kiosk.sim!.card!.type(PUPIL_CARD);
        await waitUntil(() => kiosk.session.view.screen === 'finished', 5000, 'the session to finish');
        assert.equal(kiosk.session.view.slip, 'printed');
        assert.equal(kiosk.session.view.patron, null, 'no pupil data after the session');
        // The slip went out as ESC/POS raster through the simulated printer, which decoded it to a PNG.
        const job = kiosk.printerSim!.jobs.at(-1)!;
        assert.equal(job.error, null);
        assert.ok(job.pngPath && existsSync(job.pngPath), 'the slip is there to look at');
        const bytes = readFileSync(job.binPath);
        assert.ok(bytes.includes(Buffer.from([0x1d, 0x76, 0x30])), 'raster (GS v 0)');
        assert.ok(!bytes.includes(Buffer.from('Dế Mèn')), 'no Vietnamese as text');
      } finally {
        dash.socket.close();
        await monitor.client.endAsync();
      }
    });

    it('still lends when the printer is out of paper, says so, and reports it', async () => {
      const kiosk = school.stations[0]!;
      await waitUntil(() => kiosk.session.view.screen !== 'patron', 5000, 'no session open');
      kiosk.printerSim!.setPaper('out');
      try {
        await kiosk.sim!.card!.type(PUPIL_CARD);
        await waitUntil(() => kiosk.session.view.screen === 'patron', 5000, 'identified');
        await kiosk.sim!.scanner!.type('30001000000119');
        await waitUntil(() => kiosk.session.view.items.some((i) => i.state === 'ok'), 5000, 'lent');
        const jobs = kiosk.printerSim!.jobs.length;
        await kiosk.session.finish();
        assert.equal(kiosk.session.view.slip, 'failed');
        assert.equal(kiosk.session.view.notice?.code, 'PRINTER_NO_PAPER');
        assert.equal(kiosk.printerSim!.jobs.length, jobs, 'nothing sent to a printer without paper');
        assert.equal(openLoans(school, '30001000000119').length, 1, 'the loan stands');
        await waitUntil(() => {
          const row = school.server.dashboard.stations().find((r) => r.device === kiosk.device);
          return row?.devices.printer?.paper === 'out';
        }, 20000, 'the dashboard to see the paper state');
      } finally {
        kiosk.printerSim!.setPaper('ok');
      }
    });

    it('makes one loan when the same request is sent twice', async () => {
      const kiosk = school.stations[1]!;
      const patron = school.server.library.patronByIdentifier('20001000090013')!;
      const book = '30001000000200';
      const req = {
        id: uuidv7(Date.now(), randomBytes(10)),
        replyTo: topics.reply('demo', kiosk.device),
        device: kiosk.device,
        at: new Date().toISOString(),
        type: 'checkout' as const,
        patronId: patron.id,
        items: [book],
      };
      const first = await kiosk.link.request(req, 5000);
      const second = await kiosk.link.request(req, 5000);
      assert.ok(first && second);
      assert.deepEqual(second, first, 'a replay gets the original answer');
      assert.equal(first.status, 'ok');
      assert.equal(openLoans(school, book).length, 1);
      const events = school.server.db.prepare(`SELECT COUNT(*) AS n FROM events WHERE id = ?`).get(req.id) as { n: number };
      assert.equal(events.n, 1);

      // The station missed the answer, decided alone that nothing left, and replays that: a conflict
      // for the librarian, and still the original answer and one loan.
      const third = await kiosk.link.request({ ...req, offline: true, lent: [] }, 5000);
      assert.deepEqual(third, first);
      assert.equal(openLoans(school, book).length, 1);
      const conflicts = school.server.db.prepare(`SELECT code FROM conflicts WHERE tx_id = ?`).all(req.id) as { code: string }[];
      assert.deepEqual(conflicts.map((c) => c.code), ['DECISION_MISMATCH']);
    });

    it('refuses a station that publishes as another station', async () => {
      const monitor = await monitorClient(monitorUrl);
      const rogue = await mqtt.connectAsync(school.server.mqttUrl, { protocolVersion: 4, username: 'kiosk-1', password: 'pw-kiosk-1', reconnectPeriod: 0 });
      try {
        const spoof = (device: string) =>
          JSON.stringify({
            id: uuidv7(Date.now(), randomBytes(10)),
            replyTo: topics.reply('demo', device),
            device,
            at: new Date().toISOString(),
            type: 'checkin',
            items: ['30001000000101'],
          });
        const before = school.server.mqtt.rejectedCount.spoofed + (school.server.broker?.rejected.length ?? 0);
        // Under another station's topic: the broker's ACL refuses it.
        rogue.publish(topics.request('demo', 'kiosk-2'), spoof('kiosk-2'), { qos: 0 });
        // Under its own topic, but claiming to be another device in the payload.
        rogue.publish(topics.request('demo', 'kiosk-1'), spoof('kiosk-2'), { qos: 0 });
        await waitUntil(
          () => school.server.mqtt.rejectedCount.spoofed + (school.server.broker?.rejected.length ?? 0) > before,
          5000,
          'the spoofed payload to be refused',
        );
        // A known-good message after the spoofs proves the monitor was listening the whole time.
        const marker = await mqtt.connectAsync(school.server.mqttUrl, { protocolVersion: 4, username: 'kiosk-2', password: 'pw-kiosk-2', reconnectPeriod: 0 });
        const markerStatus = { state: 'online', device: 'kiosk-2', role: 'kiosk', version: 't', devices: {}, at: new Date().toISOString() };
        await marker.publishAsync(topics.status('demo', 'kiosk-2'), JSON.stringify(markerStatus), { qos: 1, retain: true });
        await marker.endAsync();
        await waitUntil(() => monitor.seen.some((m) => m.topic === topics.status('demo', 'kiosk-2')), 5000, 'the marker message');
        assert.ok(!monitor.seen.some((m) => m.topic === topics.request('demo', 'kiosk-2')), 'nothing was published under kiosk-2 by kiosk-1');
        assert.equal(openLoans(school, '30001000000101').length, 1, 'the spoofed check-in changed nothing');
      } finally {
        await rogue.endAsync(true).catch(() => undefined);
        await monitor.client.endAsync();
      }
    });

    it('rejects invalid payloads, counts them, and keeps serving', async () => {
      const kiosk = school.stations[0]!;
      const c = await mqtt.connectAsync(school.server.mqttUrl, { protocolVersion: 4, username: 'kiosk-1', password: 'pw-kiosk-1', reconnectPeriod: 0 });
      try {
        const before = school.server.mqtt.rejectedCount.invalid;
        // Valid JSON from the right device, but not a request the protocol knows.
        await c.publishAsync(topics.request('demo', 'kiosk-1'), JSON.stringify({ device: 'kiosk-1', type: 'checkout', items: 'all of them' }), { qos: 1 });
        await c.publishAsync(topics.status('demo', 'kiosk-1'), JSON.stringify({ device: 'kiosk-1', state: 'sideways' }), { qos: 1 });
        await waitUntil(() => school.server.mqtt.rejectedCount.invalid >= before + 2, 5000, 'both payloads to be rejected');
        const logged = school.server.db.prepare(`SELECT reason FROM rejected_messages ORDER BY id DESC LIMIT 2`).all() as { reason: string }[];
        assert.ok(logged.some((r) => /invalid request/.test(r.reason)));
        // The server still answers a real request.
        const r = await kiosk.circulation.identify(PUPIL_CARD);
        assert.equal(r.ok && !r.offline, true);
      } finally {
        await c.endAsync();
      }
    });

    it('keeps the dashboard API and socket closed without a login', async () => {
      const res = await fetch(`http://127.0.0.1:${school.server.httpPort}/api/summary`);
      assert.equal(res.status, 401);
      const socket = ioClient(`http://127.0.0.1:${school.server.httpPort}`, { transports: ['websocket'], reconnection: false });
      const err = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
      socket.close();
      assert.match(err.message, /LOGIN_REQUIRED/);
    });

    it('refuses anonymous and wrong-password clients', async () => {
      await assert.rejects(mqtt.connectAsync(school.server.mqttUrl, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 3000 }));
      await assert.rejects(
        mqtt.connectAsync(school.server.mqttUrl, { protocolVersion: 4, username: 'kiosk-1', password: 'wrong', reconnectPeriod: 0, connectTimeout: 3000 }),
      );
    });
  });
}

suite('embedded aedes', async () => ({}));

suite('private mosquitto', async (ctx) => {
  const bin = requireTool(ctx, 'mosquitto', MOSQUITTO);
  const m: PrivateMosquitto = await startMosquitto(bin, 'demo', [
    { username: 'server', password: 'pw-server', role: 'server' },
    { username: 'kiosk-1', password: 'pw-kiosk-1', role: 'kiosk' },
    { username: 'kiosk-2', password: 'pw-kiosk-2', role: 'kiosk' },
    { username: 'monitor', password: 'monitor', role: 'monitor' },
  ]);
  return { url: m.url, stop: () => m.stop() };
});
