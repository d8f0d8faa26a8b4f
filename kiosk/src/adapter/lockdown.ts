/**
 * Nothing a pupil does on the touchscreen may leave the app: no long-press menu, no dragging an
 * image or text out, no selection, no pinch or ctrl+wheel zoom, no link or form that navigates
 * away. CSS already turns off selection and double-tap zoom (kiosk.css); this covers the events.
 */

/** Installs the guards on `doc`; returns a function that removes them. */
export function lockDown(doc: Document): () => void {
  const win = doc.defaultView;
  const prevent = (e: Event) => e.preventDefault();
  const pinch = (e: TouchEvent) => {
    if (e.touches.length > 1) e.preventDefault();
  };
  const zoomWheel = (e: WheelEvent) => {
    if (e.ctrlKey) e.preventDefault();
  };
  // The app has no links; should one ever appear (a title with a URL, say), it goes nowhere.
  const leave = (e: MouseEvent) => {
    const a = (e.target as Element | null)?.closest?.('a[href]');
    if (a) e.preventDefault();
  };
  const keys = (e: KeyboardEvent) => {
    // A keyboard is never needed; one plugged in must not zoom, print, save or open anything.
    if ((e.ctrlKey || e.metaKey) && /^[-+=0psoPSOnNtTwW]$/.test(e.key)) e.preventDefault();
  };
  const opts = { capture: true, passive: false } as const;
  const listeners: [EventTarget, string, EventListener][] = [
    [doc, 'contextmenu', prevent],
    [doc, 'dragstart', prevent],
    [doc, 'selectstart', prevent],
    [doc, 'gesturestart', prevent],
    [doc, 'touchmove', pinch as EventListener],
    [doc, 'click', leave as EventListener],
    [doc, 'auxclick', prevent],
    [doc, 'keydown', keys as EventListener],
  ];
  if (win) listeners.push([win, 'wheel', zoomWheel as EventListener]);
  for (const [target, type, fn] of listeners) target.addEventListener(type, fn, opts);
  return () => {
    for (const [target, type, fn] of listeners) target.removeEventListener(type, fn, opts);
  };
}
