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
    driver: z
      .enum(['sim', 'hid', 'hid-pos', 'serial', 'none'])
      .default('sim')
      .describe('sim: byte-level HID simulator; hid: USB keyboard-mode device read with node-hid; hid-pos: USB HID Point-of-Sale scanner (usage page 0x8C); serial: USB CDC / RS-232 scanner; none: not fitted'),
    vendorId: z.number().int().min(0).max(0xffff).optional().describe('USB vendor id (hid, hid-pos): tells a card reader from a scanner'),
    productId: z.number().int().min(0).max(0xffff).optional().describe('USB product id (hid, hid-pos)'),
    path: z.string().optional().describe('serial device, e.g. /dev/openshelf-scanner (udev name) or /dev/ttyACM0 (serial)'),
    baudRate: z.number().int().positive().default(9600).describe('serial speed'),
    terminator: z.enum(['enter', 'tab']).default('enter').describe('the key (hid) or line end (serial: CR/LF) that ends one code'),
    /** Card number normalisation, for card readers. */
    cardFormat: z
      .enum(['as-read', 'em4100-decimal10', 'uid-hex', 'uid-hex-reversed'])
      .default('as-read')
      .describe('how the school prints card numbers: as the reader types them, EM4100 as 10 decimal digits, or the UID in hex (reader byte order or reversed)'),
    recordTo: z.string().optional().describe('append raw input with timestamps to this file (for support; replayable)'),
  })
  .default({ driver: 'sim', terminator: 'enter', baudRate: 9600, cardFormat: 'as-read' });

const printerDevice = z
  .object({
    driver: z
      .enum(['sim', 'usb', 'serial', 'tcp', 'none'])
      .default('sim')
      .describe('sim: captures ESC/POS bytes into the data dir and decodes them to PNG; usb: printer-class device (/dev/usb/lp0); serial; tcp: network printer (port 9100); none: not fitted'),
    path: z.string().optional().describe('usb or serial device path'),
    baudRate: z.number().int().positive().default(19200),
    host: z.string().optional().describe('tcp printer address'),
    port: z.number().int().min(1).max(65535).default(9100),
    paperMm: z.union([z.literal(58), z.literal(80)]).default(58).describe('58 mm (384 dots) or 80 mm (576 dots)'),
    widthChars: z.number().int().min(24).max(64).default(32).describe('characters per line of the text layout (58 mm: 32, 80 mm: 48)'),
  })
  .default({ driver: 'sim', baudRate: 19200, port: 9100, paperMm: 58, widthChars: 32 });

const rfidDevice = z
  .object({
    driver: z.enum(['sim', 'feig-iso-host', 'none']).default('none').describe('sim: simulated pad speaking the FEIG ISO-Host protocol; feig-iso-host: a real FEIG reader on a serial port; none: no RFID'),
    path: z.string().optional().describe('serial device of the reader'),
    baudRate: z.number().int().positive().default(38400),
    busAddress: z.number().int().min(0).max(255).default(0xff).describe('ISO-Host bus address (0xFF: any)'),
    afiInLibrary: z.number().int().min(0).max(255).default(0x07).describe('AFI written on return ("in the library")'),
    afiOnLoan: z.number().int().min(0).max(255).default(0xc2).describe('AFI written on loan'),
    useEas: z.boolean().default(false).describe('also set/reset the EAS bit (NXP ICODE)'),
    pollMs: z.number().int().min(50).max(5000).default(250).describe('inventory interval'),
  })
  .default({ driver: 'none', baudRate: 38400, busAddress: 0xff, afiInLibrary: 0x07, afiOnLoan: 0xc2, useEas: false, pollMs: 250 });

const gpioPin = z.number().int().min(0).max(1023);

/** The drop box's signals: a green LED for "returned", a red LED and a buzzer for "give it to the librarian". */
const dropboxSignal = z
  .object({
    driver: z
      .enum(['sim', 'gpiod', 'sysfs-gpio', 'none'])
      .default('sim')
      .describe('sim: records what it signalled (shown on the drop box page); gpiod: LEDs and buzzer on GPIO lines through the character device (gpioset, Debian package gpiod); sysfs-gpio: the same through the deprecated /sys/class/gpio; none: no lights'),
    gpioChip: z.string().min(1).default('gpiochip0').describe('GPIO chip name or number (gpiod)'),
    gpioRoot: z.string().default('/sys/class/gpio').describe('sysfs GPIO folder (sysfs-gpio)'),
    okPin: gpioPin.optional().describe('GPIO line of the green "returned" LED'),
    problemPin: gpioPin.optional().describe('GPIO line of the red "problem" LED'),
    buzzerPin: gpioPin.optional().describe('GPIO line of the buzzer (sounds on a problem)'),
    activeLow: z.boolean().default(false).describe('the outputs light when the line is low'),
    pulseMs: z.number().int().min(50).max(10000).default(800).describe('how long one signal lasts'),
  })
  .default({ driver: 'sim', gpioChip: 'gpiochip0', gpioRoot: '/sys/class/gpio', activeLow: false, pulseMs: 800 });

/** An optional "bin full" switch or light barrier at the top of the bin. */
const dropboxFullSensor = z
  .object({
    driver: z.enum(['none', 'sim', 'gpiod', 'sysfs-gpio']).default('none').describe('none: no sensor (the count alone warns); sim: set through /api/sim/bin-full; gpiod: an input line read with gpioget; sysfs-gpio: an input line through /sys/class/gpio'),
    gpioChip: z.string().min(1).default('gpiochip0').describe('GPIO chip name or number (gpiod)'),
    gpioRoot: z.string().default('/sys/class/gpio'),
    pin: gpioPin.optional().describe('GPIO input line of the sensor (gpiod, sysfs-gpio)'),
    activeLow: z.boolean().default(false).describe('the sensor reads 0 when the bin is full'),
    pollMs: z.number().int().min(100).max(60000).default(1000).describe('how often the sensor is read'),
  })
  .default({ driver: 'none', gpioChip: 'gpiochip0', gpioRoot: '/sys/class/gpio', activeLow: false, pollMs: 1000 });

/** Options of a station in role "dropbox" (ignored by kiosks). */
const dropboxOptions = z
  .object({
    binCapacity: z.number().int().min(1).max(10000).default(60).describe('books the bin holds'),
    nearlyFullAt: z.number().int().min(1).max(10000).default(50).describe('books in the bin from which the dashboard shows "bin nearly full"'),
    dedupeWindowSec: z.number().int().min(1).max(86400).default(120).describe('a tag (or barcode) seen again within this many seconds is the same drop (keep it short: a book may be borrowed and returned again)'),
    receipt: z.boolean().default(false).describe('print a return receipt for each batch when a printer is fitted'),
    receiptAfterMs: z.number().int().min(200).max(60000).default(3000).describe('quiet time after the last book of a batch before its receipt prints'),
    simDwellMs: z.number().int().min(100).max(60000).default(1500).describe('sim: how long a dropped book stays in the reader\'s field'),
    signal: dropboxSignal,
    fullSensor: dropboxFullSensor,
  })
  .prefault({});

export const stationConfigSchema = z.object({
  device: segment.describe('this station\'s device id, also its MQTT username'),
  role: z.enum(['kiosk', 'dropbox', 'desk']).default('kiosk').describe('kiosk: self-service; dropbox: return drop box; desk: the librarian\'s desk scanner, driven from the dashboard'),
  password: z.string().min(1).describe('MQTT password for this station'),
  httpPort: port.default(8080).describe('kiosk page and its socket.io; 0 picks a free port'),
  httpHost: z.string().default('127.0.0.1').describe('address the kiosk page listens on'),
  mqttUrl: z.string().default('mqtt://127.0.0.1:1883').describe('the school broker'),
  requestTimeoutMs: z.number().int().min(100).max(30000).default(1500).describe('deadline for the server\'s answer before deciding offline'),
  idleTimeoutSec: z.number().int().min(5).max(600).default(45).describe('seconds without activity before automatic logout'),
  idleWarningSec: z.number().int().min(0).max(120).default(10).describe('seconds of warning before that logout'),
  devices: z
    .object({ card: readerDevice, scanner: readerDevice, printer: printerDevice, rfid: rfidDevice })
    .prefault({}),
  dropbox: dropboxOptions,
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
    .array(z.object({ username: segment, password: z.string().min(1), role: z.enum(['kiosk', 'dropbox', 'desk', 'counter']) }))
    .default([])
    .describe('every station and device allowed on the broker'),
  staff: z
    .array(z.object({ username: z.string().min(1), password: z.string().min(6), role: z.enum(['admin', 'librarian', 'viewer']) }))
    .default([])
    .describe('dashboard logins created at the first start (then managed in the dashboard; passwords stored as scrypt hashes)'),
  requirePinFor: z
    .array(z.enum(['pupil', 'teacher', 'staff']))
    .default([])
    .describe('patron kinds who must type their PIN after the card at the kiosk (PINs are stored hashed)'),
  sessionSecret: z.string().min(16).default('change-me-please-0123456789').describe('signs dashboard session cookies'),
  https: z
    .union([
      z.object({ certFile: z.string().min(1), keyFile: z.string().min(1) }).strict(),
      z.object({ selfSigned: z.literal(true), hosts: z.array(z.string().min(1)).default([]) }).strict(),
    ])
    .optional()
    .describe('serve the dashboard over HTTPS: the school\'s PEM certificate and key, or {"selfSigned": true} to make one at the first start (hosts: names and addresses it is valid for besides localhost)'),
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

/** The marker of the example configs' placeholder secrets (config/production.example.json). */
export const PLACEHOLDER_SECRET = /CHANGE-ME/i;

/** Where the config still holds a placeholder ("CHANGE-ME..."), as paths like server.devices.0.password. */
export function placeholderSecrets(cfg: Config): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (typeof v === 'string') {
      if (PLACEHOLDER_SECRET.test(v)) out.push(path);
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}.${i}`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
  };
  walk(cfg, '');
  return out;
}

/** In production, throws a ConfigError naming every placeholder secret left from the example config. */
export function refusePlaceholderSecrets(cfg: Config, source = 'config'): void {
  if (cfg.mode !== 'production') return;
  const left = placeholderSecrets(cfg);
  if (left.length === 0) return;
  throw new ConfigError(
    `${source}: còn giá trị mẫu CHANGE-ME, hãy đặt mật khẩu/bí mật riêng cho từng mục / ` +
      `these values are still the example's CHANGE-ME placeholders; set each to a secret of your own before running in production:\n` +
      left.map((p) => `  - ${p}`).join('\n'),
  );
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
