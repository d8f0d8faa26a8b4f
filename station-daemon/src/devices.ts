/**
 * Creates a station's devices from its config: each driver gets its transport (a byte-level
 * simulator in sim mode, the real device otherwise). The only place that knows which driver
 * class serves which config entry.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { StationConfig } from '#core/config.ts';
import type { CodeReader, ReceiptPrinter } from '#hardware/interfaces.ts';
import { SimHidTransport } from '#hardware/sim/sim-hid-transport.ts';
import { KeyboardWedgeReader } from '#hardware/drivers/keyboard-wedge-reader.ts';
import { TextSlipPrinter } from '#hardware/drivers/text-slip-printer.ts';

export interface StationDevices {
  readers: CodeReader[];
  printer: ReceiptPrinter | null;
  /** Simulators by name ("card", "scanner"), fed by /api/sim/{name} in sim mode. */
  sim: Record<string, SimHidTransport>;
  close(): Promise<void>;
}

export async function createDevices(sc: StationConfig, dir: string, _log: Logger): Promise<StationDevices> {
  const sim: Record<string, SimHidTransport> = {};
  const readers: CodeReader[] = [];
  for (const kind of ['card', 'scanner'] as const) {
    const d = sc.devices[kind];
    if (d.driver === 'none') continue;
    const transport = new SimHidTransport({ terminator: d.terminator });
    sim[kind] = transport;
    readers.push(new KeyboardWedgeReader(transport, { kind, driver: d.driver, terminator: d.terminator }));
  }
  const printer: ReceiptPrinter | null = sc.devices.printer.driver === 'sim' ? new TextSlipPrinter(join(dir, 'printer')) : null;
  return {
    readers,
    printer,
    sim,
    async close() {
      for (const r of readers) await r.close();
      await printer?.close();
    },
  };
}
