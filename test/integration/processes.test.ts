/**
 * `npm start` as a user runs it: the supervisor starts the server and the station as separate
 * processes, restarts one that dies, and on Ctrl-C (SIGINT) stops everything, leaving no child
 * and no port behind; a second start reuses the data.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { freePort } from '#test/ports.ts';
import { waitUntil } from '#test/school.ts';

async function json(url: string): Promise<Record<string, unknown> | null> {
  try {
    const r = await fetch(url);
    return r.ok ? ((await r.json()) as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect(port, '127.0.0.1', () => {
      s.end();
      res(true);
    });
    s.on('error', () => res(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start supervisor', function () {
  this.timeout(120000);
  let dir: string;
  let ports: { http: number; broker: number; kiosk: number };
  let configFile: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'openshelf-start-'));
    ports = { http: await freePort(), broker: await freePort(), kiosk: await freePort() };
    configFile = join(dir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        mode: 'sim',
        dataDir: join(dir, 'data'),
        server: {
          httpPort: ports.http,
          broker: { embedded: true, port: ports.broker },
          mqtt: { username: 'server', password: 'pw-server' },
          devices: [{ username: 'kiosk-1', password: 'pw-kiosk', role: 'kiosk' }],
          sessionSecret: 'test-secret-0123456789abcdef',
        },
        stations: [{ device: 'kiosk-1', password: 'pw-kiosk', httpPort: ports.kiosk, mqttUrl: `mqtt://127.0.0.1:${ports.broker}` }],
      }),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function start(): { child: ChildProcess; out: () => string } {
    let out = '';
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    return { child, out: () => out };
  }

  function openLoans(): number {
    const path = join(dir, 'data', 'server', 'library.sqlite');
    if (!existsSync(path)) return 0;
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      const row = db
        .prepare(`SELECT COUNT(*) AS n FROM loans l JOIN copies c ON c.id = l.copy_id WHERE c.barcode = '30001000000101' AND l.returned_at IS NULL`)
        .get() as { n: number };
      return row.n;
    } finally {
      db.close();
    }
  }

  it('runs both parts, restarts a dead one, stops cleanly on Ctrl-C, and reuses the data', async () => {
    const first = start();
    await waitUntil(() => first.out().includes('Ctrl-C'), 60000, 'the ready banner');
    assert.match(first.out(), new RegExp(`http://localhost:${ports.http}`));
    assert.match(first.out(), /thuthu \/ thuvien/);
    const server = (await json(`http://127.0.0.1:${ports.http}/api/health`))!;
    const station = (await json(`http://127.0.0.1:${ports.kiosk}/api/health`))!;
    assert.notEqual(server.pid, station.pid, 'server and station are separate processes');
    await waitUntil(async () => (await json(`http://127.0.0.1:${ports.kiosk}/api/health`))?.online === true, 20000, 'the station online');

    // The station dies: the supervisor starts a new one, and the server never noticed a restart.
    process.kill(station.pid as number, 'SIGKILL');
    await waitUntil(async () => {
      const h = await json(`http://127.0.0.1:${ports.kiosk}/api/health`);
      return h !== null && h.pid !== station.pid;
    }, 30000, 'the station to be restarted');
    assert.equal((await json(`http://127.0.0.1:${ports.http}/api/health`))!.pid, server.pid);

    // Borrow one book so the second start can show it kept the data.
    const post = (device: string, code: string) =>
      fetch(`http://127.0.0.1:${ports.kiosk}/api/sim/${device}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    await waitUntil(async () => (await json(`http://127.0.0.1:${ports.kiosk}/api/health`))?.online === true, 20000, 'the new station online');
    assert.equal((await post('card', '20001000000012')).status, 200);
    assert.equal((await post('scanner', '30001000000101')).status, 200);
    // The scan is queued when the POST answers; wait for the loan itself at the server (not just an
    // empty journal, which it also is before the session has taken the scan on a loaded machine).
    await waitUntil(() => openLoans() === 1, 20000, 'the loan at the server');
    await waitUntil(async () => (await json(`http://127.0.0.1:${ports.kiosk}/api/health`))?.pending === 0, 10000, 'the loan to be answered');

    const pids = [server.pid as number, (await json(`http://127.0.0.1:${ports.kiosk}/api/health`))!.pid as number];
    const exited = new Promise<number | null>((res) => first.child.once('exit', (code) => res(code)));
    first.child.kill('SIGINT');
    assert.equal(await exited, 0);
    for (const pid of pids) assert.equal(alive(pid), false, `process ${pid} left running`);
    for (const port of [ports.http, ports.broker, ports.kiosk]) assert.equal(await portOpen(port), false, `port ${port} still held`);

    const second = start();
    try {
      await waitUntil(() => second.out().includes('Ctrl-C'), 60000, 'the second ready banner');
      await waitUntil(async () => (await json(`http://127.0.0.1:${ports.kiosk}/api/health`))?.online === true, 20000, 'station online again');
      const h = (await json(`http://127.0.0.1:${ports.kiosk}/api/health`))!;
      const replica = h.replica as { loans: number };
      assert.ok(replica.loans > 0);
    } finally {
      const done = new Promise((res) => second.child.once('exit', res));
      second.child.kill('SIGINT');
      await done;
    }
    // One demo seed, one loan: the second start neither re-seeded nor lost the loan.
    const db = new Database(join(dir, 'data', 'server', 'library.sqlite'), { readonly: true });
    try {
      const open = db
        .prepare(`SELECT COUNT(*) AS n FROM loans l JOIN copies c ON c.id = l.copy_id WHERE c.barcode = '30001000000101' AND l.returned_at IS NULL`)
        .get() as { n: number };
      assert.equal(open.n, 1);
      assert.equal((db.prepare(`SELECT COUNT(*) AS n FROM copies WHERE barcode = '30001000000101'`).get() as { n: number }).n, 1);
    } finally {
      db.close();
    }
  });
});
