/**
 * The catalogue HTTP routes on a real express server and SQLite file, behind stand-in role guards
 * (the dashboard mounts them behind its own session + CSRF check): answers, refusals with a
 * Vietnamese and English reason, and nothing changed by a refused request.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { openDatabase, type Db } from '#core/node/sqlite.ts';
import { DEMO_CALENDAR } from '#core/demo-calendar.ts';
import { MIGRATIONS } from '#server/db/migrations.ts';
import { seedDemo } from '#server/seed/seed-db.ts';
import { catalogueSearchRoutes } from '#server/catalogue/search-routes.ts';
import { quietLog } from '#test/school.ts';

describe('catalogue HTTP routes', function () {
  this.timeout(60000);
  let dir: string;
  let db: Db;
  let server: Server;
  let base: string;

  // Stand-in guards: the role comes from a header, as the real auth would put the account in locals.
  const guard =
    (need: 'viewer' | 'librarian'): express.RequestHandler =>
    (req, res, next) => {
      const role = req.headers['x-test-role'];
      if (role !== 'viewer' && role !== 'librarian') return void res.status(401).json({ error: { code: 'LOGIN_REQUIRED' } });
      if (need === 'librarian' && role !== 'librarian') return void res.status(403).json({ error: { code: 'FORBIDDEN' } });
      res.locals.account = { username: role };
      next();
    };

  const call = async (method: string, path: string, body?: unknown, role = 'librarian') => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'x-test-role': role, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, type, body: type.includes('json') ? ((await res.json()) as Record<string, unknown>) : await res.text() };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'openshelf-routes-'));
    db = openDatabase(join(dir, 'library.sqlite'), MIGRATIONS);
    seedDemo(db, { dataDir: dir, institution: '0001', now: new Date('2026-11-20T03:00:00Z'), calendar: DEMO_CALENDAR, log: quietLog });
    const app = express();
    app.use(express.json());
    app.use(
      catalogueSearchRoutes(
        { db, schoolYear: DEMO_CALENDAR.schoolYear.name, schoolName: 'Trường THCS Demo', clock: () => new Date('2026-11-20T03:00:00Z'), log: quietLog },
        { read: guard('viewer'), write: guard('librarian') },
      ),
    );
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((r) => server?.close(r));
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('searches, for a viewer too, and needs a login', async () => {
    const r = await call('GET', `/api/catalogue/search?q=${encodeURIComponent('dat rung')}`, undefined, 'viewer');
    assert.equal(r.status, 200);
    assert.equal((r.body as { hits: { title: string }[] }).hits[0]?.title, 'Đất rừng phương Nam');
    assert.equal((await call('GET', '/api/catalogue/search?q=x', undefined, 'nobody')).status, 401);
    // A missing or repeated q is an empty search, not an error.
    assert.deepEqual((await call('GET', '/api/catalogue/search')).body, { query: '', hits: [], more: false });
    assert.equal((await call('GET', '/api/catalogue/search?q=a&q=b')).status, 200);
  });

  it('browses DDC classes and divisions', async () => {
    const o = (await call('GET', '/api/catalogue/ddc')).body as { classes: { code: string; vi: string; records: number }[] };
    assert.equal(o.classes.length, 10);
    assert.equal(o.classes.find((c) => c.code === '800')!.records, 9);
    const c = (await call('GET', '/api/catalogue/ddc/800')).body as { name: { vi: string }; divisions: unknown[]; total: number };
    assert.equal(c.name.vi, 'Văn học (văn chương) và tu từ học');
    assert.equal(c.divisions.length, 3);
    assert.equal(c.total, 9);
    const bad = await call('GET', '/api/catalogue/ddc/abc');
    assert.equal(bad.status, 404);
    assert.match(JSON.stringify(bad.body), /message_vi/);
  });

  it('shows a record with subjects and copies; adds copies; prints their labels', async () => {
    const hit = ((await call('GET', '/api/catalogue/search?q=30001000000606')).body as { hits: { id: number }[] }).hits[0]!;
    const rec = (await call('GET', `/api/records/${hit.id}`)).body as { subjects: string[]; copies: { barcode: string }[] };
    assert.deepEqual(rec.subjects, ['Văn học thiếu nhi', 'Nam Bộ (Việt Nam)']);
    assert.deepEqual(rec.copies.map((c) => c.barcode), ['30001000000606']);
    assert.equal((await call('GET', '/api/records/999999')).status, 404);
    assert.equal((await call('GET', '/api/records/abc')).status, 404);

    const added = await call('POST', `/api/records/${hit.id}/copies`, { count: 2, collection: 'children', price: 65000, source: 'bought' });
    assert.equal(added.status, 201);
    const news = (added.body as { copies: { id: number; barcode: string; callNumber: string }[] }).copies;
    assert.equal(news.length, 2);
    assert.equal(news[0]!.callNumber, '895.9223 ĐOÀ');
    const labels = await call('GET', `/api/copies/labels?ids=${news.map((c) => c.id).join(',')}`);
    assert.equal(labels.status, 200);
    assert.match(labels.type, /html/);
    for (const c of news) assert.match(labels.body as string, new RegExp(`data-barcode="${c.barcode}"`));
    assert.match(labels.body as string, /Trường THCS Demo/);
    assert.equal((await call('GET', '/api/copies/labels?ids=1,x')).status, 400);
    assert.equal((await call('GET', '/api/copies/labels')).status, 400);
  });

  it('refuses bad bodies and viewers, and changes nothing then', async () => {
    const n = () => (db.prepare(`SELECT COUNT(*) AS n FROM copies`).get() as { n: number }).n;
    const before = n();
    const cases: [string, string, unknown, string, number][] = [
      ['POST', '/api/records/1/copies', { collection: 'comics' }, 'librarian', 400],
      ['POST', '/api/records/1/copies', { collection: 'children', count: 1000 }, 'librarian', 400],
      ['POST', '/api/records/1/copies', { collection: 'children', extra: 1 }, 'librarian', 400],
      ['POST', '/api/records/1/copies', [1, 2], 'librarian', 400],
      ['POST', '/api/records/999999/copies', { collection: 'children' }, 'librarian', 404],
      ['POST', '/api/records/1/copies', { collection: 'children' }, 'viewer', 403],
      ['PATCH', '/api/copies/1', { status: 'stolen' }, 'librarian', 400],
      ['PATCH', '/api/copies/1', { status: 'lost' }, 'viewer', 403],
      ['PATCH', '/api/copies/999999', { status: 'lost' }, 'librarian', 404],
      ['PUT', '/api/catalogue/settings', { accessionPatterns: { textbook: 'SGK' } }, 'librarian', 400],
    ];
    for (const [method, path, body, role, status] of cases) {
      const r = await call(method, path, body, role);
      assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(body)} as ${role}`);
      if (status === 400) {
        const err = (r.body as { error: { code: string; message_vi: string; message_en: string } }).error;
        assert.ok(err.message_vi && err.message_en, JSON.stringify(r.body));
      }
    }
    assert.equal(n(), before);
  });

  it('changes a copy’s status and writes the replica change', async () => {
    const id = (db.prepare(`SELECT id FROM copies WHERE barcode = '30001000000804'`).get() as { id: number }).id;
    const seq = (db.prepare(`SELECT MAX(seq) AS s FROM changes`).get() as { s: number | null }).s ?? 0;
    const r = await call('PATCH', `/api/copies/${id}`, { status: 'withdrawn', statusNote: 'thanh lý 2026' });
    assert.equal(r.status, 200);
    assert.equal((r.body as { status: string }).status, 'withdrawn');
    const ch = db.prepare(`SELECT entity, key, data FROM changes WHERE seq > ? AND entity = 'item'`).all(seq) as { key: string; data: string }[];
    assert.deepEqual(ch.map((c) => [c.key, JSON.parse(c.data).status]), [['30001000000804', 'withdrawn']]);
    const settings = await call('PUT', '/api/catalogue/settings', { accessionPatterns: { periodical: 'BC-{0000}' } });
    assert.equal(settings.status, 200);
    assert.equal((settings.body as { accessionPatterns: Record<string, string> }).accessionPatterns.periodical, 'BC-{0000}');
  });
});
