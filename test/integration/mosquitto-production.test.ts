/**
 * The shipped production broker setup in a real Mosquitto: firmware-config/mosquitto/mosquitto.conf
 * (only its ports and paths moved into a temp dir), the password and ACL files written by
 * scripts/mosquitto-acl.ts from config/production.example.json, and a TLS certificate made by
 * firmware-config/mosquitto/make-certs.sh. Then the district bridge (bridge.conf.example) against a
 * second Mosquitto standing in for the district broker.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import { parseConfig } from '#core/config.ts';
import { loadConfig } from '#core/node/load-config.ts';
import { startServer } from '#server/server.ts';
import { mosquittoAcl } from '#core/access.ts';
import { brokerAccounts } from '#server/broker/accounts.ts';
import { MOSQUITTO, waitForPort } from '#test/mosquitto.ts';
import { freePort } from '#test/ports.ts';
import { requireTool } from '#test/require-tool.ts';
import { quietLog, waitUntil } from '#test/school.ts';

const run = promisify(execFile);
const ROOT = process.cwd();
const EXAMPLE = join(ROOT, 'config/production.example.json');
const config = loadConfig(EXAMPLE);
const SCHOOL = config.school.id;
const T = (device: string, rest: string) => `library/v1/${SCHOOL}/${device}/${rest}`;
const pw = (user: string) => brokerAccounts(config).find((a) => a.username === user)!.password;

/** Replaces `from` (which must occur exactly once in the shipped file) by `to`. */
function rewrite(text: string, from: string | RegExp, to: string, what: string): string {
  const n = typeof from === 'string' ? text.split(from).length - 1 : (text.match(new RegExp(from, 'gm')) ?? []).length;
  assert.equal(n, 1, `the shipped file should have exactly one ${what} (${String(from)})`);
  return text.replace(from, to);
}


interface Broker {
  child: ChildProcess;
  log: () => string;
  stop(): Promise<void>;
}

async function startBroker(bin: string, confFile: string, port: number): Promise<Broker> {
  const child = spawn(bin, ['-c', confFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitForPort(port, child, () => stderr);
  return {
    child,
    log: () => stderr,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

const asRoot = process.getuid?.() === 0 ? '\n# test: as root mosquitto would switch to the mosquitto user, who cannot read the temp dir\nuser root\n' : '';

/** The shipped mosquitto.conf with its paths under `dir` and its two listeners on free loopback ports. */
function localConf(dir: string, plain: number, tls: number): string {
  let c = readFileSync(join(ROOT, 'firmware-config/mosquitto/mosquitto.conf'), 'utf8');
  c = rewrite(c, /^pid_file .*$/m, '', 'pid_file');
  c = rewrite(c, /^persistence true$/m, 'persistence false', 'persistence');
  c = rewrite(c, /^persistence_location .*$/m, '', 'persistence_location');
  c = rewrite(c, /^log_dest file .*$/m, 'log_dest stderr', 'log_dest');
  c = rewrite(c, /^listener 1883 127\.0\.0\.1$/m, `listener ${plain} 127.0.0.1`, 'loopback listener');
  c = rewrite(c, /^listener 8883$/m, `listener ${tls}`, 'TLS listener');
  c = rewrite(c, /^include_dir \/etc\/mosquitto\/conf\.d$/m, `include_dir ${dir}/conf.d`, 'include_dir');
  for (const f of ['passwd', 'acl', 'ca.crt', 'server.crt', 'server.key']) c = rewrite(c, `/etc/mosquitto/openshelf/${f}`, `${dir}/${f}`, f);
  const settings = c.split('\n').filter((l) => !l.startsWith('#'));
  assert.deepEqual(settings.filter((l) => /\/etc\/|\/var\/|\/run\//.test(l)), [], 'every path was moved');
  return c + asRoot;
}

describe('production Mosquitto (firmware-config/mosquitto) in a real broker', function () {
  this.timeout(120000);
  let bin: string;
  let dir: string;
  let plain: number;
  let tls: number;
  let broker: Broker | undefined;
  let ca: Buffer;
  const clients: MqttClient[] = [];

  async function client(opts: { username?: string; password?: string; tls?: boolean; ca?: Buffer | null; port?: number }): Promise<MqttClient> {
    const url = opts.tls ? `mqtts://localhost:${opts.port ?? tls}` : `mqtt://127.0.0.1:${opts.port ?? plain}`;
    const c = await mqtt.connectAsync(url, {
      protocolVersion: 4,
      username: opts.username,
      password: opts.password,
      reconnectPeriod: 0,
      connectTimeout: 10000,
      ...(opts.tls && opts.ca !== null ? { ca: opts.ca ?? ca } : {}),
    });
    clients.push(c);
    return c;
  }

  function collect(c: MqttClient): { topic: string; payload: string }[] {
    const seen: { topic: string; payload: string }[] = [];
    c.on('message', (topic, payload) => seen.push({ topic, payload: payload.toString() }));
    return seen;
  }

  before(async function () {
    bin = requireTool(this, 'mosquitto', MOSQUITTO);
    requireTool(this, 'openssl', ['/usr/bin/openssl']);
    dir = mkdtempSync(join(tmpdir(), 'openshelf-mosquitto-prod-'));
    mkdirSync(join(dir, 'conf.d'));
    // The commands docs/operations.md gives the IT teacher, pointed at the temp dir.
    await run('sh', [join(ROOT, 'firmware-config/mosquitto/make-certs.sh'), dir, 'localhost']);
    const gen = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/mosquitto-acl.ts'), EXAMPLE, '--acl', join(dir, 'acl'), '--passwd', join(dir, 'passwd')], { cwd: ROOT });
    assert.match(gen.stdout, /3 tài khoản \/ accounts: server \(server\), kiosk-1 \(kiosk\), kiosk-2 \(kiosk\)/);
    ca = readFileSync(join(dir, 'ca.crt'));
    plain = await freePort();
    tls = await freePort();
    writeFileSync(join(dir, 'mosquitto.conf'), localConf(dir, plain, tls));
    broker = await startBroker(bin, join(dir, 'mosquitto.conf'), plain);
    await waitForPort(tls, broker.child, broker.log);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    await broker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the generated ACL is the access table, and the password file holds no password in clear', () => {
    assert.equal(readFileSync(join(dir, 'acl'), 'utf8'), mosquittoAcl(SCHOOL, brokerAccounts(config)));
    const passwd = readFileSync(join(dir, 'passwd'), 'utf8');
    assert.match(passwd, /^server:\$7\$101\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/m);
    for (const a of brokerAccounts(config)) assert.ok(!passwd.includes(a.password), `${a.username}'s password is hashed`);
  });

  it('refuses anonymous clients and wrong passwords, on both listeners', async () => {
    for (const t of [false, true]) {
      await assert.rejects(client({ tls: t }), /Not authorized|Connection refused/i, `anonymous, tls=${t}`);
      await assert.rejects(client({ tls: t, username: 'kiosk-1', password: 'wrong' }), /Not authorized|Bad username or password|Connection refused/i, `wrong password, tls=${t}`);
      await assert.rejects(client({ tls: t, username: 'kiosk-1', password: pw('kiosk-2') }), /Not authorized|Bad username or password|Connection refused/i, `kiosk-2's password for kiosk-1, tls=${t}`);
    }
  });

  it('the plain listener is on loopback only and the TLS listener on every address', () => {
    const c = readFileSync(join(ROOT, 'firmware-config/mosquitto/mosquitto.conf'), 'utf8');
    assert.deepEqual(c.match(/^listener .*$/gm), ['listener 1883 127.0.0.1', 'listener 8883']);
    assert.match(c, /^allow_anonymous false$/m);
  });

  it('a station cannot publish as another station; the server hears its own station', async () => {
    const server = await client({ username: 'server', password: pw('server') });
    const heard = collect(server);
    await server.subscribeAsync(`library/v1/${SCHOOL}/#`, { qos: 1 });
    const k1 = await client({ username: 'kiosk-1', password: pw('kiosk-1'), tls: true });
    // Forged first, then the real one: the broker keeps one client's order, so once the real one has
    // arrived, a forged one that got through would have arrived before it.
    await k1.publishAsync(T('kiosk-2', 'request'), JSON.stringify({ forged: true }), { qos: 1 });
    await k1.publishAsync(T('kiosk-2', 'status'), JSON.stringify({ forged: true }), { qos: 1 });
    await k1.publishAsync(T('server', 'event/checkout'), JSON.stringify({ forged: true }), { qos: 1 });
    await k1.publishAsync(`library/v1/other-school/kiosk-1/request`, JSON.stringify({ forged: true }), { qos: 1 });
    await k1.publishAsync(T('kiosk-1', 'request'), JSON.stringify({ real: true }), { qos: 1 });
    await waitUntil(() => heard.some((m) => m.topic === T('kiosk-1', 'request')), 10000, "kiosk-1's own request at the server");
    assert.deepEqual(heard.map((m) => m.topic), [T('kiosk-1', 'request')]);
  });

  it("a station cannot read another station's requests or replies; the server can write them", async () => {
    const server = await client({ username: 'server', password: pw('server') });
    const k1 = await client({ username: 'kiosk-1', password: pw('kiosk-1'), tls: true });
    const k2 = await client({ username: 'kiosk-2', password: pw('kiosk-2'), tls: true });
    const seen1 = collect(k1);
    const seen2 = collect(k2);
    const own = await k1.subscribeAsync([T('kiosk-1', 'reply'), T('server', 'sync')], { qos: 1 });
    assert.deepEqual(own.map((g) => g.qos), [1, 1]);
    // Each of these either is refused at SUBSCRIBE or never delivers a message; we check delivery.
    await k1.subscribeAsync([T('kiosk-2', 'reply'), T('kiosk-2', 'request'), T('+', 'reply'), 'library/v1/#', '#'], { qos: 1 }).catch(() => undefined);
    await k2.subscribeAsync(T('kiosk-2', 'reply'), { qos: 1 });
    await server.publishAsync(T('kiosk-2', 'reply'), '{"for":"kiosk-2"}', { qos: 1 });
    await server.publishAsync(T('kiosk-2', 'request'), '{"from":"kiosk-2"}', { qos: 1 });
    await server.publishAsync(T('kiosk-1', 'reply'), '{"for":"kiosk-1"}', { qos: 1 });
    await waitUntil(() => seen1.some((m) => m.topic === T('kiosk-1', 'reply')), 10000, "kiosk-1's own reply");
    await waitUntil(() => seen2.some((m) => m.topic === T('kiosk-2', 'reply')), 10000, "kiosk-2's reply at kiosk-2");
    assert.deepEqual([...new Set(seen1.map((m) => m.topic))], [T('kiosk-1', 'reply')]);
    assert.ok(seen1.every((m) => !m.payload.includes('kiosk-2')));
  });

  it('the TLS listener takes a client that trusts the school CA and refuses one that does not', async () => {
    const k2 = await client({ username: 'kiosk-2', password: pw('kiosk-2'), tls: true });
    assert.ok(k2.connected);
    await assert.rejects(client({ username: 'kiosk-2', password: pw('kiosk-2'), tls: true, ca: null }), /self[- ]signed|unable to verify|certificate/i);
    // A certificate for another name is refused too (the SAN lists the names the stations use).
    await assert.rejects(
      mqtt.connectAsync(`mqtts://127.0.0.2:${tls}`, { protocolVersion: 4, username: 'kiosk-2', password: pw('kiosk-2'), ca, reconnectPeriod: 0, connectTimeout: 10000 }),
      /altnames|does not match|Hostname\/IP/i,
    );
  });

  it('a station daemon with NODE_EXTRA_CA_CERTS lends a book over the TLS listener; the server uses the loopback one', async () => {
    // The example school, in sim mode (demo seed, simulated devices) on free ports: the same logins,
    // so the generated password and ACL files above apply unchanged.
    const raw = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { server: object; stations: { device: string }[] };
    const kiosk = raw.stations.find((x) => x.device === 'kiosk-1')!;
    const cfg = parseConfig({
      ...raw,
      mode: 'sim',
      dataDir: join(dir, 'school-data'),
      server: { ...raw.server, httpPort: await freePort(), broker: { embedded: false, url: `mqtt://127.0.0.1:${plain}` } },
      stations: [{ ...kiosk, httpPort: await freePort(), mqttUrl: `mqtts://localhost:${tls}`, devices: {} }],
    });
    const cfgFile = join(dir, 'school.json');
    writeFileSync(cfgFile, JSON.stringify(cfg));
    const server = await startServer({ config: cfg, log: quietLog });
    const station = spawn(process.execPath, ['--import', 'tsx', 'station-daemon/src/main.ts', cfgFile, 'kiosk-1'], {
      cwd: ROOT,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'ca.crt'), OPENSHELF_QUIET: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    station.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise((r) => station.once('exit', r));
    try {
      const online = () => (server.db.prepare(`SELECT state FROM stations WHERE device = 'kiosk-1'`).get() as { state: string } | undefined)?.state === 'online';
      await waitUntil(online, 90000, `kiosk-1 online through mosquitto's TLS listener (${stderr})`);
      const port = cfg.stations[0]!.httpPort;
      const sim = (device: string, code: string) =>
        fetch(`http://127.0.0.1:${port}/api/sim/${device}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
      const lent = () =>
        server.db.prepare(`SELECT count(*) AS n FROM loans l JOIN copies c ON c.id = l.copy_id WHERE c.barcode = '30001000000101' AND l.returned_at IS NULL AND l.station = 'kiosk-1'`).get() as { n: number };
      // The session takes inputs in order: the tap identifies, then the scan lends.
      assert.equal((await sim('card', '20001000000012')).status, 200);
      assert.equal((await sim('scanner', '30001000000101')).status, 200);
      await waitUntil(() => lent().n === 1, 60000, 'the loan at the server');
    } finally {
      station.kill('SIGTERM');
      await exited;
      await server.stop();
    }
  });

  describe('district bridge (bridge.conf.example)', () => {
    let district: Broker | undefined;
    let districtPort: number;
    let districtDir: string;
    const DISTRICT_PW = 'district-pw-for-this-school';

    before(async () => {
      // The district's own broker: its own CA, a login for the school, TLS only.
      districtDir = join(dir, 'district');
      mkdirSync(districtDir);
      await run('sh', [join(ROOT, 'firmware-config/mosquitto/make-certs.sh'), districtDir, 'localhost']);
      const { mosquittoPasswordFile } = await import('../../scripts/mosquitto-acl.ts');
      writeFileSync(join(districtDir, 'passwd'), mosquittoPasswordFile([{ username: SCHOOL, password: DISTRICT_PW }, { username: 'district-admin', password: 'admin-pw' }]));
      districtPort = await freePort();
      writeFileSync(
        join(districtDir, 'mosquitto.conf'),
        [
          `listener ${districtPort} 127.0.0.1`,
          `cafile ${districtDir}/ca.crt`,
          `certfile ${districtDir}/server.crt`,
          `keyfile ${districtDir}/server.key`,
          'allow_anonymous false',
          `password_file ${districtDir}/passwd`,
          'persistence false',
          'log_dest stderr',
          'log_type error',
          asRoot,
        ].join('\n'),
      );
      district = await startBroker(bin, join(districtDir, 'mosquitto.conf'), districtPort);
      // The shipped example with the EDIT lines filled in, as the IT teacher would.
      let b = readFileSync(join(ROOT, 'firmware-config/mosquitto/bridge.conf.example'), 'utf8');
      b = rewrite(b, /^address .*$/m, `address 127.0.0.1:${districtPort}`, 'address');
      b = rewrite(b, /^remote_password .*$/m, `remote_password ${DISTRICT_PW}`, 'remote_password');
      b = rewrite(b, /^bridge_cafile \/etc\/mosquitto\/openshelf\/district-ca\.crt$/m, `bridge_cafile ${districtDir}/ca.crt`, 'bridge_cafile');
      assert.ok(b.includes(`remote_username ${SCHOOL}`) && b.includes(`library/v1/${SCHOOL}/ openshelf/${SCHOOL}/`), 'the example names the example config\'s school');
      writeFileSync(join(dir, 'conf.d', 'district-bridge.conf'), b);
      // Restart the school broker so it reads conf.d.
      await broker!.stop();
      broker = await startBroker(bin, join(dir, 'mosquitto.conf'), plain);
    });
    after(async () => {
      await district?.stop();
    });

    it('forwards station status and counter readings under the school prefix, never loans, and takes nothing in', async () => {
      const admin = await client({ username: 'district-admin', password: 'admin-pw', tls: true, ca: readFileSync(join(districtDir, 'ca.crt')), port: districtPort });
      const atDistrict = collect(admin);
      await admin.subscribeAsync('#', { qos: 1 });
      await waitUntil(() => atDistrict.some((m) => m.topic === `openshelf/${SCHOOL}/bridge/state` && m.payload === '1'), 30000, 'the bridge to come up');

      const server = await client({ username: 'server', password: pw('server') });
      const atSchool = collect(server);
      await server.subscribeAsync(`library/v1/${SCHOOL}/#`, { qos: 1 });
      const k1 = await client({ username: 'kiosk-1', password: pw('kiosk-1'), tls: true });
      await server.publishAsync(T('server', 'event/checkout'), '{"patronId":"a pupil"}', { qos: 1 });
      await k1.publishAsync(T('kiosk-1', 'request'), '{"patronId":"a pupil"}', { qos: 1 });
      // (The example config has no counter: the server, which may write anywhere, plays one.)
      await server.publishAsync(T('counter-1', 'event/counter'), '{"in":3,"out":1}', { qos: 1 });
      await k1.publishAsync(T('kiosk-1', 'status'), '{"state":"online"}', { qos: 1 });
      await waitUntil(() => atDistrict.some((m) => m.topic === `openshelf/${SCHOOL}/kiosk-1/status`), 15000, 'the status at the district');
      await waitUntil(() => atDistrict.some((m) => m.topic === `openshelf/${SCHOOL}/counter-1/event/counter`), 15000, 'the counter reading at the district');
      assert.deepEqual(
        atDistrict.filter((m) => !m.topic.endsWith('/bridge/state')).map((m) => m.topic).sort(),
        [`openshelf/${SCHOOL}/counter-1/event/counter`, `openshelf/${SCHOOL}/kiosk-1/status`],
      );
      assert.ok(atDistrict.every((m) => !m.payload.includes('pupil')));

      // The district publishes into the school's prefix: nothing reaches the school.
      await admin.publishAsync(`openshelf/${SCHOOL}/kiosk-1/reply`, '{"from":"district"}', { qos: 1 });
      await admin.publishAsync(`openshelf/${SCHOOL}/server/sync`, '{"from":"district"}', { qos: 1 });
      await k1.publishAsync(T('kiosk-1', 'status'), '{"state":"online","n":2}', { qos: 1 });
      await waitUntil(() => atSchool.some((m) => m.payload.includes('"n":2')), 10000, 'the second status at the school');
      assert.ok(atSchool.every((m) => !m.payload.includes('district')), JSON.stringify(atSchool));
    });
  });
});
