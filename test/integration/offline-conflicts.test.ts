/**
 * Reconciliation: two stations, both offline, lend the same copy to two pupils; and a pupil blocked
 * on the server while a station lent offline. The server records what happened (the books left the
 * library) and puts each real conflict in the librarian's queue with both transactions.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer, type RunningServer } from '#server/server.ts';
import { startStation, type RunningStation } from '#station/station.ts';
import { quietLog, testConfig, waitUntil } from '#test/school.ts';
import type { Config } from '#core/config.ts';

const BOOK = '30001000000606';

describe('offline conflicts', function () {
  this.timeout(60000);
  let config: Config;
  let server: RunningServer | null = null;
  const stations: RunningStation[] = [];

  before(async () => {
    config = await testConfig();
    server = await startServer({ config, log: quietLog });
    for (const sc of config.stations) stations.push(await startStation({ config, station: sc, log: quietLog, mqttUrl: sc.mqttUrl }));
    for (const st of stations) await waitUntil(() => st.link.connected && st.replica.counts().patrons > 0, 15000, `${st.device} synced`);
  });
  after(async () => {
    for (const st of stations) await st.stop();
    await server?.stop();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  it('keeps one loan and queues a conflict when two offline stations lend the same copy', async () => {
    const a = server!.library.patronByIdentifier('20001000000012')!;
    const b = server!.library.patronByIdentifier('20001000001911')!;
    await server!.stop();
    server = null;
    for (const st of stations) await waitUntil(() => !st.link.connected, 5000, `${st.device} offline`);

    const [k1, k2] = stations as [RunningStation, RunningStation];
    const r1 = await k1.circulation.checkout(a.id, [BOOK]);
    const r2 = await k2.circulation.checkout(b.id, [BOOK]);
    assert.equal(r1.offline && r1.items[0]!.ok, true);
    assert.equal(r2.offline && r2.items[0]!.ok, true, 'neither station can know of the other');

    server = await startServer({ config, log: quietLog });
    for (const st of stations) await waitUntil(() => st.journal.count() === 0, 20000, `${st.device} replayed`);
    const open = server.db
      .prepare(`SELECT l.patron_id FROM loans l JOIN copies c ON c.id = l.copy_id WHERE c.barcode = ? AND l.returned_at IS NULL`)
      .all(BOOK) as { patron_id: string }[];
    assert.equal(open.length, 1, 'one open loan for the copy');
    const conflicts = server.db.prepare(`SELECT code, barcode, tx_id FROM conflicts WHERE barcode = ?`).all(BOOK) as { code: string; tx_id: string }[];
    assert.deepEqual(conflicts.map((c) => c.code), ['LENT_TWICE']);
    const all = server.db.prepare(`SELECT COUNT(*) AS n FROM loans l JOIN copies c ON c.id = l.copy_id WHERE c.barcode = ?`).get(BOOK) as { n: number };
    assert.equal(all.n, 2, 'both transactions are kept: the earlier loan closed, the later one open');
  });

  it('records an offline loan to a pupil blocked meanwhile, and tells the librarian', async () => {
    const pupil = server!.library.patronByIdentifier('20001000000012')!;
    await server!.stop();
    server = null;
    const k1 = stations[0]!;
    await waitUntil(() => !k1.link.connected, 5000, 'offline');
    const r = await k1.circulation.checkout(pupil.id, ['30001000000804']);
    assert.equal(r.items[0]!.ok, true);

    // The librarian blocks the pupil on the server while the station is still cut off.
    const { openDatabase } = await import('#core/node/sqlite.ts');
    const { MIGRATIONS } = await import('#server/db/migrations.ts');
    const { join } = await import('node:path');
    const db = openDatabase(join(config.dataDir, 'server', 'library.sqlite'), MIGRATIONS);
    db.prepare(`UPDATE patrons SET blocked_reason = 'lost book' WHERE id = ?`).run(pupil.id);
    db.close();

    server = await startServer({ config, log: quietLog });
    await waitUntil(() => k1.journal.count() === 0, 20000, 'replayed');
    const loan = server.db
      .prepare(`SELECT l.offline FROM loans l JOIN copies c ON c.id = l.copy_id WHERE c.barcode = '30001000000804' AND l.returned_at IS NULL`)
      .get() as { offline: number } | undefined;
    assert.equal(loan?.offline, 1);
    const c = server.db.prepare(`SELECT detail FROM conflicts WHERE code = 'PATRON_BLOCKED_MEANWHILE'`).all() as { detail: string }[];
    assert.equal(c.length, 1);
    assert.match(c[0]!.detail, /lost book/);
  });
});
