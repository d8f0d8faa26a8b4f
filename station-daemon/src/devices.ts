/**
 * Creates a station's devices from its config: each driver gets its transport (a byte-level
 * simulator in sim mode, the real device otherwise). The only place that knows which driver
 * class serves which config entry.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { StationConfig } from '#core/config.ts';
import type { CodeReader } from '#hardware/interfaces.ts';
import type { CodeReaderSim } from '#hardware/sim/code-reader-sim.ts';
import { createCodeReader } from '#hardware/readers-factory.ts';
import { createPrinter } from '#hardware/printer/factory.ts';
import type { EscPosPrinter } from '#hardware/printer/escpos-printer.ts';
import type { SimPrinter } from '#hardware/printer/sim-printer.ts';
import { createRfidPad } from '#hardware/rfid/factory.ts';
import type { RfidPad } from '#hardware/rfid/rfid-pad.ts';
import type { SimFeigReader } from '#hardware/rfid/sim-reader.ts';

export interface StationDevices {
  readers: CodeReader[];
  printer: EscPosPrinter | null;
  /** The simulated printer (sim driver): its jobs as .bin and .png, its paper state. */
  printerSim: SimPrinter | null;
  /** Simulators by name ("card", "scanner"), fed by /api/sim/{name} in sim mode. */
  sim: Record<string, CodeReaderSim>;
  /** The RFID pad, started; null when the station has none. */
  rfid: RfidPad | null;
  /** The simulated RFID reader (sim driver), fed by /api/sim/rfid. */
  rfidSim: SimFeigReader | null;
  close(): Promise<void>;
}

export async function createDevices(sc: StationConfig, dir: string, log: Logger, opts: { isil: string; simulate: boolean }): Promise<StationDevices> {
  const sim: Record<string, CodeReaderSim> = {};
  const readers: CodeReader[] = [];
  for (const kind of ['card', 'scanner'] as const) {
    const created = createCodeReader(kind, sc.devices[kind], log, { simulate: opts.simulate });
    if (!created) continue;
    readers.push(created.reader);
    if (created.sim) sim[kind] = created.sim;
  }
  const { printer, sim: printerSim } = await createPrinter(sc.devices.printer, join(dir, 'printer'), log);
  printer?.start();
  const { pad: rfid, sim: rfidSim } = createRfidPad(sc.devices.rfid, log, { isil: opts.isil });
  rfid?.start();
  return {
    readers,
    printer,
    printerSim: printerSim ?? null,
    sim,
    rfid,
    rfidSim,
    async close() {
      for (const r of readers) await r.close();
      await printer?.close();
      await rfid?.stop();
    },
  };
}
