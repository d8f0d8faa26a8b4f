/**
 * The dashboard's HTTP side: staff login, the read APIs of the first page, and socket.io pushing
 * live station status, events and today's figures to logged-in browsers.
 *
 * Nothing but the login page, its static assets, /api/meta, /api/health and /api/login answers
 * without a session: `/` redirects to `/login`, every other /api route goes through `protect`
 * (auth.ts: session, CSRF, one-time password) and, where a viewer may not act, `requireRole`.
 */
import express from 'express';
import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Server as IoServer } from 'socket.io';
import { closeHttp, listenHttp } from '#core/node/http-server.ts';
import type { Logger } from 'pino';
import { localDate, type SchoolCalendar } from '#core/calendar.ts';
import type { DashboardClientToServer, DashboardServerToClient, StationRow, TodaySummary } from '#core/protocol/dashboard-events.ts';
import type { LibraryEvent } from '#core/protocol/messages.ts';
import type { Db } from '#core/node/sqlite.ts';
import { AccountStore } from '../accounts/accounts.ts';
import { AuditLog } from '../accounts/audit.ts';
import { LoginLimiter } from '../accounts/login-limiter.ts';
import { accountRoutes } from '../accounts/routes.ts';
import { statsRoutes } from '../stats/routes.ts';
import { Settings } from '../stats/settings.ts';
import { applyRetention } from '../stats/retention.ts';
import { accountOf, createAuth, requireRole, sendError } from './auth.ts';
import type { OccupancyStore } from '../occupancy/occupancy-store.ts';
import { occupancyRoutes } from '../occupancy/routes.ts';
import { catalogueSearchRoutes } from '../catalogue/search-routes.ts';
import { catalogueImportRoutes } from '../catalogue/routes.ts';
import type { DropboxBins } from '../dropbox/bins.ts';
import { dropboxRoutes } from '../dropbox/routes.ts';
import { patronRoutes } from '../patrons/routes.ts';
import { stationRoutes, type StationRoutesOptions } from '../stations/routes.ts';
import { calendarRoutes } from '../calendar/routes.ts';
import type { CalendarStore } from '../calendar/store.ts';

export { requireRole, accountOf } from './auth.ts';

export interface DashboardHttpOptions {
  db: Db;
  calendar: SchoolCalendar;
  clock: () => Date;
  /** Shown on the login page in sim mode only. */
  demoLogins: { username: string; password: string; role: string }[];
  mode: 'sim' | 'production';
  schoolName: string;
  staticDir: string;
  log: Logger;
  /** Staff accounts; default: a store on `db`. */
  accounts?: AccountStore;
  /** Login rate limit; default 5 failures then waits from 30 s. */
  limiter?: LoginLimiter;
  /** Door counter readings: GET /api/occupancy when given. */
  occupancy?: OccupancyStore;
  /** Drop box bins: GET /api/dropbox/bins, POST /api/dropbox/:device/emptied when given. */
  dropbox?: DropboxBins;
  /** Desk circulation routes (dashboard/src/desk/routes.ts) when given. */
  desk?: express.Router;
  /** Station logins (admin) and who made which transaction (librarian) when given (dashboard/src/stations/). */
  stations?: Omit<StationRoutesOptions, 'db' | 'audit' | 'log'>;
  /** The school calendar as stored (calendar/store.ts): GET/PUT /api/calendar when given; `calendar` is then its live view. */
  calendarStore?: CalendarStore;
  /** Serve HTTPS with this PEM certificate and key (http/https.ts); session cookies are then Secure. */
  tls?: { cert: Buffer; key: Buffer };
}

export class DashboardHttp {
  readonly app = express();
  readonly http: HttpServer;
  readonly io: IoServer<DashboardClientToServer, DashboardServerToClient>;
  readonly accounts: AccountStore;
  readonly audit: AuditLog;
  readonly settings: Settings;

  constructor(private readonly o: DashboardHttpOptions) {
    const app = this.app;
    app.disable('x-powered-by');
    app.set('trust proxy', false);
    this.http = o.tls ? createHttpsServer({ cert: o.tls.cert, key: o.tls.key }, app) : createServer(app);
    this.io = new IoServer(this.http, { serveClient: false });
    this.accounts = o.accounts ?? new AccountStore(o.db, o.clock);
    this.audit = new AuditLog(o.db, o.clock);
    this.settings = new Settings(o.db);
    const auth = createAuth({ accounts: this.accounts, limiter: o.limiter ?? new LoginLimiter({ clock: o.clock }), log: o.log });

    app.use((_req, res, next) => {
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('X-Frame-Options', 'DENY');
      res.setHeader('Referrer-Policy', 'same-origin');
      next();
    });
    app.use('/api', express.json({ limit: '1mb' }));
    if (o.tls) {
      // Over HTTPS every cookie is Secure: the browser never sends the session over plain HTTP.
      app.use((_req, res, next) => {
        const cookie = res.cookie.bind(res);
        res.cookie = ((name: string, value: unknown, options: express.CookieOptions = {}) => cookie(name, value, { ...options, secure: true })) as typeof res.cookie;
        next();
      });
    }

    // ---- public: the login page needs these ------------------------------------------------
    app.get('/api/meta', (_req, res) => {
      res.json({
        mode: o.mode,
        schoolName: o.schoolName,
        demoLogins: o.mode === 'sim' ? o.demoLogins.map(({ username, password, role }) => ({ username, password, role })) : [],
      });
    });
    // For the supervisor, systemd checks and tests: no personal data here.
    app.get('/api/health', (_req, res) => res.json({ ok: true, pid: process.pid }));
    app.post('/api/login', auth.login);

    // ---- everything else under /api needs a session (and a CSRF token to change anything) --
    app.use('/api', auth.protect);
    app.post('/api/logout', auth.logout);
    app.get('/api/me', (_req, res) => {
      const a = accountOf(res);
      res.json({ username: a.username, role: a.role, mustChange: a.mustChange, csrfToken: res.locals.csrf as string });
    });
    app.get('/api/summary', (_req, res) => res.json(this.summary()));
    app.get('/api/stations', (_req, res) => res.json(this.stations()));
    app.get('/api/events', (req, res) => {
      const limit = Math.min(Math.max(Number(req.query.limit) || 50, 1), 500);
      res.json(this.latestEvents(limit));
    });
    app.use('/api', accountRoutes({ accounts: this.accounts, audit: this.audit, log: o.log }));
    app.use('/api', statsRoutes({ db: o.db, calendar: o.calendar, clock: o.clock, settings: this.settings, audit: this.audit, schoolName: o.schoolName }));

    // ---- feature routes: mount each behind requireRole(...) here, one line each ------------
    if (o.occupancy) app.use(occupancyRoutes(o.occupancy, requireRole('viewer'), requireRole('librarian')));
    if (o.desk) app.use(o.desk);
    if (o.dropbox) app.use(dropboxRoutes(o.dropbox, { read: requireRole('viewer'), write: requireRole('librarian') }));
    app.use(catalogueSearchRoutes({ db: o.db, schoolYear: o.calendar.schoolYear.name, schoolName: o.schoolName, clock: o.clock, log: o.log }, { read: requireRole('viewer'), write: requireRole('librarian') }));

    app.use(catalogueImportRoutes({ db: o.db, io: this.io, log: o.log, clock: o.clock }, { read: requireRole('viewer'), write: requireRole('librarian') }));
    app.use(patronRoutes({ db: o.db, schoolYear: o.calendar.schoolYear.name, schoolName: o.schoolName, clock: o.clock, log: o.log }, { read: requireRole('viewer'), write: requireRole('librarian') }));
    if (o.stations) app.use(stationRoutes({ ...o.stations, db: o.db, audit: this.audit, log: o.log }, { admin: requireRole('admin'), librarian: requireRole('librarian') }));
    if (o.calendarStore) app.use('/api', calendarRoutes(o.calendarStore, this.audit, { read: requireRole('viewer'), write: requireRole('librarian') }));
    // ---- end of feature routes --------------------------------------------------------------
    app.use('/api', (_req, res) => sendError(res, 404, 'NOT_FOUND', 'Không có địa chỉ này.', 'No such API route.'));

    // ---- pages: `/` only with a session, else the login page --------------------------------
    const index = join(o.staticDir, 'index.html');
    const page = (res: express.Response) => {
      if (!existsSync(index)) return res.status(503).type('text/plain').send('Dashboard not built: run npm run build');
      res.setHeader('Cache-Control', 'no-store');
      res.sendFile(index);
    };
    app.get(['/', '/index.html'], (req, res) => (auth.hasSession(req) ? page(res) : res.redirect(302, '/login')));
    app.get('/login', (_req, res) => page(res));
    if (existsSync(o.staticDir)) app.use(express.static(o.staticDir, { index: false }));
    else o.log.warn({ dir: o.staticDir }, 'dashboard build missing: run npm run build');

    // Bad JSON, a body too large, a handler that threw: an answer, never a crash.
    app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      const status = (err as { status?: number }).status ?? 500;
      if (status >= 500) o.log.error({ err }, 'dashboard request failed');
      if (res.headersSent) return;
      if (status === 400) return sendError(res, 400, 'BAD_REQUEST', 'Dữ liệu gửi lên không đọc được.', 'The request body could not be read.');
      if (status === 413) return sendError(res, 413, 'TOO_LARGE', 'Dữ liệu gửi lên quá lớn.', 'The request body is too large.');
      sendError(res, 500, 'INTERNAL', 'Máy chủ gặp lỗi, hãy thử lại.', 'The server hit an error; please try again.');
    });

    this.io.use((socket, next) => {
      // A page on another site may not open the live feed with the librarian's cookie.
      const origin = socket.handshake.headers.origin;
      if (origin !== undefined) {
        let host = '';
        try {
          host = new URL(origin).host;
        } catch {
          // an unreadable Origin is refused below
        }
        if (host !== socket.handshake.headers.host) return next(new Error('CROSS_SITE'));
      }
      const acc = auth.accountOfCookie(socket.handshake.headers.cookie);
      if (!acc || acc.mustChange) return next(new Error('LOGIN_REQUIRED'));
      next();
    });
    this.io.on('connection', (socket) => {
      socket.emit('summary', this.summary());
      socket.emit('stations', this.stations());
    });
  }

  listen(port: number, host: string): Promise<number> {
    this.runRetention();
    // Every 6 h: old returned loans lose their pupil within a quarter day of passing the limit.
    this.retentionTimer = setInterval(() => this.runRetention(), 6 * 3600 * 1000);
    this.retentionTimer.unref();
    return listenHttp(this.http, port, host);
  }

  private retentionTimer: NodeJS.Timeout | null = null;

  /** Anonymises returned loans older than the school's retention setting (stats/retention.ts). */
  runRetention(): void {
    try {
      const out = applyRetention(this.o.db, this.o.calendar, this.o.clock(), this.settings.get().retentionDays);
      if (out.loans || out.visits) this.o.log.info(out, 'retention: old history anonymised');
    } catch (err) {
      this.o.log.error({ err }, 'retention job failed');
    }
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
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    return closeHttp(this.io, this.http);
  }
}
