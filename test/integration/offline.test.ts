/**
 * The station survives its server: with the server gone, a pupil still borrows (decided on the
 * replica with the same policy code), the transactions wait in the durable journal, and when the
 * server comes back they are replayed once, with their original ids, and nothing is lost or doubled.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer, type RunningServer } from '#server/server.ts';
import { startStation, type RunningStation } from '#station/station.ts';
import { quietLog, testConfig, waitUntil } from '#test/school.ts';
import type { Config } from '#core/config.ts';

describe('station offline, then back', function () {
  this.timeout(60000);
  let config: Config;
  let server: RunningServer | null = null;
  let station: RunningStation;

  before(async () => {
    config = await testConfig();
    server = await startServer({ config, log: quietLog });
    const sc = config.stations[0]!;
    station = await startStation({ config, station: sc, log: quietLog, mqttUrl: sc.mqttUrl });
    await waitUntil(() => station.link.connected && station.replica.counts().patrons > 0, 15000, 'the station to sync');
  });
  after(async () => {
    await station?.stop();
    await server?.stop();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  it('lends offline, journals, and replays exactly once when the server returns', async () => {
    await server!.stop();
    server = null;
    await waitUntil(() => !station.link.connected, 5000, 'the station to notice');

    await station.sim!.card!.type('20001000000012');
    await waitUntil(() => station.session.view.screen === 'patron', 5000, 'offline identification');
    assert.equal(station.session.view.online, false);
    await station.sim!.scanner!.type('30001000000101');
    await waitUntil(() => station.session.view.items[0]?.state === 'ok', 5000, 'the offline loan');
    assert.equal(station.session.view.items[0]!.offline, true);
    assert.match(station.session.view.items[0]!.dueDate!, /^\d{4}-\d{2}-\d{2}$/);
    // The pupil's limit holds offline too: 2 books, the third is refused.
    await station.sim!.scanner!.type('30001000000200');
    await waitUntil(() => station.session.view.items.length === 2 && station.session.view.items[1]!.state !== 'pending', 5000, 'second loan');
    await station.sim!.scanner!.type('30001000000606');
    await waitUntil(() => station.session.view.items.length === 3 && station.session.view.items[2]!.state !== 'pending', 5000, 'third scan');
    const third = station.session.view.items[2]!;
    assert.equal(third.state, 'refused');
    assert.equal(third.reason?.code, 'LIMIT_REACHED');
    await station.session.finish();

    const pending = station.journal.pending();
    const checkouts = pending.filter((e): e is typeof e & { request: { type: 'checkout'; lent?: string[] } } => e.request.type === 'checkout');
    // The refused third book is journaled too, saying nothing was lent (the server may have heard it).
    assert.deepEqual(checkouts.map((e) => e.request.lent), [['30001000000101'], ['30001000000200'], []]);
    assert.ok(pending.every((e) => e.offline));

    server = await startServer({ config, log: quietLog });
    await waitUntil(() => station.journal.count() === 0, 20000, 'the journal to be replayed');
    const loans = server.db
      .prepare(
        `SELECT c.barcode, l.offline, l.tx_id FROM loans l JOIN copies c ON c.id = l.copy_id
         WHERE c.barcode IN ('30001000000101','30001000000200','30001000000606') AND l.returned_at IS NULL ORDER BY c.barcode`,
      )
      .all() as { barcode: string; offline: number; tx_id: string }[];
    assert.deepEqual(loans.map((l) => [l.barcode, l.offline]), [
      ['30001000000101', 1],
      ['30001000000200', 1],
    ]);
    assert.deepEqual(new Set(loans.map((l) => l.tx_id)), new Set(checkouts.slice(0, 2).map((e) => e.id)));
    const visit = server.db.prepare(`SELECT COUNT(*) AS n FROM visits WHERE tx_id = ?`).get(pending.find((e) => e.request.type === 'identify')!.id) as { n: number };
    assert.equal(visit.n, 1, 'the offline card tap counts as a visit');

    // A second replay of the same transactions (e.g. a lost answer) changes nothing.
    for (const e of pending) await station.link.request(e.request, 5000);
    const again = server.db.prepare(`SELECT COUNT(*) AS n FROM loans WHERE tx_id IN (${pending.map(() => '?').join(',')})`).get(...pending.map((e) => e.id)) as { n: number };
    assert.equal(again.n, 2);
  });
});
