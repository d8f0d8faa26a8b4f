/** Loads and validates a config file; exits with a message naming what to change when it is wrong. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, parseConfig, type Config } from '../config.ts';

/** The config `npm start`, `npm run server` and `npm run station` use when given none. */
export const DEFAULT_CONFIG = 'config/sim.json';

export function loadConfig(path = DEFAULT_CONFIG): Config {
  const file = resolve(path);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read config ${file}: ${(err as Error).message}`);
  }
  return parseConfig(raw, file);
}

/** For main.ts files: the config, or exit 2 with the message saying what to change. */
export function loadConfigOrExit(path?: string): Config {
  try {
    return loadConfig(path);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
