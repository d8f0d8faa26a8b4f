/**
 * The Mosquitto files written from the station store, loaded by a real private Debian mosquitto:
 * a station added on the dashboard logs in with its one-time password, its old password after a
 * replace and a revoked station are refused, and the ACL keeps a station under its own topics.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { openDatabase, type Db } from '#core/node/sqlite.ts';
import { connectMqtt } from '#core/node/mqtt.ts';
import { MIGRATIONS } from '#server/db/migrations.ts';
import { StationStore } from '#server/stations/store.ts';
import { mosquittoFiles, writeSecretFile } from '#server/stations/mosquitto-files.ts';
import { MOSQUITTO } from '#test/mosquitto.ts';
import { freePort } from '#test/ports.ts';
import { requireTool } from '#test/require-tool.ts';
import { waitUntil } from '#test/school.ts';

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

describe('Mosquitto files from the station store, with a real mosquitto', function () {
  this.timeout(60000);
  let dir: string;
  let db: Db;
  let child: ChildProcess | null = null;
  let bin = '';

  before(function () {
    bin = requireTool(this, 'mosquitto', MOSQUITTO);
    dir = mkdtempSync(join(tmpdir(), 'openshelf-stations-mosq-'));
    db = openDatabase(join(dir, 'library.sqlite'), MIGRATIONS);
  });
  after(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lets in exactly the active stations with their current passwords', async () => {
    const store = new StationStore(db);
    store.seed([
      { username: 'kiosk-1', password: 'pw-kiosk-1', role: 'kiosk' },
      { username: 'kiosk-2', password: 'pw-kiosk-2', role: 'kiosk' },
    ]);
    const added = store.add('kiosk-3', 'kiosk');
    const replaced = store.replace('kiosk-1');
    store.revoke('kiosk-2');
    const files = mosquittoFiles({ school: 'demo', store, server: { username: 'server', password: 'pw-server' } });
    writeSecretFile(join(dir, 'passwd'), files.passwd);
    writeSecretFile(join(dir, 'acl'), files.acl);

    const port = await freePort();
    writeFileSync(
      join(dir, 'mosquitto.conf'),
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous false',
        `password_file ${join(dir, 'passwd')}`,
        `acl_file ${join(dir, 'acl')}`,
        'persistence false',
        ...(process.getuid?.() === 0 ? ['user root'] : []),
        'log_dest stderr',
        '',
      ].join('\n'),
    );
    child = spawn(bin, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitUntil(
      () =>
        new Promise<boolean>((res) => {
          const s = connect(port, '127.0.0.1', () => (s.end(), res(true)));
          s.on('error', () => res(false));
        }),
      10000,
      `mosquitto listening (${stderr})`,
    );
    const url = `mqtt://127.0.0.1:${port}`;

    const k3 = await login(url, 'kiosk-3', added.password);
    const k1 = await login(url, 'kiosk-1', replaced.password);
    const server = await login(url, 'server', 'pw-server');
    await assert.rejects(login(url, 'kiosk-1', 'pw-kiosk-1'), 'old password after a replace');
    await assert.rejects(login(url, 'kiosk-2', 'pw-kiosk-2'), 'revoked station');
    await assert.rejects(login(url, 'kiosk-3', replaced.password), 'another station\'s password');

    // The ACL from the same access table: kiosk-3 publishes under its own id only.
    const seen: string[] = [];
    server.on('message', (t) => seen.push(t));
    await server.subscribeAsync('library/v1/demo/#', { qos: 1 });
    await k3.publishAsync('library/v1/demo/kiosk-1/status', 'spoof', { qos: 1 });
    await k3.publishAsync('library/v1/demo/kiosk-3/status', 'own', { qos: 1 });
    await waitUntil(() => seen.includes('library/v1/demo/kiosk-3/status'), 10000, 'own status delivered');
    assert.ok(!seen.includes('library/v1/demo/kiosk-1/status'), 'a station cannot publish as another');
    for (const c of [k1, k3, server]) c.end(true);
  });
});
