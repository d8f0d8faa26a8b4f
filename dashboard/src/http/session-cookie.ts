/** Signed, expiring session cookies for dashboard logins (HMAC-SHA256; no server-side session store). */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface StaffSession {
  username: string;
  role: 'librarian' | 'viewer';
  /** Expiry, ms since epoch. */
  exp: number;
}

export const COOKIE = 'openshelf_session';

export function signSession(s: StaffSession, secret: string): string {
  const body = Buffer.from(JSON.stringify(s)).toString('base64url');
  const mac = createHmac('sha256', secret).update(body).digest('base64url');
  return `${body}.${mac}`;
}

/** The session in a cookie value, or null when forged, malformed or expired. */
export function verifySession(value: string | undefined, secret: string, nowMs: number): StaffSession | null {
  if (!value) return null;
  const [body, mac] = value.split('.');
  if (!body || !mac) return null;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const s = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as StaffSession;
    return s.exp > nowMs ? s : null;
  } catch {
    return null;
  }
}

/** Reads one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}
