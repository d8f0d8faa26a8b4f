/**
 * The server's side of desk circulation: it keeps each desk station's latest session view (retained
 * on .../{desk}/desk/state) for the logged-in librarians, and sends the dashboard's commands to the
 * desk (.../{desk}/desk/command), waiting for the answer on .../{desk}/desk/reply.
 *
 * Only devices configured with role "desk" count: a view or reply under any other device, or whose
 * payload names another device, is rejected (logged in rejected_messages) and changes nothing. The
 * broker's access table already stops a station from publishing under another's id; this is the
 * same check again for an external broker without our ACL. Its own MQTT client (server login).
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { connectMqtt } from '#core/node/mqtt.ts';
import type { Db } from '#core/node/sqlite.ts';
import { ROOT, topics } from '#core/protocol/topics.ts';
import { deskReplySchema, deskViewSchema, type DeskCommand, type DeskReply, type DeskView } from '#core/protocol/messages.ts';

/** A command as the dashboard sends it (the relay gives it its id). */
export type DeskCommandBody = DeskCommand extends infer C ? (C extends { id: string } ? Omit<C, 'id'> : never) : never;

export interface DeskRelayOptions {
  url: string;
  username: string;
  password: string;
  school: string;
  /** The stations with role "desk" now (a live view: stations are added and revoked at run time). */
  desks: () => Iterable<string>;
  db: Db;
  clock: () => Date;
  log: Logger;
  /** How long to wait for a desk's answer; default 5000 ms. */
  replyTimeoutMs?: number;
}

export class DeskRelayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message_vi: string,
    message_en: string,
  ) {
    super(message_en);
  }
}

export class DeskRelay extends EventEmitter<{ view: [DeskView] }> {
  private client: MqttClient | null = null;
  private readonly views = new Map<string, DeskView>();
  private readonly waiting = new Map<string, (r: DeskReply) => void>();
  readonly rejectedCount = { invalid: 0, spoofed: 0 };

  constructor(private readonly o: DeskRelayOptions) {
    super();
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async start(): Promise<void> {
    const client = connectMqtt(this.o.url, {
      clientId: `${this.o.username}-desk-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      username: this.o.username,
      password: this.o.password,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
    });
    this.client = client;
    client.on('error', (err) => this.o.log.warn({ err: err.message }, 'desk relay mqtt error'));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('connect', () => {
      client.subscribe(topics.allDesks(this.o.school), { qos: 1 }, (err) => {
        if (err) this.o.log.error({ err: err.message }, 'desk subscribe failed');
      });
    });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`MQTT broker at ${this.o.url} did not accept the desk relay's login in 10 s`)), 10000);
      client.once('connect', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Every configured desk with its latest view (null until the desk has published one). */
  list(): { device: string; view: DeskView | null }[] {
    return [...this.o.desks()].sort().map((device) => ({ device, view: this.views.get(device) ?? null }));
  }

  private isDesk(device: string): boolean {
    for (const d of this.o.desks()) if (d === device) return true;
    return false;
  }

  view(device: string): DeskView | null {
    return this.views.get(device) ?? null;
  }

  private onMessage(topic: string, payload: Buffer): void {
    const parts = topic.split('/');
    const prefix = `${ROOT}/${this.o.school}/`;
    if (!topic.startsWith(prefix) || parts.length !== 6 || parts[4] !== 'desk') return;
    const device = parts[3]!;
    const kind = parts[5];
    if (kind === 'command') return; // ours
    if (!this.isDesk(device)) return this.reject(topic, `${device} is not a desk station`, true);
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return this.reject(topic, 'payload is not JSON');
    }
    if (kind === 'state') {
      const v = deskViewSchema.safeParse(json);
      if (!v.success) return this.reject(topic, `invalid desk view: ${v.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      if (v.data.device !== device) return this.reject(topic, `desk view for ${v.data.device} published under ${device}`, true);
      return this.accept(v.data);
    }
    if (kind === 'reply') {
      const r = deskReplySchema.safeParse(json);
      if (!r.success) return this.reject(topic, 'invalid desk reply');
      if (r.data.device !== device || r.data.view.device !== device) return this.reject(topic, `desk reply for another device under ${device}`, true);
      this.accept(r.data.view);
      const done = this.waiting.get(`${device}/${r.data.id}`);
      if (done) done(r.data);
      return;
    }
    this.reject(topic, `unknown desk topic .../desk/${kind ?? ''}`);
  }

  /** Keeps the newer view (by the desk's own counter; a restarted desk starts again from 0 when closed before). */
  private accept(v: DeskView): void {
    const cur = this.views.get(v.device);
    if (cur && cur.open && v.open && v.seq < cur.seq && v.at <= cur.at) return;
    this.views.set(v.device, v);
    this.emit('view', v);
  }

  private reject(topic: string, reason: string, spoofed = false): void {
    if (spoofed) this.rejectedCount.spoofed++;
    else this.rejectedCount.invalid++;
    this.o.log.warn({ topic, reason }, 'desk message rejected');
    try {
      this.o.db.prepare(`INSERT INTO rejected_messages (at, client, topic, reason) VALUES (?, ?, ?, ?)`).run(this.o.clock().toISOString(), null, topic, reason.slice(0, 500));
    } catch (err) {
      this.o.log.error({ err }, 'could not record a rejected desk message');
    }
  }

  /** Sends a command to a desk and resolves with its answer; DeskRelayError when it cannot. */
  async command(device: string, body: DeskCommandBody): Promise<DeskReply> {
    if (!this.isDesk(device)) throw new DeskRelayError(404, 'NO_SUCH_DESK', 'Không có quầy này.', `No desk station "${device}".`);
    const client = this.client;
    if (!client?.connected) throw new DeskRelayError(503, 'BROKER_DOWN', 'Máy chủ chưa nối được với quầy.', 'The server is not connected to the broker.');
    const id = randomUUID();
    const key = `${device}/${id}`;
    const timeoutMs = this.o.replyTimeoutMs ?? 5000;
    return new Promise<DeskReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new DeskRelayError(504, 'DESK_NO_ANSWER', 'Quầy không trả lời: máy quầy có đang bật không?', 'The desk did not answer: is the desk station running?'));
      }, timeoutMs);
      this.waiting.set(key, (r) => {
        clearTimeout(timer);
        this.waiting.delete(key);
        resolve(r);
      });
      client.publish(topics.deskCommand(this.o.school, device), JSON.stringify({ ...body, id }), { qos: 1 }, (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.waiting.delete(key);
        reject(new DeskRelayError(503, 'BROKER_DOWN', 'Không gửi được lệnh tới quầy.', `The command was not sent: ${err.message}`));
      });
    });
  }

  async stop(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c) await c.endAsync();
  }
}
