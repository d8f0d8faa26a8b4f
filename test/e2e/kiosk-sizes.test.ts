/**
 * Checkout, renew and return by simulated devices in a real Chromium at the smallest (the official
 * 7" Pi touchscreen, 800×480) and the largest supported screen (1920×1080): on each screen of the
 * flow every button is on screen, at least 48 px and not covered, and nothing scrolls sideways.
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { sharedChromium } from '#test/chromium.ts';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';
import type { RunningStation } from '#station/station.ts';
import { onScreen, openKiosk, scanBook, SIZES, tapCard } from '../kiosk/browser.ts';

const PUPIL = '20001000000012';

describe('kiosk checkout, renew and return at 800×480 and 1920×1080 in Chromium', function () {
  this.timeout(150000);
  let school: TestSchool;
  let browser: Browser;
  let st: RunningStation;
  const pages: Page[] = [];

  before(async function () {
    browser = await sharedChromium(this);
    school = await startSchool(await testConfig(), ['kiosk-1']);
    st = school.stations[0]!;
  });
  after(async () => {
    for (const p of pages) await p.close().catch(() => undefined);
    await school?.stop();
  });

  function openLoan(barcode: string): { id: number; due_date: string; renewals: number } | undefined {
    return school.server.db
      .prepare(`SELECT l.id, l.due_date, l.renewals FROM loans l JOIN copies c ON c.id = l.copy_id WHERE c.barcode = ? AND l.returned_at IS NULL`)
      .get(barcode) as { id: number; due_date: string; renewals: number } | undefined;
  }
  const ddmmyyyy = (d: string) => d.split('-').reverse().join('/');

  /** Every button on the page (screen, header, overlay) is a full touch target, inside the viewport and not covered; no sideways scrolling. */
  async function assertFits(page: Page, what: string): Promise<void> {
    const vp = page.viewportSize()!;
    const buttons = page.locator('.kiosk button:not([data-testid=sim-panel] button)');
    const n = await buttons.count();
    assert.ok(n > 0, `${what}: buttons`);
    for (let i = 0; i < n; i++) {
      const b = buttons.nth(i);
      const id = (await b.getAttribute('data-testid')) ?? (await b.innerText());
      const box = await b.boundingBox();
      assert.ok(box, `${what}: ${id} rendered`);
      assert.ok(box.height >= 48 && box.width >= 48, `${what}: ${id} is ${box.width}×${box.height}`);
      assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= vp.width + 0.5 && box.y + box.height <= vp.height + 0.5, `${what}: ${id} inside ${vp.width}×${vp.height}: ${JSON.stringify(box)}`);
      const hit = await b.evaluate((el) => {
        const r = el.getBoundingClientRect();
        const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return top !== null && el.contains(top);
      });
      assert.ok(hit, `${what}: ${id} is not covered`);
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${what}: scrolls sideways by ${overflow} px`);
  }

  for (const [size, book] of [
    [SIZES.small, '30001000000101'],
    [SIZES.large, '30001000000200'],
  ] as const) {
    it(`${size.width}×${size.height}: borrows, renews and returns a book`, async () => {
      await st.session.finish();
      await waitUntil(() => st.session.view.screen === 'idle', 10000, 'idle');
      const page = await openKiosk(browser, st, size);
      pages.push(page);
      await page.locator('[data-testid=today]').waitFor();
      await assertFits(page, 'idle');

      // Checkout.
      await tapCard(st, PUPIL);
      await onScreen(page, 'patron');
      await scanBook(st, book);
      const line = page.locator(`[data-testid=item-line][data-barcode="${book}"][data-state=ok]`);
      await line.waitFor();
      const loan = openLoan(book)!;
      assert.ok(loan, 'lent on the server');
      assert.match(await line.locator('[data-testid=item-due]').innerText(), new RegExp(ddmmyyyy(loan.due_date)));
      assert.ok(await line.locator('[data-testid=item-title]').isVisible());
      await assertFits(page, 'borrowing');
      // More lines than the small screen holds: the newest one is scrolled into the child's view.
      for (const other of ['30001000001406', '30001000999997']) {
        await scanBook(st, other);
        await page.locator(`[data-testid=item-line][data-barcode="${other}"][data-state=refused]`).waitFor();
        const seen = await page.locator(`[data-testid=item-line][data-barcode="${other}"]`).evaluate((el) => {
          const r = el.getBoundingClientRect();
          const box = el.closest('.session-items')!.getBoundingClientRect();
          return r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.bottom <= window.innerHeight;
        });
        assert.ok(seen, `the newest line (${other}) is in view`);
      }
      await page.click('[data-testid=finish]');
      await onScreen(page, 'finished');
      await assertFits(page, 'goodbye');

      // Renew: as if borrowed a day earlier, so renewing moves the due date.
      school.server.db.prepare(`UPDATE loans SET due_date = date(due_date, '-1 day') WHERE id = ?`).run(loan.id);
      await tapCard(st, PUPIL);
      await onScreen(page, 'patron');
      const renew = page.locator(`[data-testid=renew][data-barcode="${book}"]`);
      await renew.waitFor();
      await assertFits(page, 'loans');
      await renew.click();
      await page.locator('[data-testid=notice][data-code=RENEWED]').waitFor();
      const renewed = openLoan(book)!;
      assert.equal(renewed.renewals, 1);
      assert.equal(renewed.due_date, loan.due_date);
      await waitUntil(async () => (await page.locator(`[data-testid=loan-line][data-barcode="${book}"] [data-testid=loan-due]`).innerText()).includes(ddmmyyyy(renewed.due_date)), 5000, 'new due date shown');
      await page.click('[data-testid=finish]');
      await onScreen(page, 'finished');

      // Return, without a card.
      await page.click('[data-testid=start-return]');
      await onScreen(page, 'return');
      await scanBook(st, book);
      await page.locator(`[data-testid=item-line][data-barcode="${book}"][data-state=ok]`).waitFor();
      assert.equal(openLoan(book), undefined, 'returned on the server');
      await assertFits(page, 'return');
      await page.click('[data-testid=finish]');
      await onScreen(page, 'finished');
    });
  }
});
