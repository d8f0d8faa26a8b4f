/**
 * The school server: embedded broker (or an external one), the system of record, the circulation
 * authority and the dashboard. startServer() wires them; main.ts only loads the config and calls it.
 */
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '#core/config.ts';
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
import { seedDemo } from './seed/seed-db.ts';

export const VERSION = '0.1.0';


export interface RunningServer {
  db: Db;
  library: Library;
  broker: EmbeddedBroker | null;
  mqttUrl: string;
  httpPort: number;
  mqtt: MqttService;
  dashboard: DashboardHttp;
  stop(): Promise<void>;
}

export interface StartServerOptions {
  config: Config;
  log: Logger;
  clock?: () => Date;
  /** Where the built dashboard lives; default dist/dashboard. */
  staticDir?: string;
}

export async function startServer({ config, log, clock = () => new Date(), staticDir }: StartServerOptions): Promise<RunningServer> {
  const sc = config.server;
  if (!sc) throw new Error('this config has no "server" section');
  const calendar = DEMO_CALENDAR;
  const db = openDatabase(join(config.dataDir, 'server', 'library.sqlite'), MIGRATIONS);
  const library = new Library(db, calendar.schoolYear.name);
  if (config.mode === 'sim') {
    const seeded = seedDemo(db, { dataDir: config.dataDir, institution: config.school.institution, now: clock(), calendar, log: log.child({ component: 'seed' }) });
    if (seeded) log.info(seeded, 'demo school seeded');
  }

  let broker: EmbeddedBroker | null = null;
  let mqttUrl: string;
  if (sc.broker.embedded) {
    broker = await startEmbeddedBroker({
      school: config.school.id,
      accounts: brokerAccounts(config),
      port: sc.broker.port,
      host: sc.broker.host,
      log: log.child({ component: 'broker' }),
    });
    mqttUrl = `mqtt://${sc.broker.host}:${broker.port}`;
  } else {
    if (!sc.broker.url) throw new Error('server.broker.url is required when server.broker.embedded is false');
    mqttUrl = sc.broker.url;
  }

  const policy = { ...DEFAULT_POLICY, requirePin: { ...DEFAULT_POLICY.requirePin } };
  for (const kind of sc.requirePinFor) policy.requirePin[kind] = true;
  const authority = new CirculationAuthority({ library, policy, calendar, clock });
  const mqtt = new MqttService({
    url: mqttUrl,
    username: sc.mqtt.username,
    password: sc.mqtt.password,
    school: config.school.id,
    version: VERSION,
    library,
    authority,
    deviceRoles: new Map(sc.devices.map((d) => [d.username, d.role])),
    clock,
    log: log.child({ component: 'mqtt' }),
  });
  const staff = config.mode === 'sim' ? [...DEMO_STAFF, ...sc.staff] : sc.staff;
  const dashboard = new DashboardHttp({
    db,
    calendar,
    clock,
    staff,
    demoLogins: config.mode === 'sim' ? DEMO_STAFF : [],
    mode: config.mode,
    schoolName: config.school.name,
    secret: sc.sessionSecret,
    staticDir: staticDir ?? resolve('dist/dashboard'),
    log: log.child({ component: 'http' }),
  });
  mqtt.on('event', (e) => dashboard.pushEvent(e));
  mqtt.on('station', () => dashboard.pushStations());
  await mqtt.start();
  const httpPort = await dashboard.listen(sc.httpPort, sc.httpHost);
  log.info({ httpPort, mqttUrl }, 'school server ready');

  return {
    db,
    library,
    broker,
    mqttUrl,
    httpPort,
    mqtt,
    dashboard,
    async stop() {
      await dashboard.close();
      await mqtt.stop();
      if (broker) await broker.close();
      db.close();
    },
  };
}
