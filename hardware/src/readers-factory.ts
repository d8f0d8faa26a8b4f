/**
 * Builds a scanner or card reader from its config entry: the driver, the transport under it
 * (a real device or its byte-level simulator), card number normalisation and raw recording.
 * The only place that knows which driver serves which `driver` value.
 */
import type { Logger } from 'pino';
import { normaliseCardNumber, type CardNumberError } from '#core/card-number.ts';
import type { StationConfig } from '#core/config.ts';
import type { BackoffOptions } from './drivers/backoff.ts';
import type { ReaderHealth } from './drivers/reader-health.ts';
import { HidPosReader } from './drivers/hid-pos-reader.ts';
import { KeyboardWedgeReader } from './drivers/keyboard-wedge-reader.ts';
import { loadNodeHid, type HidBackend, type NodeHidModule } from './hid/node-hid-module.ts';
import { NodeHidTransport } from './hid/node-hid-transport.ts';
import type { CodeReader, HidTransport } from './interfaces.ts';
import { RawRecorder } from './record/raw-recorder.ts';
import { RecordingTransport } from './record/recording-transport.ts';
import { SerialLineReader } from './serial/line-reader.ts';
import type { SerialOpener } from './serial/serial-link.ts';
import type { CodeReaderSim } from './sim/code-reader-sim.ts';
import { hidPosReports } from './sim/hid-pos-reports.ts';
import { keyboardReports } from './sim/keyboard-reports.ts';
import { SimHidBus } from './sim/sim-hid-bus.ts';
import { SimHidTransport } from './sim/sim-hid-transport.ts';
import { SimSerialScanner } from './sim/sim-serial-scanner.ts';

export type ReaderDeviceConfig = StationConfig['devices']['card'];

export interface ReaderFactoryOptions {
  /**
   * Put the device's byte-level simulator where the device would be, keeping the configured
   * driver's whole path: hid and hid-pos get a simulated USB bus under the real NodeHidTransport
   * (polling, open, unplug), serial a SerialPortMock under the real line reader. Driver "sim" is
   * always simulated (boot-keyboard reports straight into the decoder).
   */
  simulate?: boolean;
  /** node-hid backend for hid and hid-pos (one per process); default libusb. */
  hidBackend?: HidBackend;
  /** Simulated gap between reports or serial chunks in ms; default 4 (real scanners: 1–8). */
  simIntervalMs?: number;
  /** Replaces node-hid (tests). */
  loadHid?: (backend: HidBackend) => Promise<NodeHidModule>;
  /** Replaces the serialport package (tests). */
  openSerial?: SerialOpener;
  retry?: BackoffOptions;
}

/** Every reader the factory makes reports presence and reconnects besides DeviceHealth. */
export interface HealthReportingReader extends CodeReader {
  health(): ReaderHealth;
}

export interface CreatedReader {
  reader: HealthReportingReader;
  /** The simulator, when the device is simulated: what /api/sim/{card|scanner} drives. */
  sim?: CodeReaderSim;
}

/** The configuration cannot work (a hid device without ids, a serial one without a path). */
export class ReaderConfigError extends Error {
  override name = 'ReaderConfigError';
  readonly config = true;
}

/** The ids the simulators use when the config has none: the udev rules' examples. */
export const EXAMPLE_USB_IDS = {
  scanner: { vendorId: 0x05e0, productId: 0x1200 },
  card: { vendorId: 0xffff, productId: 0x0035 },
} as const;

const USAGE_PAGE_KEYBOARD = 0x01; // Generic Desktop (usage 0x06 Keyboard)
const USAGE_PAGE_POS_SCANNER = 0x8c;

/** Creates the reader for `devices.card` or `devices.scanner`; null when the driver is "none". */
export function createCodeReader(kind: 'card' | 'scanner', cfg: ReaderDeviceConfig, log: Logger, opts: ReaderFactoryOptions = {}): CreatedReader | null {
  if (cfg.driver === 'none') return null;
  const clog = log.child({ component: `hw:${kind}` });
  const common = {
    kind,
    driver: cfg.driver,
    ...(kind === 'card' ? cardNormalisation(cfg, clog) : {}),
  };
  const recorder = cfg.recordTo ? new RawRecorder(cfg.recordTo, { log: clog }) : undefined;
  const recorded = (t: HidTransport): HidTransport => (recorder ? new RecordingTransport(t, recorder) : t);
  const interval = opts.simIntervalMs ?? 4;

  switch (cfg.driver) {
    case 'sim': {
      const sim = new SimHidTransport({ terminator: cfg.terminator, reportIntervalMs: interval });
      return { reader: new KeyboardWedgeReader(recorded(sim), { ...common, terminator: cfg.terminator }), sim };
    }
    case 'hid':
    case 'hid-pos': {
      const pos = cfg.driver === 'hid-pos';
      const ids = usbIds(kind, cfg, opts.simulate === true);
      let load = opts.loadHid ?? loadNodeHid;
      let sim: CodeReaderSim | undefined;
      if (opts.simulate) {
        const bus = new SimHidBus();
        sim = bus.add({
          ...ids,
          usagePage: pos ? USAGE_PAGE_POS_SCANNER : USAGE_PAGE_KEYBOARD,
          usage: pos ? 0x02 : 0x06,
          encode: pos ? (code) => hidPosReports(code) : (code) => keyboardReports(code, cfg.terminator),
          reportIntervalMs: interval,
        });
        load = bus.load;
      }
      const transport = new NodeHidTransport({
        ...ids,
        ...(cfg.path && !opts.simulate ? { path: cfg.path } : {}),
        usagePage: pos ? USAGE_PAGE_POS_SCANNER : USAGE_PAGE_KEYBOARD,
        backend: opts.hidBackend ?? 'libusb',
        load,
        label: kind,
        log: clog,
        ...(opts.retry ? { retry: opts.retry } : {}),
      }).start();
      const t = recorded(transport);
      const reader = pos ? new HidPosReader(t, common) : new KeyboardWedgeReader(t, { ...common, terminator: cfg.terminator });
      return { reader, ...(sim ? { sim } : {}) };
    }
    case 'serial': {
      let open = opts.openSerial;
      let path = cfg.path;
      let sim: SimSerialScanner | undefined;
      if (opts.simulate) {
        sim = new SimSerialScanner({ suffix: cfg.terminator === 'tab' ? '\t' : '\r', chunkIntervalMs: interval });
        open = sim.open;
        path = sim.path;
      }
      if (!path) throw new ReaderConfigError(`devices.${kind}.path is required for driver "serial" (e.g. /dev/openshelf-${kind} or /dev/ttyACM0)`);
      const reader = new SerialLineReader({
        ...common,
        path,
        baudRate: cfg.baudRate,
        suffix: cfg.terminator === 'tab' ? { custom: '\t' } : 'any',
        ...(open ? { open } : {}),
        ...(recorder ? { recorder } : {}),
        ...(opts.retry ? { retry: opts.retry } : {}),
        log: clog,
      }).start();
      return { reader, ...(sim ? { sim } : {}) };
    }
  }
}

function usbIds(kind: 'card' | 'scanner', cfg: ReaderDeviceConfig, simulate: boolean): { vendorId: number; productId: number } {
  if (cfg.vendorId !== undefined && cfg.productId !== undefined) return { vendorId: cfg.vendorId, productId: cfg.productId };
  if (simulate) return { ...EXAMPLE_USB_IDS[kind] };
  throw new ReaderConfigError(`devices.${kind}.vendorId and productId are required for driver "${cfg.driver}" (see lsusb; e.g. 0x05e0 / 0x1200)`);
}

function cardNormalisation(cfg: ReaderDeviceConfig, log: Logger) {
  return {
    normalise: (raw: string) => normaliseCardNumber(raw, cfg.cardFormat),
    // The code itself stays out of the log: it identifies a pupil.
    onRejected: (raw: string, err: Error) => log.warn({ reason: (err as CardNumberError).code, length: raw.length, cardFormat: cfg.cardFormat }, `card code rejected: ${err.name}`),
  };
}
