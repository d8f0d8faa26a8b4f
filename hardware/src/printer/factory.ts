/**
 * Builds the station's receipt printer from its config entry: the ESC/POS printer over the adapter
 * the driver names (the simulator in sim mode), started in the background so a printer that is not
 * plugged in yet is picked up when it appears.
 */
import type { Logger } from 'pino';
import type { StationConfig } from '#core/config.ts';
import type { PrinterAdapter } from './adapter.ts';
import { SerialPrinterAdapter } from './adapters/serial.ts';
import { TcpPrinterAdapter } from './adapters/tcp.ts';
import { UsbLpPrinterAdapter } from './adapters/usb-lp.ts';
import { EscPosPrinter } from './escpos-printer.ts';
import { SimPrinter } from './sim-printer.ts';

export type PrinterConfig = StationConfig['devices']['printer'];

export interface CreatedPrinter {
  printer: EscPosPrinter | null;
  /** The simulated printer behind `printer` in sim mode (its jobs, paper state, unplug/replug). */
  sim?: SimPrinter;
}

export class PrinterConfigError extends Error {
  override name = 'PrinterConfigError';
}

/**
 * `dir` is where the simulator keeps `<job>.bin` and `<job>.png` (e.g. data/stations/kiosk-1/printer).
 * Throws PrinterConfigError when the driver lacks its path or host; never for an absent device.
 */
export async function createPrinter(cfg: PrinterConfig, dir: string, log: Logger): Promise<CreatedPrinter> {
  if (cfg.driver === 'none') return { printer: null };
  const plog = log.child({ component: 'hw:printer' });
  let adapter: PrinterAdapter;
  let sim: SimPrinter | undefined;
  switch (cfg.driver) {
    case 'sim':
      sim = new SimPrinter({ dir, paperMm: cfg.paperMm, log: plog });
      adapter = sim.adapter();
      break;
    case 'usb':
      adapter = new UsbLpPrinterAdapter({ path: cfg.path ?? '/dev/usb/lp0' });
      break;
    case 'serial':
      if (!cfg.path) throw new PrinterConfigError('devices.printer.path is required for the serial driver (e.g. /dev/ttyUSB0)');
      adapter = new SerialPrinterAdapter({ path: cfg.path, baudRate: cfg.baudRate });
      break;
    case 'tcp':
      if (!cfg.host) throw new PrinterConfigError('devices.printer.host is required for the tcp driver (the printer\'s IP address)');
      adapter = new TcpPrinterAdapter({ host: cfg.host, port: cfg.port });
      break;
  }
  const printer = new EscPosPrinter(adapter, {
    driver: cfg.driver,
    paperMm: cfg.paperMm,
    // 80 mm kiosk printers have a cutter; most 58 mm ones only have a tear bar. The simulator cuts,
    // so each slip becomes one file at once.
    cut: cfg.driver === 'sim' || cfg.paperMm === 80,
    // GS ( k QR codes: Epson-class 80 mm printers yes, 58 mm clones mostly not.
    qr: cfg.paperMm === 80,
    log: plog,
  });
  await printer.start();
  return { printer, ...(sim ? { sim } : {}) };
}
