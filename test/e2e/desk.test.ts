/**
 * The desk page in a real Chromium: the librarian opens "Quầy mượn trả", a card and books scanned
 * on the desk station's simulated reader and scanner (HID bytes through /api/sim/*) appear live,
 * and the page's buttons renew and return a loan (POSTs with the CSRF token → server → MQTT → desk).
 * A viewer has no desk page.
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { localDate } from '#core/calendar.ts';
import { DEMO_CALENDAR } from '#core/demo-calendar.ts';
import { sharedChromium } from '#test/chromium.ts';
import { startSchool, testConfig, waitUntil, withDesk, type TestSchool } from '#test/school.ts';
import type { RunningStation } from '#station/station.ts';

describe('desk page in Chromium', function () {
  this.timeout(90000);
  let school: TestSchool;
  let browser: Browser;
  let desk: RunningStation;
  const pages: Page[] = [];

  before(async function () {
    browser = await sharedChromium(this);
    school = await startSchool(await withDesk(await testConfig()), ['desk-1']);
    desk = school.stations[0]!;
  });
  after(async () => {
    for (const p of pages) await p.close();
    await school?.stop();
  });

  async function login(user: string, password: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    pages.push(page);
    await page.goto(`http://127.0.0.1:${school.server.httpPort}/login`);
    await page.fill('[data-testid=login-username]', user);
    await page.fill('[data-testid=login-password]', password);
    await page.click('[data-testid=login-submit]');
    await page.locator('[data-testid=tab-home]').waitFor();
    return page;
  }
  const sim = async (device: 'card' | 'scanner', code: string) => {
    const r = await fetch(`http://127.0.0.1:${desk.httpPort}/api/sim/${device}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    assert.equal(r.status, 200);
  };
  /** Scans a book and waits for the desk's answer; once more if a stall of this busy process cut its start (see test/integration/desk.test.ts). */
  const scanBook = async (code: string) => {
    for (let attempt = 0; ; attempt++) {
      const seen = desk.desk!.view.results.length;
      await sim('scanner', code);
      await waitUntil(() => desk.desk!.view.results.length > seen && !desk.desk!.view.busy, 15000, `the desk's answer to ${code}`);
      const got = desk.desk!.view.results[0]!.barcode;
      if (got === code) return;
      assert.ok(attempt === 0 && code.endsWith(got), `the desk read ${got} for ${code}`);
    }
  };
  const db = () => school.server.db;
  const openLoan = (barcode: string) =>
    db().prepare(`SELECT l.due_date AS dueDate, l.renewals FROM loans l JOIN copies c ON c.id = l.copy_id WHERE c.barcode = ? AND l.returned_at IS NULL`).get(barcode) as { dueDate: string; renewals: number } | undefined;

  it('shows scans from the desk scanner live; the librarian renews and returns from the page', async () => {
    const page = await login('thuthu', 'thuvien');
    await page.click('[data-testid=tab-desk]');
    await page.locator('[data-testid=desk][data-device=desk-1] [data-testid=desk-no-patron]').waitFor();

    const pupil = db()
      .prepare(
        `SELECT p.id, p.full_name AS name, i.value AS card FROM patrons p JOIN patron_identifiers i ON i.patron_id = p.id AND i.kind = 'barcode'
         WHERE p.kind = 'pupil' AND p.active = 1 AND p.blocked_reason IS NULL AND NOT EXISTS (SELECT 1 FROM loans l WHERE l.patron_id = p.id AND l.returned_at IS NULL) ORDER BY p.id LIMIT 1`,
      )
      .get() as { id: string; name: string; card: string };
    const books = (
      db()
        .prepare(`SELECT c.barcode FROM copies c WHERE c.status = 'on_shelf' AND c.reference_only = 0 AND c.collection IN ('children', 'general') AND NOT EXISTS (SELECT 1 FROM loans l WHERE l.copy_id = c.id AND l.returned_at IS NULL) ORDER BY c.barcode LIMIT 2`)
        .all() as { barcode: string }[]
    ).map((r) => r.barcode);

    await sim('card', pupil.card);
    await page.locator(`[data-testid=desk][data-patron="${pupil.id}"]`).waitFor();
    assert.match(await page.locator('[data-testid=desk-patron]').innerText(), new RegExp(pupil.name));
    for (const b of books) {
      await scanBook(b);
      // Each scan shows up on the page as the desk answers it.
      await page.locator(`[data-testid=desk-result][data-barcode="${b}"][data-action=checkout][data-ok=true]`).waitFor();
    }
    await page.locator('[data-testid=desk-loan]').nth(1).waitFor();
    assert.equal(await page.locator('[data-testid=desk-loan]').count(), 2);

    // Renew the first: make it due today (a fresh loan would be "too early" to renew).
    const [first, second] = books as [string, string];
    db().prepare(`UPDATE loans SET due_date = ? WHERE copy_id = (SELECT id FROM copies WHERE barcode = ?) AND returned_at IS NULL`).run(localDate(new Date(), DEMO_CALENDAR), first);
    const dueBefore = openLoan(first)!.dueDate;
    await page.click(`[data-testid=desk-loan][data-barcode="${first}"] [data-testid=desk-renew]`);
    await page.locator(`[data-testid=desk-result][data-barcode="${first}"][data-action=renew][data-ok=true]`).waitFor();
    await waitUntil(() => openLoan(first)?.renewals === 1, 10000, 'the renewal recorded');
    assert.ok(openLoan(first)!.dueDate > dueBefore);
    await page.locator(`[data-testid=desk-loan][data-barcode="${first}"][data-due="${openLoan(first)!.dueDate}"]`).waitFor();

    // Return the second from its line.
    await page.click(`[data-testid=desk-loan][data-barcode="${second}"] [data-testid=desk-return]`);
    await page.locator(`[data-testid=desk-result][data-barcode="${second}"][data-action=checkin][data-ok=true]`).waitFor();
    await page.locator(`[data-testid=desk-loan][data-barcode="${second}"]`).waitFor({ state: 'detached' });
    assert.equal(openLoan(second), undefined);

    // Return mode, then the scanner returns the first.
    await page.click('[data-testid=desk-mode-return]');
    await page.locator('[data-testid=desk][data-mode=return]').waitFor();
    await scanBook(first);
    await page.locator(`[data-testid=desk-result][data-barcode="${first}"][data-action=checkin][data-ok=true]`).waitFor();
    assert.equal(openLoan(first), undefined);

    await page.click('[data-testid=desk-finish]');
    await page.locator('[data-testid=desk][data-patron=""][data-mode=checkout]').waitFor();
  });

  it('a viewer has no desk page', async () => {
    const page = await login('hieutruong', 'hieutruong');
    assert.equal(await page.locator('[data-testid=tab-desk]').count(), 0);
  });
});
