/**
 * Builds the station's RFID pad from the `rfid` device config: a FEIG ISO-Host reader on a serial
 * port, the byte-level simulator, or nothing. The pad is returned stopped; call pad.start().
 * serialport is imported only when a real reader is configured.
 */
import type { Logger } from 'pino';
import type { StationConfig } from '#core/config.ts';
import { FeigIsoHostReader } from './feig-reader.ts';
import { RfidPad } from './rfid-pad.ts';
import { openSerialTransport } from './serial-transport.ts';
import { SimFeigReader } from './sim-reader.ts';

export type RfidDeviceConfig = StationConfig['devices']['rfid'];

export interface RfidPadBundle {
  pad: RfidPad | null;
  /** The simulated reader in 'sim' mode (for /api/sim/rfid), otherwise null. */
  sim: SimFeigReader | null;
}

export interface RfidFactoryOptions {
  /** Owner ISIL the simulator writes into placed tags; 'VN-THCS01' by default (pass config.school.isil). */
  isil?: string;
  /** Serial parity of the real reader; FEIG's default is 'even'. */
  parity?: 'none' | 'even' | 'odd';
}

/** Creates the pad for `cfg` (driver 'none' gives {pad: null, sim: null}); never opens the port itself. */
export function createRfidPad(cfg: RfidDeviceConfig, log: Logger, opts: RfidFactoryOptions = {}): RfidPadBundle {
  if (cfg.driver === 'none') return { pad: null, sim: null };
  const child = log.child({ component: 'hw:rfid' });
  const padOptions = {
    pollMs: cfg.pollMs,
    afiInLibrary: cfg.afiInLibrary,
    afiOnLoan: cfg.afiOnLoan,
    useEas: cfg.useEas,
    driver: cfg.driver,
    log: child,
  };
  if (cfg.driver === 'sim') {
    const sim = new SimFeigReader({ owner: opts.isil ?? 'VN-THCS01', afi: cfg.afiInLibrary });
    const pad = new RfidPad({
      ...padOptions,
      connect: async () => new FeigIsoHostReader(sim.createTransport(), { busAddress: cfg.busAddress, driver: 'sim', log: child }),
    });
    return { pad, sim };
  }
  const path = cfg.path;
  if (!path) throw new Error('devices.rfid.path must name the reader\'s serial device when devices.rfid.driver is "feig-iso-host"');
  const pad = new RfidPad({
    ...padOptions,
    connect: async () => {
      const transport = await openSerialTransport({ path, baudRate: cfg.baudRate, parity: opts.parity ?? 'even' });
      const reader = new FeigIsoHostReader(transport, { busAddress: cfg.busAddress, log: child });
      try {
        await reader.softwareVersion();
      } catch (err) {
        await reader.close();
        throw err;
      }
      return reader;
    },
  });
  return { pad, sim: null };
}
