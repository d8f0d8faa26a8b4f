/** A station daemon as its own process (as systemd or `npm start` runs it), for crash and restart tests. */
import { spawn } from 'node:child_process';

export function runStation(configFile: string, device: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'station-daemon/src/main.ts', configFile, device], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn', OPENSHELF_QUIET: '1', ...env },
  });
  const exit = new Promise<NodeJS.Signals | number | null>((res) => child.once('exit', (code, signal) => res(signal ?? code)));
  return { child, exit };
}
