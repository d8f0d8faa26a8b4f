/** Slip render + encode timing for `npm run bench`: the sample slip at 58 mm and 80 mm. */
import { performance } from 'node:perf_hooks';
import { sampleSlip } from './sample-slip.ts';
import { encodeSlip } from './slip-job.ts';

export interface SlipBenchRow {
  paperMm: 58 | 80;
  n: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  max: number;
  /** Bytes of one job. */
  bytes: number;
}

/** Renders and encodes the sample slip `runs` times per paper width (after 3 warm-up runs). */
export function benchSlip(runs = 200): SlipBenchRow[] {
  const slip = sampleSlip();
  return ([58, 80] as const).map((paperMm) => {
    let bytes = 0;
    for (let i = 0; i < 3; i++) bytes = encodeSlip(slip, { paperMm }).bytes.length;
    const t: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      encodeSlip(slip, { paperMm });
      t.push(performance.now() - t0);
    }
    t.sort((a, b) => a - b);
    const at = (q: number) => t[Math.min(t.length - 1, Math.floor(q * t.length))]!;
    return { paperMm, n: runs, p50: at(0.5), p99: at(0.99), max: t[t.length - 1]!, bytes };
  });
}
