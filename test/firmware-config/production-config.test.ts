/**
 * config/production.example.json, the file docs/operations.md starts a school from: the config
 * loader accepts it, and it agrees with the shipped broker config (ports, TLS) and itself
 * (every station's login is one the server lists).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfig, placeholderSecrets, refusePlaceholderSecrets } from '#core/config.ts';
import { loadConfig } from '#core/node/load-config.ts';
import { startServer } from '#server/server.ts';
import { quietLog } from '#test/school.ts';

const FILE = 'config/production.example.json';

describe('config/production.example.json', () => {
  const config = loadConfig(FILE);
  const raw = JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, unknown>;

  it('is a production config the loader accepts', () => {
    assert.equal(config.mode, 'production');
    assert.ok(config.server);
    assert.ok(config.stations.length >= 1);
  });

  it('the server uses the shipped mosquitto on its loopback listener; stations its TLS listener', () => {
    const conf = readFileSync('firmware-config/mosquitto/mosquitto.conf', 'utf8');
    const listeners = [...conf.matchAll(/^listener (\d+)(?: (\S+))?$/gm)].map((m) => ({ port: Number(m[1]), host: m[2] }));
    const loopback = listeners.find((l) => l.host === '127.0.0.1')!;
    const tls = listeners.find((l) => l.host === undefined)!;
    assert.equal(config.server!.broker.embedded, false);
    assert.equal(config.server!.broker.url, `mqtt://127.0.0.1:${loopback.port}`);
    for (const st of config.stations) {
      const url = new URL(st.mqttUrl);
      assert.equal(url.protocol, 'mqtts:', `${st.device} talks TLS`);
      assert.equal(Number(url.port), tls.port, `${st.device} uses the TLS listener`);
    }
  });

  it("every station's login is a device the server lists, with the same password and role", () => {
    for (const st of config.stations) {
      const d = config.server!.devices.find((x) => x.username === st.device);
      assert.ok(d, `${st.device} is in server.devices`);
      assert.equal(d.password, st.password, `${st.device}: the same password on both sides`);
      assert.equal(d.role, st.role);
    }
  });

  it('ships only placeholders for secrets, and the kiosk page stays on the station itself', () => {
    const s = config.server!;
    for (const secret of [s.mqtt.password, s.sessionSecret, ...s.devices.map((d) => d.password), ...s.staff.map((x) => x.password), ...config.stations.map((x) => x.password)]) {
      assert.match(secret, /^CHANGE-ME/, 'a placeholder nobody can mistake for a real secret');
    }
    for (const st of config.stations) assert.equal(st.httpHost, '127.0.0.1');
  });

  it('the server refuses to start on the example’s CHANGE-ME secrets, naming each; with real ones it goes on', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'openshelf-placeholders-'));
    try {
      const cfg = parseConfig({ ...raw, dataDir });
      await assert.rejects(
        startServer({ config: cfg, log: quietLog }),
        (e: Error) => e instanceof ConfigError && /CHANGE-ME/.test(e.message) && /server\.sessionSecret/.test(e.message) && /server\.devices\.0\.password/.test(e.message),
      );
      assert.equal(existsSync(join(dataDir, 'server')), false, 'refused before touching the data folder');
      const real = JSON.parse(JSON.stringify(raw).replace(/CHANGE-ME/g, 'own-secret-7f3a')) as Record<string, unknown>;
      assert.deepEqual(placeholderSecrets(parseConfig(real)), []);
      assert.doesNotThrow(() => refusePlaceholderSecrets(parseConfig(real)));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('production still refuses the built-in default secrets', () => {
    const server = raw.server as Record<string, unknown>;
    assert.throws(() => parseConfig({ ...raw, server: { ...server, sessionSecret: 'change-me-please-0123456789' } }), /sessionSecret must be set/);
    assert.throws(() => parseConfig({ ...raw, server: { ...server, mqtt: { username: 'server', password: 'server-secret' } } }), /mqtt\.password must be set/);
  });
});
