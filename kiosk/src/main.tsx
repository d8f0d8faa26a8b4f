// Wiring only: a store, the daemon's socket feeding it, touches reported to it, sounds and guards, the views rendering it.
import { effect } from '@preact/signals';
import { render } from 'preact';
import { lockDown } from './adapter/lockdown.ts';
import { connectKiosk } from './adapter/socket.ts';
import { postSim } from './adapter/sim-api.ts';
import { createSounds } from './adapter/sound.ts';
import { watchTouches } from './adapter/touch.ts';
import { soundFor } from './sound-cues.ts';
import { createStore } from './store.ts';
import { App } from './view/App.tsx';
import './kiosk.css';

const store = createStore();
// Read-only window onto the store for the browser tests and the bench: it holds nothing the screen does not show.
(globalThis as { __openshelfKiosk?: unknown }).__openshelfKiosk = store;
const actions = connectKiosk(store);
watchTouches(document, store, actions.stillHere);
lockDown(document);

const sounds = createSounds();
document.addEventListener('pointerdown', () => sounds.unlock(), { capture: true, passive: true });
let shown = store.view.peek();
effect(() => {
  const next = store.view.value;
  const cue = soundFor(shown, next);
  shown = next;
  if (cue) sounds.play(cue);
});
effect(() => {
  document.documentElement.lang = store.lang.value;
});

// The page's own files, kept for a load while the daemon is down (see sw.ts); an error here changes nothing else.
if ('serviceWorker' in navigator) void navigator.serviceWorker.register('sw.js').catch(() => undefined);

const root = document.getElementById('app');
if (root) render(<App store={store} actions={actions} postSim={postSim} />, root);
