/**
 * Power cut mid-transaction: the station process is killed with SIGKILL right after the journal
 * write (before the request leaves), or right after the request was published (before the answer).
 * Restarted, it replays its journal: the loan exists exactly once, nothing is lost or doubled.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type RunningServer } from '#server/server.ts';
import { quietLog, testConfig, waitUntil } from '#test/school.ts';
import type { Config } from '#core/config.ts';
import { runStation } from '#test/station-process.ts';

async function post(port: number, device: string, code: string): Promise<number> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/api/sim/${device}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    return r.status;
  } catch {
    return 0; // the process died while answering
  }
}

async function health(port: number): Promise<{ online: boolean; pending: number } | null> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/api/health`);
    return (await r.json()) as { online: boolean; pending: number };
  } catch {
    return null;
  }
}


for (const point of ['journaled', 'published'] as const) {
  describe(`station killed after the request was ${point}`, function () {
    this.timeout(60000);
    let config: Config;
    let server: RunningServer;
    let configFile: string;

    before(async () => {
      config = await testConfig();
      server = await startServer({ config, log: quietLog });
      configFile = join(config.dataDir, 'config.json');
      writeFileSync(configFile, JSON.stringify(config));
    });
    after(async () => {
      await server?.stop();
      rmSync(config.dataDir, { recursive: true, force: true });
    });

    it('replays after restart: the loan exists exactly once', async () => {
      const port = config.stations[0]!.httpPort;
      const book = '30001000000705';
      const first = runStation(configFile, 'kiosk-1', { OPENSHELF_FAULT: `kill-after-${point}:checkout` });
      await waitUntil(async () => (await health(port))?.online === true, 30000, 'the station online');
      assert.equal(await post(port, 'card', '20001000000012'), 200);
      await waitUntil(async () => ((await health(port))?.pending ?? 1) === 0, 10000, 'identification answered');
      await post(port, 'scanner', book);
      assert.equal(await first.exit, 'SIGKILL');

      const openLoans = () =>
        (server.db.prepare(`SELECT COUNT(*) AS n FROM loans l JOIN copies c ON c.id = l.copy_id WHERE c.barcode = ? AND l.returned_at IS NULL`).get(book) as { n: number }).n;
      if (point === 'journaled') assert.equal(openLoans(), 0, 'the request never left the station');

      const second = runStation(configFile, 'kiosk-1', {});
      try {
        await waitUntil(async () => {
          const h = await health(port);
          return h !== null && h.online && h.pending === 0;
        }, 30000, 'the journal to be replayed');
        assert.equal(openLoans(), 1);
        const tx = server.db.prepare(`SELECT COUNT(*) AS n FROM transactions WHERE type = 'checkout'`).get() as { n: number };
        assert.equal(tx.n, 1, 'one checkout transaction, applied once');
      } finally {
        second.child.kill('SIGTERM');
        await second.exit;
      }
    });
  });
}
