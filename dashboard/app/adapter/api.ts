/** The school server's HTTP API, as the dashboard uses it. The session cookie rides along by itself. */
import type { StationRow, TodaySummary } from '../../../core/protocol/dashboard-events.ts';
import type { LibraryEvent, Reason } from '../../../core/protocol/messages.ts';
import type { ServerMeta, User } from '../types.ts';
import { requestJson } from './http.ts';

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
  const request = <T>(path: string, body?: unknown): Promise<T> => requestJson<T>(fetchFn, body === undefined ? 'GET' : 'POST', path, body);

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
