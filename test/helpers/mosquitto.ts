/**
 * A private Mosquitto on a free port with a generated config, password file and ACL (from the same
 * access table as the embedded broker). Never the system service on 1883.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { mosquittoAcl, type BrokerAccount } from '#core/access.ts';
import { freePort } from './ports.ts';

export const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'];
const PASSWD = ['/usr/bin/mosquitto_passwd'];

export interface PrivateMosquitto {
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** Starts a private broker; pass `port` to start one again where a stopped one listened. */
export async function startMosquitto(
  bin: string,
  school: string,
  accounts: (BrokerAccount & { password: string })[],
  opts: { port?: number } = {},
): Promise<PrivateMosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'openshelf-mosquitto-'));
  const port = opts.port ?? (await freePort());
  const passwd = join(dir, 'passwd');
  writeFileSync(passwd, '');
  const passwdBin = PASSWD[0]!;
  for (const a of accounts) execFileSync(passwdBin, ['-b', passwd, a.username, a.password]);
  writeFileSync(join(dir, 'acl'), mosquittoAcl(school, accounts));
  writeFileSync(
    join(dir, 'mosquitto.conf'),
    [
      `listener ${port} 127.0.0.1`,
      'protocol mqtt',
      'allow_anonymous false',
      `password_file ${passwd}`,
      `acl_file ${join(dir, 'acl')}`,
      'persistence false',
      // Small request/response packets: without this Nagle adds ~40 ms to every round trip.
      'set_tcp_nodelay true',
      // As root, mosquitto would drop to the "mosquitto" user, who cannot read our private temp dir.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(bin, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitForPort(port, child, () => stderr, 5000);
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until something listens on 127.0.0.1:port; throws with the process's log if it exits or the time runs out. */
export async function waitForPort(port: number, child: ChildProcess, log: () => string, ms = 15000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const up = await new Promise<boolean>((res) => {
      const s = connect(port, '127.0.0.1', () => {
        s.end();
        res(true);
      });
      s.on('error', () => res(false));
    });
    if (up) return;
    if (Date.now() > end || child.exitCode !== null) throw new Error(`mosquitto did not start:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
