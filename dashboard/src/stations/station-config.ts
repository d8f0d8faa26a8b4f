/**
 * The config file a new (or replaced) station is handed: a valid config for core/config.ts with the
 * school and one `stations` entry holding its device id, role, password and the broker's address.
 * A door counter is an ESPHome device, not a station process: it gets its broker login instead.
 */
import { parseConfig, stationConfigSchema, type Config } from '#core/config.ts';
import { topics } from '#core/protocol/topics.ts';

export interface StationHandout {
  /** The JSON to save as the station's config file (npm run station -- <file>), or null for a door counter. */
  config: Record<string, unknown> | null;
  /** What a device that is not a station process (ESPHome) needs: the broker, its login, its topics. */
  broker: { mqttUrl: string; username: string; password: string; statusTopic: string };
}

export function stationHandout(o: { school: Config['school']; device: string; role: string; password: string; mqttUrl: string }): StationHandout {
  const broker = { mqttUrl: o.mqttUrl, username: o.device, password: o.password, statusTopic: topics.status(o.school.id, o.device) };
  if (!stationConfigSchema.shape.role.safeParse(o.role).success) return { config: null, broker };
  const config = {
    mode: 'production',
    dataDir: './data',
    school: { ...o.school },
    stations: [{ device: o.device, role: o.role, password: o.password, mqttUrl: o.mqttUrl }],
  };
  // Never hand out a file the station would refuse to start with.
  parseConfig(config, `config for ${o.device}`);
  return { config, broker };
}

/**
 * What the handout's QR holds: the config file (or a counter's login) as ASCII-only JSON (\uXXXX
 * escapes, the same JSON): scanners guess the charset of QR bytes, often as Shift JIS.
 */
export function handoutQrText(h: StationHandout): string {
  return JSON.stringify(h.config ?? h.broker).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
