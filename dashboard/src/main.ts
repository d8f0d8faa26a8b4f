/** `npm run server [-- config.json]`: the school server alone, as it runs on the school's PC. */
import { loadConfig } from '#core/node/load-config.ts';
import { createLogger } from '#core/node/log.ts';
import { ConfigError } from '#core/config.ts';
import { startServer } from './server.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.argv[2]);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger('server', config.dataDir);
  const server = await startServer({ config, log });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log.info('stopping');
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error('school server failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
