/**
 * Wires a station in role "dropbox": its RFID pad feeds the DropBox instead of a kiosk session, its
 * signals and bin sensor come from the config, it has its own broker connection for alerts, bin and
 * commands, and its own HTTP page. station.ts calls createDropbox() and uses what it returns.
 */
import type { Logger } from 'pino';
import type { Config, StationConfig } from '#core/config.ts';
import type { Db } from '#core/node/sqlite.ts';
import type { StatusPayload } from '#core/protocol/messages.ts';
import type { ReceiptPrinter } from '#hardware/interfaces.ts';
import type { PadTagsEvent, RfidPad } from '#hardware/rfid/rfid-pad.ts';
import type { SimFeigReader } from '#hardware/rfid/sim-reader.ts';
import type { StationCirculation } from '../circulation.ts';
import type { Journal } from '../journal.ts';
import type { Replica } from '../replica.ts';
import { DropBox } from './dropbox.ts';
import { createFullSensor, SimFullSensor, type FullSensor } from './full-sensor.ts';
import { DropboxServer } from './http.ts';
import { DropboxLink } from './link.ts';
import { createSignalOutput, SimSignalOutput, type SignalOutput } from './signal.ts';

export interface DropboxStation {
  dropbox: DropBox;
  server: DropboxServer;
  signal: SignalOutput;
  fullSensor: FullSensor | null;
  link: DropboxLink;
  /** The RFID reader at the slot (null without one). */
  pad: RfidPad | null;
  /** Health lines for the station's retained status (signal, bin sensor). */
  deviceHealth(): StatusPayload['devices'];
  stop(): Promise<void>;
}

export function createDropbox(o: {
  config: Config;
  station: StationConfig;
  db: Db;
  circulation: StationCirculation;
  journal: Journal;
  replica: Replica;
  pad: RfidPad | null;
  rfidSim: SimFeigReader | null;
  printer: ReceiptPrinter | null;
  mqttUrl: string;
  health: () => { online: boolean; pending: number } & Record<string, unknown>;
  log: Logger;
}): DropboxStation {
  const { config, station: sc, log } = o;
  const opts = sc.dropbox;
  if (!o.pad) throw new Error(`station ${sc.device} has role "dropbox" but no RFID reader: set devices.rfid.driver to "feig-iso-host" (or "sim")`);
  const signal = createSignalOutput(opts.signal, log.child({ component: 'dropbox:signal' }));
  const fullSensor = createFullSensor(opts.fullSensor, log.child({ component: 'dropbox:sensor' }));
  const link = new DropboxLink({ url: o.mqttUrl, school: config.school.id, device: sc.device, password: sc.password, log: log.child({ component: 'dropbox:mqtt' }) });
  const dropbox = new DropBox({
    db: o.db,
    circulation: o.circulation,
    journal: o.journal,
    replica: o.replica,
    pad: o.pad,
    signal,
    fullSensor,
    printer: opts.receipt ? o.printer : null,
    link,
    options: opts,
    school: config.school.id,
    device: sc.device,
    isil: config.school.isil,
    schoolName: config.school.name,
    widthChars: sc.devices.printer.widthChars,
    utcOffsetMinutes: () => o.replica.calendar().timeZoneOffsetMinutes,
    log: log.child({ component: 'dropbox' }),
  });
  o.pad?.on('tags', (ev: PadTagsEvent) => dropbox.onTags(ev));
  const sim = config.mode === 'sim';
  const server = new DropboxServer({
    dropbox,
    device: sc.device,
    schoolName: config.school.name,
    health: o.health,
    sim: sim
      ? {
          rfid: o.rfidSim,
          fullSensor: fullSensor instanceof SimFullSensor ? fullSensor : null,
          signals: signal instanceof SimSignalOutput ? signal.recorded : null,
          dwellMs: opts.simDwellMs,
          afiOnLoan: sc.devices.rfid.afiOnLoan,
        }
      : null,
    log: log.child({ component: 'dropbox:http' }),
  });
  dropbox.start();
  link.start();
  return {
    dropbox,
    server,
    signal,
    fullSensor,
    link,
    pad: o.pad,
    deviceHealth() {
      const out: StatusPayload['devices'] = {};
      const s = signal.health();
      out.signal = { driver: s.driver, ok: s.ok, ...(s.detail ? { detail: s.detail } : {}) };
      if (fullSensor) {
        const h = fullSensor.health();
        out.binSensor = { driver: h.driver, ok: h.ok, ...(h.detail ? { detail: h.detail } : {}) };
      }
      return out;
    },
    async stop() {
      await dropbox.stop();
      await link.stop();
    },
  };
}
