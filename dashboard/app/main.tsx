// Wiring only: store, HTTP API, live socket, views.
import { render } from 'preact';
import { createApi } from './adapter/api.ts';
import { createSession } from './adapter/session.ts';
import { openLive } from './adapter/socket.ts';
import { createStore } from './store.ts';
import { App } from './view/App.tsx';
import './dashboard.css';

const store = createStore();
const session = createSession({ store, api: createApi(), openLive: (s, hooks) => openLive(s, hooks) });
const root = document.getElementById('app');
if (root) render(<App store={store} session={session} />, root);
void session.init();
