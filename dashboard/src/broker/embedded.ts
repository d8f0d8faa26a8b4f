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
}): Promise<EmbeddedBroker> {
  const { school, log } = opts;
  const byName = new Map(opts.accounts.map((a) => [a.username, a]));
  const accountOf = new WeakMap<Client, BrokerAccount>();
  const rejected: EmbeddedBroker['rejected'] = [];

  const reject = (client: Client | null, topic: string, reason: string) => {
    const who = client ? (accountOf.get(client)?.username ?? client.id) : 'broker';
    rejected.push({ client: who, topic, reason });
    if (rejected.length > 1000) rejected.shift();
    log.warn({ client: who, topic, reason }, 'publish refused');
  };

  const broker = await Aedes.createBroker({
    authenticate(client, username, password, done) {
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
      await new Promise<void>((res) => broker.close(() => res()));
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}
