import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startDashboard, Client, errorCode, type TestDashboard } from './auth-helpers.ts';
import { seedSmallSchool } from '../fixtures/rosters/school-db.ts';
import { writeXlsx } from '../fixtures/rosters/write-xlsx.ts';
import { compareNames } from '#server/patrons/sort.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/rosters/${name}`, import.meta.url));

function upload(c: Client, path: string, body: Buffer): Promise<Response> {
  return fetch(c.base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', cookie: c.cookie, 'x-csrf-token': c.csrf },
    body: new Uint8Array(body),
  });
}

describe('dashboard/patrons HTTP routes', function () {
  // Logins hash with scrypt: slow on a loaded machine.
  this.timeout(30000);
  let d: TestDashboard;
  let librarian: Client;
  beforeEach(async () => {
    d = await startDashboard();
    seedSmallSchool(d.db);
    librarian = new Client(d.url);
    assert.equal((await librarian.login('thuthu', 'thuvien')).status, 200);
  });
  afterEach(() => d.stop());

  it('needs a login, and the librarian role to import', async () => {
    const anon = new Client(d.url);
    assert.equal((await anon.get('/api/classes')).status, 401);
    assert.equal((await upload(anon, '/api/patrons/roster/preview', fixture('lop-4a-bom-semicolon.csv'))).status, 401);
    const viewer = new Client(d.url);
    assert.equal((await viewer.login('hieutruong', 'hieutruong')).status, 200);
    assert.equal((await viewer.get('/api/classes')).status, 200);
    assert.equal((await upload(viewer, '/api/patrons/roster/preview', fixture('lop-4a-bom-semicolon.csv'))).status, 403);
    // Without the CSRF token nothing is imported.
    const res = await fetch(`${d.url}/api/patrons/roster/apply`, { method: 'POST', headers: { cookie: librarian.cookie }, body: new Uint8Array(fixture('lop-4a-bom-semicolon.csv')) });
    assert.equal(res.status, 403);
    assert.equal((d.db.prepare(`SELECT COUNT(*) AS n FROM changes`).get() as { n: number }).n, 0);
  });

  it('uploads an XLSX for a preview, applies it with the digest, refuses a stale digest', async () => {
    const xlsx = writeXlsx([
      ['DANH SÁCH HỌC SINH'],
      ['Họ và tên', 'Ngày sinh', 'Lớp', 'Mã học sinh'],
      ['Nguyễn Văn An', { date: '2017-09-05' }, '4B', 'HS0001'],
      ['Đinh Thị Lan', { date: '2017-04-04' }, '4B', 'HS0006'],
      ['Mai Thị Xuân', { date: '2017-11-11' }, '4B', 'HS0020'],
    ]);
    const pre = await upload(librarian, '/api/patrons/roster/preview?name=4b.xlsx', xlsx);
    assert.equal(pre.status, 200);
    const p = (await pre.json()) as { digest: string; counts: Record<string, number>; leavers: { patronId: string }[] };
    assert.deepEqual(p.counts, { rows: 3, new: 1, moved: 1, changed: 0, unchanged: 1, leavers: 1, leaversWithLoans: 0, rejected: 0 });
    assert.deepEqual(p.leavers.map((l) => l.patronId), ['pupil-2']);
    // Something changes in between: the old preview no longer holds.
    d.db.prepare(`UPDATE class_members SET class_id = '2026-4A' WHERE patron_id = 'pupil-6' AND school_year = '2026-2027'`).run();
    const stale = await upload(librarian, `/api/patrons/roster/apply?name=4b.xlsx&digest=${p.digest}`, xlsx);
    assert.equal(stale.status, 409);
    assert.equal(await errorCode(stale), 'PREVIEW_OUTDATED');
    const p2 = (await (await upload(librarian, '/api/patrons/roster/preview', xlsx)).json()) as { digest: string };
    const ok = await upload(librarian, `/api/patrons/roster/apply?name=4b.xlsx&digest=${p2.digest}`, xlsx);
    assert.equal(ok.status, 200);
    const result = (await ok.json()) as { applied: boolean; newPatronIds: string[] };
    assert.equal(result.applied, true);
    assert.equal(result.newPatronIds.length, 1);
    // Lists: 4B now holds An, Lan and Xuân, in Vietnamese order (given names An, Lan, Xuân).
    const list = (await (await librarian.get('/api/patrons?class=2026-4B')).json()) as { fullName: string }[];
    assert.deepEqual(list.map((x) => x.fullName), ['Nguyễn Văn An', 'Đinh Thị Lan', 'Mai Thị Xuân']);
    const all = (await (await librarian.get('/api/patrons?kind=pupil')).json()) as { fullName: string }[];
    for (let i = 1; i < all.length; i++) assert.ok(compareNames(all[i - 1]!.fullName, all[i]!.fullName) <= 0);
    const classes = (await (await librarian.get('/api/classes')).json()) as { name: string; pupils: number; homeroomTeacher: string | null }[];
    assert.deepEqual(classes.map((c) => [c.name, c.pupils]), [
      ['4A', 3],
      ['4B', 3],
    ]);
    assert.equal(classes[0]!.homeroomTeacher, 'Hoàng Thị Giang');
    // The card sheet for the new pupil.
    const sheet = await librarian.get(`/api/patrons/cards?ids=${result.newPatronIds[0]}`);
    assert.equal(sheet.status, 200);
    assert.match(sheet.headers.get('content-type') ?? '', /text\/html/);
    const html = await sheet.text();
    assert.match(html, /Mai Thị Xuân/);
    assert.match(html, /Lớp 4B/);
    assert.equal((html.match(/<article class="card"/g) ?? []).length, 1);
  });

  it('answers a file that is not a roster, an empty body and a bad year with a reason, changing nothing', async () => {
    const bad = await upload(librarian, '/api/patrons/roster/apply', fixture('not-a-roster.csv'));
    assert.equal(bad.status, 422);
    const body = (await bad.json()) as { error: { code: string; message_vi: string; message_en: string } };
    assert.equal(body.error.code, 'NO_HEADER');
    assert.match(body.error.message_vi, /Họ và tên/);
    assert.equal((await upload(librarian, '/api/patrons/roster/preview', Buffer.alloc(0))).status, 400);
    assert.equal((await upload(librarian, '/api/patrons/roster/preview?year=2026', fixture('lop-4a-bom-semicolon.csv'))).status, 400);
    assert.equal((await librarian.get('/api/patrons/cards')).status, 400);
    assert.equal((d.db.prepare(`SELECT COUNT(*) AS n FROM changes`).get() as { n: number }).n, 0);
  });

  it('promotes the school year once', async () => {
    const first = await librarian.send('POST', '/api/school-year/promote', { lastGrade: 9 });
    assert.equal(first.status, 200);
    const r = (await first.json()) as { to: string; promoted: number };
    assert.deepEqual([r.to, r.promoted], ['2027-2028', 6]);
    const again = await librarian.send('POST', '/api/school-year/promote', { lastGrade: 9 });
    assert.equal(again.status, 409);
    assert.equal(await errorCode(again), 'ALREADY_PROMOTED');
    const next = (await (await librarian.get('/api/classes?year=2027-2028')).json()) as { name: string }[];
    assert.deepEqual(next.map((c) => c.name), ['5A', '5B']);
    assert.equal((await librarian.send('POST', '/api/school-year/promote', { lastGrade: 'nine' })).status, 400);
  });
});
