import assert from 'node:assert/strict';
import { ConfigError, parseConfig, placeholderSecrets, refusePlaceholderSecrets } from '#core/config.ts';

/** The ConfigError parseConfig throws for raw; fails the test when it does not throw one. */
function configError(raw: unknown): ConfigError {
  try {
    parseConfig(raw, 'test.json');
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('parseConfig accepted a bad config');
}

describe('core/config', () => {
  describe('defaults', () => {
    it('fills in the school, data dir and an empty station list from just a mode', () => {
      const cfg = parseConfig({ mode: 'sim' });
      assert.equal(cfg.dataDir, './data');
      assert.deepEqual(cfg.school, { id: 'demo', name: 'Trường TH&THCS Demo', isil: 'VN-THCS01', institution: '0001' });
      assert.deepEqual(cfg.stations, []);
      assert.equal(cfg.server, undefined);
    });

    it('fills in every station field but the device id and password', () => {
      const cfg = parseConfig({ mode: 'sim', stations: [{ device: 'kiosk-1', password: 'pw' }] });
      const st = cfg.stations[0]!;
      assert.equal(st.role, 'kiosk');
      assert.equal(st.httpPort, 8080);
      assert.equal(st.httpHost, '127.0.0.1');
      assert.equal(st.mqttUrl, 'mqtt://127.0.0.1:1883');
      assert.equal(st.requestTimeoutMs, 1500);
      assert.equal(st.idleTimeoutSec, 45);
      assert.equal(st.idleWarningSec, 10);
      assert.deepEqual(st.devices.card, { driver: 'sim', terminator: 'enter', baudRate: 9600, cardFormat: 'as-read' });
      assert.deepEqual(st.devices.scanner, { driver: 'sim', terminator: 'enter', baudRate: 9600, cardFormat: 'as-read' });
      assert.deepEqual(st.devices.printer, { driver: 'sim', widthChars: 32, baudRate: 19200, port: 9100, paperMm: 58 });
      assert.equal(st.devices.rfid.driver, 'none');
    });

    it('fills in the devices a station leaves out and keeps the ones it sets', () => {
      const cfg = parseConfig({ mode: 'sim', stations: [{ device: 'k', password: 'pw', devices: { printer: { widthChars: 48 }, card: { terminator: 'tab' } } }] });
      const d = cfg.stations[0]!.devices;
      assert.deepEqual(d.printer, { driver: 'sim', widthChars: 48, baudRate: 19200, port: 9100, paperMm: 58 });
      assert.deepEqual(d.card, { driver: 'sim', terminator: 'tab', baudRate: 9600, cardFormat: 'as-read' });
      assert.deepEqual(d.scanner, { driver: 'sim', terminator: 'enter', baudRate: 9600, cardFormat: 'as-read' });
    });

    it('fills in the server block: embedded broker, own login, no devices or staff', () => {
      const s = parseConfig({ mode: 'sim', server: {} }).server!;
      assert.equal(s.httpPort, 3000);
      assert.deepEqual(s.broker, { embedded: true, port: 1883, host: '127.0.0.1' });
      assert.equal(s.mqtt.username, 'server');
      assert.deepEqual(s.devices, []);
      assert.deepEqual(s.staff, []);
    });

    it('keeps the school fields it is given and defaults the rest', () => {
      const cfg = parseConfig({ mode: 'sim', school: { id: 'thcs-01', isil: 'VN-HN0123' } });
      assert.equal(cfg.school.id, 'thcs-01');
      assert.equal(cfg.school.isil, 'VN-HN0123');
      assert.equal(cfg.school.institution, '0001');
    });
  });

  describe('bad configs', () => {
    it('names the source and the mode when the mode is wrong or missing', () => {
      const e = configError({ mode: 'demo' });
      assert.match(e.message, /^test\.json is not valid/);
      assert.match(e.message, /- mode: /);
      assert.match(configError({}).message, /- mode: /);
      assert.match(configError(null).message, /\(top\)/);
    });

    it('names a station device id with a slash (it would break the topic tree)', () => {
      const e = configError({ mode: 'sim', stations: [{ device: 'kiosk/1', password: 'pw' }] });
      assert.match(e.message, /- stations\.0\.device: .*MQTT topic segment/);
    });

    it('names wildcard device ids and broker logins', () => {
      assert.match(configError({ mode: 'sim', stations: [{ device: 'k', password: 'pw' }, { device: '#', password: 'pw' }] }).message, /stations\.1\.device/);
      const e = configError({ mode: 'sim', server: { devices: [{ username: 'kiosk+1', password: 'pw', role: 'kiosk' }] } });
      assert.match(e.message, /server\.devices\.0\.username/);
    });

    it('names a bad ISIL', () => {
      for (const isil of ['vn-THCS01', 'VNTHCS01', 'VN-', 'VN-ABCDEFGHIJKL', 'VN-THCS 01']) {
        assert.match(configError({ mode: 'sim', school: { isil } }).message, /- school\.isil: an ISIL like VN-THCS01/, isil);
      }
    });

    it('names a bad institution code', () => {
      for (const institution of ['001', '00001', '00A1', '']) {
        assert.match(configError({ mode: 'sim', school: { institution } }).message, /- school\.institution: .*4-digit/, institution);
      }
    });

    it('lists every bad field at once', () => {
      const e = configError({ mode: 'sim', school: { isil: 'x', institution: 'y' }, stations: [{ device: 'a/b', password: '' }] });
      for (const field of ['school.isil', 'school.institution', 'stations.0.device', 'stations.0.password']) assert.match(e.message, new RegExp(`- ${field.replace(/\./g, '\\.')}:`));
    });

    it('refuses out-of-range numbers', () => {
      assert.match(configError({ mode: 'sim', stations: [{ device: 'k', password: 'pw', idleTimeoutSec: 1 }] }).message, /stations\.0\.idleTimeoutSec/);
      assert.match(configError({ mode: 'sim', stations: [{ device: 'k', password: 'pw', httpPort: 70000 }] }).message, /stations\.0\.httpPort/);
      assert.match(configError({ mode: 'sim', stations: [{ device: 'k', password: 'pw', devices: { printer: { widthChars: 10 } } }] }).message, /stations\.0\.devices\.printer\.widthChars/);
    });
  });

  describe('production', () => {
    it('refuses the default session secret and says which field to set', () => {
      const e = configError({ mode: 'production', server: {} });
      assert.match(e.message, /server\.sessionSecret/);
    });

    it('refuses the default MQTT password of the server', () => {
      const e = configError({ mode: 'production', server: { sessionSecret: 'a-real-secret-of-our-own-42' } });
      assert.match(e.message, /server\.mqtt\.password/);
    });

    it('accepts a session secret and a password of its own', () => {
      const cfg = parseConfig({
        mode: 'production',
        server: { sessionSecret: 'a-real-secret-of-our-own-42', mqtt: { username: 'server', password: 'our-own-password' } },
      });
      assert.equal(cfg.mode, 'production');
    });

    it('refuses CHANGE-ME placeholder secrets in production, naming every one', () => {
      const cfg = parseConfig({
        mode: 'production',
        server: { sessionSecret: 'a-real-secret-of-our-own-42', mqtt: { username: 'server', password: 'CHANGE-ME-server' }, devices: [{ username: 'kiosk-1', password: 'our-own', role: 'kiosk' }, { username: 'kiosk-2', password: 'change-me', role: 'kiosk' }] },
        stations: [{ device: 'kiosk-1', password: 'CHANGE-ME-kiosk-1' }],
      });
      assert.deepEqual(placeholderSecrets(cfg), ['server.mqtt.password', 'server.devices.1.password', 'stations.0.password']);
      assert.throws(
        () => refusePlaceholderSecrets(cfg, 'test.json'),
        (e: Error) => e instanceof ConfigError && e.message.startsWith('test.json: ') && /CHANGE-ME/.test(e.message) && e.message.split('\n').slice(1).join('|') === '  - server.mqtt.password|  - server.devices.1.password|  - stations.0.password',
      );
      assert.doesNotThrow(() => refusePlaceholderSecrets({ ...cfg, mode: 'sim' }), 'sim mode keeps its demo secrets');
    });

    it('accepts the default secret in sim mode', () => {
      assert.equal(parseConfig({ mode: 'sim', server: {} }).server?.sessionSecret, 'change-me-please-0123456789');
    });
  });
});
