/**
 * Station logins from the dashboard's store against the real embedded aedes broker of a running
 * school server: seeded from the config, added, revoked (disconnected at once, refused after) and
 * replaced (old password refused), and a revoked station's publishes never reach the server.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { connectMqtt } from '#core/node/mqtt.ts';
import { topics } from '#core/protocol/topics.ts';
import { startServer, type RunningServer } from '#server/server.ts';
import type { Config } from '#core/config.ts';
import { quietLog, testConfig, waitUntil } from '#test/school.ts';

/** Connects once (no retry); resolves with the client or rejects with the broker's refusal. */
function login(url: string, username: string, password: string, clientId = `${username}-${Math.random().toString(36).slice(2)}`): Promise<MqttClient> {
  const client = connectMqtt(url, { username, password, clientId, reconnectPeriod: 0, connectTimeout: 10000 });
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
  });
}

async function refused(url: string, username: string, password: string): Promise<void> {
  await assert.rejects(login(url, username, password), (err: Error & { code?: number }) => {
    assert.ok(err.code === 4 || err.code === 5, `refused with a CONNACK code, got ${err.message}`);
    return true;
  });
}

const status = (device: string, role = 'kiosk') => JSON.stringify({ state: 'online', device, role, version: 't', devices: {}, at: new Date().toISOString() });

describe('station logins from the store, with the embedded broker', function () {
  this.timeout(60000);
  let config: Config;
  let server: RunningServer;
  const open: MqttClient[] = [];

  before(async () => {
    config = await testConfig();
    server = await startServer({ config, log: quietLog });
  });
  after(async () => {
    for (const c of open) c.end(true);
    await server.stop();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  it('seeds the config devices once, keeping only hashes', async () => {
    const list = server.stations.list();
    assert.deepEqual(
      list.map((s) => [s.device, s.role, s.source]),
      [
        ['kiosk-1', 'kiosk', 'config'],
        ['kiosk-2', 'kiosk', 'config'],
      ],
    );
    const rows = server.db.prepare(`SELECT * FROM station_credentials`).all() as Record<string, unknown>[];
    for (const r of rows) {
      assert.match(String(r.password_hash), /^scrypt\$/);
      assert.match(String(r.mosquitto_hash), new RegExp(`^${String(r.device)}:\\$7\\$101\\$`));
      assert.ok(!JSON.stringify(r).includes(`pw-${String(r.device)}`), 'no password in the clear');
    }
    // A second seed with other passwords changes nothing: the store is the source of truth now.
    assert.deepEqual(server.stations.seed([{ username: 'kiosk-1', password: 'other', role: 'kiosk' }]), []);
    const c = await login(server.mqttUrl, 'kiosk-1', 'pw-kiosk-1');
    open.push(c);
    await refused(server.mqttUrl, 'kiosk-1', 'other');
  });

  it('a station added in the store logs in at once; a wrong password or an unknown login is refused', async () => {
    const { password } = server.stations.add('kiosk-3', 'kiosk');
    const c = await login(server.mqttUrl, 'kiosk-3', password);
    open.push(c);
    assert.ok(c.connected);
    await refused(server.mqttUrl, 'kiosk-3', `${password}x`);
    await refused(server.mqttUrl, 'nobody', password);
    // The server's role map follows the store: its status is accepted.
    c.publish(topics.status(config.school.id, 'kiosk-3'), status('kiosk-3'), { qos: 1, retain: true });
    await waitUntil(() => !!server.db.prepare(`SELECT 1 FROM stations WHERE device = 'kiosk-3'`).get(), 10000, 'kiosk-3 status stored');
  });

  it('revoking disconnects the station at once and refuses it after', async () => {
    const { password } = server.stations.add('kiosk-4', 'kiosk');
    const c = await login(server.mqttUrl, 'kiosk-4', password);
    open.push(c);
    const closed = new Promise<void>((res) => c.once('close', () => res()));
    server.stations.revoke('kiosk-4');
    await closed;
    await refused(server.mqttUrl, 'kiosk-4', password);
    assert.equal(server.stations.roles.has('kiosk-4'), false);
    assert.ok(server.stations.get('kiosk-4')?.revokedAt);
  });

  it('replacing gives a new password: the old one is refused and its session closed', async () => {
    const old = await login(server.mqttUrl, 'kiosk-2', 'pw-kiosk-2');
    open.push(old);
    const closed = new Promise<void>((res) => old.once('close', () => res()));
    const { password, station } = server.stations.replace('kiosk-2');
    assert.equal(station.generation, 2);
    await closed;
    await refused(server.mqttUrl, 'kiosk-2', 'pw-kiosk-2');
    const fresh = await login(server.mqttUrl, 'kiosk-2', password);
    open.push(fresh);
    assert.ok(fresh.connected);
  });

  it("a revoked station's publishes never reach the server", async () => {
    const { password } = server.stations.add('dropbox-9', 'dropbox');
    assert.ok(server.stations.dropboxes.has('dropbox-9'));
    // The server's own view of the tree: a server-role login sees everything that is delivered.
    const watcher = await login(server.mqttUrl, 'server', 'pw-server', 'watcher');
    open.push(watcher);
    const seen: string[] = [];
    watcher.on('message', (topic) => seen.push(topic));
    await new Promise<void>((res, rej) => watcher.subscribe(`library/v1/${config.school.id}/dropbox-9/#`, { qos: 1 }, (err) => (err ? rej(err) : res())));

    // mqtt.js keeps retrying and queues what it is asked to publish: it must never get through.
    const st = connectMqtt(server.mqttUrl, { username: 'dropbox-9', password, clientId: 'dropbox-9', reconnectPeriod: 50 });
    open.push(st);
    await new Promise<void>((res) => st.once('connect', () => res()));
    st.publish(topics.status(config.school.id, 'dropbox-9'), status('dropbox-9', 'dropbox'), { qos: 1 });
    await waitUntil(() => seen.length === 1, 10000, 'the status before revocation');

    server.stations.revoke('dropbox-9');
    await waitUntil(() => !st.connected, 10000, 'disconnected');
    const alert = (n: number) =>
      JSON.stringify({ id: `019a0000-0000-7000-8000-00000000000${n}`, type: 'alert', device: 'dropbox-9', at: new Date().toISOString(), code: 'BIN_FULL' });
    for (let n = 1; n <= 3; n++) st.publish(topics.event(config.school.id, 'dropbox-9', 'alert'), alert(n), { qos: 1 });
    // Each reconnect with the old login is refused (mqtt.js stops retrying after a refusal: ask again).
    let refusals = 0;
    st.on('error', () => refusals++);
    for (let i = 0; i < 3; i++) {
      const before = refusals;
      st.reconnect();
      await waitUntil(() => refusals > before, 10000, `refused reconnect ${i + 1}`);
    }
    assert.equal(st.connected, false);
    st.end(true);
    // A round trip through the broker after those attempts: anything delivered would be here by now.
    watcher.publish(`library/v1/${config.school.id}/dropbox-9/ping`, 'x', { qos: 1 });
    await waitUntil(() => seen.length === 2, 10000, 'the watcher\'s own ping');
    assert.deepEqual(seen, [topics.status(config.school.id, 'dropbox-9'), `library/v1/${config.school.id}/dropbox-9/ping`]);
    assert.equal((server.db.prepare(`SELECT COUNT(*) AS n FROM events WHERE device = 'dropbox-9'`).get() as { n: number }).n, 0);
  });
});
