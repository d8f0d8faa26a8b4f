/**
 * The school server: embedded broker (or an external one), the system of record, the circulation
 * authority and the dashboard. startServer() wires them; main.ts only loads the config and calls it.
 */
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { refusePlaceholderSecrets, type Config } from '#core/config.ts';
import { DEFAULT_POLICY } from '#core/policy.ts';
import { DEMO_CALENDAR } from '#core/demo-calendar.ts';
import { openDatabase, type Db } from '#core/node/sqlite.ts';
import { MIGRATIONS } from './db/migrations.ts';
import { Library } from './db/library.ts';
import { brokerAccounts } from './broker/accounts.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker/embedded.ts';
import { CirculationAuthority } from './circulation/authority.ts';
import { MqttService } from './mqtt-service.ts';
import { DashboardHttp } from './http/app.ts';
import { DEMO_STAFF } from './demo-logins.ts';
import { AccountStore } from './accounts/accounts.ts';
import { bootstrapAccounts } from './accounts/bootstrap.ts';
import { seedDemo } from './seed/seed-db.ts';
import { OccupancyStore } from './occupancy/occupancy-store.ts';
import { DropboxBins } from './dropbox/bins.ts';
import { DeskRelay } from './desk/relay.ts';
import { attachDeskLive, deskRoutes } from './desk/routes.ts';
import { StationStore } from './stations/store.ts';
import { loadTls } from './http/https.ts';
import { MONITOR } from './broker/accounts.ts';
import { CalendarStore } from './calendar/store.ts';

export const VERSION = '0.1.0';


export interface RunningServer {
  db: Db;
  library: Library;
  broker: EmbeddedBroker | null;
  mqttUrl: string;
  httpPort: number;
  mqtt: MqttService;
  dashboard: DashboardHttp;
  /** Desk stations' live sessions and the commands to them (dashboard/src/desk/). */
  desk: DeskRelay;
  stations: StationStore;
  stop(): Promise<void>;
}

export interface StartServerOptions {
  config: Config;
  log: Logger;
  clock?: () => Date;
  /** Where the built dashboard lives; default dist/dashboard. */
  staticDir?: string;
  /** Prints the first admin's one-time password (production, first run); default stdout. */
  announce?: (text: string) => void;
}

export async function startServer({ config, log, clock = () => new Date(), staticDir, announce = (t) => process.stdout.write(t) }: StartServerOptions): Promise<RunningServer> {
  const sc = config.server;
  if (!sc) throw new Error('this config has no "server" section');
  // The example config's CHANGE-ME secrets would let anyone who read it log in: refuse to start.
  refusePlaceholderSecrets(config);
  // First, so a wrong certificate path stops the start before anything is opened.
  const tls = sc.https ? loadTls(sc.https, config.dataDir) : undefined;
  if (tls?.created) log.info({ certFile: tls.certFile }, 'self-signed HTTPS certificate made');
  const db = openDatabase(join(config.dataDir, 'server', 'library.sqlite'), MIGRATIONS);
  // The school calendar lives in the database, seeded from the demo calendar at the first start
  // (flagged "needs review" in production); `calendar` reads whatever was saved last.
  const calendarStore = new CalendarStore(db, {
    initial: DEMO_CALENDAR,
    initialNeedsReview: config.mode === 'production',
    clock,
    onSaved: (cal) => library.recordChange('calendar', 'calendar', cal),
  });
  const calendar = calendarStore.live;
  const library = new Library(db, calendar.schoolYear.name);
  if (config.mode === 'sim') {
    const seeded = seedDemo(db, { dataDir: config.dataDir, institution: config.school.institution, now: clock(), calendar, log: log.child({ component: 'seed' }) });
    if (seeded) log.info(seeded, 'demo school seeded');
  }

  // Station logins: the config's devices seed the store once; the dashboard manages them after that.
  const stations = new StationStore(db, clock);
  const seededStations = stations.seed(sc.devices);
  if (seededStations.length) log.info({ devices: seededStations }, 'station logins added from the config');

  let broker: EmbeddedBroker | null = null;
  let mqttUrl: string;
  if (sc.broker.embedded) {
    broker = await startEmbeddedBroker({
      school: config.school.id,
      accounts: brokerAccounts(config),
      port: sc.broker.port,
      host: sc.broker.host,
      log: log.child({ component: 'broker' }),
      stations,
    });
    mqttUrl = `mqtt://${sc.broker.host}:${broker.port}`;
  } else {
    if (!sc.broker.url) throw new Error('server.broker.url is required when server.broker.embedded is false');
    mqttUrl = sc.broker.url;
  }

  const policy = { ...DEFAULT_POLICY, requirePin: { ...DEFAULT_POLICY.requirePin } };
  for (const kind of sc.requirePinFor) policy.requirePin[kind] = true;
  const authority = new CirculationAuthority({ library, policy, calendar, clock });
  // Door counters: readings, occupancy, footfall; the daily reset at the calendar's closing time.
  const occupancy = new OccupancyStore({ db, calendar, clock, log: log.child({ component: 'occupancy' }) });
  const stopDailyReset = occupancy.startDailyReset();
  // Drop box bins: their state from the broker, "emptied" from the dashboard back to the drop box.
  const bins: DropboxBins = new DropboxBins({ db, clock, dropboxes: stations.dropboxes, sendCommand: (device, c): Promise<boolean> => mqtt.publishCommand(device, c) });
  const mqtt: MqttService = new MqttService({
    bins,
    occupancy,
    url: mqttUrl,
    username: sc.mqtt.username,
    password: sc.mqtt.password,
    school: config.school.id,
    version: VERSION,
    library,
    authority,
    deviceRoles: stations.roles,
    clock,
    log: log.child({ component: 'mqtt' }),
  });
  const accounts = new AccountStore(db, clock);
  const desk = new DeskRelay({ url: mqttUrl, username: sc.mqtt.username, password: sc.mqtt.password, school: config.school.id, desks: () => [...stations.roles].flatMap(([device, role]) => (role === 'desk' ? [device] : [])), db, clock, log: log.child({ component: 'desk' }) });
  const boot = bootstrapAccounts(accounts, { mode: config.mode, demo: DEMO_STAFF, staff: sc.staff });
  if (boot.created.length) log.info({ created: boot.created }, 'dashboard accounts created');
  if (boot.firstAdmin) {
    announce(
      `\n  Tài khoản quản trị đầu tiên / First admin account\n` +
        `    tên đăng nhập / username: ${boot.firstAdmin.username}\n` +
        `    mật khẩu dùng một lần / one-time password: ${boot.firstAdmin.password}\n` +
        `  Đổi mật khẩu ở lần đăng nhập đầu tiên. / Change it at the first login. It is shown only now.\n\n`,
    );
  }
  const dashboard = new DashboardHttp({
    db,
    calendar,
    calendarStore,
    clock,
    accounts,
    demoLogins: config.mode === 'sim' ? DEMO_STAFF : [],
    mode: config.mode,
    schoolName: config.school.name,
    staticDir: staticDir ?? resolve('dist/dashboard'),
    log: log.child({ component: 'http' }),
    occupancy,
    dropbox: bins,
    desk: deskRoutes({ relay: desk, db, library, clock }),
    stations: {
      store: stations,
      school: config.school,
      brokerPort: broker?.port ?? (Number(new URL(mqttUrl).port) || 1883),
      server: sc.mqtt,
      monitor: config.mode === 'sim' ? MONITOR : undefined,
      mosquittoDir: join(config.dataDir, 'server', 'mosquitto'),
    },
    tls,
  });
  const stopDeskLive = attachDeskLive(dashboard.io as never, accounts, desk);
  mqtt.on('event', (e) => dashboard.pushEvent(e));
  mqtt.on('station', () => dashboard.pushStations());
  await mqtt.start();
  await desk.start();
  const httpPort = await dashboard.listen(sc.httpPort, sc.httpHost);
  log.info({ httpPort, mqttUrl, https: !!tls }, 'school server ready');

  return {
    db,
    library,
    broker,
    mqttUrl,
    httpPort,
    mqtt,
    dashboard,
    desk,
    stations,
    async stop() {
      stopDailyReset();
      stopDeskLive();
      await desk.stop();
      bins.close();
      await dashboard.close();
      await mqtt.stop();
      if (broker) await broker.close();
      db.close();
    },
  };
}
