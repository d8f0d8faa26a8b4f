/**
 * For `npm run bench`: how long a scan takes from the HID reports to the reader's code event,
 * through the real NodeHidTransport (over a simulated bus, so no device is needed) and decoder.
 * Device timing (the scanner's few ms per character) is left out: reports are delivered back to
 * back, so the figures are our own cost.
 */
import { performance } from 'node:perf_hooks';
import { HidPosReader } from '../drivers/hid-pos-reader.ts';
import { KeyboardWedgeReader } from '../drivers/keyboard-wedge-reader.ts';
import type { CodeReader } from '../interfaces.ts';
import { hidPosReports } from '../sim/hid-pos-reports.ts';
import { keyboardReports } from '../sim/keyboard-reports.ts';
import { SimHidBus, type SimHidDevice } from '../sim/sim-hid-bus.ts';
import { NodeHidTransport } from './node-hid-transport.ts';

export interface LatencyStats {
  n: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export interface HidScanBench {
  /** Terminator report (Enter) delivered → code event, keyboard mode. */
  keyboardLastReport: LatencyStats;
  /** First report → code event for a 14-character code (30 reports), keyboard mode. */
  keyboardWholeScan: LatencyStats;
  /** The single scanned-data report → code event, HID POS mode. */
  hidPos: LatencyStats;
}

const CODE = '30001000000101';

/** Runs `runs` scans per mode (after a warm-up) and returns latency percentiles in ms. */
export async function benchHidScan(runs: number): Promise<HidScanBench> {
  const kb = await rig('keyboard');
  const pos = await rig('hid-pos');
  try {
    const kbReports = keyboardReports(CODE);
    const posReports = hidPosReports(CODE);
    const last: number[] = [];
    const whole: number[] = [];
    const single: number[] = [];
    for (let i = 0; i < runs + 50; i++) {
      const warm = i < 50;
      const a = measure(kb, kbReports, kbReports.length - 2); // [..., Enter, release]
      const b = measure(pos, posReports, posReports.length - 1);
      if (!warm) {
        last.push(a.last);
        whole.push(a.whole);
        single.push(b.last);
      }
    }
    return { keyboardLastReport: stats(last), keyboardWholeScan: stats(whole), hidPos: stats(single) };
  } finally {
    await kb.reader.close();
    await pos.reader.close();
  }
}

interface Rig {
  device: SimHidDevice;
  reader: CodeReader;
  got: string | undefined;
}

async function rig(mode: 'keyboard' | 'hid-pos'): Promise<Rig> {
  const bus = new SimHidBus();
  const device = bus.add({ vendorId: 0x05e0, productId: 0x1200, usagePage: mode === 'keyboard' ? 0x01 : 0x8c });
  const transport = new NodeHidTransport({ vendorId: 0x05e0, productId: 0x1200, load: bus.load }).start();
  await new Promise<void>((resolve) => transport.once('connect', resolve));
  const reader = mode === 'keyboard' ? new KeyboardWedgeReader(transport, { kind: 'scanner', driver: 'bench' }) : new HidPosReader(transport, { kind: 'scanner', driver: 'bench' });
  const r: Rig = { device, reader, got: undefined };
  reader.onCode((code) => (r.got = code));
  return r;
}

/** Times the reports up to the one that completes the code: Enter's press (keyboard) or the only one (HID POS). */
function measure(r: Rig, reports: Buffer[], completing: number): { whole: number; last: number } {
  r.got = undefined;
  const t0 = performance.now();
  for (let i = 0; i < completing; i++) r.device.emitRaw(reports[i]!);
  const t1 = performance.now();
  r.device.emitRaw(reports[completing]!);
  const t2 = performance.now();
  for (let i = completing + 1; i < reports.length; i++) r.device.emitRaw(reports[i]!);
  if (r.got !== CODE) throw new Error(`bench decoded ${JSON.stringify(r.got)} instead of ${CODE}`);
  return { whole: t2 - t0, last: t2 - t1 };
}

function stats(xs: number[]): LatencyStats {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: s[s.length - 1] ?? 0, mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length) };
}
