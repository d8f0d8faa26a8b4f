/** The dashboard's cookies: the session token (httpOnly) and the CSRF token the page echoes back. */

/** Random session token; the server keeps only its hash (dashboard/src/accounts/accounts.ts). */
export const COOKIE = 'openshelf_session';
/** Readable by the page's script (not httpOnly) so it can send it back as the `x-csrf-token` header. */
export const CSRF_COOKIE = 'openshelf_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** Reads one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
