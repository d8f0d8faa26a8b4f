/**
 * Who may do what on the dashboard's HTTP side: the login, the session every other /api route
 * needs, CSRF protection for every state-changing request, and `requireRole` for routes that need
 * more than a login.
 *
 * Mounting a feature's routes (in app.ts): everything under /api after `protect` already requires
 * a live session and a CSRF token on POST/PUT/PATCH/DELETE; add `requireRole('librarian')` (or
 * 'admin') in front of what a viewer such as the principal must not do:
 *
 *   app.use('/api/catalogue', requireRole('librarian'), catalogueRoutes(...));
 *
 * The logged-in account is `res.locals.account` (see `accountOf(res)`).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { Account, AccountStore } from '../accounts/accounts.ts';
import type { LoginLimiter } from '../accounts/login-limiter.ts';
import { roleAtLeast, type Role } from '../accounts/roles.ts';
import { COOKIE, CSRF_COOKIE, CSRF_HEADER, readCookie } from './session-cookie.ts';

export interface ApiReason {
  code: string;
  message_vi: string;
  message_en: string;
}

export function sendError(res: Response, status: number, code: string, message_vi: string, message_en: string): void {
  res.status(status).json({ error: { code, message_vi, message_en } satisfies ApiReason });
}

/** The account of a request that went through `protect`. */
export function accountOf(res: Response): Account {
  return res.locals.account as Account;
}

/** Lets the request through when the logged-in account has `role` or a stronger one (admin ⊇ librarian ⊇ viewer). */
export function requireRole(role: Role): RequestHandler {
  return (_req, res, next) => {
    const acc = res.locals.account as Account | undefined;
    if (!acc) return sendError(res, 401, 'LOGIN_REQUIRED', 'Vui lòng đăng nhập.', 'Please log in.');
    if (!roleAtLeast(acc.role, role)) {
      return sendError(res, 403, 'FORBIDDEN', 'Tài khoản của bạn không được làm việc này.', 'Your account may not do this.');
    }
    next();
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * True when a browser says the request comes from another site: `Sec-Fetch-Site` other than
 * same-origin/none, or an `Origin` whose host is not this server's. Clients that send neither
 * (curl, the tests' fetch) are not browsers, and a forged cross-site request always carries one.
 */
export function crossSite(req: Request): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.headers.origin;
  if (typeof origin === 'string') {
    if (origin === 'null') return true;
    try {
      return new URL(origin).host !== req.headers.host;
    } catch {
      return true;
    }
  }
  return false;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface AuthOptions {
  accounts: AccountStore;
  limiter: LoginLimiter;
  log: Logger;
  /** Paths under /api a session that must change its password may still use. */
  passwordChangePaths?: string[];
}

export function createAuth({ accounts, limiter, log }: AuthOptions) {
  const tokenOf = (req: Request) => readCookie(req.headers.cookie, COOKIE);

  function setCookies(res: Response, token: string, csrf: string, expiresAt: string): void {
    const maxAge = Math.max(0, Date.parse(expiresAt) - Date.now());
    // The session cookie first: scripts and tests that take the first Set-Cookie get the session.
    res.cookie(COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/', maxAge });
    res.cookie(CSRF_COOKIE, csrf, { httpOnly: false, sameSite: 'strict', path: '/', maxAge });
  }

  const login: RequestHandler = (req, res) => {
    if (crossSite(req)) return sendError(res, 403, 'CSRF', 'Yêu cầu từ trang khác bị từ chối.', 'A request from another site was refused.');
    const { username, password } = (req.body ?? {}) as { username?: unknown; password?: unknown };
    if (typeof username !== 'string' || typeof password !== 'string' || username.length > 64 || password.length > 200) {
      return sendError(res, 400, 'BAD_REQUEST', 'Thiếu tên đăng nhập hoặc mật khẩu.', 'Username and password are required.');
    }
    const ip = req.socket.remoteAddress ?? 'unknown';
    const wait = limiter.retryAfterMs(ip, username);
    if (wait > 0) {
      const s = Math.ceil(wait / 1000);
      res.setHeader('Retry-After', String(s));
      log.warn({ username, ip }, 'dashboard login rate-limited');
      return sendError(res, 429, 'TOO_MANY_ATTEMPTS', `Sai quá nhiều lần. Hãy thử lại sau ${s} giây.`, `Too many failed attempts. Try again in ${s} s.`);
    }
    const acc = accounts.verify(username, password);
    if (!acc) {
      limiter.failed(ip, username);
      log.warn({ username, ip }, 'dashboard login refused');
      return sendError(res, 401, 'BAD_LOGIN', 'Sai tên đăng nhập hoặc mật khẩu.', 'Wrong username or password.');
    }
    limiter.succeeded(username);
    const s = accounts.openSession(acc.id);
    setCookies(res, s.token, s.csrf, s.expiresAt);
    log.info({ username: acc.username }, 'dashboard login');
    res.json({ username: acc.username, role: acc.role, mustChange: acc.mustChange, csrfToken: s.csrf });
  };

  const logout: RequestHandler = (req, res) => {
    accounts.closeSession(tokenOf(req));
    res.clearCookie(COOKIE, { path: '/' });
    res.clearCookie(CSRF_COOKIE, { path: '/' });
    res.json({ ok: true });
  };

  /**
   * Every /api route mounted after this one: a live session, a same-site origin and the session's
   * CSRF token for state-changing methods, and a changed password when the account must change it.
   */
  const protect: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    const s = accounts.session(tokenOf(req));
    if (!s) return sendError(res, 401, 'LOGIN_REQUIRED', 'Vui lòng đăng nhập.', 'Please log in.');
    if (!SAFE_METHODS.has(req.method)) {
      const given = req.headers[CSRF_HEADER];
      if (crossSite(req) || typeof given !== 'string' || !sameToken(given, s.csrf)) {
        log.warn({ username: s.account.username, path: req.originalUrl }, 'request refused: CSRF');
        return sendError(res, 403, 'CSRF', 'Yêu cầu không hợp lệ (thiếu mã bảo vệ). Hãy tải lại trang.', 'Request refused (missing or wrong CSRF token). Reload the page.');
      }
    }
    res.locals.account = s.account;
    res.locals.csrf = s.csrf;
    res.locals.sessionToken = tokenOf(req);
    const allowed = ['/api/me', '/api/logout', '/api/account/password'];
    if (s.account.mustChange && !allowed.includes(req.originalUrl.split('?')[0]!)) {
      return sendError(res, 403, 'PASSWORD_CHANGE_REQUIRED', 'Hãy đổi mật khẩu dùng một lần trước.', 'Change your one-time password first.');
    }
    next();
  };

  /** The account of a raw cookie header (socket.io handshakes), or null. */
  const accountOfCookie = (cookieHeader: string | undefined): Account | null => accounts.session(readCookie(cookieHeader, COOKIE))?.account ?? null;

  const hasSession = (req: Request) => accounts.session(tokenOf(req)) !== null;

  return { login, logout, protect, accountOfCookie, hasSession, tokenOf };
}
