/**
 * Who may do what on the dashboard: login and sessions in the database, roles, CSRF, the login
 * rate limit, the redirect of `/`, the first admin of a production school, and the audit of a
 * pupil's loan history.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { io as ioClient } from 'socket.io-client';
import { parseConfig } from '#core/config.ts';
import { startServer } from '#server/server.ts';
import { requireRole } from '#server/http/auth.ts';
import { LoginLimiter } from '#server/accounts/login-limiter.ts';
import { freePort } from '#test/ports.ts';
import { quietLog } from '#test/school.ts';
import { Client, errorCode, startDashboard, type TestDashboard } from './auth-helpers.ts';

describe('dashboard auth', function () {
  this.timeout(30000);
  let d: TestDashboard;
  beforeEach(async () => {
    d = await startDashboard();
  });
  afterEach(async () => d.stop());

  it('answers / with a redirect to the login page until logged in; assets and the login page stay public', async () => {
    const anon = new Client(d.url);
    const root = await anon.get('/');
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/login');
    assert.equal((await anon.get('/login')).status, 200);
    assert.equal((await anon.get('/main.js')).status, 200);
    assert.equal((await anon.get('/api/meta')).status, 200);
    for (const path of ['/api/summary', '/api/stations', '/api/events', '/api/stats/rates', '/api/settings', '/api/conflicts', '/api/me', '/api/nothing-here']) {
      const res = await anon.get(path);
      assert.equal(res.status, 401, path);
      assert.equal(await errorCode(res), 'LOGIN_REQUIRED', path);
    }
    const c = new Client(d.url);
    assert.equal((await c.login('thuthu', 'thuvien')).status, 200);
    const home = await c.get('/');
    assert.equal(home.status, 200);
    assert.match(await home.text(), /id="app"/);
  });

  it('keeps sessions on the server: logout ends the cookie for good', async () => {
    const c = new Client(d.url);
    await c.login('thuthu', 'thuvien');
    assert.equal((await c.get('/api/summary')).status, 200);
    const stolen = c.cookie;
    assert.equal((await c.send('POST', '/api/logout', {})).status, 200);
    const again = await fetch(`${d.url}/api/summary`, { headers: { cookie: stolen } });
    assert.equal(again.status, 401);
  });

  it('opens the live feed only for a session, and never for a page on another site', async () => {
    const c = new Client(d.url);
    await c.login('thuthu', 'thuvien');
    const connect = (headers: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const s = ioClient(d.url, { extraHeaders: headers, transports: ['websocket'], reconnection: false });
        s.once('connect', () => (s.close(), resolve('connected')));
        s.once('connect_error', (e) => (s.close(), resolve(e.message)));
      });
    assert.equal(await connect({ cookie: c.cookie }), 'connected');
    assert.equal(await connect({ cookie: c.cookie, origin: d.url }), 'connected');
    assert.equal(await connect({ cookie: c.cookie, origin: 'http://evil.example' }), 'CROSS_SITE');
    assert.equal(await connect({}), 'LOGIN_REQUIRED');
  });

  it('refuses a cross-site POST and a POST without the CSRF token', async () => {
    const c = new Client(d.url);
    await c.login('thuthu', 'thuvien');
    const body = { targets: { pupilLoan: 85 } };
    // A form on another site: the browser adds the cookie (were it not SameSite) and its Origin.
    const cross = await c.send('PUT', '/api/settings', body, { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' });
    assert.equal(cross.status, 403);
    assert.equal(await errorCode(cross), 'CSRF');
    const noToken = await fetch(`${d.url}/api/settings`, { method: 'PUT', headers: { 'content-type': 'application/json', cookie: c.cookie }, body: JSON.stringify(body) });
    assert.equal(noToken.status, 403);
    assert.equal(await errorCode(noToken), 'CSRF');
    const wrongToken = await c.send('PUT', '/api/settings', body, { 'x-csrf-token': 'x'.repeat(32) });
    assert.equal(wrongToken.status, 403);
    // Nothing changed by the refused requests.
    assert.equal(((await (await c.get('/api/settings')).json()) as { targets: { pupilLoan: number } }).targets.pupilLoan, 80);
    const same = await c.send('PUT', '/api/settings', body, { origin: d.url, 'sec-fetch-site': 'same-origin' });
    assert.equal(same.status, 200);
    assert.equal(((await same.json()) as { targets: { pupilLoan: number } }).targets.pupilLoan, 85);
    // A login from another site is refused too (login CSRF).
    const crossLogin = await new Client(d.url).send('POST', '/api/login', { username: 'thuthu', password: 'thuvien' }, { origin: 'http://evil.example' });
    assert.equal(crossLogin.status, 403);
  });

  it('lets a viewer read the rates but not change settings, record a reading period, manage accounts or read a pupil history', async () => {
    const v = new Client(d.url);
    await v.login('hieutruong', 'hieutruong');
    assert.equal((await v.get('/api/stats/rates?period=year')).status, 200);
    assert.equal((await v.get('/api/stats/overdue')).status, 200);
    const refusals: [string, string, unknown][] = [
      ['PUT', '/api/settings', { retentionDays: 400 }],
      ['POST', '/api/stats/reading-periods', { classId: 'x' }],
      ['POST', '/api/accounts', { username: 'moi', role: 'admin' }],
      ['POST', '/api/conflicts/1/resolve', {}],
    ];
    for (const [m, path, body] of refusals) {
      const res = await v.send(m, path, body);
      assert.equal(res.status, 403, path);
      assert.equal(await errorCode(res), 'FORBIDDEN', path);
    }
    assert.equal((await v.get('/api/accounts')).status, 403);
    assert.equal((await v.get('/api/patrons/p1/loans')).status, 403);
    const lib = new Client(d.url);
    await lib.login('thuthu', 'thuvien');
    assert.equal((await lib.send('PUT', '/api/settings', { retentionDays: 400 })).status, 200);
    assert.equal((await lib.get('/api/accounts')).status, 403, 'a librarian is not an admin');
  });

  it('requireRole guards a feature route the way app.ts mounts them (a viewer cannot import)', async () => {
    const app = express();
    app.use((req, res, next) => {
      res.locals.account = { id: 1, username: 'u', role: req.headers['x-role'], mustChange: false, disabled: false, createdAt: '' };
      next();
    });
    app.post('/api/catalogue/import', requireRole('librarian'), (_req, res) => res.json({ imported: 1 }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    try {
      const post = (role: string) => fetch(`http://127.0.0.1:${port}/api/catalogue/import`, { method: 'POST', headers: { 'x-role': role } });
      assert.equal((await post('viewer')).status, 403);
      assert.equal((await post('librarian')).status, 200);
      assert.equal((await post('admin')).status, 200);
    } finally {
      server.close();
    }
  });

  it('rate-limits logins: after 5 failures even the right password waits, then works again', async () => {
    const c = new Client(d.url);
    for (let i = 0; i < 5; i++) assert.equal((await c.login('thuthu', `sai-${i}`)).status, 401);
    const blocked = await c.login('thuthu', 'thuvien');
    assert.equal(blocked.status, 429);
    assert.equal(await errorCode(blocked), 'TOO_MANY_ATTEMPTS');
    assert.ok(Number(blocked.headers.get('retry-after')) >= 1);
    // The same address guessing another username is held back too.
    assert.equal((await c.login('hieutruong', 'hieutruong')).status, 429);
    d.clock.now = new Date(d.clock.now.getTime() + 31_000);
    assert.equal((await c.login('thuthu', 'thuvien')).status, 200);
  });

  it('limits per username across addresses, with a doubling wait', () => {
    let now = 0;
    const l = new LoginLimiter({ clock: () => new Date(now), baseMs: 1000 });
    for (let i = 0; i < 5; i++) l.failed(`10.0.0.${i}`, 'thuthu');
    assert.equal(l.retryAfterMs('10.9.9.9', 'thuthu'), 1000, 'a new address, the same username');
    assert.equal(l.retryAfterMs('10.9.9.9', 'other'), 0);
    now += 1000;
    l.failed('10.0.0.7', 'thuthu');
    assert.equal(l.retryAfterMs('10.9.9.9', 'thuthu'), 2000);
    l.succeeded('thuthu');
    assert.equal(l.retryAfterMs('10.9.9.9', 'thuthu'), 0);
  });

  it('lets the admin create, disable and reset accounts; a disabled account loses its session at once', async () => {
    const a = new Client(d.url);
    await a.login('quantri', 'quantri');
    const created = await a.send('POST', '/api/accounts', { username: 'codung', role: 'librarian' });
    assert.equal(created.status, 201);
    const { account, oneTimePassword } = (await created.json()) as { account: { id: number }; oneTimePassword: string };
    const u = new Client(d.url);
    const first = await u.login('codung', oneTimePassword);
    assert.equal(((await first.json()) as { mustChange: boolean }).mustChange, true);
    assert.equal(await errorCode(await u.get('/api/summary')), 'PASSWORD_CHANGE_REQUIRED');
    assert.equal((await u.send('POST', '/api/account/password', { current: oneTimePassword, next: 'mat-khau-moi-1' })).status, 200);
    assert.equal((await u.get('/api/summary')).status, 200);
    assert.equal((await a.send('PATCH', `/api/accounts/${account.id}`, { disabled: true })).status, 200);
    assert.equal((await u.get('/api/summary')).status, 401);
    assert.equal((await new Client(d.url).login('codung', 'mat-khau-moi-1')).status, 401);
    // The last admin cannot lock the school out.
    const me = ((await (await a.get('/api/accounts')).json()) as { id: number; username: string }[]).find((x) => x.username === 'quantri')!;
    assert.equal(await errorCode(await a.send('PATCH', `/api/accounts/${me.id}`, { role: 'viewer' })), 'LAST_ADMIN');
  });

  it('writes every view of a pupil loan history to the audit log', async () => {
    d.db.exec(`
      INSERT INTO records (id, title) VALUES (1, 'Dế Mèn phiêu lưu ký');
      INSERT INTO copies (id, record_id, barcode, accession, collection) VALUES (1, 1, '30001000000101', 'A1', 'children');
      INSERT INTO patrons (id, kind, full_name) VALUES ('p1', 'pupil', 'Nguyễn Văn An');
      INSERT INTO loans (copy_id, patron_id, station, loaned_at, due_date, returned_at) VALUES (1, 'p1', 'kiosk-1', '2026-10-01T02:00:00.000Z', '2026-10-08', '2026-10-05T02:00:00.000Z');
    `);
    const c = new Client(d.url);
    await c.login('thuthu', 'thuvien');
    const res = await c.get('/api/patrons/p1/loans');
    assert.equal(res.status, 200);
    const body = (await res.json()) as { loans: { title: string }[] };
    assert.deepEqual(body.loans.map((l) => l.title), ['Dế Mèn phiêu lưu ký']);
    await c.get('/api/patrons/p1/loans');
    const rows = d.db.prepare(`SELECT account, action, patron_id AS patronId, at FROM audit_log WHERE action = 'loan_history_viewed'`).all();
    assert.deepEqual(rows, [
      { account: 'thuthu', action: 'loan_history_viewed', patronId: 'p1', at: '2026-10-15T03:00:00.000Z' },
      { account: 'thuthu', action: 'loan_history_viewed', patronId: 'p1', at: '2026-10-15T03:00:00.000Z' },
    ]);
    assert.equal((await c.get('/api/patrons/nobody/loans')).status, 404);
  });

  it('answers malformed JSON with a clear 400, not a crash', async () => {
    const c = new Client(d.url);
    const res = await fetch(`${d.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' });
    assert.equal(res.status, 400);
    assert.equal(await errorCode(res), 'BAD_REQUEST');
    await c.login('thuthu', 'thuvien');
    assert.equal((await c.get('/api/summary')).status, 200);
  });
});

describe('first run in production', function () {
  this.timeout(30000);
  it('creates one admin with a one-time password printed on the console, to be changed at first login', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'openshelf-prod-'));
    const config = parseConfig({
      mode: 'production',
      dataDir,
      server: {
        httpPort: await freePort(),
        broker: { embedded: true, port: 0 },
        mqtt: { username: 'server', password: 'a-real-secret-for-the-server' },
        sessionSecret: 'a-real-session-secret-0123456789',
      },
    });
    const printed: string[] = [];
    try {
      let server = await startServer({ config, log: quietLog, announce: (t) => printed.push(t) });
      const text = printed.join('');
      const m = /username: (\S+)[\s\S]*one-time password: (\S+)/.exec(text);
      assert.ok(m, `no one-time password in: ${text}`);
      const [, username, password] = m;
      assert.equal(username, 'admin');
      const url = `http://127.0.0.1:${server.httpPort}`;
      // No demo logins in production.
      assert.equal((await new Client(url).login('thuthu', 'thuvien')).status, 401);
      assert.deepEqual(((await (await fetch(`${url}/api/meta`)).json()) as { demoLogins: unknown[] }).demoLogins, []);
      const c = new Client(url);
      const first = await c.login(username!, password!);
      assert.equal(first.status, 200);
      assert.deepEqual(((await first.json()) as { role: string; mustChange: boolean }), { username: 'admin', role: 'admin', mustChange: true, csrfToken: c.csrf });
      assert.equal(await errorCode(await c.get('/api/accounts')), 'PASSWORD_CHANGE_REQUIRED');
      assert.equal(await errorCode(await c.send('POST', '/api/account/password', { current: password, next: 'short' })), 'WEAK_PASSWORD');
      assert.equal((await c.send('POST', '/api/account/password', { current: password, next: 'hieu-truong-2026' })).status, 200);
      assert.equal((await c.get('/api/accounts')).status, 200);
      assert.equal((await new Client(url).login('admin', password!)).status, 401, 'the one-time password is spent');
      await server.stop();

      // The next start creates nothing and prints nothing.
      printed.length = 0;
      server = await startServer({ config, log: quietLog, announce: (t) => printed.push(t) });
      assert.equal(printed.join(''), '');
      assert.equal((await new Client(`http://127.0.0.1:${server.httpPort}`).login('admin', 'hieu-truong-2026')).status, 200);
      await server.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
