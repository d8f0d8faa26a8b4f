/**
 * The Mosquitto acl_file and password_file from the station store, for schools that run Mosquitto
 * instead of the embedded broker: the same access table (core/access.ts) and the `$7$` hashes made
 * when each station's password was set (the store never holds a password in the clear).
 */
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { mosquittoAcl, type BrokerAccount } from '#core/access.ts';
import { mosquittoPasswordLine } from '../../../scripts/mosquitto-acl.ts';
import type { StationStore } from './store.ts';

export interface MosquittoFiles {
  acl: string;
  passwd: string;
  accounts: BrokerAccount[];
}

/** Both files' text: the server's login (and the sim monitor) from the config, then every active station. */
export function mosquittoFiles(o: { school: string; store: StationStore; server: { username: string; password: string }; monitor?: { username: string; password: string } }): MosquittoFiles {
  const stations = o.store.mosquittoLines();
  const accounts: BrokerAccount[] = [
    { username: o.server.username, role: 'server' },
    ...(o.monitor ? [{ username: o.monitor.username, role: 'monitor' as const }] : []),
    ...stations.map((s) => ({ username: s.device, role: s.role as BrokerAccount['role'] })),
  ];
  const lines = [
    mosquittoPasswordLine(o.server.username, o.server.password),
    ...(o.monitor ? [mosquittoPasswordLine(o.monitor.username, o.monitor.password)] : []),
    ...stations.map((s) => s.line),
  ];
  return { acl: mosquittoAcl(o.school, accounts), passwd: `${lines.join('\n')}\n`, accounts };
}

/** Writes next to the target and renames, so mosquitto never reads half a file; mode 0640. */
export function writeSecretFile(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o640 });
  chmodSync(tmp, 0o640);
  renameSync(tmp, file);
}
