/**
 * Offline circulation (issue 4 budgets): the decision alone (decide() on the replica's data), the
 * whole journaled offline transaction with its disk syncs, and the replay rate of a large journal
 * once the server is back.
 */
import { rmSync } from 'node:fs';
import { decide } from '#core/policy.ts';
import { startServer } from '#server/server.ts';
import { startStation } from '#station/station.ts';
import { quietLog, testConfig, waitUntil } from '#test/school.ts';

export interface OfflineBench {
  decideP50: number;
  decideP99: number;
  journaledP50: number;
  journaledP99: number;
  replayed: number;
  replayPerSecond: number;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

export async function offlineBench(journalSize: number): Promise<OfflineBench> {
  const config = await testConfig();
  let server = await startServer({ config, log: quietLog });
  const sc = config.stations[0]!;
  const st = await startStation({ config, station: sc, log: quietLog, mqttUrl: sc.mqttUrl });
  try {
    await waitUntil(() => st.link.connected && st.replica.counts().patrons > 0, 15000, 'station synced');
    const teacher = server.library.patronByIdentifier('20001000090013')!;
    await server.stop();
    await waitUntil(() => !st.link.connected, 5000, 'station offline');

    // The decision alone, on the replica's data as the station reads it.
    const { replica } = st;
    const p = replica.patronById(teacher.id)!;
    const item = replica.item('30001000000101')!;
    const decideTimes: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t0 = process.hrtime.bigint();
      decide({
        policy: replica.policy(),
        calendar: replica.calendar(),
        now: new Date(),
        patron: { id: p.id, kind: p.kind, active: p.active, blockedReason: p.blockedReason, textbookEligible: p.textbookEligible },
        openLoans: replica.loansOf(p.id).map((l) => ({ ...l, collection: 'children' as const })),
        items: [{ barcode: item.barcode, collection: 'children', referenceOnly: false, status: 'on_shelf', onLoanTo: null }],
        unknown: [],
      });
      decideTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }

    // Whole offline transactions: journal write (synchronous=FULL), decision, replica update.
    const journaled: number[] = [];
    const books = ['30001000000101', '30001000000200'];
    for (let i = 0; st.journal.count() < journalSize; i++) {
      const book = books[i % 2]!;
      const t0 = process.hrtime.bigint();
      const r = await st.circulation.checkout(teacher.id, [book]);
      journaled.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (!r.offline || !r.items[0]?.ok) throw new Error(`offline checkout ${i} failed: ${JSON.stringify(r.items[0])}`);
      await st.circulation.checkin([book]);
    }
    const pending = st.journal.count();

    server = await startServer({ config, log: quietLog });
    const t0 = Date.now();
    await waitUntil(() => st.journal.count() === 0, 600000, 'the journal to drain');
    const seconds = (Date.now() - t0) / 1000;
    return {
      decideP50: pct(decideTimes, 50),
      decideP99: pct(decideTimes, 99),
      journaledP50: pct(journaled, 50),
      journaledP99: pct(journaled, 99),
      replayed: pending,
      replayPerSecond: pending / seconds,
    };
  } finally {
    await st.stop();
    await server.stop();
    rmSync(config.dataDir, { recursive: true, force: true });
  }
}
