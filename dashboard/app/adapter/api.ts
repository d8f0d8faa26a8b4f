/** The school server's HTTP API, as the dashboard uses it. The session cookie rides along by itself. */
import type { StationRow, TodaySummary } from '../../../core/protocol/dashboard-events.ts';
import type { LibraryEvent, Reason } from '../../../core/protocol/messages.ts';
import type { ServerMeta, User } from '../types.ts';
import { csrfToken } from './http.ts';

/** A non-2xx answer; `reason` is the server's {code, message_vi, message_en} when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: Reason | null,
  ) {
    super(reason?.message_en ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }

  get unauthorized(): boolean {
    return this.status === 401;
  }
}

export interface Api {
  meta(): Promise<ServerMeta>;
  /** The logged-in user, or null when the cookie is missing or expired. */
  me(): Promise<User | null>;
  login(username: string, password: string): Promise<User>;
  logout(): Promise<void>;
  summary(): Promise<TodaySummary>;
  stations(): Promise<StationRow[]>;
  /** Newest first. */
  events(limit: number): Promise<LibraryEvent[]>;
}

export function createApi(fetchFn: typeof fetch = (input, init) => fetch(input, init)): Api {
  async function request<T>(path: string, body?: unknown): Promise<T> {
    const res = await fetchFn(path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json', 'x-csrf-token': csrfToken() },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
    const data: unknown = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
    if (!res.ok) throw new ApiError(res.status, (data as { error?: Reason } | null)?.error ?? null);
    return data as T;
  }

  return {
    meta: () => request('/api/meta'),
    me: async () => {
      try {
        return await request<User>('/api/me');
      } catch (err) {
        if (err instanceof ApiError && err.unauthorized) return null;
        throw err;
      }
    },
    login: (username, password) => request('/api/login', { username, password }),
    logout: async () => {
      await request('/api/logout', {});
    },
    summary: () => request('/api/summary'),
    stations: () => request('/api/stations'),
    events: (limit) => request(`/api/events?limit=${limit}`),
  };
}
