/** A dashboard HTTP server on a fresh database (no broker, no stations) and a cookie-keeping client. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '#core/node/sqlite.ts';
import { DEMO_CALENDAR } from '#core/demo-calendar.ts';
import { MIGRATIONS } from '#server/db/migrations.ts';
import { DashboardHttp } from '#server/http/app.ts';
import { AccountStore } from '#server/accounts/accounts.ts';
import { LoginLimiter } from '#server/accounts/login-limiter.ts';
import { bootstrapAccounts } from '#server/accounts/bootstrap.ts';
import { DEMO_STAFF } from '#server/demo-logins.ts';
import { quietLog } from '#test/school.ts';

export interface TestDashboard {
  db: Db;
  http: DashboardHttp;
  url: string;
  clock: { now: Date };
  stop(): Promise<void>;
}

export async function startDashboard(o: { now?: string } = {}): Promise<TestDashboard> {
  const dir = mkdtempSync(join(tmpdir(), 'openshelf-auth-'));
  const staticDir = join(dir, 'static');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>dashboard</title><div id="app"></div>');
  writeFileSync(join(staticDir, 'main.js'), 'console.log(1)');
  const db = openDatabase(join(dir, 'library.sqlite'), MIGRATIONS);
  const clock = { now: new Date(o.now ?? '2026-10-15T03:00:00Z') };
  const accounts = new AccountStore(db, () => clock.now);
  bootstrapAccounts(accounts, { mode: 'sim', demo: DEMO_STAFF, staff: [] });
  const http = new DashboardHttp({
    db,
    calendar: DEMO_CALENDAR,
    clock: () => clock.now,
    accounts,
    limiter: new LoginLimiter({ clock: () => clock.now }),
    demoLogins: DEMO_STAFF,
    mode: 'sim',
    schoolName: 'Trường Thử',
    staticDir,
    log: quietLog,
  });
  const port = await http.listen(0, '127.0.0.1');
  return {
    db,
    http,
    url: `http://127.0.0.1:${port}`,
    clock,
    async stop() {
      await http.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A client that keeps the session cookie and sends the CSRF token like the dashboard page does. */
export class Client {
  cookie = '';
  csrf = '';
  constructor(readonly base: string) {}

  async login(username: string, password: string): Promise<Response> {
    const res = await this.send('POST', '/api/login', { username, password });
    if (res.ok) {
      const body = (await res.clone().json()) as { csrfToken: string };
      this.csrf = body.csrfToken;
      this.cookie = res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
    }
    return res;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(this.base + path, { headers: { cookie: this.cookie, ...headers }, redirect: 'manual' });
  }

  send(method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(this.base + path, {
      method,
      headers: { 'content-type': 'application/json', cookie: this.cookie, ...(this.csrf ? { 'x-csrf-token': this.csrf } : {}), ...headers },
      body: JSON.stringify(body),
      redirect: 'manual',
    });
  }
}

export async function errorCode(res: Response): Promise<string | undefined> {
  return ((await res.json()) as { error?: { code: string } }).error?.code;
}
