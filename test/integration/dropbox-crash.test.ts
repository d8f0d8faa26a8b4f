/**
 * Power lost at the drop box in the middle of a batch: the station process is SIGKILLed right after
 * the check-in of five dropped books was journaled (before it left), or right after it was published
 * (before the answer). Restarted, the drop box settles its recorded drops through the journal's
 * replay: every book is checked in exactly once, and no "not on loan" alert is raised for them.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, type Config } from '#core/config.ts';
import { startServer, type RunningServer } from '#server/server.ts';
import { quietLog, testConfig, waitUntil } from '#test/school.ts';
import { freePort } from '#test/ports.ts';
import { runStation } from '#test/station-process.ts';

interface DropboxApi {
  online: boolean;
  pending: number;
  bin: { count: number };
  repeats: number;
  drops: { barcode: string | null; state: string; outcome: string | null }[];
}

async function api(port: number): Promise<DropboxApi | null> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/api/dropbox`);
    return (await r.json()) as DropboxApi;
  } catch {
    return null;
  }
}

async function drop(port: number, tags: string[]): Promise<number> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/api/sim/rfid`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tags }) });
    return r.status;
  } catch {
    return 0; // the process died while answering
  }
}


for (const point of ['journaled', 'published'] as const) {
  describe(`drop box killed after the batch's check-in was ${point}`, function () {
    this.timeout(90000);
    let config: Config;
    let server: RunningServer;
    let configFile: string;
    let port: number;

    before(async () => {
      const base = await testConfig();
      port = await freePort();
      config = parseConfig({
        ...base,
        server: { ...base.server!, devices: [...base.server!.devices, { username: 'dropbox-1', password: 'pw-dropbox-1', role: 'dropbox' }] },
        stations: [
          {
            device: 'dropbox-1',
            role: 'dropbox',
            password: 'pw-dropbox-1',
            httpPort: port,
            mqttUrl: base.stations[0]!.mqttUrl,
            requestTimeoutMs: 1500,
            devices: { card: { driver: 'none' }, scanner: { driver: 'none' }, printer: { driver: 'none' }, rfid: { driver: 'sim', pollMs: 100 } },
            dropbox: { simDwellMs: 3000 },
          },
        ],
      });
      server = await startServer({ config, log: quietLog });
      configFile = join(config.dataDir, 'config.json');
      writeFileSync(configFile, JSON.stringify(config));
    });
    after(async () => {
      await server?.stop();
      rmSync(config.dataDir, { recursive: true, force: true });
    });

    it('restarted, it checks every book in exactly once', async () => {
      const books = (server.db.prepare(`SELECT c.barcode FROM loans l JOIN copies c ON c.id = l.copy_id WHERE l.returned_at IS NULL ORDER BY c.barcode LIMIT 5`).all() as { barcode: string }[]).map((r) => r.barcode);
      assert.equal(books.length, 5);
      const open = () => books.filter((b) => (server.db.prepare(`SELECT COUNT(*) AS n FROM loans l JOIN copies c ON c.id = l.copy_id WHERE c.barcode = ? AND l.returned_at IS NULL`).get(b) as { n: number }).n > 0).length;
      const checkinTx = () => (server.db.prepare(`SELECT COUNT(*) AS n FROM transactions WHERE type = 'checkin'`).get() as { n: number }).n;

      const first = runStation(configFile, 'dropbox-1', { OPENSHELF_FAULT: `kill-after-${point}:checkin` });
      await waitUntil(async () => (await api(port))?.online === true, 30000, 'the drop box online');
      await waitUntil(async () => ((await api(port))?.pending ?? 1) === 0, 30000, 'the first sync');
      await drop(port, books);
      assert.equal(await first.exit, 'SIGKILL');
      if (point === 'journaled') {
        assert.equal(open(), 5, 'the request never left the drop box');
        assert.equal(checkinTx(), 0);
      }

      const second = runStation(configFile, 'dropbox-1', {});
      try {
        await waitUntil(async () => {
          const a = await api(port);
          return a !== null && a.online && a.pending === 0 && a.drops.length === 5 && a.drops.every((d) => d.state === 'done');
        }, 30000, 'the drops to be settled after the restart');
        assert.equal(open(), 0, 'every book returned');
        assert.equal(checkinTx(), 1, 'one check-in transaction, applied once');
        const items = server.db.prepare(`SELECT json_extract(i.value, '$.barcode') AS b FROM events e, json_each(e.payload, '$.items') i WHERE e.type = 'checkin'`).all() as { b: string }[];
        assert.deepEqual(items.map((i) => i.b).sort(), [...books].sort(), 'one check-in event line per book');
        const a = (await api(port))!;
        assert.equal(a.bin.count, 5, 'five books in the bin');
        assert.ok(a.drops.every((d) => d.outcome === 'REPLAYED' || d.outcome === 'RETURNED'), JSON.stringify(a.drops));

        // The same books seen again at the slot (still in the field after the restart) are the same drops.
        assert.equal(await drop(port, books), 200);
        await waitUntil(async () => ((await api(port))?.repeats ?? 0) >= 5, 10000, 'the five tags read again');
        await waitUntil(async () => ((await api(port))?.pending ?? 1) === 0, 10000, 'nothing pending');
        assert.equal(checkinTx(), 1, 'still one check-in transaction');
        assert.equal((await api(port))!.bin.count, 5);
        const alerts = server.db.prepare(`SELECT COUNT(*) AS n FROM events WHERE type = 'alert'`).get() as { n: number };
        assert.equal(alerts.n, 0, 'no alert');
      } finally {
        second.child.kill('SIGTERM');
        await second.exit;
      }
    });
  });
}
