/** Broker accounts from the server config: the server, each device, and in sim mode the monitor. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { BrokerAccount } from '#core/access.ts';
import type { Config } from '#core/config.ts';

export interface AccountWithSecret extends BrokerAccount {
  password: string;
}

/** The read-only login the sim mode documents for watching the topic tree. */
export const MONITOR = { username: 'monitor', password: 'monitor' } as const;

export function brokerAccounts(cfg: Config): AccountWithSecret[] {
  const server = cfg.server!;
  const accounts: AccountWithSecret[] = [
    { username: server.mqtt.username, password: server.mqtt.password, role: 'server' },
    ...server.devices.map((d) => ({ username: d.username, password: d.password, role: d.role })),
  ];
  if (cfg.mode === 'sim') accounts.push({ ...MONITOR, role: 'monitor' });
  return accounts;
}

/** Constant-time password check (hash first so lengths never leak). */
export function passwordMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
