/**
 * Same-origin JSON calls for the dashboard's pages, with the session's CSRF token on every request
 * that changes something. The token is the `openshelf_csrf` cookie the server set at login
 * (double submit: the server compares it with the session's own copy).
 */
import type { Reason } from '../../../core/protocol/messages.ts';
import { ApiError } from './api.ts';

const CSRF_COOKIE = 'openshelf_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** The CSRF token from document.cookie, '' when logged out or outside a browser. */
export function csrfToken(cookie: string = typeof document === 'undefined' ? '' : document.cookie): string {
  for (const part of cookie.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === CSRF_COOKIE) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return '';
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Wraps fetch so every same-origin state-changing request carries the CSRF header, whoever calls fetch. */
export function withCsrf(fetchFn: typeof fetch, token: () => string = () => csrfToken(), origin = typeof location === 'undefined' ? '' : location.origin): typeof fetch {
  return (input, init = {}) => {
    const method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const sameOrigin = url.startsWith('/') || (origin !== '' && url.startsWith(origin));
    if (SAFE.has(method) || !sameOrigin) return fetchFn(input, init);
    const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
    if (!headers.has(CSRF_HEADER)) headers.set(CSRF_HEADER, token());
    return fetchFn(input, { ...init, headers, credentials: init.credentials ?? 'same-origin' });
  };
}

/** Installs withCsrf on window.fetch once (views that call fetch directly get it too). */
export function installCsrfFetch(win: { fetch: typeof fetch } & Record<string, unknown>): void {
  if (win.__openshelfCsrf) return;
  win.__openshelfCsrf = true;
  win.fetch = withCsrf(win.fetch.bind(win));
}

/**
 * One same-origin JSON request: the body as JSON, the CSRF header on a state-changing method, the
 * server's {error: Reason} thrown as an ApiError on a non-2xx answer.
 */
export async function requestJson<T>(fetchFn: typeof fetch, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  if (!SAFE.has(method)) headers[CSRF_HEADER] = csrfToken();
  const res = await fetchFn(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const data: unknown = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
  if (!res.ok) throw new ApiError(res.status, (data as { error?: Reason } | null)?.error ?? null);
  return data as T;
}

const call = <T>(method: string, path: string, body?: unknown) => requestJson<T>((input, init) => fetch(input, init), method, path, body);

export const getJson = <T>(path: string) => call<T>('GET', path);
export const sendJson = <T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body: unknown = {}) => call<T>(method, path, body);
