/**
 * Online backup and restore (scripts/backup.ts, scripts/restore.ts), run as the commands an IT
 * teacher types, against a school whose two kiosks keep lending and taking back books meanwhile.
 * Each backup must be the database at one point in time: exactly the first N answered transactions
 * of the live database and the loans they made and closed, nothing half-written. The restored copy
 * must open in a real server and keep lending.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { parseConfig, type Config } from '#core/config.ts';
import { freePort } from '#test/ports.ts';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';
import type { RunningStation } from '#station/station.ts';

const run = promisify(execFile);
const ROOT = process.cwd();

/** Runs `npm run <script> -- args` the way npm does (node --import tsx scripts/<script>.ts). */
async function script(name: 'backup' | 'restore', args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', `${name}.ts`), ...args], { cwd: ROOT, timeout: 120000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

function writeConfig(dir: string, config: Config): string {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

const count = (db: Database.Database, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

/** Lends `book` to the card's patron and takes it back, again and again, until stopped. */
function borrowLoop(st: RunningStation, card: string, book: string) {
  let stop = false;
  let rounds = 0;
  let failure: unknown = null;
  const done = (async () => {
    const who = await st.circulation.identify(card);
    assert.ok(who.ok, `${st.device}: ${card} identifies`);
    while (!stop) {
      // On a loaded machine a request may miss its deadline and be decided offline, then replayed;
      // a refusal meanwhile (e.g. "already yours") is fine: the database checks below are the test.
      const out = await st.circulation.checkout(who.data.patron.id, [book]);
      const back = await st.circulation.checkin([book]);
      if (out.items[0]?.ok && !out.offline && back.items[0]?.ok && !back.offline) rounds++;
    }
  })().catch((err: unknown) => {
    failure = err;
  });
  return {
    get rounds() {
      if (failure) throw failure; // surfaces in the waitUntil that polls it
      return rounds;
    },
    async stop() {
      stop = true;
      await done;
      if (failure) throw failure;
    },
  };
}

interface Tx {
  rowid: number;
  id: string;
}

/** Checks that `backupFile` is the live database `live` as it was after its first N transactions. */
function assertPointInTime(backupFile: string, live: Database.Database): { transactions: number; loans: number } {
  const b = new Database(backupFile, { readonly: true, fileMustExist: true });
  try {
    assert.deepEqual(b.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
    assert.deepEqual(b.pragma('foreign_key_check'), []);
    const orphans = b.prepare(`SELECT count(*) AS n FROM loans l LEFT JOIN copies c ON c.id = l.copy_id LEFT JOIN patrons p ON p.id = l.patron_id WHERE c.id IS NULL OR p.id IS NULL`).get() as { n: number };
    assert.equal(orphans.n, 0, 'every loan has its copy and its patron');

    // Transactions: exactly the live database's first N, in the order they were answered.
    const txB = b.prepare(`SELECT rowid, id FROM transactions ORDER BY rowid`).all() as Tx[];
    const txL = live.prepare(`SELECT rowid, id FROM transactions ORDER BY rowid LIMIT ?`).all(txB.length) as Tx[];
    assert.deepEqual(txB, txL, 'the backup holds a prefix of the transaction history');
    const inB = new Set(txB.map((t) => t.id));
    const everTx = new Set((live.prepare(`SELECT id FROM transactions`).all() as { id: string }[]).map((r) => r.id));

    // Loans: those made by a transaction in the backup (or by no transaction: the seed), closed
    // exactly when their return transaction is in the backup too.
    type Loan = { id: number; tx_id: string | null; copy_id: number; returned_at: string | null; return_tx: string | null };
    const loansL = live.prepare(`SELECT id, tx_id, copy_id, returned_at, return_tx FROM loans ORDER BY id`).all() as Loan[];
    const loansB = new Map((b.prepare(`SELECT id, tx_id, copy_id, returned_at, return_tx FROM loans`).all() as Loan[]).map((l) => [l.id, l]));
    let expected = 0;
    for (const l of loansL) {
      const made = l.tx_id === null || !everTx.has(l.tx_id) || inB.has(l.tx_id);
      const got = loansB.get(l.id);
      if (!made) {
        assert.equal(got, undefined, `loan ${l.id} (tx ${l.tx_id}) is after the backup's point in time`);
        continue;
      }
      expected++;
      assert.ok(got, `loan ${l.id} (tx ${l.tx_id}) is in the backup`);
      assert.equal(got.copy_id, l.copy_id);
      const closed = l.returned_at !== null && (l.return_tx === null || !everTx.has(l.return_tx) || inB.has(l.return_tx));
      assert.equal(got.returned_at !== null, closed, `loan ${l.id}: returned in the backup exactly when its return is`);
    }
    assert.equal(loansB.size, expected, 'no loan in the backup that the live database does not explain');
    // And the answers stored with them: every book a checkout in the backup lent has its loan there.
    for (const t of b.prepare(`SELECT id, response FROM transactions WHERE type = 'checkout'`).all() as { id: string; response: string }[]) {
      const r = JSON.parse(t.response) as { status: string; data?: { items: { ok: boolean }[] } };
      const lent = r.status === 'ok' ? r.data!.items.filter((i) => i.ok).length : 0;
      assert.equal((b.prepare(`SELECT count(*) AS n FROM loans WHERE tx_id = ?`).get(t.id) as { n: number }).n, lent, `loans of ${t.id}`);
    }
    return { transactions: txB.length, loans: loansB.size };
  } finally {
    b.close();
  }
}

describe('backup and restore while the school is open (npm run backup / restore)', function () {
  this.timeout(240000);
  let school: TestSchool;
  let work: string;
  let configFile: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'openshelf-backup-test-'));
    school = await startSchool(await testConfig(), ['kiosk-1', 'kiosk-2']);
    configFile = writeConfig(work, school.config);
  });
  after(async () => {
    await school?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('takes consistent backups while checkouts run, and a backup restores into a working server', async () => {
    const live = school.server.db;
    const [k1, k2] = school.stations as [RunningStation, RunningStation];
    const loops = [borrowLoop(k1, '20001000000012', '30001000000101'), borrowLoop(k2, '20001000090013', '30001000000200')];
    await waitUntil(() => loops.every((l) => l.rounds >= 3), 60000, 'both kiosks lending');

    const roundsBefore = loops.map((l) => l.rounds);
    // Two backups at the same moment, then a third, each while both kiosks keep lending.
    const dests = [join(work, 'a.sqlite'), join(work, 'b.sqlite'), `${work}/dir/`];
    const taken: { file: string; before: number; after: number }[] = [];
    const one = async (dest: string) => {
      const before = count(live, 'transactions');
      const r = await script('backup', ['--config', configFile, dest]);
      const after = count(live, 'transactions');
      assert.equal(r.code, 0, `backup ${dest} failed:\n${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /integrity_check ok/);
      const file = /→ (.+)/.exec(r.stdout)![1]!.trim();
      taken.push({ file, before, after });
    };
    await Promise.all([one(dests[0]!), one(dests[1]!)]);
    mkdirSync(join(work, 'dir'));
    await one(dests[2]!);
    const roundsDuringBackups = loops.map((l) => l.rounds);
    await Promise.all(loops.map((l) => l.stop()));
    for (const st of school.stations) await waitUntil(() => st.journal.count() === 0, 30000, `${st.device} journal replayed`);

    // Once the kiosks are quiet, a backup holds every committed transaction, up to the last one
    // (so also what is still only in the server's -wal file).
    const quiet = count(live, 'transactions');
    assert.equal((await script('backup', ['--config', configFile, join(work, 'quiet.sqlite')])).code, 0);
    const q = new Database(join(work, 'quiet.sqlite'), { readonly: true });
    assert.equal(count(q, 'transactions'), quiet);
    q.close();

    assert.match(taken[2]!.file, /dir\/library-\d{8}-\d{6}\.sqlite$/, 'a folder gets a dated file');
    for (const t of taken) {
      const got = assertPointInTime(t.file, live);
      assert.ok(got.transactions >= t.before && got.transactions <= t.after, `${t.file}: ${got.transactions} transactions, live had ${t.before}..${t.after} while it ran`);
      assert.ok(got.loans > 0);
      assert.ok(!existsSync(`${t.file}-wal`), 'a backup is one self-contained file');
    }
    assert.ok(roundsDuringBackups.every((r, i) => r > roundsBefore[i]!), `both kiosks kept lending: ${roundsBefore} → ${roundsDuringBackups}`);
    // Each backup ran while the kiosks committed more transactions: the copies were taken under load.
    for (const t of taken) assert.ok(t.after > t.before, `transactions committed while ${t.file} was taken: ${t.before}..${t.after}`);
    assert.deepEqual(readdirSync(work).filter((f) => f.includes('.partial')), [], 'no partial file left');

    // Restore the last backup into a fresh data dir and run a school on it.
    const restoredConfig = parseConfig({ ...school.config, dataDir: join(work, 'restored-data'), server: { ...school.config.server, httpPort: await freePort(), broker: { embedded: true, port: await freePort() } } });
    for (const s of restoredConfig.stations) {
      s.mqttUrl = `mqtt://127.0.0.1:${restoredConfig.server!.broker.port}`;
      s.httpPort = await freePort();
    }
    const restoredFile = writeConfig(work, restoredConfig);
    const r = await script('restore', ['--config', restoredFile, taken[2]!.file]);
    assert.equal(r.code, 0, `restore failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /Restored/);
    const dbFile = join(restoredConfig.dataDir, 'server', 'library.sqlite');
    const expected = assertPointInTime(dbFile, live);
    const restored = await startSchool(restoredConfig, ['kiosk-1']);
    try {
      assert.equal(count(restored.server.db, 'transactions'), expected.transactions);
      const k = restored.stations[0]!;
      const who = await k.circulation.identify('20001000000012');
      assert.ok(who.ok);
      // Whatever the backup caught kiosk-1's pupil holding, the restored server settles and lends again.
      await k.circulation.checkin(['30001000000101']);
      const out = await k.circulation.checkout(who.data.patron.id, ['30001000000101']);
      assert.equal(out.offline, false);
      assert.ok(out.items[0]?.ok, JSON.stringify(out.items[0]));
    } finally {
      await restored.stop();
    }
  });

  it('restore refuses while the server runs, and changes nothing', async () => {
    const backup = join(work, 'refuse.sqlite');
    assert.equal((await script('backup', ['--config', configFile, backup])).code, 0);
    const before = count(school.server.db, 'transactions');
    const r = await script('restore', ['--config', configFile, backup]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Lỗi: máy chủ OpenShelf còn đang chạy/);
    assert.match(r.stderr, /Error: the OpenShelf server is still running \(process \d+ has .*library\.sqlite open\)/);
    assert.match(r.stderr, /systemctl stop openshelf-server/);
    const dir = join(school.config.dataDir, 'server');
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('before-restore') || f.includes('restoring')), []);
    assert.equal(count(school.server.db, 'transactions'), before);
  });

  it('refuses bad input with a clear message and loses nothing', async () => {
    const junk = join(work, 'junk.sqlite');
    writeFileSync(junk, 'this is not a database, just text typed by mistake\n'.repeat(100));
    const offline = parseConfig({ ...school.config, dataDir: join(work, 'other-data'), server: { ...school.config.server, httpPort: await freePort() } });
    const offlineFile = writeConfig(work, offline);
    // A good database there first, so we can see it survive.
    const good = join(work, 'good.sqlite');
    assert.equal((await script('backup', ['--config', configFile, good])).code, 0);
    assert.equal((await script('restore', ['--config', offlineFile, good])).code, 0);
    const target = join(offline.dataDir, 'server', 'library.sqlite');
    const peek = new Database(target, { readonly: true });
    const txBefore = count(peek, 'transactions');
    peek.close();

    const bad = await script('restore', ['--config', offlineFile, junk]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Lỗi: .*junk\.sqlite/);
    assert.match(bad.stderr, /Error: .*junk\.sqlite is not an SQLite database/);
    const db = new Database(target, { readonly: true });
    assert.equal(count(db, 'transactions'), txBefore, 'the current database is untouched');
    db.close();

    const missing = await script('restore', ['--config', offlineFile, join(work, 'nope.sqlite')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Error: no file .*nope\.sqlite/);

    const again = await script('backup', ['--config', configFile, good]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists; an old backup is never overwritten/);

    const usage = await script('backup', ['--config', configFile]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /Cách dùng: npm run backup/);

    // A second restore keeps what it replaces.
    const second = await script('restore', ['--config', offlineFile, good]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /kept as: .*library\.sqlite\.before-restore-\d{8}-\d{6}/);
    const kept = readdirSync(join(offline.dataDir, 'server')).filter((f) => f.startsWith('library.sqlite.before-restore-'));
    assert.equal(kept.length, 1);
  });
});
