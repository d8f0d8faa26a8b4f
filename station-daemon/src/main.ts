/** `npm run station [-- config.json [device]]`: one station alone, as it runs on its Raspberry Pi. */
import { loadConfigOrExit } from '#core/node/load-config.ts';
import { createLogger } from '#core/node/log.ts';
import { startStation } from './station.ts';

async function main(): Promise<void> {
  const config = loadConfigOrExit(process.argv[2]);
  const wanted = process.argv[3];
  const sc = wanted ? config.stations.find((s) => s.device === wanted) : config.stations[0];
  if (!sc) {
    console.error(wanted ? `no station "${wanted}" in the config's "stations"` : 'the config has no "stations" entry');
    process.exit(2);
  }
  const log = createLogger(sc.device, config.dataDir);
  const station = await startStation({ config, station: sc, log });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await station.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error('station failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
