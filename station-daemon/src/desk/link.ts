/**
 * The desk's own MQTT connection, beside the station's ServerLink (which carries circulation
 * requests): it publishes the desk session's view, retained, on .../{desk}/desk/state, and takes
 * the dashboard's commands from .../{desk}/desk/command. The broker's access table lets only the
 * server (and this desk's own login) publish under the desk's id, so a command there comes from the
 * server; each is answered on .../{desk}/desk/reply with its id. Same login as the station, its own
 * client id.
 */
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { connectMqtt } from '#core/node/mqtt.ts';
import { topics } from '#core/protocol/topics.ts';
import { deskCommandSchema, type DeskReply, type DeskView, type Reason } from '#core/protocol/messages.ts';
import { DeskError, type DeskSession } from './session.ts';

export interface DeskLinkOptions {
  url: string;
  school: string;
  device: string;
  password: string;
  session: DeskSession;
  log: Logger;
}

const FAILED: Reason = { code: 'DESK_ERROR', message_vi: 'Quầy không làm được việc này, hãy thử lại.', message_en: 'The desk could not do this; please try again.' };

export class DeskLink {
  private client: MqttClient | null = null;
  private pending: DeskView | null = null;
  private readonly onView = (v: DeskView) => this.schedule(v);

  constructor(private readonly o: DeskLinkOptions) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  start(): void {
    const { school, device, log } = this.o;
    const client = connectMqtt(this.o.url, {
      clientId: `${device}-desk-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      username: device,
      password: this.o.password,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 4000,
      // A desk that dies without saying goodbye leaves a closed view, not a patron "at the desk".
      will: { topic: topics.deskState(school, device), payload: Buffer.from(JSON.stringify(this.closedView())), qos: 1, retain: true },
    });
    this.client = client;
    client.on('connect', () => {
      client.subscribe(topics.deskCommand(school, device), { qos: 1 }, (err) => {
        if (err) log.warn({ err: err.message }, 'desk command subscribe failed');
      });
      this.schedule(this.o.session.view);
    });
    client.on('error', (err) => log.info({ err: err.message }, 'desk mqtt error'));
    client.on('message', (topic, payload) => {
      if (topic !== topics.deskCommand(school, device)) return;
      void this.onCommand(payload);
    });
    this.o.session.on('view', this.onView);
  }

  /** Publishes the newest view once per tick (a burst of changes sends only the last). */
  private schedule(v: DeskView): void {
    const first = this.pending === null;
    this.pending = v;
    if (!first) return;
    setImmediate(() => {
      const view = this.pending;
      this.pending = null;
      if (view && this.client?.connected) {
        this.client.publish(topics.deskState(this.o.school, this.o.device), JSON.stringify(view), { qos: 1, retain: true });
      }
    });
  }

  private async onCommand(payload: Buffer): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return this.o.log.warn('desk command is not JSON: ignored');
    }
    const c = deskCommandSchema.safeParse(json);
    if (!c.success) {
      const id = (json as { id?: unknown } | null)?.id;
      this.o.log.warn({ issues: c.error.issues.length }, 'invalid desk command');
      if (typeof id === 'string' && id.length > 0 && id.length <= 64) {
        this.reply({ id, device: this.o.device, ok: false, error: { code: 'BAD_COMMAND', message_vi: 'Lệnh không hợp lệ.', message_en: 'Invalid command.' }, view: this.o.session.view });
      }
      return;
    }
    let error: Reason | null = null;
    try {
      await this.o.session.command(c.data);
    } catch (err) {
      error = err instanceof DeskError ? err.reason : FAILED;
    }
    this.reply({ id: c.data.id, device: this.o.device, ok: error === null, error, view: this.o.session.view });
  }

  private reply(r: DeskReply): void {
    this.client?.publish(topics.deskReply(this.o.school, this.o.device), JSON.stringify(r), { qos: 1 });
  }

  private closedView(): DeskView {
    return { ...this.o.session.view, open: false, online: false, patron: null, loans: [], remaining: 0, blocked: null, results: [], forClass: null, notice: null, busy: false, at: new Date().toISOString() };
  }

  /** Leaves a closed view behind (retained), so the dashboard does not show a stale patron. */
  async stop(): Promise<void> {
    this.o.session.off('view', this.onView);
    const c = this.client;
    this.client = null;
    if (!c) return;
    if (c.connected) {
      await c.publishAsync(topics.deskState(this.o.school, this.o.device), JSON.stringify(this.closedView()), { qos: 1, retain: true }).catch(() => undefined);
    }
    await c.endAsync(true);
  }
}
