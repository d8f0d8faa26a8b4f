/**
 * The door counter behind a private Debian Mosquitto whose ACL is generated from core/access.ts (as a
 * school's production broker): its readings reach the server, and the same login cannot publish as
 * another device or read the server's topics.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Config } from '#core/config.ts';
import { connectMqtt } from '#core/node/mqtt.ts';
import { topics } from '#core/protocol/topics.ts';
import { brokerAccounts } from '#server/broker/accounts.ts';
import { startServer, type RunningServer } from '#server/server.ts';
import { VisitorCounterSim } from '#hardware/sim/visitor-counter.ts';
import { MOSQUITTO, startMosquitto, type PrivateMosquitto } from '#test/mosquitto.ts';
import { requireTool } from '#test/require-tool.ts';
import { quietLog, testConfig, waitUntil } from '#test/school.ts';

describe('visitor counter → private mosquitto (generated ACL) → server', function () {
  this.timeout(60000);
  let broker: PrivateMosquitto;
  let config: Config;
  let server: RunningServer;
  let counter: VisitorCounterSim;

  before(async function () {
    const bin = requireTool(this, 'mosquitto', MOSQUITTO);
    // The accounts come from the config, as scripts/mosquitto-acl.ts makes them for a school.
    const draft = await testConfig();
    draft.server!.devices.push({ username: 'counter-1', password: 'pw-counter-1', role: 'counter' });
    broker = await startMosquitto(bin, draft.school.id, brokerAccounts(draft));
    rmSync(draft.dataDir, { recursive: true, force: true });
    config = await testConfig({ brokerUrl: broker.url });
    config.server!.devices.push({ username: 'counter-1', password: 'pw-counter-1', role: 'counter' });
    server = await startServer({ config, log: quietLog });
    counter = new VisitorCounterSim({ url: broker.url, school: config.school.id, device: 'counter-1', password: 'pw-counter-1', publishIntervalMs: 100 });
    await counter.start();
  });
  after(async () => {
    await counter?.stop();
    await server?.stop();
    await broker?.stop();
    if (config) rmSync(config.dataDir, { recursive: true, force: true });
  });

  const last = () =>
    server.db.prepare(`SELECT boot, in_total AS "in", out_total AS "out" FROM counter_readings ORDER BY id DESC LIMIT 1`).get() as
      | { boot: string; in: number; out: number }
      | undefined;

  it('delivers the readings and the status', async () => {
    counter.passage('in');
    counter.passage('in');
    counter.passage('out');
    await waitUntil(() => last()?.in === 2 && last()?.out === 1, 10000, 'in 2, out 1 stored');
    assert.equal(last()!.boot, counter.boot);
    await waitUntil(() => server.db.prepare(`SELECT 1 FROM stations WHERE device = 'counter-1' AND state = 'online'`).get() !== undefined, 10000, 'status online');
  });

  it('lets the counter login publish nowhere but under its own id, and read nothing of the server', async () => {
    const school = config.school.id;
    const monitor = connectMqtt(broker.url, { username: 'monitor', password: 'monitor', clientId: 'test-monitor' });
    const seen: string[] = [];
    monitor.on('message', (t) => seen.push(t));
    await new Promise<void>((res) => monitor.on('connect', () => monitor.subscribe(topics.everything(), { qos: 1 }, () => res())));

    const rogue = connectMqtt(broker.url, { username: 'counter-1', password: 'pw-counter-1', clientId: 'counter-1-rogue' });
    await new Promise<void>((res) => rogue.on('connect', () => res()));
    const asKiosk = topics.event(school, 'kiosk-1', 'counter');
    await rogue.publishAsync(asKiosk, JSON.stringify({ id: 'r-1', at: new Date().toISOString(), device: 'kiosk-1', type: 'counter', in: 99, out: 0, boot: 'abcdef01', seq: 0 }), { qos: 1 });
    // Mosquitto grants any subscription but delivers only what the ACL lets the login read: the
    // server's retained sync would come right after the SUBACK, before the marker published after it.
    const got: string[] = [];
    rogue.on('message', (t) => got.push(t));
    await rogue.subscribeAsync([topics.sync(school), `library/v1/${school}/counter-1/#`], { qos: 1 });
    const marker = topics.event(school, 'counter-1', 'counter');
    await rogue.publishAsync(marker, 'marker', { qos: 1 });
    await waitUntil(() => got.includes(marker) && seen.includes(marker), 10000, 'the marker');
    assert.ok(seen.includes(topics.sync(school)), 'the monitor (who may read everything) got the retained sync');
    assert.deepEqual(got.filter((t) => !t.startsWith(`library/v1/${school}/counter-1/`)), [], 'the counter login read nothing of the server');
    await rogue.endAsync();
    await monitor.endAsync();
    assert.equal(seen.includes(asKiosk), false, 'the broker dropped the publish under kiosk-1');
    assert.deepEqual(server.db.prepare(`SELECT COUNT(*) AS n FROM counter_readings WHERE device = 'kiosk-1'`).get(), { n: 0 });
  });
});
