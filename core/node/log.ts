/** One pino logger per process, one child per component; to stdout and a file under the data dir. */
import pino, { type Logger } from 'pino';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Logger writing JSON lines to {dataDir}/logs/{name}.log and, unless quiet, to stdout. */
export function createLogger(name: string, dataDir: string | null, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  const streams: pino.StreamEntry[] = [];
  if (process.env.OPENSHELF_QUIET !== '1') streams.push({ stream: process.stdout, level: level as pino.Level });
  if (dataDir) {
    mkdirSync(join(dataDir, 'logs'), { recursive: true });
    streams.push({ stream: pino.destination({ dest: join(dataDir, 'logs', `${name}.log`), sync: false, mkdir: true }), level: level as pino.Level });
  }
  if (streams.length === 0) return pino({ level: 'silent' });
  return pino({ name, level }, pino.multistream(streams));
}
