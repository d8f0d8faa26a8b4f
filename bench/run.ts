/**
 * `npm run bench`: the performance budgets of the issues, measured here and never in unit tests.
 * Each figure is printed next to a peer run side by side where one exists (the same work through
 * another broker), with the ratio, so a regression in our code shows apart from the machine's mood.
 * BENCH_N (default 1000) sets the number of checkouts; BENCH_JOURNAL (default 10000) the journal size;
 * BENCH_SCANS (default 200) the kiosk's scans in Chromium; BENCH_INGEST (default 5000) the MQTT ingest's events.
 */
import { checkoutRoundTrip, type RoundTripResult } from './checkout-roundtrip.ts';
import { offlineBench } from './offline.ts';
import { benchHidScan } from '#hardware/hid/bench-hid-scan.ts';
import { benchInventory, benchPadRead } from '#hardware/rfid/bench.ts';
import { benchSlip } from '#hardware/printer/bench.ts';
import { kioskBench } from './kiosk.ts';

const N = Number(process.env.BENCH_N ?? 1000);
const JOURNAL = Number(process.env.BENCH_JOURNAL ?? 10000);
const fmt = (x: number) => (x < 0.1 ? x.toFixed(4) : x.toFixed(2)).padStart(7);
const misses: string[] = [];

function row(r: RoundTripResult): string {
  return `  ${r.broker.padEnd(10)} n=${r.n}  p50 ${fmt(r.p50)} ms  p90 ${fmt(r.p90)} ms  p99 ${fmt(r.p99)} ms  max ${fmt(r.max)} ms  mean ${fmt(r.mean)} ms`;
}

console.log(`Checkout round trip, station → server → station, online (${N} checkouts; budget p99 < 20 ms)`);
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
if (worst >= 20) misses.push(`checkout round trip p99 ${worst.toFixed(2)} ms`);

console.log(`\nOffline circulation (${JOURNAL} journaled transactions; budget: decision p99 < 5 ms)`);
const off = await offlineBench(JOURNAL);
console.log(`  decision alone            p50 ${fmt(off.decideP50)} ms  p99 ${fmt(off.decideP99)} ms`);
console.log(`  journaled transaction     p50 ${fmt(off.journaledP50)} ms  p99 ${fmt(off.journaledP99)} ms  (disk sync included)`);
console.log(`  ratio decision/journaled  p99 ${(off.decideP99 / off.journaledP99).toFixed(3)}x`);
console.log(`  replay of ${off.replayed} journal entries: ${off.replayPerSecond.toFixed(0)} transactions/s (one round trip each, in order)`);
if (off.decideP99 >= 5) misses.push(`offline decision p99 ${off.decideP99.toFixed(2)} ms`);

console.log('\nHardware paths (issue 3), simulated devices, software time only');
const hid = await benchHidScan(2000);
const stat = (name: string, x: { p50: number; p99: number }) => console.log(`  ${name.padEnd(40)} p50 ${fmt(x.p50)} ms  p99 ${fmt(x.p99)} ms`);
stat('HID Enter report → scan event', hid.keyboardLastReport);
stat('HID whole 14-char scan (30 reports)', hid.keyboardWholeScan);
stat('HID-POS report → scan event', hid.hidPos);
console.log(`  ratio HID-POS/keyboard (last report) p50 ${(hid.hidPos.p50 / hid.keyboardLastReport.p50).toFixed(2)}x`);
const inv = await benchInventory(10, 200);
stat('RFID inventory of 10 tags (ISO-Host)', inv);
const pad = await benchPadRead(10, 50);
stat('RFID pad read of 10 new tags + decode', pad);
for (const row of benchSlip(100)) stat(`slip render + encode, ${row.paperMm} mm (${(row.bytes / 1024).toFixed(0)} kB)`, row);

console.log('\nMARC (issue 6): parse throughput beside the marcjs npm package on the same files, records/s');
const { benchMarcParse, benchMarcImport } = await import('./marc.ts');
for (const m of benchMarcParse()) {
  console.log(`  ${m.file.padEnd(40)} ${String(m.records).padStart(4)} rec ${m.kb.toFixed(0).padStart(4)} kB  ours ${m.ours.toFixed(0).padStart(7)}  marcjs ${m.marcjs.toFixed(0).padStart(7)}  ratio ours/marcjs ${(m.ours / m.marcjs).toFixed(2)}x`);
}
console.log('  (marcjs reads every record as UTF-8: no MARC-8 decoding, NFC, repair or report)');
const mi = await benchMarcImport();
console.log(`  full import into SQLite (${mi.records} records, ${mi.copies} copies): ${mi.importPerSecond.toFixed(0)} records/s; bare INSERT loop of the same records ${mi.barePerSecond.toFixed(0)} records/s; ratio ${(mi.importPerSecond / mi.barePerSecond).toFixed(2)}x`);

const SCANS = Number(process.env.BENCH_SCANS ?? 200);
console.log(`\nKiosk in Chromium (issue 5; ${SCANS} scans; budgets: scan to screen p99 < 50 ms, JS + CSS gzipped < 60 kB, first paint < 1 s)`);
try {
  const k = await kioskBench(SCANS);
  const kB = (n: number) => `${(n / 1024).toFixed(1)} kB`;
  stat('scan → title in the DOM (last HID byte)', k.screen);
  stat('peer: scan → session view (daemon alone)', k.daemon);
  stat("kiosk's share: view → title in the DOM", k.render);
  console.log(`  ratio screen/daemon p50 ${(k.screen.p50 / k.daemon.p50).toFixed(2)}x, p99 ${(k.screen.p99 / k.daemon.p99).toFixed(2)}x  (clocks aligned ± ${k.clockUncertaintyMs.toFixed(2)} ms)`);
  console.log(`  kiosk JS + CSS gzipped ${kB(k.kioskGzipBytes)}; peer: dashboard ${kB(k.dashboardGzipBytes)}; ratio ${(k.kioskGzipBytes / k.dashboardGzipBytes).toFixed(2)}x`);
  stat('first paint, kiosk (10 fresh loads)', k.firstPaint);
  stat('first contentful paint, kiosk', k.firstContentfulPaint);
  stat('peer: first paint, dashboard', k.dashboardFirstPaint);
  if (k.screen.p99 >= 50) misses.push(`kiosk scan to screen p99 ${k.screen.p99.toFixed(2)} ms`);
  if (k.kioskGzipBytes >= 60 * 1024) misses.push(`kiosk bundle ${kB(k.kioskGzipBytes)} gzipped`);
  if (k.firstPaint.max >= 1000) misses.push(`kiosk first paint ${k.firstPaint.max.toFixed(0)} ms (slowest of 10)`);
} catch (err) {
  console.log(`  skipped: ${(err as Error).message}`);
}

console.log('\nRates for a whole school year (issue 6; 600 pupils, ~100k loans, ~300k visits; budget p99 < 50 ms)');
{
  const { benchRates } = await import('./rates.ts');
  const r = benchRates();
  console.log(`  seeded ${r.pupils} pupils + ${r.teachers} teachers, ${r.loans} loans, ${r.visits} visits → ${r.activityRows} activity rows in ${(r.seedMs / 1000).toFixed(1)} s`);
  stat(`daily activity table, per class (n=${r.fast.n})`, r.fast);
  stat('whole report (classes, grades, teachers, school)', r.report);
  stat('  the same, CPU time only (no waiting)', r.reportCpu);
  stat(`peer: naive GROUP BY on raw tables (n=${r.naive.n})`, r.naive);
  console.log(`  ratio naive/ours p50 ${(r.naive.p50 / r.fast.p50).toFixed(0)}x, p99 ${(r.naive.p99 / r.fast.p99).toFixed(0)}x; same counts: ${r.same ? 'yes' : 'NO'}`);
  if (r.report.p99 >= 50) misses.push(`rates p99 ${r.report.p99.toFixed(2)} ms`);
  if (!r.same) misses.push('rates differ from the naive count');
}

console.log('\nCatalogue search over 100k records, per keystroke (issue 6; budget p99 < 10 ms)');
{
  const { searchBench } = await import('./search.ts');
  const r = await searchBench(Number(process.env.BENCH_SEARCH_RECORDS ?? 100_000));
  console.log(`  generated ${r.records} records, ${r.copies} copies (index kept by triggers) in ${r.buildSeconds.toFixed(1)} s; ${r.queries} typed queries`);
  stat('FTS5 search (barcode, ISBN, prefixes)', r.fts);
  stat('peer: naive LIKE %word% on search_text', r.like);
  console.log(`  ratio LIKE/FTS p50 ${(r.like.p50 / r.fts.p50).toFixed(1)}x, p99 ${(r.like.p99 / r.fts.p99).toFixed(1)}x`);
  stat('  CPU time only: FTS5 search', r.ftsCpu);
  stat('  CPU time only: naive LIKE', r.likeCpu);
  console.log(`  slowest: ${r.slowest.map((x) => `"${x.q}" ${x.ms.toFixed(1)} ms (cpu ${x.cpuMs.toFixed(1)})`).join(', ')}`);
  if (r.fts.p99 >= 10) misses.push(`catalogue search p99 ${r.fts.p99.toFixed(2)} ms`);
}

const INGEST = Number(process.env.BENCH_INGEST ?? 5000);
console.log(`\nMQTT event ingest into SQLite (issue 6; ${INGEST} visit requests from 4 simulated stations at QoS 1 through the embedded aedes broker; budget: nothing lost)`);
{
  const { ingestBench } = await import('./ingest.ts');
  const r = await ingestBench(INGEST, 4);
  console.log(`  ingest: request → server → SQLite row → reply   ${r.ingestPerSecond.toFixed(0).padStart(7)} events/s  (${r.n} in ${(r.ingestMs / 1000).toFixed(2)} s)`);
  console.log(`  peer: raw publish → subscribe, same broker       ${r.rawPerSecond.toFixed(0).padStart(7)} msg/s     (${r.n} in ${(r.rawMs / 1000).toFixed(2)} s)`);
  console.log(`  ratio ingest/raw ${(r.ingestPerSecond / r.rawPerSecond).toFixed(2)}x; in the database: ${r.transactions} transactions, ${r.visitEvents} visit events; replies ${r.replies} (${r.okReplies} ok); lost ${r.lost}`);
  if (r.lost !== 0 || r.transactions !== r.n) misses.push(`MQTT ingest lost ${r.lost} of ${r.n} events (${r.transactions} transactions stored)`);
}

console.log(misses.length ? `\nbudgets MISSED: ${misses.join('; ')}` : '\nall budgets met');
process.exit(misses.length ? 1 : 0);
