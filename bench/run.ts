/**
 * `npm run bench`: the performance budgets of the issues, measured here and never in unit tests.
 * Each figure is printed next to a peer run side by side (the same work through another broker),
 * with the ratio, so a regression in our code shows apart from the machine's mood.
 */
import { checkoutRoundTrip, type RoundTripResult } from './checkout-roundtrip.ts';

const N = Number(process.env.BENCH_N ?? 1000);
const fmt = (x: number) => x.toFixed(2).padStart(7);

function row(r: RoundTripResult): string {
  return `  ${r.broker.padEnd(10)} n=${r.n}  p50 ${fmt(r.p50)} ms  p90 ${fmt(r.p90)} ms  p99 ${fmt(r.p99)} ms  max ${fmt(r.max)} ms  mean ${fmt(r.mean)} ms`;
}

console.log(`Checkout round trip, station → server → station (${N} checkouts, budget p99 < 20 ms)`);
const ours = await checkoutRoundTrip('aedes', N);
console.log(row(ours));
let peer: RoundTripResult | null = null;
try {
  peer = await checkoutRoundTrip('mosquitto', N);
  console.log(row(peer));
  console.log(`  ratio embedded/mosquitto: p50 ${(ours.p50 / peer.p50).toFixed(2)}x, p99 ${(ours.p99 / peer.p99).toFixed(2)}x`);
} catch (err) {
  console.log(`  peer run skipped: ${(err as Error).message}`);
}
const worst = Math.max(ours.p99, peer?.p99 ?? 0);
console.log(`  budget: ${worst < 20 ? 'met' : 'MISSED'} (worst p99 ${worst.toFixed(2)} ms)`);
process.exit(worst < 20 ? 0 : 1);
