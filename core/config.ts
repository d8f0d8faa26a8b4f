/**
 * One configuration schema for every process, with defaults and a description per field.
 * A process loads a JSON file, validates it here, and stops with a message naming what to change.
 */
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);
const segment = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ or - only (it is an MQTT topic segment)');

const credential = z.object({
  username: segment.describe('MQTT login; for a device it must equal its device id'),
  password: z.string().min(1).describe('MQTT password'),
});

const readerDevice = z
  .object({
    driver: z.enum(['sim', 'none']).default('sim').describe('sim: byte-level HID simulator (real drivers arrive with the hardware issue); none: not fitted'),
    vendorId: z.number().int().optional().describe('USB vendor id (hid driver)'),
    productId: z.number().int().optional().describe('USB product id (hid driver)'),
    terminator: z.enum(['enter', 'tab']).default('enter').describe('the key that ends one code'),
  })
  .default({ driver: 'sim', terminator: 'enter' });

const printerDevice = z
  .object({
    driver: z.enum(['sim', 'none']).default('sim').describe('sim: writes each slip into the data dir'),
    widthChars: z.number().int().min(24).max(64).default(32).describe('characters per line (58 mm: 32, 80 mm: 48)'),
  })
  .default({ driver: 'sim', widthChars: 32 });

export const stationConfigSchema = z.object({
  device: segment.describe('this station\'s device id, also its MQTT username'),
  role: z.enum(['kiosk', 'dropbox']).default('kiosk'),
  password: z.string().min(1).describe('MQTT password for this station'),
  httpPort: port.default(8080).describe('kiosk page and its socket.io; 0 picks a free port'),
  httpHost: z.string().default('127.0.0.1').describe('address the kiosk page listens on'),
  mqttUrl: z.string().default('mqtt://127.0.0.1:1883').describe('the school broker'),
  requestTimeoutMs: z.number().int().min(100).max(30000).default(1500).describe('deadline for the server\'s answer before deciding offline'),
  idleTimeoutSec: z.number().int().min(5).max(600).default(45).describe('seconds without activity before automatic logout'),
  idleWarningSec: z.number().int().min(0).max(120).default(10).describe('seconds of warning before that logout'),
  devices: z
    .object({ card: readerDevice, scanner: readerDevice, printer: printerDevice })
    .default({ card: { driver: 'sim', terminator: 'enter' }, scanner: { driver: 'sim', terminator: 'enter' }, printer: { driver: 'sim', widthChars: 32 } }),
});
export type StationConfig = z.infer<typeof stationConfigSchema>;

export const serverConfigSchema = z.object({
  httpPort: port.default(3000).describe('dashboard; 0 picks a free port'),
  httpHost: z.string().default('127.0.0.1').describe('address the dashboard listens on (0.0.0.0 for the office PC and phones)'),
  broker: z
    .object({
      embedded: z.boolean().default(true).describe('run the aedes broker inside the server process'),
      port: port.default(1883).describe('embedded broker port; 0 picks a free port'),
      host: z.string().default('127.0.0.1'),
      url: z.string().optional().describe('external broker (e.g. mosquitto) when embedded is false'),
    })
    .default({ embedded: true, port: 1883, host: '127.0.0.1' }),
  mqtt: credential.default({ username: 'server', password: 'server-secret' }).describe('the server\'s own MQTT login'),
  devices: z
    .array(z.object({ username: segment, password: z.string().min(1), role: z.enum(['kiosk', 'dropbox', 'counter']) }))
    .default([])
    .describe('every station and device allowed on the broker'),
  staff: z
    .array(z.object({ username: z.string().min(1), password: z.string().min(6), role: z.enum(['librarian', 'viewer']) }))
    .default([])
    .describe('dashboard logins'),
  sessionSecret: z.string().min(16).default('change-me-please-0123456789').describe('signs dashboard session cookies'),
});
export type ServerConfig = z.infer<typeof serverConfigSchema>;

export const configSchema = z.object({
  mode: z.enum(['sim', 'production']).describe('sim seeds the demo and enables /api/sim and the demo logins'),
  dataDir: z.string().default('./data').describe('all runtime state lives here'),
  school: z
    .object({
      id: segment.default('demo'),
      name: z.string().default('Trường TH&THCS Demo'),
      isil: z.string().regex(/^[A-Z]{2}-[A-Za-z0-9:/-]{1,11}$/, 'an ISIL like VN-THCS01').default('VN-THCS01'),
      institution: z.string().regex(/^\d{4}$/, 'the 4-digit institution code in 14-digit barcodes').default('0001'),
    })
    .default({ id: 'demo', name: 'Trường TH&THCS Demo', isil: 'VN-THCS01', institution: '0001' }),
  server: serverConfigSchema.optional(),
  stations: z.array(stationConfigSchema).default([]),
});
export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validates a parsed config; throws ConfigError listing each field to change. */
export function parseConfig(raw: unknown, source = 'config'): Config {
  const r = configSchema.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  - ${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new ConfigError(`${source} is not valid; change:\n${lines.join('\n')}`);
  }
  const cfg = r.data;
  if (cfg.mode === 'production') {
    if (cfg.server?.sessionSecret === 'change-me-please-0123456789') {
      throw new ConfigError(`${source}: server.sessionSecret must be set to a secret of your own in production`);
    }
    if (cfg.server?.mqtt.password === 'server-secret') {
      throw new ConfigError(`${source}: server.mqtt.password must be set to a password of your own in production`);
    }
  }
  return cfg;
}
