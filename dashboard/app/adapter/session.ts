/**
 * The librarian's session: check who is logged in, log in, load the first page, keep it live,
 * log out. Takes the API and the socket opener as arguments so it runs against fakes.
 */
import { ApiError, type Api } from './api.ts';
import type { DashboardSocket, LiveHooks } from './socket.ts';
import { applyEvent, EVENT_LIMIT, type DashboardStore } from '../store.ts';
import type { User } from '../types.ts';
import { t } from '../i18n.ts';

export interface SessionDeps {
  store: DashboardStore;
  api: Api;
  openLive(store: DashboardStore, hooks: LiveHooks): DashboardSocket;
  /** Milliseconds before asking a refused socket to try again; default 5000. */
  retryMs?: number;
}

export interface Session {
  init(): Promise<void>;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

export function createSession({ store, api, openLive, retryMs = 5000 }: SessionDeps): Session {
  let socket: DashboardSocket | null = null;

  /** Any 401 means the cookie is gone: back to the login form, with nothing left on screen. */
  function handle(err: unknown): void {
    if (err instanceof ApiError && err.unauthorized) endSession();
  }

  function endSession(): void {
    socket?.close();
    socket = null;
    applyEvent(store, { type: 'loggedOut' });
  }

  async function load(): Promise<void> {
    try {
      const [summary, rows, events] = await Promise.all([api.summary(), api.stations(), api.events(EVENT_LIMIT)]);
      applyEvent(store, { type: 'summary', summary });
      applyEvent(store, { type: 'stations', rows });
      applyEvent(store, { type: 'events', events });
    } catch (err) {
      handle(err);
    }
  }

  async function enter(user: User): Promise<void> {
    applyEvent(store, { type: 'user', user });
    // A one-time password: the page shows only the form to change it; the server refuses the rest.
    if (user.mustChange) return;
    socket = openLive(store, {
      onReconnect: () => void load(),
      onRefused: () => {
        api.me().then((u) => {
          if (!u) endSession();
          else setTimeout(() => socket?.connect(), retryMs);
        }, handle);
      },
    });
    await load();
  }

  return {
    async init() {
      let user: User | null;
      try {
        const [meta, me] = await Promise.all([api.meta(), api.me()]);
        applyEvent(store, { type: 'meta', meta });
        user = me;
      } catch {
        applyEvent(store, { type: 'user', user: null });
        applyEvent(store, { type: 'loginFailed', error: t.loginUnavailable });
        return;
      }
      if (user) await enter(user);
      else applyEvent(store, { type: 'user', user: null });
    },
    async login(username, password) {
      let user: User;
      try {
        user = await api.login(username, password);
      } catch (err) {
        const reason = err instanceof ApiError && err.reason ? err.reason : t.loginUnavailable;
        applyEvent(store, { type: 'loginFailed', error: reason });
        return;
      }
      await enter(user);
    },
    async logout() {
      // Clear the page first: even if the server cannot be reached, nothing stays on screen.
      endSession();
      await api.logout().catch(() => undefined);
    },
  };
}
