/**
 * Starts a whole school in-process for integration tests: the server (embedded aedes, or an external
 * broker such as a private mosquitto) and stations, each on free ports with a fresh data dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseConfig, type Config } from '#core/config.ts';
import { startServer, type RunningServer } from '#server/server.ts';
import { startStation, type RunningStation } from '#station/station.ts';
import { freePort } from './ports.ts';

export const quietLog = pino({ level: process.env.TEST_LOG ?? 'silent' });

/** A sim config on free ports with two kiosk stations (kiosk-1, kiosk-2) in a new temp data dir. */
export async function testConfig(overrides: { brokerUrl?: string } = {}): Promise<Config> {
  const dataDir = mkdtempSync(join(tmpdir(), 'openshelf-test-'));
  const [http, broker, k1, k2] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const station = (device: string, httpPort: number) => ({
    device,
    role: 'kiosk',
    password: `pw-${device}`,
    httpPort,
    mqttUrl: overrides.brokerUrl ?? `mqtt://127.0.0.1:${broker}`,
    requestTimeoutMs: 1500,
    devices: { rfid: { driver: 'sim', pollMs: 100 } },
  });
  return parseConfig({
    mode: 'sim',
    dataDir,
    server: {
      httpPort: http,
      broker: overrides.brokerUrl ? { embedded: false, url: overrides.brokerUrl } : { embedded: true, port: broker },
      mqtt: { username: 'server', password: 'pw-server' },
      devices: [
        { username: 'kiosk-1', password: 'pw-kiosk-1', role: 'kiosk' },
        { username: 'kiosk-2', password: 'pw-kiosk-2', role: 'kiosk' },
      ],
      sessionSecret: 'test-secret-0123456789abcdef',
    },
    stations: [station('kiosk-1', k1), station('kiosk-2', k2)],
  });
}

/** The same config with a desk station "desk-1" (role desk: sim card reader and scanner, no printer, no RFID). */
export async function withDesk(base: Config): Promise<Config> {
  return parseConfig({
    ...base,
    server: { ...base.server!, devices: [...base.server!.devices, { username: 'desk-1', password: 'pw-desk-1', role: 'desk' }] },
    stations: [
      ...base.stations,
      { device: 'desk-1', role: 'desk', password: 'pw-desk-1', httpPort: await freePort(), mqttUrl: base.stations[0]!.mqttUrl, requestTimeoutMs: 5000, devices: { printer: { driver: 'none' }, rfid: { driver: 'none' } } },
    ],
  });
}

export interface TestSchool {
  config: Config;
  server: RunningServer;
  stations: RunningStation[];
  stop(): Promise<void>;
}

/** Starts the server and the named stations; waits until each station is online with a synced replica. */
export async function startSchool(config: Config, stationIds: string[] = ['kiosk-1']): Promise<TestSchool> {
  const server = await startServer({ config, log: quietLog });
  const stations: RunningStation[] = [];
  for (const id of stationIds) {
    const sc = config.stations.find((s) => s.device === id)!;
    const st = await startStation({ config, station: sc, log: quietLog, mqttUrl: sc.mqttUrl });
    stations.push(st);
  }
  for (const st of stations) await waitUntil(() => st.link.connected && st.replica.seq >= 0 && st.replica.counts().patrons > 0, 15000, `${st.device} online and synced`);
  return {
    config,
    server,
    stations,
    async stop() {
      for (const st of stations) await st.stop();
      await server.stop();
      rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls a condition (no fixed sleeps): resolves as soon as it holds, fails after ms with what was awaited. */
export async function waitUntil(cond: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
