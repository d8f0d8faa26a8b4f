/**
 * The automatic logout in a real Chromium, with the receipt choice still open (books lent, neither
 * "Không in phiếu" nor "Xong" pressed) and after the pupil declined the slip: the daemon ends the
 * session on its own clock, prints (or not) as the pupil chose, and afterwards nothing of the pupil
 * is left in the page: not in the DOM, the store, localStorage, sessionStorage, IndexedDB or cookies.
 * (Extends kiosk-flows' warning test, which covers the touch that keeps the session.)
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { sharedChromium } from '#test/chromium.ts';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';
import type { RunningStation } from '#station/station.ts';
import { onScreen, openKiosk, pageMemory, scanBook, tapCard } from '../kiosk/browser.ts';

const PUPIL = '20001000000012';
const BOOKS = ['30001000000101', '30001000000200'];

describe('kiosk automatic logout in Chromium', function () {
  this.timeout(120000);
  let school: TestSchool;
  let browser: Browser;
  let st: RunningStation;
  const pages: Page[] = [];

  before(async function () {
    browser = await sharedChromium(this);
    const config = await testConfig();
    config.stations[0]!.idleTimeoutSec = 5;
    config.stations[0]!.idleWarningSec = 3;
    school = await startSchool(config, ['kiosk-1']);
    st = school.stations[0]!;
  });
  after(async () => {
    for (const p of pages) await p.close().catch(() => undefined);
    await school?.stop();
  });

  const pupilName = () => school.server.library.patronByIdentifier(PUPIL)!.fullName;

  /** Borrows `barcode` on the page; returns the title shown. */
  async function borrow(page: Page, barcode: string): Promise<string> {
    await scanBook(st, barcode);
    const line = page.locator(`[data-testid=item-line][data-barcode="${barcode}"][data-state=ok]`);
    await line.waitFor();
    return (await line.locator('[data-testid=item-title]').innerText()).trim();
  }

  /** Nothing of the pupil anywhere the page can keep something. */
  async function assertNothingLeft(page: Page, secrets: string[]): Promise<void> {
    const m = await pageMemory(page);
    for (const s of secrets) {
      assert.ok(!m.html.includes(s), `DOM holds "${s}"`);
      assert.ok(!m.store.includes(s), `store holds "${s}"`);
    }
    assert.match(m.store, /"patron":null/, 'the store has the idle view');
    assert.deepEqual({ local: m.local, session: m.session, indexedDb: m.indexedDb, cookies: m.cookies }, { local: 0, session: 0, indexedDb: [], cookies: '' });
  }

  it('logs out with the receipt choice open: the slip prints and the pupil is gone from the page', async () => {
    const page = await openKiosk(browser, st, { width: 800, height: 480 });
    pages.push(page);
    const jobs = st.printerSim!.jobs.length;
    await tapCard(st, PUPIL);
    await onScreen(page, 'patron');
    const titles = [await borrow(page, BOOKS[0]!), await borrow(page, BOOKS[1]!)];
    // The choice is open: "Không in phiếu" not pressed.
    assert.equal(await page.locator('[data-testid=no-slip]').getAttribute('aria-pressed'), 'false');
    await page.locator('[data-testid=idle-warning]').waitFor({ timeout: 8000 });

    await onScreen(page, 'finished', 10000);
    assert.equal(await page.locator('[data-testid=slip]').getAttribute('data-slip'), 'printed', 'nobody declined: the slip prints');
    await waitUntil(() => st.printerSim!.jobs.length === jobs + 1, 5000, 'one slip job');
    // The goodbye screen keeps the books just lent (the due dates), never the name.
    const goodbye = await pageMemory(page);
    assert.ok(!goodbye.html.includes(pupilName()) && !goodbye.store.includes(pupilName()));

    await onScreen(page, 'idle', 10000);
    await assertNothingLeft(page, [pupilName(), ...titles, ...BOOKS]);
  });

  it('logs out after "Không in phiếu": no slip, and nothing left either', async () => {
    // Bring the books back first, so the pupil may borrow again.
    await st.session.startReturn();
    for (const b of BOOKS) await scanBook(st, b);
    await waitUntil(() => st.session.view.items.filter((i) => i.state === 'ok').length === 2, 10000, 'books returned');
    await st.session.finish();
    await waitUntil(() => st.session.view.screen === 'idle', 10000, 'idle');

    const page = await openKiosk(browser, st, { width: 1920, height: 1080 });
    pages.push(page);
    const jobs = st.printerSim!.jobs.length;
    await tapCard(st, PUPIL);
    await onScreen(page, 'patron');
    const title = await borrow(page, BOOKS[0]!);
    await page.click('[data-testid=no-slip]');
    await page.locator('[data-testid=no-slip][aria-pressed=true]').waitFor();
    await page.locator('[data-testid=idle-warning]').waitFor({ timeout: 8000 });
    await onScreen(page, 'finished', 10000);
    assert.equal(await page.locator('[data-testid=slip]').getAttribute('data-slip'), 'skipped');
    await onScreen(page, 'idle', 10000);
    assert.equal(st.printerSim!.jobs.length, jobs, 'nothing printed');
    await assertNothingLeft(page, [pupilName(), title, BOOKS[0]!]);
  });
});
