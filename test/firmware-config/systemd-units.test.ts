/**
 * firmware-config/systemd: the units pass `systemd-analyze verify`, carry the settings the
 * installation guide promises, and their ExecStart lines really start the server and a station
 * (run here as systemd would: in the project folder, with the environment file's variables).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { loadConfig } from '#core/node/load-config.ts';
import { freePort } from '#test/ports.ts';
import { requireTool } from '#test/require-tool.ts';
import { waitUntil } from '#test/school.ts';

const run = promisify(execFile);
const ROOT = process.cwd();
const DIR = join(ROOT, 'firmware-config/systemd');
const SERVER = 'openshelf-server.service';
const STATION = 'openshelf-station@.service';
const BACKUP = 'openshelf-backup.service';

type Unit = Map<string, Map<string, string[]>>;

/** systemd's unit file syntax: [Section], Key=Value (a key may repeat), # and ; comments. */
function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section: Map<string, string[]> | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const s = /^\[([A-Za-z]+)\]$/.exec(line);
    if (s) {
      section = new Map();
      unit.set(s[1]!, section);
      return;
    }
    const kv = /^([A-Za-z]+)=(.*)$/.exec(line);
    assert.ok(kv && section, `line ${i + 1} is not Key=Value inside a section: ${line}`);
    section.set(kv[1]!, [...(section.get(kv[1]!) ?? []), kv[2]!]);
  });
  return unit;
}

const read = (name: string) => parseUnit(readFileSync(join(DIR, name), 'utf8'));
/** All values of a key, space-separated lists split. */
const values = (u: Unit, section: string, key: string) => (u.get(section)?.get(key) ?? []).flatMap((v) => v.split(/\s+/).filter(Boolean));
const one = (u: Unit, section: string, key: string) => {
  const v = u.get(section)?.get(key);
  assert.equal(v?.length, 1, `${section}.${key} set exactly once`);
  return v[0]!;
};

/** The variables of the shipped environment file. */
function envExample(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(DIR, 'openshelf.env.example'), 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

describe('firmware-config/systemd units', function () {
  this.timeout(240000);

  for (const name of [SERVER, STATION]) {
    it(`${name}: restarts on failure, waits for the network, runs as openshelf with a read-only system`, () => {
      const u = read(name);
      assert.ok(values(u, 'Unit', 'Wants').includes('network-online.target'));
      assert.ok(values(u, 'Unit', 'After').includes('network-online.target'));
      assert.equal(one(u, 'Service', 'Restart'), 'on-failure');
      // A config the process refuses exits 2 (core/node/load-config.ts): no restart loop for that.
      assert.equal(one(u, 'Service', 'RestartPreventExitStatus'), '2');
      assert.equal(one(u, 'Service', 'User'), 'openshelf');
      assert.equal(one(u, 'Service', 'NoNewPrivileges'), 'yes');
      assert.equal(one(u, 'Service', 'ProtectSystem'), 'strict');
      assert.equal(one(u, 'Service', 'ProtectHome'), 'yes');
      assert.equal(one(u, 'Service', 'EnvironmentFile'), '/etc/openshelf/openshelf.env');
      assert.equal(u.get('Service')?.get('MemoryDenyWriteExecute'), undefined, "V8's JIT needs W+X memory: this would kill node");
      assert.deepEqual(values(u, 'Install', 'WantedBy'), ['multi-user.target']);
      // The only writable place is the data dir of the production config.
      const dataDir = loadConfig('config/production.example.json').dataDir;
      assert.deepEqual(values(u, 'Service', 'ReadWritePaths'), [dataDir]);
      assert.equal(`/var/lib/${one(u, 'Service', 'StateDirectory')}`, dataDir);
    });
  }

  it('the server needs no devices; the station gets the device groups and no BindsTo on devices', () => {
    const server = read(SERVER);
    assert.equal(one(server, 'Service', 'PrivateDevices'), 'yes');
    assert.ok(values(server, 'Unit', 'After').includes('mosquitto.service'));
    const station = read(STATION);
    assert.equal(station.get('Service')?.get('PrivateDevices'), undefined);
    assert.deepEqual(values(station, 'Service', 'SupplementaryGroups').sort(), ['dialout', 'lp', 'plugdev']);
    assert.ok(values(station, 'Unit', 'After').includes('systemd-udev-trigger.service'));
    assert.equal(station.get('Unit')?.get('BindsTo'), undefined);
    assert.match(one(station, 'Service', 'ExecStart'), / %i$/, 'the instance name is the device id');
  });

  it('the backup runs daily as openshelf, can write only the data dir and the backup folder, and catches up after a power-off', () => {
    const svc = read(BACKUP);
    assert.equal(one(svc, 'Service', 'Type'), 'oneshot');
    assert.equal(one(svc, 'Service', 'User'), 'openshelf');
    assert.equal(one(svc, 'Service', 'ProtectSystem'), 'strict');
    assert.deepEqual(values(svc, 'Service', 'ReadWritePaths'), ['/var/lib/openshelf', '/var/backups/openshelf']);
    assert.match(one(svc, 'Service', 'ExecStart'), /scripts\/backup\.ts --config \$\{OPENSHELF_CONFIG\} \/var\/backups\/openshelf\/$/);
    const timer = read('openshelf-backup.timer');
    assert.equal(one(timer, 'Timer', 'Persistent'), 'true');
    assert.match(one(timer, 'Timer', 'OnCalendar'), /^\*-\*-\* \d\d:\d\d:\d\d$/);
  });

  it('passes systemd-analyze verify', async function () {
    const analyze = requireTool(this, 'systemd-analyze', ['/usr/bin/systemd-analyze', '/bin/systemd-analyze']);
    const dir = mkdtempSync(join(tmpdir(), 'openshelf-units-'));
    try {
      // verify checks that ExecStart's program exists: use this machine's node if it lives elsewhere.
      const fix = (text: string) => (existsSync('/usr/bin/node') ? text : text.replaceAll('/usr/bin/node', process.execPath));
      writeFileSync(join(dir, SERVER), fix(readFileSync(join(DIR, SERVER), 'utf8')));
      writeFileSync(join(dir, STATION), fix(readFileSync(join(DIR, STATION), 'utf8')));
      copyFileSync(join(dir, STATION), join(dir, 'openshelf-station@kiosk-1.service'));
      for (const f of [BACKUP, 'openshelf-backup.timer']) writeFileSync(join(dir, f), fix(readFileSync(join(DIR, f), 'utf8')));
      const units = [SERVER, 'openshelf-station@kiosk-1.service', BACKUP, 'openshelf-backup.timer'].map((f) => join(dir, f));
      const r = await run(analyze, ['verify', '--man=no', ...units]).catch(
        (e: { code: number; stdout: string; stderr: string }) => assert.fail(`systemd-analyze verify exited ${e.code}:\n${e.stdout}\n${e.stderr}`),
      );
      // Unknown keys and bad values are only warnings (exit 0): any line naming our units fails.
      const ours = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /openshelf/.test(l));
      assert.deepEqual(ours, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ExecStart starts the server and station %i from the project folder; SIGTERM stops them cleanly; a bad config exits 2', async () => {
    const work = mkdtempSync(join(tmpdir(), 'openshelf-units-run-'));
    try {
      const [http, broker, kiosk] = [await freePort(), await freePort(), await freePort()];
      const cfgFile = join(work, 'config.json');
      writeFileSync(
        cfgFile,
        JSON.stringify({
          // production: no demo to seed, so both start in seconds.
          mode: 'production',
          dataDir: join(work, 'data'),
          server: {
            httpPort: http,
            broker: { embedded: true, port: broker },
            mqtt: { username: 'server', password: 'pw-server' },
            devices: [{ username: 'kiosk-1', password: 'pw-kiosk-1', role: 'kiosk' }],
            sessionSecret: 'units-test-secret-0123456789',
          },
          stations: [{ device: 'kiosk-1', password: 'pw-kiosk-1', httpPort: kiosk, mqttUrl: `mqtt://127.0.0.1:${broker}` }],
        }),
      );
      const env: Record<string, string | undefined> = { ...process.env, ...envExample(), OPENSHELF_CONFIG: cfgFile, OPENSHELF_QUIET: '1' };
      delete env.NODE_EXTRA_CA_CERTS; // the example's CA file is not on this machine
      /** ExecStart as systemd expands it: ${VAR} from the environment, %i the instance. */
      const command = (name: string, instance = '') =>
        one(read(name), 'Service', 'ExecStart')
          .replace(/\$\{(\w+)\}/g, (_, v: string) => env[v] ?? '')
          .replace(/%i/g, instance)
          .split(/\s+/);
      const start = (argv: string[]) => {
        const [bin, ...args] = argv;
        const child = spawn(existsSync(bin!) ? bin! : process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
        return { child, exit, stderr: () => stderr };
      };
      assert.equal(one(read(SERVER), 'Service', 'WorkingDirectory'), '/opt/openshelf');
      const server = start(command(SERVER));
      const station = start(command(STATION, 'kiosk-1'));
      try {
        // Any HTTP answer will do (the dashboard's page needs a build; the API answers without one).
        const answers = async (port: number, path: string) => (await fetch(`http://127.0.0.1:${port}${path}`).catch(() => null)) !== null;
        await waitUntil(() => answers(http, '/'), 90000, `the server's dashboard (${server.stderr()})`);
        await waitUntil(() => answers(kiosk, '/api/health'), 90000, `station kiosk-1's page (${station.stderr()})`);
        // The instance name reached the station as its device id: the server knows kiosk-1 online.
        const dbFile = join(work, 'data', 'server', 'library.sqlite');
        await waitUntil(() => {
          const db = new Database(dbFile, { readonly: true, fileMustExist: true });
          try {
            return (db.prepare(`SELECT state FROM stations WHERE device = 'kiosk-1'`).get() as { state: string } | undefined)?.state === 'online';
          } finally {
            db.close();
          }
        }, 90000, 'kiosk-1 online at the server');
        // The evening backup, while both run (into a temp folder instead of /var/backups/openshelf).
        const backups = join(work, 'backups');
        mkdirSync(backups);
        const backup = start(command(BACKUP).map((a) => a.replace('/var/backups/openshelf/', `${backups}/`)));
        assert.equal(await backup.exit, 0, backup.stderr());
        assert.equal(readdirSync(backups).filter((f) => /^library-\d{8}-\d{6}\.sqlite$/.test(f)).length, 1);
      } finally {
        station.child.kill('SIGTERM');
        server.child.kill('SIGTERM');
      }
      assert.equal(await station.exit, 0, station.stderr());
      assert.equal(await server.exit, 0, server.stderr());

      writeFileSync(cfgFile, JSON.stringify({ mode: 'production', server: {} }));
      const bad = start(command(SERVER));
      assert.equal(await bad.exit, 2, 'RestartPreventExitStatus=2 matches what a refused config exits with');
      assert.match(bad.stderr(), /sessionSecret|mqtt\.password/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
