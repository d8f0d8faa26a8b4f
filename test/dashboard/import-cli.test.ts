// `npm run import -- marc <file>` as a child process against temporary databases: the report, the
// exit codes, the config's database path, and a database another process holds open and locked.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '#core/node/sqlite.ts';
import { MIGRATIONS } from '#server/db/migrations.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIX = (p: string): string => fileURLToPath(new URL(`../fixtures/marc/${p}`, import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/import.ts', ...args], { cwd: ROOT, env: { ...process.env, CI: process.env.CI ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('scripts/import.ts (npm run import)', function () {
  this.timeout(120000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'openshelf-import-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('imports a MARC file and prints the report in Vietnamese and English; exit 0', async () => {
    const db = join(dir, 'a.sqlite');
    const r = await cli(['marc', FIX('vn-school/bad_missing_record_terminator.mrc'), '--db', db]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /số biểu ghi trong tệp \/ read: +2/);
    assert.match(r.stdout, /nhập mới \/ imported: +2/);
    assert.match(r.stdout, /bị loại \/ rejected: +0/);
    assert.match(r.stdout, /ĐÃ SỬA \/ REPAIRED — biểu ghi \/ record 1, byte 0 \[001 VNTHCS000001\]/);
    assert.match(r.stdout, /thiếu dấu kết thúc biểu ghi \(0x1D\)/);
    assert.match(r.stdout, /has no record terminator \(0x1D\)/);
    const check = openDatabase(db, MIGRATIONS);
    assert.equal((check.prepare('SELECT COUNT(*) AS n FROM records').get() as { n: number }).n, 2);
    check.close();
    // A second run updates.
    const again = await cli(['marc', FIX('vn-school/vn-school-utf8.mrc'), '--db', db, '--json']);
    assert.equal(again.code, 0);
    const report = JSON.parse(again.stdout) as { read: number; imported: number; updated: number; rejected: number };
    assert.deepEqual([report.read, report.imported, report.updated, report.rejected], [15, 13, 2, 0]);
  });

  it('rejected records are listed with their position and reason; exit 0 while something was read', async () => {
    const r = await cli(['marc', FIX('pymarc/bad_records.mrc'), '--db', join(dir, 'b.sqlite')]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /bị loại \/ rejected: +6/);
    assert.match(r.stdout, /BỊ LOẠI \/ REJECTED — biểu ghi \/ record 2, byte 127/);
    assert.match(r.stdout, /the base address of data \(99937\) lies beyond the end of the record/);
    assert.match(r.stdout, /BỊ LOẠI \/ REJECTED — biểu ghi \/ record 7, byte 764/);
  });

  it('exit 1 when nothing could be read (a truncated file, an empty file)', async () => {
    const t = await cli(['marc', FIX('vn-school/bad_truncated.mrc'), '--db', join(dir, 'c.sqlite')]);
    assert.equal(t.code, 1);
    assert.match(t.stdout, /bị loại \/ rejected: +1/);
    assert.match(t.stdout, /truncated/);
    const empty = join(dir, 'empty.mrc');
    writeFileSync(empty, '');
    assert.equal((await cli(['marc', empty, '--db', join(dir, 'c.sqlite')])).code, 1);
  });

  it('exit 2 for usage errors: missing file, unknown command, no command', async () => {
    const missing = await cli(['marc', join(dir, 'nope.mrc'), '--db', join(dir, 'd.sqlite')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Không đọc được tệp \/ cannot read the file/);
    const unknown = await cli(['books', 'x']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command: books/);
    assert.equal((await cli([])).code, 2);
  });

  it('opens the database the config names (dataDir/server/library.sqlite)', async () => {
    const sim = JSON.parse(readFileSync(join(ROOT, 'config/sim.json'), 'utf8')) as Record<string, unknown>;
    const dataDir = join(dir, 'data');
    const cfg = join(dir, 'config.json');
    writeFileSync(cfg, JSON.stringify({ ...sim, dataDir }));
    const r = await cli(['marc', FIX('marc4j/chabon.xml'), '--config', cfg]);
    assert.equal(r.code, 0, r.stderr);
    const db = openDatabase(join(dataDir, 'server', 'library.sqlite'), MIGRATIONS);
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM records').get() as { n: number }).n, 2);
    db.close();
    const bad = join(dir, 'bad-config.json');
    writeFileSync(bad, '{"mode": "nonsense"}');
    assert.equal((await cli(['marc', FIX('marc4j/chabon.xml'), '--config', bad])).code, 2);
  });

  it('works while another process (the server) has the database open and briefly locked', async () => {
    const path = join(dir, 'busy.sqlite');
    const server = openDatabase(path, MIGRATIONS);
    // A reader mid-transaction and a writer holding the lock for a moment, as a busy server would.
    server.exec('BEGIN IMMEDIATE');
    server.prepare(`INSERT INTO meta (key, value) VALUES ('busy', '1')`).run();
    const release = setTimeout(() => server.exec('COMMIT'), 1500);
    const r = await cli(['marc', FIX('vn-school/vn-school-utf8.mrc'), '--db', path]);
    clearTimeout(release);
    if (server.inTransaction) server.exec('COMMIT');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal((server.prepare('SELECT COUNT(*) AS n FROM records').get() as { n: number }).n, 15);
    server.close();
  });

  it('roster is a subcommand of the same dispatcher (its own tests cover the import)', async () => {
    const r = await cli(['roster', join(dir, 'lop.csv'), '--db', join(dir, 'e.sqlite')]);
    assert.notEqual(r.code, 0, 'a missing file is refused');
    assert.doesNotMatch(r.stderr, /unknown command/);
  });
});
