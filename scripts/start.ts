/**
 * `npm start`: the whole school on one machine, in simulation. Starts the school server and each
 * station of the config as separate processes (a station must survive its server dying and the
 * reverse), restarts one that dies, and on Ctrl-C stops them all and leaves no port held.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { DEFAULT_CONFIG, loadConfigOrExit } from '#core/node/load-config.ts';
import { DEMO_STAFF } from '#server/demo-logins.ts';

const configPath = process.argv[2] ?? DEFAULT_CONFIG;
const config = loadConfigOrExit(configPath);

interface Proc {
  name: string;
  args: string[];
  child: ChildProcess | null;
  restarts: number;
  startedAt: number;
}

let stopping = false;
const procs: Proc[] = [];
const node = process.execPath;

function launch(p: Proc): void {
  p.startedAt = Date.now();
  // Children log JSON to their files under the data dir; the terminal gets warnings only.
  const child = spawn(node, ['--import', 'tsx', ...p.args], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
  });
  p.child = child;
  child.on('exit', (code, signal) => {
    p.child = null;
    if (stopping) return;
    // Back off when a process keeps dying at start, so a broken config does not spin the CPU.
    const quick = Date.now() - p.startedAt < 5000;
    p.restarts = quick ? p.restarts + 1 : 0;
    const delay = Math.min(30000, 500 * 2 ** Math.min(p.restarts, 6));
    console.error(`[openshelf] ${p.name} exited (${signal ?? code}); restarting in ${Math.round(delay / 1000)} s`);
    setTimeout(() => !stopping && launch(p), delay).unref();
  });
}

if (config.server) procs.push({ name: 'server', args: ['dashboard/src/main.ts', configPath], child: null, restarts: 0, startedAt: 0 });
for (const s of config.stations) procs.push({ name: s.device, args: ['station-daemon/src/main.ts', configPath, s.device], child: null, restarts: 0, startedAt: 0 });
// Simulated door counters (ESP32s in a real school) for every server.devices entry with role "counter".
const counters = config.mode === 'sim' ? (config.server?.devices ?? []).filter((d) => d.role === 'counter').map((d) => d.username) : [];
if (counters.length) procs.push({ name: 'counter-sim', args: ['scripts/visitor-counter-sim.ts', configPath], child: null, restarts: 0, startedAt: 0 });
procs.forEach(launch);

async function waitFor(url: string, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const r = await fetch(url);
      if (r.ok) return true;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

const server = config.server;
const ready = await Promise.all([
  server ? waitFor(`http://127.0.0.1:${server.httpPort}/api/meta`, 60000) : true,
  ...config.stations.map((s) => waitFor(`http://127.0.0.1:${s.httpPort}/api/health`, 60000)),
]);
if (!stopping) {
  const lines = [
    '',
    'OpenShelf đang chạy / is running (mô phỏng / simulation)',
    server ? `  Bảng điều khiển / Dashboard   http://localhost:${server.httpPort}` : '',
    ...config.stations.map((s) => (s.role === 'dropbox' ? `  Drop box ${s.device.padEnd(19)} http://localhost:${s.httpPort}` : s.role === 'desk' ? `  Desk ${s.device.padEnd(23)} http://localhost:${s.httpPort} (its scanner; the dashboard's Desk page shows it)` : `  Kiosk ${s.device.padEnd(22)} http://localhost:${s.httpPort}`)),
    counters.length ? `  Bộ đếm cửa / Door counter     ${counters.join(', ')} (mô phỏng / simulated, 60x)` : '',
    server?.broker.embedded ? `  MQTT broker                   mqtt://localhost:${server.broker.port}  (monitor / monitor, read-only)` : '',
    config.mode === 'sim' ? `  Đăng nhập / Logins            ${DEMO_STAFF.map((s) => `${s.username} / ${s.password}`).join(', ')}` : '',
    '  Thử / Try: card 20001000000012 (học sinh 4A), book 30001000000101',
    `  Dữ liệu / Data                ${config.dataDir}`,
    ready.every(Boolean) ? '' : '  (một phần chưa sẵn sàng / some parts are not ready yet: see the logs under the data dir)',
    'Ctrl-C để dừng / to stop.',
    '',
  ];
  console.log(lines.filter((l) => l !== '').join('\n'));
}

async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('\n[openshelf] stopping…');
  const alive = procs.map((p) => p.child).filter((c): c is ChildProcess => c !== null);
  await Promise.all(
    alive.map(
      (c) =>
        new Promise<void>((res) => {
          const kill = setTimeout(() => c.kill('SIGKILL'), 5000);
          c.once('exit', () => {
            clearTimeout(kill);
            res();
          });
          c.kill('SIGTERM');
        }),
    ),
  );
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
