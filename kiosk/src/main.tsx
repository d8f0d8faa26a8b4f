// Wiring only: a store, the daemon's socket feeding it, the views rendering it.
import { render } from 'preact';
import { connectKiosk } from './adapter/socket.ts';
import { postSim } from './adapter/sim-api.ts';
import { createStore } from './store.ts';
import { App } from './view/App.tsx';
import './kiosk.css';

const store = createStore();
const actions = connectKiosk(store);
const root = document.getElementById('app');
if (root) render(<App store={store} onFinish={actions.finish} onNoSlip={actions.noSlip} postSim={postSim} />, root);
