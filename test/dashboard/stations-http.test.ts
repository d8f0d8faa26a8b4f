/**
 * Station management over the dashboard's HTTP API of a running school server: admin only, CSRF,
 * the one-time handout (its config file validates and its login opens the real broker), replace,
 * revoke, audit entries, the Mosquitto files, and which station made which transaction.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { parseConfig, type Config } from '#core/config.ts';
import { connectMqtt } from '#core/node/mqtt.ts';
import { startServer, type RunningServer } from '#server/server.ts';
import { quietLog, testConfig } from '#test/school.ts';
import { Client, errorCode } from './auth-helpers.ts';

function login(url: string, username: string, password: string): Promise<MqttClient> {
  const client = connectMqtt(url, { username, password, clientId: `${username}-${Math.random().toString(36).slice(2)}`, reconnectPeriod: 0, connectTimeout: 10000 });
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
  });
}

interface Handout {
  station: { device: string; role: string; generation: number };
  password: string;
  config: Record<string, unknown> | null;
  broker: { mqttUrl: string; username: string; password: string };
  qrSvg: string | null;
}

describe('station management over HTTP', function () {
  this.timeout(60000);
  let config: Config;
  let server: RunningServer;
  let base: string;
  const admin = () => new Client(base);

  before(async () => {
    config = await testConfig();
    server = await startServer({ config, log: quietLog });
    base = `http://127.0.0.1:${server.httpPort}`;
  });
  after(async () => {
    await server.stop();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  it('is for the admin only; a change needs the CSRF token', async () => {
    for (const [u, p] of [
      ['thuthu', 'thuvien'],
      ['hieutruong', 'hieutruong'],
    ] as const) {
      const c = new Client(base);
      assert.equal((await c.login(u, p)).status, 200);
      const list = await c.get('/api/stations/credentials');
      assert.equal(list.status, 403);
      const add = await c.send('POST', '/api/stations/credentials', { device: 'kiosk-x', role: 'kiosk' });
      assert.equal(add.status, 403);
      assert.equal(await errorCode(add), 'FORBIDDEN');
    }
    assert.equal((await new Client(base).get('/api/stations/credentials')).status, 401);
    const a = admin();
    await a.login('quantri', 'quantri');
    const noToken = await fetch(`${base}/api/stations/credentials/kiosk-1/revoke`, { method: 'POST', headers: { cookie: a.cookie, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(noToken.status, 403);
    assert.equal(await errorCode(noToken), 'CSRF');
    assert.equal(server.stations.get('kiosk-1')?.revokedAt, null, 'nothing revoked without the token');
    const list = (await (await a.get('/api/stations/credentials')).json()) as { device: string }[];
    assert.deepEqual(
      list.map((s) => s.device),
      ['kiosk-1', 'kiosk-2'],
    );
    assert.ok(!JSON.stringify(list).includes('hash'), 'no hashes in the list');
  });

  it('adding a station hands out its password once, a valid config file and a working broker login', async () => {
    const a = admin();
    await a.login('quantri', 'quantri');
    const res = await a.send('POST', '/api/stations/credentials', { device: 'kiosk-5', role: 'kiosk' });
    assert.equal(res.status, 201);
    const h = (await res.json()) as Handout;
    assert.equal(h.station.device, 'kiosk-5');
    assert.ok(h.password.length >= 20);
    // The file is a config core/config.ts accepts, for this station, pointing at this broker.
    const cfg = parseConfig(h.config, 'downloaded config');
    assert.equal(cfg.stations.length, 1);
    const st = cfg.stations[0]!;
    assert.deepEqual([st.device, st.role, st.password], ['kiosk-5', 'kiosk', h.password]);
    assert.equal(cfg.school.id, config.school.id);
    assert.equal(st.mqttUrl, `mqtt://127.0.0.1:${server.broker!.port}`);
    const c = await login(st.mqttUrl, st.device, st.password);
    assert.ok(c.connected);
    c.end(true);
    // The list never shows the password again; the audit log names the station, not the password.
    const again = await a.get('/api/stations/credentials');
    assert.ok(!(await again.text()).includes(h.password));
    const audit = (await (await a.get('/api/audit')).json()) as { action: string; detail: string; account: string }[];
    const entry = audit.find((e) => e.action === 'station_added');
    assert.ok(entry);
    assert.equal(entry.account, 'quantri');
    assert.match(entry.detail, /kiosk-5/);
    assert.ok(!JSON.stringify(audit).includes(h.password));
    assert.match(h.qrSvg ?? '', /^<svg/, 'a QR of the config file');
  });

  it('refuses a taken or malformed device id and an unknown role', async () => {
    const a = admin();
    await a.login('quantri', 'quantri');
    const taken = await a.send('POST', '/api/stations/credentials', { device: 'kiosk-1', role: 'kiosk' });
    assert.equal(taken.status, 409);
    assert.equal(await errorCode(taken), 'DEVICE_TAKEN');
    for (const body of [{ device: 'a/b', role: 'kiosk' }, { device: 'server', role: 'kiosk' }, { device: 'ok-1', role: 'printer' }, { device: '', role: 'kiosk' }]) {
      const r = await a.send('POST', '/api/stations/credentials', body);
      assert.equal(r.status, 400, JSON.stringify(body));
    }
    assert.equal(server.stations.get('ok-1'), null);
  });

  it('replace and revoke: old password refused, revoked station refused, both audited', async () => {
    const a = admin();
    await a.login('quantri', 'quantri');
    const rep = await a.send('POST', '/api/stations/credentials/kiosk-2/replace', {});
    assert.equal(rep.status, 200);
    const h = (await rep.json()) as Handout;
    assert.equal(h.station.generation, 2);
    await assert.rejects(login(server.mqttUrl, 'kiosk-2', 'pw-kiosk-2'));
    (await login(server.mqttUrl, 'kiosk-2', h.password)).end(true);

    const rev = await a.send('POST', '/api/stations/credentials/kiosk-2/revoke', {});
    assert.equal(rev.status, 200);
    await assert.rejects(login(server.mqttUrl, 'kiosk-2', h.password));
    const twice = await a.send('POST', '/api/stations/credentials/kiosk-2/revoke', {});
    assert.equal(twice.status, 409);
    assert.equal((await a.send('POST', '/api/stations/credentials/nope/replace', {})).status, 404);
    const actions = ((await (await a.get('/api/audit')).json()) as { action: string }[]).map((e) => e.action);
    assert.ok(actions.includes('station_replaced') && actions.includes('station_revoked'));
  });

  it('a door counter gets its broker login instead of a station config file', async () => {
    const a = admin();
    await a.login('quantri', 'quantri');
    const h = (await (await a.send('POST', '/api/stations/credentials', { device: 'counter-7', role: 'counter', mqttUrl: 'mqtt://thuvien.local:1883' })).json()) as Handout;
    assert.equal(h.config, null);
    assert.deepEqual([h.broker.username, h.broker.mqttUrl], ['counter-7', 'mqtt://thuvien.local:1883']);
    const bad = await a.send('POST', '/api/stations/credentials', { device: 'counter-8', role: 'counter', mqttUrl: 'http://x; rm -rf' });
    assert.equal(bad.status, 400);
  });

  it('writes the Mosquitto files from the store: hashes only, revoked stations left out', async () => {
    const a = admin();
    await a.login('quantri', 'quantri');
    const res = await a.send('POST', '/api/stations/mosquitto', {});
    assert.equal(res.status, 200);
    const out = (await res.json()) as { aclFile: string; passwordFile: string };
    const acl = readFileSync(out.aclFile, 'utf8');
    const passwd = readFileSync(out.passwordFile, 'utf8');
    assert.match(acl, /^user kiosk-5$/m);
    assert.match(acl, /^user server$/m);
    assert.doesNotMatch(acl, /kiosk-2/, 'revoked kiosk-2 has no ACL');
    const users = passwd.trim().split('\n').map((l) => l.split(':')[0]);
    assert.ok(users.includes('kiosk-5') && users.includes('server') && !users.includes('kiosk-2'));
    for (const line of passwd.trim().split('\n')) assert.match(line, /^[^:]+:\$7\$101\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.ok(!passwd.includes('pw-kiosk-1'));
  });

  it('which station made which transaction: by device and date, librarian and up, no names', async () => {
    const ins = server.db.prepare(`INSERT INTO transactions (id, device, type, at, received_at, request, response) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    ins.run('tx-a', 'kiosk-1', 'checkout', '2026-10-01T02:00:00.000Z', '2026-10-01T02:00:00.100Z', '{}', '{"status":"ok"}');
    ins.run('tx-b', 'kiosk-1', 'checkin', '2026-10-02T02:00:00.000Z', '2026-10-02T02:00:00.100Z', '{}', '{"status":"ok"}');
    ins.run('tx-c', 'dropbox-1', 'checkin', '2026-10-02T03:00:00.000Z', '2026-10-02T03:00:00.100Z', '{}', '{"status":"error"}');
    const lib = new Client(base);
    await lib.login('thuthu', 'thuvien');
    const mine = (await (await lib.get('/api/transactions?device=kiosk-1&from=2026-10-01&to=2026-10-01')).json()) as { id: string; device: string; status: string }[];
    assert.deepEqual(
      mine.map((t) => [t.id, t.device, t.status]),
      [['tx-a', 'kiosk-1', 'ok']],
    );
    const all = (await (await lib.get('/api/transactions?from=2026-10-01')).json()) as { id: string }[];
    assert.deepEqual(
      all.map((t) => t.id).filter((id) => id.startsWith('tx-')),
      ['tx-c', 'tx-b', 'tx-a'],
    );
    const by = (await (await lib.get('/api/transactions/by-station?from=2026-10-01&to=2026-10-02')).json()) as { device: string; transactions: number }[];
    assert.deepEqual(
      by.map((r) => [r.device, r.transactions]),
      [
        ['dropbox-1', 1],
        ['kiosk-1', 2],
      ],
    );
    assert.equal((await lib.get('/api/transactions?from=yesterday')).status, 400);
    const viewer = new Client(base);
    await viewer.login('hieutruong', 'hieutruong');
    assert.equal((await viewer.get('/api/transactions')).status, 403);
    const names = server.db.prepare(`SELECT full_name FROM patrons LIMIT 50`).all() as { full_name: string }[];
    const text = JSON.stringify(all);
    for (const n of names) assert.ok(!text.includes(n.full_name));
  });
});
