/**
 * The server's MQTT side: answers station requests through the circulation authority, publishes
 * the resulting events from the outbox, tracks station status, and announces replica changes.
 * Every payload from a device is validated; what is rejected is logged and counted, never fatal.
 */
import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import { connectMqtt } from '#core/node/mqtt.ts';
import type { Logger } from 'pino';
import { parseTopic, topics, SERVER_DEVICE } from '#core/protocol/topics.ts';
import { eventSchema, requestSchema, statusSchema, type CounterEvent, type DeviceCommand, type LibraryEvent, type StatusPayload } from '#core/protocol/messages.ts';
import type { CirculationAuthority } from './circulation/authority.ts';
import { REASONS } from '#core/policy.ts';
import type { Library } from './db/library.ts';

export interface MqttServiceOptions {
  url: string;
  username: string;
  password: string;
  school: string;
  version: string;
  library: Library;
  authority: CirculationAuthority;
  /** Each device's role from the config: only stations may ask for circulation. */
  deviceRoles: ReadonlyMap<string, 'kiosk' | 'dropbox' | 'desk' | 'counter'>;
  clock: () => Date;
  log: Logger;
  /** Stores door counter readings (dashboard/src/occupancy/); without it they are validated and dropped. */
  occupancy?: { ingest(e: CounterEvent, receivedAt: Date): 'stored' | 'duplicate' | 'stale' };
  /** Stores drop box bin states (dashboard/src/dropbox/bins.ts); returns why one was refused, or null. */
  bins?: { receive(device: string, json: unknown): string | null };
}

export interface MqttServiceEvents {
  event: [LibraryEvent];
  station: [StatusPayload];
}

export class MqttService extends EventEmitter<MqttServiceEvents> {
  private client: MqttClient | null = null;
  private lastSeq = -1;
  /** Changes made outside a station request (roster or MARC import, a copy marked lost) reach the
   * stations by this poll of the change counter: one indexed MAX() a second. */
  private syncPoll: NodeJS.Timeout | null = null;
  private flushing = false;
  readonly rejectedCount = { invalid: 0, spoofed: 0 };

  constructor(private readonly o: MqttServiceOptions) {
    super();
  }

  async start(): Promise<void> {
    const { school } = this.o;
    const status = (state: 'online' | 'offline') =>
      JSON.stringify({ state, device: SERVER_DEVICE, role: 'server', version: this.o.version, devices: {}, at: this.o.clock().toISOString() });
    const client = connectMqtt(this.o.url, {
      clientId: `${SERVER_DEVICE}-${process.pid}`,
      username: this.o.username,
      password: this.o.password,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      will: { topic: topics.status(school, SERVER_DEVICE), payload: Buffer.from(status('offline')), qos: 1, retain: true },
    });
    this.client = client;
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    this.syncPoll = setInterval(() => {
      if (client.connected) this.announceSync();
    }, 1000);
    this.syncPoll.unref();
    client.on('error', (err) => this.o.log.warn({ err: err.message }, 'mqtt error'));
    client.on('connect', () => {
      client.subscribe(
        [topics.allRequests(school), topics.allStatus(school), topics.allDeviceEvents(school), topics.allBins(school)],
        { qos: 1 },
        (err) => {
          if (err) this.o.log.error({ err: err.message }, 'subscribe failed');
        },
      );
      client.publish(topics.status(school, SERVER_DEVICE), status('online'), { qos: 1, retain: true });
      this.lastSeq = -1;
      this.announceSync();
      void this.flushOutbox();
    });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`MQTT broker at ${this.o.url} did not accept the server's login in 10 s`)), 10000);
      client.once('connect', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  private onMessage(topic: string, payload: Buffer): void {
    const t = parseTopic(topic);
    if (!t || t.school !== this.o.school) return;
    if (t.device === SERVER_DEVICE) return; // our own publications
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return this.reject(topic, 'payload is not JSON');
    }
    if (t.kind === 'request') return this.onRequest(t.device, topic, json);
    if (t.kind === 'status') return this.onStatus(t.device, topic, json);
    if (t.kind === 'event') return this.onDeviceEvent(t.device, topic, json, t.eventType);
    if (t.kind === 'bin') {
      const refused = this.o.bins?.receive(t.device, json) ?? null;
      if (refused) return this.reject(topic, refused, refused.includes('another'));
    }
  }

  private reject(topic: string, reason: string, spoofed = false): void {
    if (spoofed) this.rejectedCount.spoofed++;
    else this.rejectedCount.invalid++;
    this.o.log.warn({ topic, reason }, 'message rejected');
    this.o.library.db
      .prepare(`INSERT INTO rejected_messages (at, client, topic, reason) VALUES (?, ?, ?, ?)`)
      .run(this.o.clock().toISOString(), null, topic, reason.slice(0, 500));
  }

  private onRequest(device: string, topic: string, json: unknown): void {
    const r = requestSchema.safeParse(json);
    if (!r.success) return this.reject(topic, `invalid request: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const req = r.data;
    // Defence in depth: an external broker without our ACL must not let a station speak for another,
    // nor make the server publish outside the station's own reply topic.
    if (req.device !== device) return this.reject(topic, `device ${req.device} published under ${device}`, true);
    const role = this.o.deviceRoles.get(device);
    if (role !== 'kiosk' && role !== 'dropbox' && role !== 'desk') return this.reject(topic, `${device} (${role ?? 'unknown'}) may not make circulation requests`, true);
    if (req.replyTo !== topics.reply(this.o.school, device)) return this.reject(topic, `replyTo ${req.replyTo} is not ${device}'s reply topic`, true);
    let outcome;
    try {
      outcome = this.o.authority.handle(req);
    } catch (err) {
      this.o.log.error({ err, id: req.id }, 'request failed');
      const error = { code: 'SERVER_ERROR', ...REASONS.SERVER_ERROR! };
      this.client?.publish(req.replyTo, JSON.stringify({ id: req.id, status: 'error', error }), { qos: 1 });
      return;
    }
    this.client?.publish(req.replyTo, JSON.stringify(outcome.response), { qos: 1 });
    if (!outcome.replay && req.type !== 'sync') {
      void this.flushOutbox();
      this.announceSync();
    }
  }

  private onStatus(device: string, topic: string, json: unknown): void {
    const r = statusSchema.safeParse(json);
    if (!r.success) return this.reject(topic, 'invalid status');
    if (r.data.device !== device) return this.reject(topic, 'status for another device', true);
    const role = this.o.deviceRoles.get(device);
    if (r.data.role !== role) return this.reject(topic, `status claims role ${r.data.role} but ${device} is ${role ?? 'unknown'}`, true);
    const s = r.data;
    this.o.library.db
      .prepare(
        `INSERT INTO stations (device, role, state, status, last_seen) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(device) DO UPDATE SET role = excluded.role, state = excluded.state, status = excluded.status, last_seen = excluded.last_seen`,
      )
      .run(device, s.role, s.state, JSON.stringify(s), this.o.clock().toISOString());
    this.emit('station', s);
  }

  private onDeviceEvent(device: string, topic: string, json: unknown, topicType: string | undefined): void {
    const r = eventSchema.safeParse(json);
    if (!r.success) return this.reject(topic, `invalid event: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    if (r.data.type !== topicType) return this.reject(topic, `event of type ${r.data.type} under .../event/${topicType}`);
    if (r.data.device !== device) return this.reject(topic, 'event for another device', true);
    // A revoked station (or one never added) is no source of events, even behind a broker without our ACL.
    if (!this.o.deviceRoles.has(device)) return this.reject(topic, `${device} is not an active station`, true);
    // Circulation events come only from the server, after it applied the transaction.
    if (r.data.type === 'checkout' || r.data.type === 'checkin' || r.data.type === 'renew') {
      return this.reject(topic, 'circulation events are published by the server only', true);
    }
    if (r.data.type === 'counter') return this.onCounter(device, topic, r.data);
    const e = r.data;
    const info = this.o.library.db
      .prepare(`INSERT OR IGNORE INTO events (id, type, device, at, payload, published) VALUES (?, ?, ?, ?, ?, 1)`)
      .run(e.id, e.type, e.device, e.at, JSON.stringify(e));
    if (info.changes > 0) this.emit('event', e);
  }

  /** A door counter reading: only from a device configured as a counter; stored once, then pushed live. */
  private onCounter(device: string, topic: string, e: CounterEvent): void {
    const role = this.o.deviceRoles.get(device);
    if (role !== 'counter') return this.reject(topic, `${device} (${role ?? 'unknown'}) is not a counter`, true);
    if (!this.o.occupancy) return;
    let result;
    try {
      result = this.o.occupancy.ingest(e, this.o.clock());
    } catch (err) {
      this.o.log.error({ err, id: e.id }, 'counter reading not stored');
      return this.reject(topic, `counter reading not stored: ${(err as Error).message}`);
    }
    if (result === 'stored') this.emit('event', e);
  }

  /** Publishes a retained command for one device (e.g. a drop box's "bin emptied"); false when the broker did not take it. */
  async publishCommand(device: string, command: DeviceCommand): Promise<boolean> {
    const client = this.client;
    if (!client?.connected) return false;
    try {
      await client.publishAsync(topics.command(this.o.school, device), JSON.stringify(command), { qos: 1, retain: true });
      return true;
    } catch {
      return false;
    }
  }

  /** Publishes events committed but not yet published, oldest first; marks each once the broker has it. */
  async flushOutbox(): Promise<void> {
    const client = this.client;
    if (this.flushing || !client || !client.connected) return;
    this.flushing = true;
    try {
      const db = this.o.library.db;
      for (;;) {
        const rows = db.prepare(`SELECT seq, type, payload FROM events WHERE published = 0 ORDER BY seq LIMIT 100`).all() as {
          seq: number;
          type: string;
          payload: string;
        }[];
        if (rows.length === 0) break;
        for (const row of rows) {
          const e = JSON.parse(row.payload) as LibraryEvent;
          await client.publishAsync(topics.event(this.o.school, SERVER_DEVICE, e.type), row.payload, { qos: 1 });
          db.prepare(`UPDATE events SET published = 1 WHERE seq = ?`).run(row.seq);
          this.emit('event', e);
        }
      }
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'outbox flush interrupted; will retry on reconnect');
    } finally {
      this.flushing = false;
    }
  }

  private announceSync(): void {
    const seq = this.o.library.changeSeq();
    if (seq === this.lastSeq || !this.client) return;
    this.lastSeq = seq;
    this.client.publish(topics.sync(this.o.school), JSON.stringify({ seq, at: this.o.clock().toISOString() }), { qos: 1, retain: true });
  }

  async stop(): Promise<void> {
    if (this.syncPoll) clearInterval(this.syncPoll);
    this.syncPoll = null;
    const c = this.client;
    if (!c) return;
    this.client = null;
    if (c.connected) {
      const payload = JSON.stringify({ state: 'offline', device: SERVER_DEVICE, role: 'server', version: this.o.version, devices: {}, at: this.o.clock().toISOString() });
      await c.publishAsync(topics.status(this.o.school, SERVER_DEVICE), payload, { qos: 1, retain: true }).catch(() => undefined);
    }
    await c.endAsync();
  }
}
