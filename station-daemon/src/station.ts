/**
 * A station: devices → session → server link, with its replica and journal. startStation() wires;
 * main.ts only loads the config and calls it.
 */
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config, StationConfig } from '#core/config.ts';
import { openDatabase, type Db } from '#core/node/sqlite.ts';
import type { StatusPayload } from '#core/protocol/messages.ts';
import type { ReceiptPrinter } from '#hardware/interfaces.ts';
import type { CodeReaderSim } from '#hardware/sim/code-reader-sim.ts';
import { createDevices } from './devices.ts';
import type { SimFeigReader } from '#hardware/rfid/sim-reader.ts';
import type { SimPrinter } from '#hardware/printer/sim-printer.ts';
import { STATION_MIGRATIONS } from './db/migrations.ts';
import { Replica } from './replica.ts';
import { Journal } from './journal.ts';
import { ServerLink } from './server-link.ts';
import { StationCirculation } from './circulation.ts';
import { KioskSession } from './session/machine.ts';
import { KioskServer } from './http/kiosk-server.ts';
import { mountTagging } from './tagging/http.ts';
import { createDropbox, type DropboxStation } from './dropbox/station.ts';
import { libraryDay } from '#core/calendar.ts';
import { DeskSession } from './desk/session.ts';
import { DeskLink } from './desk/link.ts';

export const STATION_VERSION = '0.1.0';

export interface RunningStation {
  device: string;
  httpPort: number;
  db: Db;
  link: ServerLink;
  circulation: StationCirculation;
  journal: Journal;
  replica: Replica;
  session: KioskSession;
  printer: ReceiptPrinter | null;
  sim: Record<string, CodeReaderSim> | null;
  /** The simulated RFID reader (sim mode with a simulated pad), else null. */
  rfidSim: SimFeigReader | null;
  /** The simulated printer (sim mode), else null. */
  printerSim: SimPrinter | null;
  /** Role "dropbox": the drop box in place of the kiosk session (which then stays idle), else null. */
  dropbox: DropboxStation | null;
  /** Role "desk": the librarian's desk session (its readers feed it instead of the kiosk session), else null. */
  desk: DeskSession | null;
  stop(): Promise<void>;
}

export async function startStation(opts: {
  config: Config;
  station: StationConfig;
  log: Logger;
  /** Override the broker URL (tests start brokers on free ports). */
  mqttUrl?: string;
  staticDir?: string;
}): Promise<RunningStation> {
  const { config, station: sc, log } = opts;
  const dir = join(config.dataDir, 'stations', sc.device);
  const db = openDatabase(join(dir, 'station.sqlite'), STATION_MIGRATIONS);
  const replica = new Replica(db);
  const journal = new Journal(db);

  const devices = await createDevices(sc, dir, log.child({ component: 'devices' }), { isil: config.school.isil, simulate: config.mode === 'sim' });
  const { readers, printer, sim } = devices;

  const link = new ServerLink({ url: opts.mqttUrl ?? sc.mqttUrl, school: config.school.id, device: sc.device, password: sc.password, log: log.child({ component: 'mqtt' }) });
  // Crash tests only, e.g. OPENSHELF_FAULT=kill-after-journaled:checkout or kill-after-published:checkout.
  const faultAt = process.env.OPENSHELF_FAULT;
  const circulation = new StationCirculation({
    link,
    replica,
    journal,
    device: sc.device,
    deadlineMs: sc.requestTimeoutMs,
    log: log.child({ component: 'circulation' }),
    ...(faultAt ? { fault: (point: string, type: string) => faultAt === `kill-after-${point}:${type}` && process.kill(process.pid, 'SIGKILL') } : {}),
  });
  const session = new KioskSession({
    circulation,
    printer,
    schoolName: config.school.name,
    widthChars: sc.devices.printer.widthChars,
    idleTimeoutMs: sc.idleTimeoutSec * 1000,
    idleWarningMs: sc.idleWarningSec * 1000,
    isOnline: () => link.connected,
    rfid: devices.rfid,
    isil: config.school.isil,
    utcOffsetMinutes: () => replica.calendar().timeZoneOffsetMinutes,
    log: log.child({ component: 'session' }),
  });
  // A drop box has no kiosk session: its pad feeds the drop box (station-daemon/src/dropbox/).
  const dropbox =
    sc.role === 'dropbox'
      ? createDropbox({ config, station: sc, db, circulation, journal, replica, pad: devices.rfid, rfidSim: config.mode === 'sim' ? devices.rfidSim : null, printer, mqttUrl: opts.mqttUrl ?? sc.mqttUrl, health: () => ({ ...health(), pid: process.pid, online: link.connected, pending: journal.count() }), log: log.child({ component: 'dropbox' }) })
      : null;
  // A desk has no kiosk session either: its readers feed the desk session (station-daemon/src/desk/).
  const desk = sc.role === 'desk' ? new DeskSession({ device: sc.device, circulation, isPatronCode: (c) => replica.patronByIdentifier(c) !== null, isOnline: () => link.connected, log: log.child({ component: 'desk' }) }) : null;
  const deskLink = desk ? new DeskLink({ url: opts.mqttUrl ?? sc.mqttUrl, school: config.school.id, device: sc.device, password: sc.password, session: desk, log: log.child({ component: 'desk-mqtt' }) }) : null;
  if (desk) {
    for (const r of readers) r.onCode((code) => void (r.kind === 'card' ? desk.card(code) : desk.scan(code)));
  } else if (!dropbox) {
    for (const r of readers) r.onCode((code) => void (r.kind === 'card' ? session.card(code) : session.scan(code)));
    devices.rfid?.on('tags', (ev: { items: { uid: string; itemId: string; owner: string | null; setInfo: { parts: number; part: number } }[] }) => void session.rfidTags(ev.items));
  }
  devices.rfid?.on('status', () => link.publishStatus());
  // Paper out or near its end, a printer unplugged: the dashboard hears of it at once.
  devices.printer?.onHealth(() => link.publishStatus());

  const station = devices;
  const health = (): Omit<StatusPayload, 'state' | 'at' | 'device'> => {
    const devices: StatusPayload['devices'] = {};
    for (const r of readers) {
      const h = r.health() as ReturnType<typeof r.health> & { present?: boolean; lastError?: string };
      const detail = h.detail ?? h.lastError;
      devices[r.kind] = { driver: h.driver, ok: h.ok, ...(detail ? { detail } : {}), ...(h.present !== undefined ? { connected: h.present } : {}) };
    }
    if (printer) {
      const h = printer.health();
      devices.printer = { driver: h.driver, ok: h.ok, ...(h.detail ? { detail: h.detail } : {}), paper: h.paper, connected: h.connected };
    }
    if (station.rfid) {
      const h = station.rfid.health();
      devices.rfid = { driver: h.driver, ok: h.ok, ...(h.detail ? { detail: h.detail } : {}) };
    }
    if (dropbox) Object.assign(devices, dropbox.deviceHealth());
    return { role: sc.role, version: STATION_VERSION, devices, pending: journal.count() };
  };

  const http = dropbox ? dropbox.server : new KioskServer({
    session,
    meta: { device: sc.device, role: sc.role, mode: config.mode, schoolName: config.school.name, version: STATION_VERSION },
    staticDir: opts.staticDir ?? resolve('dist/kiosk'),
    sim: config.mode === 'sim' ? sim : null,
    rfidSim: config.mode === 'sim' ? devices.rfidSim : null,
    health: () => ({ ...health(), pid: process.pid, online: link.connected, replica: { seq: replica.seq, ...replica.counts() } }),
    today: () => libraryDay(replica.calendar(), new Date()),
    log: log.child({ component: 'http' }),
  });
  // Tagging the existing collection: a page for the desk PC's own browser (loopback, staff only).
  if (!dropbox) mountTagging(http.app, { db, replica, pad: devices.rfid, readers, isil: config.school.isil, staticDir: opts.staticDir ?? resolve('dist/kiosk'), log: log.child({ component: 'tagging' }) });

  let syncing: Promise<void> | null = null;
  let stopped = false;
  const syncAndReplay = () => {
    if (syncing || stopped) return syncing;
    syncing = syncOnce().finally(() => (syncing = null));
    return syncing;
  };
  const syncOnce = async () => {
    try {
      await circulation.replay();
      await circulation.sync();
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'sync failed; will retry');
    } finally {
      if (!stopped) link.publishStatus();
    }
  };
  link.on('connected', () => {
    session.refresh();
    desk?.refresh();
    void syncAndReplay();
  });
  link.on('disconnected', () => {
    session.refresh();
    desk?.refresh();
  });
  link.on('announce', (seq) => {
    if (seq !== replica.seq) void syncAndReplay();
  });
  // Devices come and go (unplug, paper, reader faults): publish the retained status when any
  // device's health changes, checked every second (cheap: no I/O), whatever the driver reports.
  let lastHealth = '';
  const healthWatch = setInterval(() => {
    const now = JSON.stringify(health());
    if (now !== lastHealth) {
      lastHealth = now;
      link.publishStatus();
    }
  }, 1000);
  healthWatch.unref();
  // Offline transactions are retried while any are pending, even if no reconnect event comes.
  const retry = setInterval(() => {
    if (link.connected && journal.count() > 0) void syncAndReplay();
  }, 5000);
  retry.unref();

  link.start(health);
  deskLink?.start();
  const httpPort = await http.listen(sc.httpPort, sc.httpHost);
  log.info({ httpPort, device: sc.device }, 'station ready');

  return {
    device: sc.device,
    httpPort,
    db,
    link,
    circulation,
    journal,
    replica,
    session,
    printer,
    sim: config.mode === 'sim' ? sim : null,
    rfidSim: config.mode === 'sim' ? devices.rfidSim : null,
    printerSim: devices.printerSim,
    dropbox,
    desk,
    async stop() {
      stopped = true;
      clearInterval(retry);
      clearInterval(healthWatch);
      session.stop();
      await deskLink?.stop();
      desk?.stop();
      await http.close();
      await dropbox?.stop();
      await devices.close();
      await link.stop();
      // A sync in flight answers (or times out) before the database it writes to is closed.
      await syncing;
      db.close();
    },
  };
}
