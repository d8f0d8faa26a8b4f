/**
 * The reading-room door counter in `sim` mode (started by `npm start`): one simulated ESP32 per
 * `role: "counter"` entry of server.devices, on the school broker, with school-day traffic sped up
 * so the dashboard moves within a minute. Pupils come in alone or in small groups, stay a while and
 * leave; now and then two walk through abreast (one count) or someone turns back in the door (none),
 * which is the drift the daily reset shows.
 *
 *   node --import tsx scripts/visitor-counter-sim.ts [config] [--speed 60]
 */
import { loadConfigOrExit, DEFAULT_CONFIG } from '#core/node/load-config.ts';
import { VisitorCounterSim, type Direction } from '#hardware/sim/visitor-counter.ts';

const args = process.argv.slice(2);
const speedAt = args.indexOf('--speed');
/** How many times faster than a real school day; default 60 (one minute of the day per second). */
const speed = speedAt >= 0 ? Number(args.splice(speedAt, 2)[1]) : 60;
if (!Number.isFinite(speed) || speed <= 0) {
  process.stderr.write('--speed must be a positive number (60: one minute of school time per second)\n');
  process.exit(2);
}
const config = loadConfigOrExit(args[0] ?? DEFAULT_CONFIG);
const server = config.server;
if (!server) {
  process.stderr.write('this config has no "server" section: no broker to publish to\n');
  process.exit(2);
}
const url = server.broker.embedded ? `mqtt://127.0.0.1:${server.broker.port}` : server.broker.url;
if (!url) {
  process.stderr.write('server.broker.url is required when server.broker.embedded is false\n');
  process.exit(2);
}
const devices = server.devices.filter((d) => d.role === 'counter');
if (devices.length === 0) {
  process.stderr.write('no server.devices entry has role "counter": nothing to simulate\n');
  process.exit(0);
}

/** Minutes of simulated school time → real ms. */
const real = (minutes: number) => (minutes * 60_000) / speed;
const pick = (p: number) => Math.random() < p;
/** Exponential wait with the given mean, in simulated minutes. */
const wait = (meanMinutes: number) => -Math.log(1 - Math.random()) * meanMinutes;

const counters: VisitorCounterSim[] = [];
const timers = new Set<NodeJS.Timeout>();
let stopping = false;

function later(minutes: number, f: () => void): void {
  const t = setTimeout(() => {
    timers.delete(t);
    if (!stopping) f();
  }, real(minutes));
  timers.add(t);
}

/** One walk through the door: usually counted, sometimes a turn-back, sometimes two abreast (one pattern for two people). */
function walk(c: VisitorCounterSim, direction: Direction): void {
  c.passage(direction, { turnBack: pick(0.03) });
}

/** A visitor or a small group arrives; each leaves after their own stay (15-40 min of school time). */
function arrive(c: VisitorCounterSim): void {
  const group = pick(0.2) ? 2 + Math.floor(Math.random() * 3) : 1;
  let left = group;
  while (left > 0) {
    // Two children side by side count once.
    const abreast = left >= 2 && pick(0.15) ? 2 : 1;
    walk(c, 'in');
    left -= abreast;
  }
  const leaveTogether = group > 1 && pick(0.5);
  if (leaveTogether) {
    later(15 + Math.random() * 25, () => {
      let out = group;
      while (out > 0) {
        const abreast = out >= 2 && pick(0.25) ? 2 : 1;
        walk(c, 'out');
        out -= abreast;
      }
    });
  } else {
    for (let i = 0; i < group; i++) later(15 + Math.random() * 25, () => walk(c, 'out'));
  }
}

function arrivals(c: VisitorCounterSim): void {
  // About one arrival every 3 minutes of school time: a busy primary-school reading room.
  later(wait(3), () => {
    arrive(c);
    arrivals(c);
  });
}

for (const d of devices) {
  const c = new VisitorCounterSim({ url, school: config.school.id, device: d.username, password: d.password });
  counters.push(c);
  // The server (and its embedded broker) may still be starting: the counter counts meanwhile and
  // publishes once its login is accepted, as the ESP32 does.
  await c.start().catch(() => process.stderr.write(`[counter-sim] ${d.username}: broker not reachable yet at ${url}; retrying\n`));
  arrivals(c);
}

async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const t of timers) clearTimeout(t);
  await Promise.all(counters.map((c) => c.stop()));
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
