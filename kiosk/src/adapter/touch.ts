/**
 * Any touch on the page while someone is in session tells the daemon "still here", so the automatic
 * logout waits. At most one message per `intervalMs`, but the last touch of a burst is never lost
 * (it is sent when the interval ends), and a touch while the "Em còn ở đây không?" warning is up is
 * sent at once (at most one per 300 ms). The daemon logs out on its own clock whatever the page does; this only reports touches.
 */
import type { KioskStore } from '../store.ts';

export interface TouchOptions {
  /** Least time between two messages; default 2000 ms. */
  intervalMs?: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

const WARNING_GAP_MS = 300;

/** Listens for pointerdown on `target` (the document); returns a function that stops listening. */
export function watchTouches(target: EventTarget, store: KioskStore, stillHere: () => void, o: TouchOptions = {}): () => void {
  const intervalMs = o.intervalMs ?? 2000;
  const now = o.now ?? Date.now;
  const setTimer = o.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = o.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let last = -Infinity;
  let trailing: unknown = null;

  /** The session a touch counts for, or null when nobody is in session (idle, goodbye). */
  const sessionNow = () => {
    const v = store.view.value;
    return (v.screen === 'patron' || v.screen === 'return') && v.sessionId !== null ? v.sessionId : null;
  };
  const send = () => {
    last = now();
    stillHere();
  };

  const onTouch = () => {
    const session = sessionNow();
    if (session === null) return;
    const waited = now() - last;
    // While the warning is up, answer at once (a few taps before the daemon hears us are still few).
    const gap = store.view.value.idleWarning ? Math.min(intervalMs, WARNING_GAP_MS) : intervalMs;
    if (waited >= gap) {
      if (trailing !== null) clearTimer(trailing);
      trailing = null;
      send();
      return;
    }
    if (trailing !== null) return;
    trailing = setTimer(() => {
      trailing = null;
      // Only for the session that was touched: never extend the next pupil's session.
      if (sessionNow() === session) send();
    }, gap - waited);
  };

  target.addEventListener('pointerdown', onTouch, { capture: true, passive: true });
  return () => {
    target.removeEventListener('pointerdown', onTouch, { capture: true });
    if (trailing !== null) clearTimer(trailing);
    trailing = null;
  };
}
