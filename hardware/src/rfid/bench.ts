/**
 * RFID budget for `npm run bench`: an inventory of n tags through the whole stack (FeigIsoHostReader
 * → ISO-Host frames → serialport's SerialPortMock → SimFeigReader and back), and a cold pad read
 * (inventory + Get System Information + Read Multiple Blocks + ISO 28560-3 decode of every tag).
 * serialport is imported here, not at module load, so importing the bench costs nothing.
 */
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { FeigIsoHostReader } from './feig-reader.ts';
import { RfidPad } from './rfid-pad.ts';
import { SerialPortTransport } from './serial-transport.ts';
import { SimFeigReader } from './sim-reader.ts';

export interface BenchResult {
  name: string;
  n: number;
  runs: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

function summarise(name: string, n: number, ms: number[]): BenchResult {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
  return { name, n, runs: s.length, p50: q(0.5), p99: q(0.99), max: s[s.length - 1]!, mean: s.reduce((a, b) => a + b, 0) / s.length };
}

async function mockReader(n: number): Promise<{ reader: FeigIsoHostReader; sim: SimFeigReader }> {
  const { SerialPortMock } = await import('serialport');
  const path = `/dev/rfid-bench-${randomUUID()}`;
  SerialPortMock.binding.createPort(path);
  const port = new SerialPortMock({ path, baudRate: 38400 });
  await once(port, 'open');
  const sim = new SimFeigReader();
  await sim.attachToSerialPortMock(port);
  sim.placeTags(Array.from({ length: n }, (_, i) => ({ itemId: `3000100000${String(1000 + i)}` })));
  return { reader: new FeigIsoHostReader(new SerialPortTransport(port)), sim };
}

/** Inventory of `n` tags (10 by default), `runs` times (200): p50/p99 in ms, after 20 warm-up runs. */
export async function benchInventory(n = 10, runs = 200): Promise<BenchResult> {
  const { reader } = await mockReader(n);
  try {
    for (let i = 0; i < 20; i++) await reader.inventory();
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const tags = await reader.inventory();
      ms.push(performance.now() - t0);
      if (tags.length !== n) throw new Error(`inventory found ${tags.length} tags, ${n} expected`);
    }
    return summarise(`RFID inventory of ${n} tags (driver + frames + SerialPortMock + simulator)`, n, ms);
  } finally {
    await reader.close();
  }
}

/** A pad seeing `n` new tags (10 by default): inventory, system info and 9 blocks per tag, decode; `runs` times (50). */
export async function benchPadRead(n = 10, runs = 50): Promise<BenchResult> {
  const { reader } = await mockReader(n);
  try {
    const ms: number[] = [];
    for (let i = 0; i < runs + 5; i++) {
      // A fresh pad has an empty cache, so every tag is read and decoded as if just laid down.
      const pad = new RfidPad({ connect: async () => reader });
      const t0 = performance.now();
      const e = await pad.pollOnce();
      if (i >= 5) ms.push(performance.now() - t0);
      if (e.items.length !== n) throw new Error(`pad decoded ${e.items.length} items, ${n} expected`);
    }
    return summarise(`RFID pad read of ${n} new tags (inventory + ${2 * n} reads + decode)`, n, ms);
  } finally {
    await reader.close();
  }
}
