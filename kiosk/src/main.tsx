// Wiring only: a store, the daemon's socket feeding it, touches reported to it, the views rendering it.
import { render } from 'preact';
import { connectKiosk } from './adapter/socket.ts';
import { postSim } from './adapter/sim-api.ts';
import { watchTouches } from './adapter/touch.ts';
import { createStore } from './store.ts';
import { App } from './view/App.tsx';
import './kiosk.css';

const store = createStore();
const actions = connectKiosk(store);
watchTouches(document, store, actions.stillHere);
const root = document.getElementById('app');
if (root) render(<App store={store} actions={actions} postSim={postSim} />, root);
