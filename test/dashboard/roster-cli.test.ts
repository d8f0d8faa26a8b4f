import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '#core/node/sqlite.ts';
import { MIGRATIONS } from '#server/db/migrations.ts';
import { runRosterCli } from '#server/patrons/cli.ts';
import { smallSchool } from '../fixtures/rosters/school-db.ts';
import { writeXlsx } from '../fixtures/rosters/write-xlsx.ts';

const fixturePath = (name: string) => fileURLToPath(new URL(`../fixtures/rosters/${name}`, import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('dashboard/patrons roster command line', function () {
  this.timeout(60000);
  let s: ReturnType<typeof smallSchool>;
  beforeEach(() => {
    s = smallSchool();
    s.db.close(); // the command opens the file itself, like a second process
  });
  afterEach(() => s.close());

  async function run(args: string[]) {
    let out = '';
    let err = '';
    const code = await runRosterCli(args, {
      openDb: () => openDatabase(s.file, MIGRATIONS),
      out: (x) => (out += x),
      err: (x) => (err += x),
      now: () => new Date('2026-10-15T03:00:00Z'),
    });
    return { code, out, err };
  }
  const count = (sql: string) => {
    const db = openDatabase(s.file, MIGRATIONS);
    try {
      return (db.prepare(sql).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  it('prints the preview, changes nothing without --apply, exits 0', async () => {
    const r = await run([fixturePath('lop-4a-bom-semicolon.csv')]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /mới \/ new:\s+1/);
    assert.match(r.out, /chuyển lớp \/ moved class:\s+1/);
    assert.match(r.out, /nghỉ học \/ leavers:\s+1 \(1 còn giữ sách/);
    assert.match(r.out, /Bùi Văn Khoa \(4A\) — CÒN GIỮ 1 SÁCH \/ STILL HAS 1 BOOK\(S\): 30001000000101 Dế Mèn phiêu lưu ký/);
    assert.match(r.out, /dòng \/ row 9: Phạm Minh Dũng, 4A\n\s+Ngày sinh "31\/02\/2017" không hợp lệ/);
    assert.match(r.out, /Chưa thay đổi gì/);
    assert.equal(count(`SELECT COUNT(*) AS n FROM changes`), 0);
  });

  it('applies with --apply and --year, and reads XLSX', async () => {
    const r = await run([fixturePath('lop-4a-bom-semicolon.csv'), '--apply', '--year', '2026-2027']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Đã nhập danh sách \/ Roster imported/);
    assert.equal(count(`SELECT COUNT(*) AS n FROM patrons WHERE id = 'pupil-7'`), 1);
    const x = join(s.dir, 'gv.xlsx');
    writeFileSync(x, writeXlsx([['Họ và tên', 'Chức vụ'], ['Lý Văn Nam', 'Bảo vệ']]));
    const j = await run([x, '--apply', '--json']);
    assert.equal(j.code, 0, j.err);
    assert.equal(JSON.parse(j.out).rows[0].kind, 'staff');
  });

  it('exits 1 when nothing can be read and 2 on a usage error', async () => {
    const none = await run([fixturePath('not-a-roster.csv')]);
    assert.equal(none.code, 1);
    assert.match(none.err, /Không tìm thấy dòng tiêu đề/);
    const allBad = join(s.dir, 'bad.csv');
    writeFileSync(allBad, 'Họ và tên,Lớp,Ngày sinh\nAn,4A,99/99/2017\n');
    assert.equal((await run([allBad])).code, 1);
    assert.equal((await run([join(s.dir, 'missing.csv')])).code, 1);
    assert.equal((await run([])).code, 2);
    assert.equal((await run([fixturePath('giao-vien.csv'), '--year', '2026'])).code, 2);
    assert.equal((await run([fixturePath('giao-vien.csv'), '--frobnicate'])).code, 2);
  });

  it('runs as npm run import -- roster against the database file', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/import.ts', 'roster', fixturePath('giao-vien.csv'), '--db', s.file, '--apply'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /mới \/ new:\s+1/);
    assert.match(r.stdout, /dòng \/ row 5: Ngô Thị Hạnh\n\s+Mã PIN phải có 4 đến 6 chữ số/);
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/import.ts', 'roster', fixturePath('not-a-roster.csv'), '--db', s.file], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(bad.status, 1);
  });
});
