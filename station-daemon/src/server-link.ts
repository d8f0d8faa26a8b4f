/**
 * The station's MQTT link to the school server: request/response over MQTT 3.1.1 (reply topic and
 * transaction id in the JSON) with a deadline, a retained status with a last will, and the server's
 * sync announcements.
 */
import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import { connectMqtt } from '#core/node/mqtt.ts';
import type { Logger } from 'pino';
import { topics } from '#core/protocol/topics.ts';
import { responseSchema, syncAnnouncement, type ResponseEnvelope, type StationRequest, type StatusPayload } from '#core/protocol/messages.ts';

export interface ServerLinkOptions {
  url: string;
  school: string;
  device: string;
  password: string;
  log: Logger;
}

export interface ServerLinkEvents {
  connected: [];
  disconnected: [];
  /** The server announced a newer replica sequence number. */
  announce: [number];
}

/** A request body without the fields the link fills in. */
export type OutgoingRequest = StationRequest;

export class ServerLink extends EventEmitter<ServerLinkEvents> {
  private client: MqttClient | null = null;
  /** Callers waiting for an answer, by transaction id (the same id may be asked twice, e.g. by a replay). */
  private waiting = new Map<string, ((r: ResponseEnvelope) => void)[]>();
  private statusProvider: (() => Omit<StatusPayload, 'state' | 'at' | 'device'>) | null = null;
  readonly replyTopic: string;

  constructor(private readonly o: ServerLinkOptions) {
    super();
    this.replyTopic = topics.reply(o.school, o.device);
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Connects in the background; the station works offline until the broker answers. */
  start(statusProvider: () => Omit<StatusPayload, 'state' | 'at' | 'device'>): void {
    this.statusProvider = statusProvider;
    const { school, device } = this.o;
    const will = JSON.stringify({ ...statusProvider(), state: 'offline', device, at: new Date().toISOString() });
    const client = connectMqtt(this.o.url, {
      clientId: `${device}-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      username: device,
      password: this.o.password,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 4000,
      will: { topic: topics.status(school, device), payload: Buffer.from(will), qos: 1, retain: true },
    });
    this.client = client;
    client.on('connect', () => {
      client.subscribe([this.replyTopic, topics.sync(school)], { qos: 1 }, (err) => {
        if (err) this.o.log.warn({ err: err.message }, 'subscribe failed');
        this.publishStatus();
        this.emit('connected');
      });
    });
    client.on('close', () => this.emit('disconnected'));
    // Refused connections repeat every second while the broker is away: info, not warn.
    client.on('error', (err) => this.o.log.info({ err: err.message }, 'mqtt error'));
    client.on('message', (topic, payload) => {
      let json: unknown;
      try {
        json = JSON.parse(payload.toString('utf8'));
      } catch {
        this.o.log.warn({ topic }, 'ignored a message that is not JSON');
        return;
      }
      if (topic === this.replyTopic) {
        const r = responseSchema.safeParse(json);
        if (!r.success) return this.o.log.warn({ topic }, 'ignored an invalid reply');
        const waiters = this.waiting.get(r.data.id);
        if (waiters) {
          this.waiting.delete(r.data.id);
          for (const done of waiters) done(r.data);
        }
      } else if (topic === topics.sync(school)) {
        const a = syncAnnouncement.safeParse(json);
        if (a.success) this.emit('announce', a.data.seq);
      }
    });
  }

  /** Publishes the retained status now (after a device or paper change). */
  publishStatus(): void {
    if (!this.client?.connected || !this.statusProvider) return;
    const s = { ...this.statusProvider(), state: 'online', device: this.o.device, at: new Date().toISOString() };
    this.client.publish(topics.status(this.o.school, this.o.device), JSON.stringify(s), { qos: 1, retain: true });
  }

  /**
   * Sends a request and waits for the server's answer until the deadline (ms).
   * Resolves null when there is no answer in time: the caller decides offline.
   */
  async request(req: OutgoingRequest, deadlineMs: number, onPublished?: () => void): Promise<ResponseEnvelope | null> {
    const client = this.client;
    if (!client?.connected) return null;
    return new Promise((resolve) => {
      const done = (r: ResponseEnvelope | null) => {
        clearTimeout(timer);
        const rest = (this.waiting.get(req.id) ?? []).filter((w) => w !== done);
        if (rest.length) this.waiting.set(req.id, rest);
        else this.waiting.delete(req.id);
        resolve(r);
      };
      const timer = setTimeout(() => done(null), deadlineMs);
      this.waiting.set(req.id, [...(this.waiting.get(req.id) ?? []), done]);
      client.publish(topics.request(this.o.school, this.o.device), JSON.stringify(req), { qos: 1 }, (err) => {
        if (err) done(null);
        else onPublished?.();
      });
    });
  }

  async stop(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (!c) return;
    if (c.connected && this.statusProvider) {
      const s = { ...this.statusProvider(), state: 'offline', device: this.o.device, at: new Date().toISOString() };
      await c.publishAsync(topics.status(this.o.school, this.o.device), JSON.stringify(s), { qos: 1, retain: true }).catch(() => undefined);
    }
    await c.endAsync(true);
  }
}
