/**
 * The dashboard's HTTP side: staff login, the read APIs of the first page, and socket.io pushing
 * live station status, events and today's figures to logged-in browsers.
 */
import express from 'express';
import { createServer, type Server as HttpServer } from 'node:http';
import { existsSync } from 'node:fs';
import { Server as IoServer } from 'socket.io';
import { closeHttp, listenHttp } from '#core/node/http-server.ts';
import type { Logger } from 'pino';
import { localDate, type SchoolCalendar } from '#core/calendar.ts';
import type { DashboardClientToServer, DashboardServerToClient, StationRow, TodaySummary } from '#core/protocol/dashboard-events.ts';
import type { LibraryEvent } from '#core/protocol/messages.ts';
import type { Db } from '#core/node/sqlite.ts';
import { passwordMatches } from '../broker/accounts.ts';
import type { StaffAccount } from '../demo-logins.ts';
import { COOKIE, readCookie, signSession, verifySession, type StaffSession } from './session-cookie.ts';


export interface DashboardHttpOptions {
  db: Db;
  calendar: SchoolCalendar;
  clock: () => Date;
  staff: StaffAccount[];
  /** Shown on the login page in sim mode only. */
  demoLogins: StaffAccount[];
  mode: 'sim' | 'production';
  schoolName: string;
  secret: string;
  staticDir: string;
  log: Logger;
}

const SESSION_MS = 12 * 3600 * 1000;

export class DashboardHttp {
  readonly app = express();
  readonly http: HttpServer;
  readonly io: IoServer<DashboardClientToServer, DashboardServerToClient>;

  constructor(private readonly o: DashboardHttpOptions) {
    const app = this.app;
    app.disable('x-powered-by');
    app.use(express.json({ limit: '1mb' }));
    this.http = createServer(app);
    this.io = new IoServer(this.http, { serveClient: false });

    app.get('/api/meta', (_req, res) => {
      res.json({
        mode: o.mode,
        schoolName: o.schoolName,
        demoLogins: o.mode === 'sim' ? o.demoLogins.map(({ username, password, role }) => ({ username, password, role })) : [],
      });
    });
    // For the supervisor, systemd checks and tests: no personal data here.
    app.get('/api/health', (_req, res) => res.json({ ok: true, pid: process.pid }));
    app.post('/api/login', (req, res) => {
      const { username, password } = (req.body ?? {}) as { username?: unknown; password?: unknown };
      const acc = o.staff.find((s) => s.username === username);
      if (!acc || typeof password !== 'string' || !passwordMatches(password, acc.password)) {
        o.log.warn({ username }, 'dashboard login refused');
        res.status(401).json({ error: { code: 'BAD_LOGIN', message_vi: 'Sai tên đăng nhập hoặc mật khẩu.', message_en: 'Wrong username or password.' } });
        return;
      }
      const s: StaffSession = { username: acc.username, role: acc.role, exp: o.clock().getTime() + SESSION_MS };
      res.cookie(COOKIE, signSession(s, o.secret), { httpOnly: true, sameSite: 'strict', maxAge: SESSION_MS });
      res.json({ username: acc.username, role: acc.role });
    });
    app.post('/api/logout', (_req, res) => {
      res.clearCookie(COOKIE);
      res.json({ ok: true });
    });

    const auth: express.RequestHandler = (req, res, next) => {
      const s = verifySession(readCookie(req.headers.cookie, COOKIE), o.secret, o.clock().getTime());
      if (!s) {
        res.status(401).json({ error: { code: 'LOGIN_REQUIRED', message_vi: 'Vui lòng đăng nhập.', message_en: 'Please log in.' } });
        return;
      }
      res.locals.session = s;
      next();
    };
    app.get('/api/me', auth, (_req, res) => {
      const s = res.locals.session as StaffSession;
      res.json({ username: s.username, role: s.role });
    });
    app.get('/api/summary', auth, (_req, res) => res.json(this.summary()));
    app.get('/api/stations', auth, (_req, res) => res.json(this.stations()));
    app.get('/api/events', auth, (req, res) => {
      const limit = Math.min(Math.max(Number(req.query.limit) || 50, 1), 500);
      res.json(this.latestEvents(limit));
    });

    if (existsSync(o.staticDir)) app.use(express.static(o.staticDir, { index: 'index.html' }));
    else o.log.warn({ dir: o.staticDir }, 'dashboard build missing: run npm run build');

    this.io.use((socket, next) => {
      const s = verifySession(readCookie(socket.handshake.headers.cookie, COOKIE), o.secret, o.clock().getTime());
      if (!s) return next(new Error('LOGIN_REQUIRED'));
      next();
    });
    this.io.on('connection', (socket) => {
      socket.emit('summary', this.summary());
      socket.emit('stations', this.stations());
    });
  }

  listen(port: number, host: string): Promise<number> {
    return listenHttp(this.http, port, host);
  }

  /** Pushes a new event and the figures it changes to every logged-in dashboard. */
  pushEvent(e: LibraryEvent): void {
    this.io.emit('event', e);
    if (e.type !== 'counter' && e.type !== 'scan' && e.type !== 'alert') this.io.emit('summary', this.summary());
  }

  pushStations(): void {
    this.io.emit('stations', this.stations());
  }

  /** Today's figures in school time. */
  summary(): TodaySummary {
    const date = localDate(this.o.clock(), this.o.calendar);
    // Stored times are UTC ISO strings: today in school time is a UTC range.
    const offset = this.o.calendar.timeZoneOffsetMinutes;
    const start = new Date(Date.parse(`${date}T00:00:00Z`) - offset * 60000).toISOString();
    const end = new Date(Date.parse(`${date}T00:00:00Z`) - offset * 60000 + 86400000).toISOString();
    const db = this.o.db;
    const count = (sql: string) => (db.prepare(sql).get(start, end) as { n: number }).n;
    return {
      date,
      loans: count(`SELECT COUNT(*) AS n FROM loans WHERE loaned_at >= ? AND loaned_at < ?`),
      returns: count(`SELECT COUNT(*) AS n FROM loans WHERE returned_at >= ? AND returned_at < ?`),
      renewals: count(`SELECT COALESCE(SUM(json_array_length(payload, '$.items')), 0) AS n FROM events WHERE type = 'renew' AND at >= ? AND at < ?`),
      visits: count(`SELECT COUNT(DISTINCT patron_id) AS n FROM visits WHERE at >= ? AND at < ?`),
    };
  }

  stations(): StationRow[] {
    const rows = this.o.db.prepare(`SELECT status, last_seen AS lastSeen FROM stations ORDER BY device`).all() as { status: string; lastSeen: string }[];
    return rows.map((r) => ({ ...(JSON.parse(r.status) as StationRow), lastSeen: r.lastSeen }));
  }

  latestEvents(limit: number): LibraryEvent[] {
    const rows = this.o.db.prepare(`SELECT payload FROM events ORDER BY at DESC, seq DESC LIMIT ?`).all(limit) as { payload: string }[];
    return rows.map((r) => JSON.parse(r.payload) as LibraryEvent);
  }

  close(): Promise<void> {
    return closeHttp(this.io, this.http);
  }
}
