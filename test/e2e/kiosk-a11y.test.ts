/**
 * Every kiosk screen in a real Chromium, checked by axe-core (no serious or critical violation), in
 * Vietnamese and with English first; the VI/EN toggle on every screen (a full touch target), the
 * pupil's choice gone at logout; and nothing a pupil taps leaves the app.
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { sharedChromium } from '#test/chromium.ts';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';
import type { RunningStation } from '#station/station.ts';
import { axeViolations, onScreen, openKiosk, scanBook, tapCard } from '../kiosk/browser.ts';

const PUPIL = '20001000000012';
const TEACHER = '20001000090013';
const BOOK = '30001000000101';
const REFERENCE_ONLY = '30001000001406';

describe('kiosk accessibility, language toggle and lockdown in Chromium', function () {
  this.timeout(150000);
  let school: TestSchool;
  let browser: Browser;
  const pages: Page[] = [];

  before(async function () {
    browser = await sharedChromium(this);
    const config = await testConfig();
    config.server!.requirePinFor = ['teacher'];
    // kiosk-2 warns at once and logs out after 5 s, for the "still there?" overlay.
    config.stations[1]!.idleTimeoutSec = 5;
    config.stations[1]!.idleWarningSec = 5;
    school = await startSchool(config, ['kiosk-1', 'kiosk-2']);
  });
  after(async () => {
    for (const p of pages) await p.close().catch(() => undefined);
    await school?.stop();
  });

  const k1 = () => school.stations[0]!;
  const k2 = () => school.stations[1]!;
  async function open(st: RunningStation, width = 1280, height = 800): Promise<Page> {
    const page = await openKiosk(browser, st, { width, height });
    pages.push(page);
    return page;
  }
  async function idle(st: RunningStation): Promise<void> {
    if (st.session.view.screen === 'pin') await st.session.cancel();
    await st.session.finish();
    await waitUntil(() => st.session.view.screen === 'idle', 10000, 'idle');
  }
  async function assertAccessible(page: Page, what: string): Promise<void> {
    const v = await axeViolations(page);
    assert.deepEqual(v, [], `${what}: ${JSON.stringify(v, null, 1)}`);
  }
  async function setLang(page: Page, want: 'vi' | 'en'): Promise<void> {
    await page.click(`[data-testid=lang-${want}]`);
    await page.locator(`[data-testid=lang-toggle][data-lang=${want}]`).waitFor();
  }
  /** The toggle is there, a full touch target inside the screen, and the screen's first lines are in `want`. */
  async function assertToggle(page: Page, want: 'vi' | 'en', what: string): Promise<void> {
    const vp = page.viewportSize()!;
    for (const l of ['vi', 'en']) {
      const box = await page.locator(`[data-testid=lang-${l}]`).boundingBox();
      assert.ok(box && box.height >= 48 && box.width >= 48, `${what}: ${l} button is ${JSON.stringify(box)}`);
      assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= vp.width && box.y + box.height <= vp.height, `${what}: ${l} button on screen`);
      assert.equal(await page.locator(`[data-testid=lang-${l}]`).getAttribute('aria-pressed'), String(l === want));
    }
    const firsts = await page.locator('[data-testid=screen] .bi').evaluateAll((els) => els.map((e) => e.firstElementChild?.getAttribute('lang')));
    assert.ok(firsts.length > 0 && firsts.every((l) => l === want), `${what}: every line starts in ${want}: ${firsts.join(',')}`);
    assert.equal(await page.evaluate(() => document.documentElement.lang), want);
  }

  it('every screen passes axe in both languages, with the toggle on it', async () => {
    await idle(k1());
    const page = await open(k1());
    const check = async (what: string) => {
      for (const l of ['vi', 'en'] as const) {
        await setLang(page, l);
        await assertToggle(page, l, `${what} (${l})`);
        await assertAccessible(page, `${what} (${l})`);
      }
      await setLang(page, 'vi');
    };
    await onScreen(page, 'idle');
    await page.locator('[data-testid=today]').waitFor();
    await check('idle');

    await tapCard(k1(), PUPIL);
    await onScreen(page, 'patron');
    await scanBook(k1(), BOOK);
    await page.locator(`[data-testid=item-line][data-barcode="${BOOK}"][data-state=ok]`).waitFor();
    await check('borrowing');
    await scanBook(k1(), REFERENCE_ONLY);
    await page.locator('[data-testid=notice][data-code=REFERENCE_ONLY]').waitFor();
    await check('borrowing with an error');
    await page.click('[data-testid=finish]');
    await onScreen(page, 'finished');
    await assertAccessible(page, 'goodbye');
    await page.click('[data-testid=start-return]');
    await onScreen(page, 'return');
    await scanBook(k1(), BOOK);
    await page.locator(`[data-testid=item-line][data-barcode="${BOOK}"][data-state=ok]`).waitFor();
    await check('return');
    await page.click('[data-testid=finish]');
    await onScreen(page, 'finished');
    await onScreen(page, 'idle');

    await tapCard(k1(), TEACHER);
    await onScreen(page, 'pin');
    await check('pin');
    await page.click('[data-testid=pin-cancel]');
    await onScreen(page, 'idle');

    await idle(k2());
    const p2 = await open(k2());
    await tapCard(k2(), PUPIL);
    await onScreen(p2, 'patron');
    await p2.locator('[data-testid=idle-warning]').waitFor({ timeout: 8000 });
    await assertAccessible(p2, 'still there?');
  });

  it("the pupil's language lasts the session and the goodbye, and is Vietnamese again for the next pupil", async () => {
    await idle(k1());
    const page = await open(k1(), 800, 480);
    await tapCard(k1(), PUPIL);
    await onScreen(page, 'patron');
    await setLang(page, 'en');
    await assertToggle(page, 'en', 'patron');
    assert.match(await page.locator('.hello').innerText(), /^Hello, [\s\S]*Xin chào/);
    await page.click('[data-testid=finish]');
    await onScreen(page, 'finished');
    await assertToggle(page, 'en', 'goodbye');
    await onScreen(page, 'idle');
    await assertToggle(page, 'vi', 'idle after logout');

    // Toggled, then the same pupil's card ends the session (no button at all): Vietnamese again.
    await tapCard(k1(), PUPIL);
    await onScreen(page, 'patron');
    await setLang(page, 'en');
    await tapCard(k1(), TEACHER); // another card takes over
    await onScreen(page, 'pin');
    await assertToggle(page, 'vi', 'the next card');
    await page.click('[data-testid=pin-cancel]');
    await onScreen(page, 'idle');
  });

  it('nothing a pupil taps can leave the app: no links, no context menu, no selection, no zoom', async () => {
    await idle(k1());
    const page = await open(k1());
    await tapCard(k1(), PUPIL);
    await onScreen(page, 'patron');
    // Sent as a string: tsx names the test's inner functions with a helper the page does not have.
    const probe = await page.evaluate(`(() => {
      const screen = document.querySelector('[data-testid=screen]');
      function fire(e, target) { (target || screen).dispatchEvent(e); return e.defaultPrevented; }
      const meta = document.querySelector('meta[name=viewport]')?.getAttribute('content') ?? '';
      return {
        links: document.querySelectorAll('a[href], area[href], form[action], iframe').length,
        contextMenu: fire(new MouseEvent('contextmenu', { bubbles: true, cancelable: true })),
        drag: fire(new DragEvent('dragstart', { bubbles: true, cancelable: true })),
        select: fire(new Event('selectstart', { bubbles: true, cancelable: true })),
        ctrlWheel: fire(new WheelEvent('wheel', { bubbles: true, cancelable: true, ctrlKey: true }), window),
        ctrlPlus: fire(new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ctrlKey: true, key: '+' })),
        userSelect: getComputedStyle(screen).userSelect,
        noZoom: /user-scalable=no/.test(meta) && /maximum-scale=1/.test(meta),
      };
    })()`);
    assert.deepEqual(probe, { links: 0, contextMenu: true, drag: true, select: true, ctrlWheel: true, ctrlPlus: true, userSelect: 'none', noZoom: true });

    // A link that should somehow appear goes nowhere: its click is cancelled before the browser follows it.
    const url = page.url();
    const followed = await page.evaluate(`(() => {
      const a = document.createElement('a');
      a.href = 'https://example.org/';
      a.textContent = 'away';
      document.querySelector('[data-testid=screen]').append(a);
      let prevented = false;
      // Bubble phase on window: runs after every handler of the page, just before the default action.
      function seen(e) { prevented = e.defaultPrevented; }
      window.addEventListener('click', seen);
      a.click();
      window.removeEventListener('click', seen);
      a.remove();
      return !prevented;
    })()`);
    assert.equal(followed, false);
    assert.equal(page.url(), url);
    await page.click('[data-testid=finish]');
    await onScreen(page, 'finished');
  });
});
