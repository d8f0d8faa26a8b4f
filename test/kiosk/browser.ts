/**
 * Helpers for driving the kiosk page in Chromium, shared by the kiosk e2e tests, the screenshots
 * script and the bench: open a station's page at a size, wait for a screen, and read what the page
 * keeps (DOM, store, Web Storage, IndexedDB) after a pupil has gone.
 */
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import type { RunningStation } from '#station/station.ts';

export const SIZES = {
  small: { width: 800, height: 480 },
  medium: { width: 1280, height: 800 },
  large: { width: 1920, height: 1080 },
} as const;

/** Opens the station's kiosk page in a fresh browser context (no storage shared with other pages). */
export async function openKiosk(browser: Browser, station: RunningStation, size: { width: number; height: number } = SIZES.medium, o: { recordTones?: boolean } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: size });
  if (o.recordTones) await page.addInitScript(RECORD_TONES);
  await page.goto(`http://127.0.0.1:${station.httpPort}/`);
  await page.locator('[data-testid=screen]').waitFor();
  return page;
}

/**
 * Records the frequency (Hz) of every Web Audio oscillator the page starts into window.__tones, so
 * a test hears the kiosk's sounds without speakers. Runs before the page's own scripts.
 */
const RECORD_TONES = `(() => {
  const w = window;
  w.__tones = [];
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) {
    w.__tones.push(this.frequency.value);
    return start.apply(this, args);
  };
})();`;

/** The tones the page played so far (see openKiosk's recordTones). */
export function tones(page: Page): Promise<number[]> {
  return page.evaluate(() => [...((globalThis as { __tones?: number[] }).__tones ?? [])]);
}

/** Waits until the page shows `name` (idle, pin, patron, return, finished). */
export function onScreen(page: Page, name: string, timeout = 15000): Promise<void> {
  return page.locator(`[data-testid=screen][data-screen=${name}]`).waitFor({ timeout });
}

/** Real HID bytes into the station's simulated card reader / scanner. */
export const tapCard = (station: RunningStation, code: string) => station.sim!.card!.type(code);
export const scanBook = (station: RunningStation, code: string) => station.sim!.scanner!.type(code);

/** Folds the simulator panel away (sim mode only), as a pupil's screen would have none. */
export async function hideSimPanel(page: Page): Promise<void> {
  await page.addStyleTag({ content: '[data-testid=sim-panel]{display:none !important}' });
}

/** What the page keeps of anything, everywhere a page can keep it. */
export interface PageMemory {
  /** The document's HTML without the simulator panel. */
  html: string;
  local: number;
  session: number;
  indexedDb: string[];
  cookies: string;
  /** The store's signals, as JSON. */
  store: string;
}

export async function pageMemory(page: Page): Promise<PageMemory> {
  return page.evaluate(async () => {
    const store = (globalThis as { __openshelfKiosk?: Record<string, { value: unknown }> }).__openshelfKiosk ?? {};
    const snapshot = Object.fromEntries(Object.entries(store).map(([k, s]) => [k, s.value]));
    const dbs = typeof indexedDB.databases === 'function' ? await indexedDB.databases() : [];
    return {
      // The whole document but the simulator panel (sim mode only), whose quick buttons carry demo codes.
      html: (() => {
        const copy = document.documentElement.cloneNode(true) as HTMLElement;
        copy.querySelector('[data-testid=sim-panel]')?.remove();
        return copy.outerHTML;
      })(),
      local: localStorage.length,
      session: sessionStorage.length,
      indexedDb: dbs.map((d) => d.name ?? ''),
      cookies: document.cookie,
      store: JSON.stringify(snapshot),
    };
  });
}

/** Serious and critical axe-core violations on the page as it is now (axe injected from node_modules). */
export async function axeViolations(page: Page): Promise<{ id: string; impact: string; help: string; nodes: string[] }[]> {
  const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
}
