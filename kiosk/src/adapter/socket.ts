/**
 * Connects the kiosk page to its station daemon over socket.io and turns what arrives into store
 * events. socket.io reconnects by itself; we only have to forget the pupil while it does.
 */
import { io, type Socket } from 'socket.io-client';
import type { KioskClientToServer, KioskServerToClient } from '../../../core/protocol/kiosk-events.ts';
import { isCompletePin } from '../pin.ts';
import { applyEvent, type KioskStore, type Lang } from '../store.ts';

export type KioskSocket = Socket<KioskServerToClient, KioskClientToServer>;

export interface KioskActions {
  finish(): void;
  noSlip(): void;
  /** "Trả sách" on the idle (or goodbye) screen. */
  startReturn(): void;
  /** "Gia hạn" on a loan line; the daemon answers with a notice (renewed, or why not). */
  renew(barcode: string): void;
  /** A homeroom teacher's class-set switch. */
  forClass(on: boolean): void;
  /** Someone touched the screen: push the automatic logout back. Callers throttle (see touch.ts). */
  stillHere(): void;
  /** "Xong" on the PIN screen: sends the typed PIN (4–6 digits) and keeps nothing of it. */
  pin(digits: string): void;
  /** "Huỷ" on the PIN screen: back to idle without identifying. */
  cancel(): void;
  /** The VI/EN toggle: which language comes first. The page's own choice; the daemon never hears of it. */
  setLang(lang: Lang): void;
  close(): void;
}

/** Wires `socket` (default: same origin, default path) to `store`; retries refused connections every `retryMs` (default 2000). */
export function connectKiosk(store: KioskStore, socket: KioskSocket = io(), retryMs = 2000): KioskActions {
  let closed = false;
  const retry = () => setTimeout(() => closed || socket.connect(), retryMs);
  socket.on('connect', () => applyEvent(store, { type: 'connected' }));
  socket.on('disconnect', (reason) => {
    applyEvent(store, { type: 'disconnected' });
    // socket.io retries lost transports itself, but not a disconnect or refusal by the daemon
    // (e.g. while it restarts its session); a kiosk must never stay dark, so retry those too.
    if (reason === 'io server disconnect') retry();
  });
  socket.on('connect_error', () => {
    if (!socket.active) retry();
  });
  socket.on('meta', (meta) => applyEvent(store, { type: 'meta', meta }));
  socket.on('session', (view) => applyEvent(store, { type: 'session', view }));
  socket.on('today', (day) => applyEvent(store, { type: 'today', day }));
  return {
    finish: () => socket.emit('finish'),
    noSlip: () => {
      socket.emit('noSlip');
      applyEvent(store, { type: 'noSlipChosen' });
    },
    startReturn: () => socket.emit('startReturn'),
    renew: (barcode) => {
      // Once per loan and session: a second tap while the first is under way must not renew twice.
      if (store.renewRequested.value.includes(barcode)) return;
      applyEvent(store, { type: 'renewRequested', barcode });
      socket.emit('renew', barcode);
    },
    forClass: (on) => socket.emit('forClass', on),
    stillHere: () => socket.emit('stillHere'),
    pin: (digits) => {
      // Only a whole PIN, only while the daemon asks for one; the digits pass through, never stored.
      if (store.view.value.screen === 'pin' && isCompletePin(digits)) socket.emit('pin', digits);
    },
    cancel: () => {
      if (store.view.value.screen === 'pin') socket.emit('cancel');
    },
    setLang: (lang) => applyEvent(store, { type: 'setLang', lang }),
    close: () => {
      closed = true;
      socket.close();
    },
  };
}
