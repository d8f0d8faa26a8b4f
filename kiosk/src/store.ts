/**
 * The kiosk's whole state, as signals. `applyEvent` is the only writer and does no I/O, so every
 * rule about what the page may show (above all: no pupil data while disconnected) is tested
 * without a socket or a browser.
 */
import { batch, computed, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import { IDLE_VIEW, type SessionView, type StationMeta } from '../../core/protocol/kiosk-events.ts';

export type Connection = 'connecting' | 'connected' | 'reconnecting';

export interface KioskStore {
  view: Signal<SessionView>;
  meta: Signal<StationMeta | null>;
  connection: Signal<Connection>;
  /** The session in which the pupil pressed "no slip"; the protocol has no way to take it back. */
  noSlipSession: Signal<string | null>;
  /** True when the pupil has asked for no slip in the session on screen. */
  noSlip: ReadonlySignal<boolean>;
}

export type KioskEvent =
  | { type: 'session'; view: SessionView }
  | { type: 'meta'; meta: StationMeta }
  | { type: 'connected' }
  | { type: 'disconnected' }
  | { type: 'noSlipChosen' };

export function createStore(): KioskStore {
  const view = signal(IDLE_VIEW);
  const noSlipSession = signal<string | null>(null);
  const noSlip = computed(
    () => view.value.slip === 'skipped' || (view.value.sessionId !== null && noSlipSession.value === view.value.sessionId),
  );
  return { view, meta: signal(null), connection: signal('connecting'), noSlipSession, noSlip };
}

export function applyEvent(store: KioskStore, event: KioskEvent): void {
  batch(() => {
    switch (event.type) {
      case 'session': {
        const view = event.view;
        // The idle screen must never carry a previous pupil's data, even if the daemon sent some.
        store.view.value = view.screen === 'idle' ? { ...IDLE_VIEW, notice: view.notice, online: view.online } : view;
        if (store.noSlipSession.value !== view.sessionId) store.noSlipSession.value = null;
        break;
      }
      case 'meta':
        store.meta.value = event.meta;
        break;
      case 'connected':
        store.connection.value = 'connected';
        break;
      case 'disconnected':
        // Whatever the daemon does while we cannot hear it, the pupil on screen is no longer ours.
        store.connection.value = 'reconnecting';
        store.view.value = IDLE_VIEW;
        store.noSlipSession.value = null;
        break;
      case 'noSlipChosen':
        store.noSlipSession.value = store.view.value.sessionId;
        break;
    }
  });
}

