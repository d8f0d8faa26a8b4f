// Wiring only: store, HTTP API, live socket, views.
import { render } from 'preact';
import { createApi } from './adapter/api.ts';
import { createSession } from './adapter/session.ts';
import { openLive } from './adapter/socket.ts';
import { installCsrfFetch } from './adapter/http.ts';
import { createStore } from './store.ts';
import { App } from './view/App.tsx';
import './dashboard.css';

// Before anything fetches: every same-origin POST/PUT/PATCH/DELETE carries the CSRF token.
installCsrfFetch(window as unknown as { fetch: typeof fetch } & Record<string, unknown>);
const store = createStore();
const session = createSession({ store, api: createApi(), openLive: (s, hooks) => openLive(s, hooks) });
const root = document.getElementById('app');
if (root) render(<App store={store} session={session} />, root);
void session.init();
