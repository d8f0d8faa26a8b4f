/**
 * The embedded MQTT 3.1.1 broker (aedes). It authenticates every client and enforces the access
 * table from core/access.ts: a device publishes only under its own id, and a payload whose `device`
 * is not its login is refused.
 */
import { Aedes, type Client, type PublishPacket } from 'aedes';
import { createServer, type Server } from 'node:net';
import type { Logger } from 'pino';
import { mayPublish, maySubscribe, type BrokerAccount } from '#core/access.ts';
import { parseTopic } from '#core/protocol/topics.ts';
import { passwordMatches, type AccountWithSecret } from './accounts.ts';
import type { StationStore } from '../stations/store.ts';

export interface EmbeddedBroker {
  port: number;
  /** Publishes rejected by the access rules, for the dashboard's health view and tests. */
  rejected: { client: string; topic: string; reason: string }[];
  close(): Promise<void>;
}

export class AuthError extends Error {
  returnCode = 4;
}

export async function startEmbeddedBroker(opts: {
  school: string;
  accounts: AccountWithSecret[];
  port: number;
  host: string;
  log: Logger;
  /**
   * Station logins from the dashboard's store (dashboard/src/stations/). With it, only the server and
   * monitor logins come from `accounts`; a revoked or replaced station's sessions are closed at once.
   */
  stations?: StationStore;
}): Promise<EmbeddedBroker> {
  const { school, log } = opts;
  const stations = opts.stations;
  const byName = new Map(opts.accounts.filter((a) => !stations || a.role === 'server' || a.role === 'monitor').map((a) => [a.username, a]));
  const accountOf = new WeakMap<Client, BrokerAccount>();
  /** The store generation a station session logged in with: it may publish only while that is current. */
  const generationOf = new WeakMap<Client, number>();
  const sessions = new Map<string, Set<Client>>();
  const rejected: EmbeddedBroker['rejected'] = [];

  const reject = (client: Client | null, topic: string, reason: string) => {
    const who = client ? (accountOf.get(client)?.username ?? client.id) : 'broker';
    rejected.push({ client: who, topic, reason });
    if (rejected.length > 1000) rejected.shift();
    log.warn({ client: who, topic, reason }, 'publish refused');
  };

  const broker = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      if (stations && username && !byName.has(username)) {
        void stations.verify(username, password?.toString('utf8') ?? '').then((st) => {
          if (!st) {
            log.warn({ clientId: client.id, username }, 'broker login refused');
            return done(new AuthError('bad username or password') as Error & { returnCode: 4 }, false);
          }
          accountOf.set(client, { username: st.device, role: st.role as BrokerAccount['role'] });
          generationOf.set(client, st.generation);
          let set = sessions.get(st.device);
          if (!set) sessions.set(st.device, (set = new Set()));
          set.add(client);
          done(null, true);
        }, (err: unknown) => {
          log.error({ err, username }, 'station login check failed');
          done(new AuthError('login check failed') as Error & { returnCode: 4 }, false);
        });
        return;
      }
      const acc = username ? byName.get(username) : undefined;
      if (!acc || !password || !passwordMatches(password.toString('utf8'), acc.password)) {
        log.warn({ clientId: client.id, username }, 'broker login refused');
        const err = new AuthError('bad username or password');
        return done(err as Error & { returnCode: 4 }, false);
      }
      accountOf.set(client, acc);
      done(null, true);
    },
    authorizePublish(client, packet: PublishPacket, callback) {
      if (!client) return callback(null); // the broker's own messages (will, $SYS)
      const acc = accountOf.get(client);
      const gen = generationOf.get(client);
      if (acc && gen !== undefined && !stations!.isCurrent(acc.username, gen)) {
        reject(client, packet.topic, 'station login revoked or replaced');
        return callback(new Error('not authorised'));
      }
      if (!acc || !mayPublish(school, acc, packet.topic)) {
        reject(client, packet.topic, 'topic not allowed for this login');
        return callback(new Error('not authorised'));
      }
      if (acc.role !== 'server') {
        const t = parseTopic(packet.topic);
        if (t && (t.kind === 'status' || t.kind === 'event' || t.kind === 'request')) {
          let device: unknown;
          try {
            device = (JSON.parse(packet.payload.toString('utf8')) as { device?: unknown }).device;
          } catch {
            reject(client, packet.topic, 'payload is not JSON');
            return callback(new Error('payload is not JSON'));
          }
          if (device !== acc.username) {
            reject(client, packet.topic, `payload device ${JSON.stringify(device)} is not the login ${acc.username}`);
            return callback(new Error('device mismatch'));
          }
        }
      }
      callback(null);
    },
    authorizeSubscribe(client, sub, callback) {
      const acc = accountOf.get(client);
      if (!acc || !maySubscribe(school, acc, sub.topic)) {
        log.warn({ client: acc?.username, topic: sub.topic }, 'subscribe refused');
        // MQTT 3.1.1: a refused subscription is answered with 0x80 (failure) in SUBACK.
        return callback(null, null);
      }
      callback(null, sub);
    },
  });

  broker.on('clientDisconnect', (client) => {
    const acc = accountOf.get(client);
    if (acc) sessions.get(acc.username)?.delete(client);
  });
  const onStationChange = (st: { device: string }, change: string) => {
    if (change === 'added') return;
    for (const client of sessions.get(st.device) ?? []) {
      log.info({ device: st.device, change }, 'station session closed');
      client.close();
    }
    sessions.delete(st.device);
  };
  stations?.on('changed', onStationChange);

  // Request/response is many small packets: Nagle's algorithm with delayed ACKs would add ~40 ms to each.
  const server: Server = createServer((socket) => {
    socket.setNoDelay(true);
    broker.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  log.info({ port }, 'embedded MQTT broker listening');

  return {
    port,
    rejected,
    async close() {
      stations?.off('changed', onStationChange);
      await new Promise<void>((res) => broker.close(() => res()));
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}
