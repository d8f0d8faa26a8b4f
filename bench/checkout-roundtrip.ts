/**
 * Checkout round trip, station → server → station: StationCirculation.checkout() from the call to
 * the server's answer (station journal write, MQTT request, server transaction, reply). Each
 * checkout is followed by a check-in of the same book (not timed) so every checkout is a real loan.
 * Budget (issue 2): p99 under 20 ms on the project's 2-core machine.
 */
import { existsSync } from 'node:fs';
import { startSchool, testConfig } from '#test/school.ts';
import { MOSQUITTO, startMosquitto } from '#test/mosquitto.ts';

export interface RoundTripResult {
  broker: string;
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function checkoutRoundTrip(broker: 'aedes' | 'mosquitto', n: number): Promise<RoundTripResult> {
  let mosq: Awaited<ReturnType<typeof startMosquitto>> | null = null;
  if (broker === 'mosquitto') {
    const bin = MOSQUITTO.find((p) => existsSync(p));
    if (!bin) throw new Error('mosquitto is not installed (apt-get install mosquitto)');
    mosq = await startMosquitto(bin, 'demo', [
      { username: 'server', password: 'pw-server', role: 'server' },
      { username: 'kiosk-1', password: 'pw-kiosk-1', role: 'kiosk' },
      { username: 'kiosk-2', password: 'pw-kiosk-2', role: 'kiosk' },
    ]);
  }
  const school = await startSchool(await testConfig(mosq ? { brokerUrl: mosq.url } : {}), ['kiosk-1']);
  try {
    const st = school.stations[0]!;
    const teacher = school.server.library.patronByIdentifier('20001000090013')!;
    const books = ['30001000000101', '30001000000200'];
    const times: number[] = [];
    const warmup = 50;
    for (let i = 0; i < n + warmup; i++) {
      const book = books[i % books.length]!;
      const t0 = process.hrtime.bigint();
      const r = await st.circulation.checkout(teacher.id, [book]);
      const dt = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.offline || !r.items[0]?.ok) throw new Error(`checkout ${i} did not succeed online: ${JSON.stringify(r)}`);
      await st.circulation.checkin([book]);
      if (i >= warmup) times.push(dt);
    }
    times.sort((a, b) => a - b);
    return {
      broker,
      n,
      p50: percentile(times, 50),
      p90: percentile(times, 90),
      p99: percentile(times, 99),
      max: times.at(-1)!,
      mean: times.reduce((a, b) => a + b, 0) / times.length,
    };
  } finally {
    await school.stop();
    await mosq?.stop();
  }
}
