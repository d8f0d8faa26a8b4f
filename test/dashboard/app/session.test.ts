import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { ApiError, type Api } from '../../../dashboard/app/adapter/api.ts';
import { createSession } from '../../../dashboard/app/adapter/session.ts';
import { openLive, type DashboardSocket } from '../../../dashboard/app/adapter/socket.ts';
import { createStore, type DashboardStore } from '../../../dashboard/app/store.ts';
import { checkout, station, SUMMARY } from './fixtures.ts';

/** Stands in for socket.io: `fire` plays the server. */
class FakeSocket extends EventEmitter {
  active = true;
  closed = false;
  connects = 0;
  fire(event: string, ...args: unknown[]) {
    this.emit(event, ...args);
  }
  close() {
    this.closed = true;
  }
  connect() {
    this.connects++;
  }
}

const USER = { username: 'thuvien', role: 'librarian' };

function fakeApi(over: Partial<Api> = {}): Api & { calls: string[] } {
  const calls: string[] = [];
  const api: Api = {
    meta: async () => ({ mode: 'sim', schoolName: 'THCS Demo', demoLogins: [{ username: 'thuvien', password: 'thuvien', role: 'librarian' }] }),
    me: async () => null,
    login: async (u, p) => {
      if (p !== 'thuvien') throw new ApiError(401, { code: 'bad_login', message_vi: 'Sai tên hoặc mật khẩu', message_en: 'Wrong username or password' });
      return { username: u, role: 'librarian' };
    },
    logout: async () => undefined,
    summary: async () => SUMMARY,
    stations: async () => [station('kiosk-1')],
    events: async () => [checkout('1', 1)],
    ...over,
  };
  for (const [name, fn] of Object.entries(api) as [keyof Api, (...a: unknown[]) => Promise<unknown>][]) {
    (api as unknown as Record<string, unknown>)[name] = (...a: unknown[]) => {
      calls.push(name);
      return fn(...a);
    };
  }
  return Object.assign(api, { calls });
}

function setup(over: Partial<Api> = {}) {
  const store = createStore();
  const api = fakeApi(over);
  const sockets: FakeSocket[] = [];
  const session = createSession({
    store,
    api,
    retryMs: 0,
    openLive: (s: DashboardStore, hooks) => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return openLive(s, hooks, socket as unknown as DashboardSocket);
    },
  });
  return { store, api, sockets, session };
}

describe('dashboard session', () => {
  it('shows the login form when nobody is logged in, without opening the socket', async () => {
    const { store, sockets, session } = setup();
    await session.init();
    assert.equal(store.ready.value, true);
    assert.equal(store.user.value, null);
    assert.equal(store.meta.value?.demoLogins?.length, 1);
    assert.equal(sockets.length, 0);
  });

  it('a wrong password shows the server message and opens nothing', async () => {
    const { store, sockets, session } = setup();
    await session.init();
    await session.login('thuvien', 'nope');
    assert.equal(store.loginError.value?.message_vi, 'Sai tên hoặc mật khẩu');
    assert.equal(sockets.length, 0);
  });

  it('with a one-time password opens nothing but the password form, then the page once it is changed', async () => {
    let changed = false;
    const { store, api, sockets, session } = setup({
      login: async (u) => ({ username: u, role: 'admin', mustChange: true }),
      me: async () => (changed ? { username: 'admin', role: 'admin', mustChange: false } : null),
    });
    await session.init();
    await session.login('admin', 'abcd-efgh-jkmn-pqrs');
    assert.equal(store.user.value?.mustChange, true);
    assert.equal(sockets.length, 0);
    assert.equal(api.calls.includes('summary'), false);
    changed = true;
    await session.init();
    assert.equal(store.user.value?.mustChange, false);
    assert.equal(sockets.length, 1);
    assert.equal(store.summary.value?.loans, 42);
  });

  it('after login loads the first page and goes live', async () => {
    const { store, sockets, session } = setup();
    await session.init();
    await session.login('thuvien', 'thuvien');
    assert.deepEqual(store.user.value, USER);
    assert.equal(store.summary.value?.loans, 42);
    assert.equal(store.stations.value.length, 1);
    assert.equal(store.events.value.length, 1);
    const socket = sockets[0];
    assert.ok(socket);
    socket.fire('connect');
    socket.fire('event', checkout('2', 2));
    socket.fire('summary', { ...SUMMARY, loans: 43 });
    assert.equal(store.live.value, 'connected');
    assert.deepEqual(
      store.events.value.map((e) => e.id),
      ['2', '1'],
    );
    assert.equal(store.summary.value?.loans, 43);
  });

  it('refetches after a reconnect, since nothing was pushed meanwhile', async () => {
    const { api, sockets, session } = setup({ me: async () => USER });
    await session.init();
    const socket = sockets[0]!;
    socket.fire('connect');
    const before = api.calls.filter((c) => c === 'events').length;
    socket.fire('disconnect');
    socket.fire('connect');
    await new Promise((r) => setImmediate(r));
    assert.equal(api.calls.filter((c) => c === 'events').length, before + 1);
  });

  it('logout clears the page and closes the socket even when the server is unreachable', async () => {
    const { store, sockets, session } = setup({
      me: async () => USER,
      logout: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    await session.init();
    await session.logout();
    assert.equal(store.user.value, null);
    assert.equal(store.summary.value, null);
    assert.deepEqual(store.events.value, []);
    assert.equal(sockets[0]?.closed, true);
  });

  it('an expired cookie while loading sends the librarian back to the login form', async () => {
    const { store, session } = setup({
      me: async () => USER,
      summary: async () => {
        throw new ApiError(401, null);
      },
    });
    await session.init();
    assert.equal(store.user.value, null);
  });

  it('a refused socket ends the session when the cookie is gone, and retries when it is not', async () => {
    let loggedIn = true;
    const { store, sockets, session } = setup({ me: async () => (loggedIn ? USER : null) });
    await session.init();
    const socket = sockets[0]!;
    socket.active = false;
    socket.fire('connect_error', new Error('refused'));
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(socket.connects, 1);
    loggedIn = false;
    socket.fire('connect_error', new Error('unauthorized'));
    await new Promise((r) => setImmediate(r));
    assert.equal(store.user.value, null);
    assert.equal(socket.closed, true);
  });

  it('says so when the server cannot be reached at start', async () => {
    const { store, session } = setup({
      meta: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    await session.init();
    assert.equal(store.ready.value, true);
    assert.equal(store.loginError.value?.code, 'server_unreachable');
  });
});
