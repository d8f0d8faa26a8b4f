/** `npm run server [-- config.json]`: the school server alone, as it runs on the school's PC. */
import { loadConfigOrExit } from '#core/node/load-config.ts';
import { createLogger } from '#core/node/log.ts';
import { startServer } from './server.ts';

async function main(): Promise<void> {
  const config = loadConfigOrExit(process.argv[2]);
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
