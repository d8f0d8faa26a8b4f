/**
 * The simulated door counter on the school's embedded aedes broker: readings reach SQLite through
 * the server's MQTT service, a reboot (power cut: the broker publishes the will) does not lose or
 * double-count people, and a bad or spoofed counter payload is rejected and recorded without harm.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { connectMqtt } from '#core/node/mqtt.ts';
import type { Config } from '#core/config.ts';
import { topics } from '#core/protocol/topics.ts';
import { startServer, type RunningServer } from '#server/server.ts';
import { OccupancyStore } from '#server/occupancy/occupancy-store.ts';
import { DEMO_CALENDAR } from '#core/demo-calendar.ts';
import { VisitorCounterSim } from '#hardware/sim/visitor-counter.ts';
import { quietLog, testConfig, waitUntil } from '#test/school.ts';

describe('visitor counter → broker → server (embedded aedes)', function () {
  this.timeout(60000);
  let config: Config;
  let server: RunningServer;
  let counter: VisitorCounterSim;
  let url: string;

  before(async () => {
    config = await testConfig();
    config.server!.devices.push({ username: 'counter-1', password: 'pw-counter-1', role: 'counter' });
    server = await startServer({ config, log: quietLog });
    url = server.mqttUrl;
    counter = new VisitorCounterSim({ url, school: config.school.id, device: 'counter-1', password: 'pw-counter-1', publishIntervalMs: 100 });
    await counter.start();
  });
  after(async () => {
    await counter?.stop();
    await server?.stop();
    if (config) rmSync(config.dataDir, { recursive: true, force: true });
  });

  const readings = () =>
    server.db.prepare(`SELECT boot, seq, in_total AS "in", out_total AS "out", in_delta AS di, out_delta AS do FROM counter_readings ORDER BY id`).all() as {
      boot: string;
      seq: number;
      in: number;
      out: number;
      di: number;
      do: number;
    }[];
  /** People in and out over all stored readings (the deltas the occupancy figures add up). */
  const totals = () => readings().reduce((t, x) => ({ in: t.in + x.di, out: t.out + x.do }), { in: 0, out: 0 });
  const station = () => server.db.prepare(`SELECT state, status FROM stations WHERE device = 'counter-1'`).get() as { state: string; status: string } | undefined;
  const rejected = () => server.db.prepare(`SELECT topic, reason FROM rejected_messages ORDER BY id`).all() as { topic: string; reason: string }[];

  it('stores the first reading of the boot and the counter’s status', async () => {
    await waitUntil(() => readings().length >= 1, 10000, 'the boot reading');
    assert.deepEqual(readings()[0], { boot: counter.boot, seq: 0, in: 0, out: 0, di: 0, do: 0 });
    await waitUntil(() => station()?.state === 'online' && JSON.parse(station()!.status).devices.beams !== undefined, 10000, 'the health status');
    assert.equal(JSON.parse(station()!.status).role, 'counter');
  });

  it('counts people walking in and out, from beam edges to SQLite', async () => {
    for (let i = 0; i < 5; i++) counter.passage('in');
    counter.passage('out');
    counter.passage('in', { turnBack: true });
    await waitUntil(() => readings().at(-1)?.in === 5 && readings().at(-1)?.out === 1, 10000, 'in 5, out 1 stored');
    assert.deepEqual(totals(), { in: 5, out: 1 });
    const r = new OccupancyStore({ db: server.db, calendar: DEMO_CALENDAR, clock: () => new Date() }).report();
    assert.equal(r.counters[0]!.boot, counter.boot);
    assert.equal(r.today.in, 5);
  });

  it('survives a power cut: the will says offline, counts restart at 0 with a new boot id, nobody is lost or doubled', async () => {
    const oldBoot = counter.boot;
    const monitor = connectMqtt(url, { username: 'monitor', password: 'monitor', clientId: 'test-monitor' });
    const seen: string[] = [];
    monitor.on('message', (_t, p) => seen.push(JSON.parse(p.toString()).state as string));
    await new Promise<void>((res) => monitor.on('connect', () => monitor.subscribe(topics.status(config.school.id, 'counter-1'), () => res())));
    await counter.reboot();
    assert.notEqual(counter.boot, oldBoot);
    await waitUntil(() => seen.includes('offline'), 10000, 'the last will');
    counter.passage('in');
    counter.passage('in');
    counter.passage('out');
    await waitUntil(() => readings().at(-1)?.boot === counter.boot && readings().at(-1)?.in === 2, 10000, 'the new boot’s counts');
    await monitor.endAsync();
    assert.deepEqual(totals(), { in: 7, out: 2 }, '5 in before the reboot + 2 after; 1 out before + 1 after');
    await waitUntil(() => station()?.state === 'online', 10000, 'online again');
  });

  it('rejects and records a bad counter payload, and a counter event from a kiosk, without crashing', async () => {
    const before = readings().length;
    const bad = connectMqtt(url, { username: 'counter-1', password: 'pw-counter-1', clientId: 'counter-1-bad' });
    await new Promise<void>((res) => bad.on('connect', () => res()));
    const topic = topics.event(config.school.id, 'counter-1', 'counter');
    // Negative count, missing boot id, and an extra field: each refused by the strict schema.
    await bad.publishAsync(topic, JSON.stringify({ id: 'x-1', at: new Date().toISOString(), device: 'counter-1', type: 'counter', in: -1, out: 0, boot: 'abcdef01', seq: 9 }), { qos: 1 });
    await bad.publishAsync(topic, JSON.stringify({ id: 'x-2', at: new Date().toISOString(), device: 'counter-1', type: 'counter', in: 1, out: 0, seq: 9 }), { qos: 1 });
    await bad.publishAsync(topic, JSON.stringify({ id: 'x-3', at: new Date().toISOString(), device: 'counter-1', type: 'counter', in: 1, out: 0, boot: 'abcdef01', seq: 9, rssi: -60 }), { qos: 1 });
    await bad.endAsync();
    // A kiosk may publish under its own id (the broker allows it) but is no counter.
    const kiosk = connectMqtt(url, { username: 'kiosk-1', password: 'pw-kiosk-1', clientId: 'kiosk-1-test' });
    await new Promise<void>((res) => kiosk.on('connect', () => res()));
    const kioskTopic = topics.event(config.school.id, 'kiosk-1', 'counter');
    await kiosk.publishAsync(kioskTopic, JSON.stringify({ id: 'k-1', at: new Date().toISOString(), device: 'kiosk-1', type: 'counter', in: 50, out: 0, boot: 'abcdef01', seq: 0 }), { qos: 1 });
    await kiosk.endAsync();

    await waitUntil(() => rejected().filter((r) => r.topic === topic || r.topic === kioskTopic).length >= 4, 10000, 'four rejections recorded');
    const reasons = rejected().map((r) => r.reason);
    assert.ok(reasons.some((r) => /invalid event: .*in/.test(r)), reasons.join('\n'));
    assert.ok(reasons.some((r) => /boot/.test(r)));
    assert.ok(reasons.some((r) => /rssi|unrecognized/i.test(r)));
    assert.ok(reasons.some((r) => /kiosk-1 \(kiosk\) is not a counter/.test(r)));
    assert.equal(readings().length, before, 'nothing stored');
    assert.equal(server.mqtt.rejectedCount.invalid >= 3, true);

    // The server carries on: the real counter's next reading is stored.
    counter.passage('in');
    await waitUntil(() => readings().at(-1)?.in === 3, 10000, 'the next good reading');
  });
});
