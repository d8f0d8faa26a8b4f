/**
 * The drop box's own MQTT connection, beside the station's ServerLink (which carries requests):
 * it publishes alert events and the retained bin state under the drop box's id, and listens for
 * the server's retained command (e.g. "bin emptied"). Same login as the station, its own client id.
 */
import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { connectMqtt } from '#core/node/mqtt.ts';
import { topics } from '#core/protocol/topics.ts';
import { deviceCommandSchema, type DeviceCommand } from '#core/protocol/messages.ts';

export interface DropboxLinkOptions {
  url: string;
  school: string;
  device: string;
  password: string;
  log: Logger;
}

/** What the drop box needs from a broker connection (the tests may hand it any implementation). */
export interface DropboxPublisher extends EventEmitter<{ connected: []; command: [DeviceCommand] }> {
  readonly connected: boolean;
  /** Publishes at QoS 1; resolves true once the broker acknowledged it, false when not connected or refused. */
  publish(topic: string, payload: string, retain: boolean): Promise<boolean>;
}

export class DropboxLink extends EventEmitter<{ connected: []; command: [DeviceCommand] }> implements DropboxPublisher {
  private client: MqttClient | null = null;

  constructor(private readonly o: DropboxLinkOptions) {
    super();
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  start(): void {
    const { school, device } = this.o;
    const commandTopic = topics.command(school, device);
    const client = connectMqtt(this.o.url, {
      clientId: `${device}-dropbox-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      username: device,
      password: this.o.password,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 4000,
    });
    this.client = client;
    client.on('connect', () => {
      client.subscribe(commandTopic, { qos: 1 }, (err) => {
        if (err) this.o.log.warn({ err: err.message }, 'command subscribe failed');
        this.emit('connected');
      });
    });
    client.on('error', (err) => this.o.log.info({ err: err.message }, 'mqtt error'));
    client.on('message', (topic, payload) => {
      if (topic !== commandTopic) return;
      let json: unknown;
      try {
        json = JSON.parse(payload.toString('utf8'));
      } catch {
        return this.o.log.warn({ topic }, 'ignored a command that is not JSON');
      }
      const c = deviceCommandSchema.safeParse(json);
      if (!c.success) return this.o.log.warn({ topic }, 'ignored an invalid command');
      this.emit('command', c.data);
    });
  }

  async publish(topic: string, payload: string, retain: boolean): Promise<boolean> {
    const c = this.client;
    if (!c?.connected) return false;
    try {
      await c.publishAsync(topic, payload, { qos: 1, retain });
      return true;
    } catch (err) {
      this.o.log.info({ err: (err as Error).message, topic }, 'publish failed; will retry');
      return false;
    }
  }

  async stop(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c) await c.endAsync(true);
  }
}
