/**
 * Every error screen of the kiosk in a real Chromium, each driven by simulated input (HID bytes from
 * the simulated card reader and scanner, ISO 28560-3 tags on the simulated RFID pad): unknown card,
 * blocked card and why (stopped by the librarian; a late book), limit reached, reference-only, book
 * not found, already on loan, and a failed security write. Each shows the reason in Vietnamese with
 * its English line and an icon, and plays the error sound (Web Audio, recorded in the page).
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { REASONS } from '#core/policy.ts';
import { sharedChromium } from '#test/chromium.ts';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';
import type { RunningStation } from '#station/station.ts';
import { CUES } from '../../kiosk/src/adapter/sound.ts';
import { onScreen, openKiosk, scanBook, tapCard, tones } from '../kiosk/browser.ts';

const PUPIL = '20001000000012';
const OTHER = '20001000000020';
const THIRD = '20001000000038';
const UNKNOWN_CARD = '20001000999999';
const UNKNOWN_BOOK = '30001000999997';
const REFERENCE_ONLY = '30001000001406';
const BOOKS = ['30001000000101', '30001000000200', '30001000000606'];
const ERROR_HZ = CUES.error[0]!.freq;
const SUCCESS_HZ = CUES.success[0]!.freq;

describe('kiosk error screens in Chromium', function () {
  this.timeout(120000);
  let school: TestSchool;
  let browser: Browser;
  let page: Page;
  let st: RunningStation;

  before(async function () {
    browser = await sharedChromium(this);
    school = await startSchool(await testConfig(), ['kiosk-1']);
    st = school.stations[0]!;
    for (const card of [PUPIL, OTHER, THIRD]) assert.ok(school.server.library.patronByIdentifier(card), `demo card ${card}`);
    page = await openKiosk(browser, st, { width: 1280, height: 800 }, { recordTones: true });
  });
  after(async () => {
    await page?.close().catch(() => undefined);
    await school?.stop();
  });

  async function backToIdle(): Promise<void> {
    await st.session.finish();
    await waitUntil(() => st.session.view.screen === 'idle', 10000, 'idle');
    await onScreen(page, 'idle');
  }
  async function identify(card: string): Promise<void> {
    await backToIdle();
    await tapCard(st, card);
    await onScreen(page, 'patron');
  }
  /** Does `action`, then expects the error banner for `code`: Vietnamese then English, an icon, an alert for screen readers, and the error sound. */
  async function expectError(code: string, action: () => Promise<unknown>): Promise<void> {
    const before = (await tones(page)).filter((f) => f === ERROR_HZ).length;
    await action();
    const notice = page.locator(`[data-testid=notice][data-code=${code}]`);
    await notice.waitFor();
    assert.equal(await notice.getAttribute('data-level'), 'error');
    assert.equal(await notice.getAttribute('role'), 'alert');
    assert.equal(await notice.locator('svg.icon').count(), 1, `${code}: an icon`);
    const text = await notice.innerText();
    // The daemon's words (some carry numbers, e.g. the limit), which come from the policy's reasons.
    const r = st.session.view.notice!;
    assert.equal(r.code, code);
    assert.ok(text.indexOf(r.message_vi) >= 0 && text.indexOf(r.message_en) > text.indexOf(r.message_vi), `${code}: Vietnamese first, then English: ${text}`);
    await waitUntil(async () => (await tones(page)).filter((f) => f === ERROR_HZ).length > before, 5000, `${code}: the error sound`);
  }
  const borrow = async (barcode: string) => {
    await scanBook(st, barcode);
    await page.locator(`[data-testid=item-line][data-barcode="${barcode}"][data-state=ok]`).waitFor();
  };

  it('unknown card: stays on the idle screen with the reason, and nobody is shown', async () => {
    await backToIdle();
    await expectError('PATRON_UNKNOWN', () => tapCard(st, UNKNOWN_CARD));
    assert.equal(await page.locator('[data-testid=screen]').getAttribute('data-screen'), 'idle');
    assert.equal(await page.locator('[data-testid=patron-name]').count(), 0);
  });

  it('blocked card, and why: stopped by the librarian, or a late book to bring back first', async () => {
    const other = school.server.library.patronByIdentifier(OTHER)!;
    school.server.db.prepare(`UPDATE patrons SET blocked_reason = 'lost book' WHERE id = ?`).run(other.id);
    try {
      await expectError('PATRON_BLOCKED', () => identify(OTHER));
      assert.doesNotMatch(await page.locator('body').innerText(), /lost book/, "the librarian's note is not for the screen");
      await scanBook(st, BOOKS[2]!);
      const line = page.locator(`[data-testid=item-line][data-barcode="${BOOKS[2]}"][data-state=refused]`);
      await line.waitFor();
      assert.equal(await line.locator('[data-testid=item-reason]').getAttribute('data-code'), 'PATRON_BLOCKED');
    } finally {
      school.server.db.prepare(`UPDATE patrons SET blocked_reason = NULL WHERE id = ?`).run(other.id);
    }

    // A pupil with a late book: lend one, then make it overdue on the server.
    await identify(THIRD);
    await borrow(BOOKS[1]!);
    await backToIdle();
    school.server.db.prepare(`UPDATE loans SET due_date = '2020-01-06' WHERE returned_at IS NULL AND copy_id = (SELECT id FROM copies WHERE barcode = ?)`).run(BOOKS[1]);
    await expectError('PATRON_OVERDUE', () => identify(THIRD));
    const late = page.locator(`[data-testid=loan-line][data-barcode="${BOOKS[1]}"]`);
    assert.match(await late.innerText(), /Quá hạn[\s\S]*Overdue/, 'the late book is marked plainly');
  });

  it('book not found, reference-only, limit reached and already on loan, each on the borrowing screen', async () => {
    await identify(PUPIL);
    await expectError('ITEM_UNKNOWN', () => scanBook(st, UNKNOWN_BOOK));
    await expectError('REFERENCE_ONLY', () => scanBook(st, REFERENCE_ONLY));
    assert.equal(await page.locator(`[data-testid=item-line][data-barcode="${REFERENCE_ONLY}"] [data-testid=item-reason]`).getAttribute('data-code'), 'REFERENCE_ONLY');

    // Two books is the pupil's limit; the chirp plays for each one lent.
    const chirps = (await tones(page)).filter((f) => f === SUCCESS_HZ).length;
    await borrow(BOOKS[0]!);
    await borrow(BOOKS[2]!);
    await waitUntil(async () => (await tones(page)).filter((f) => f === SUCCESS_HZ).length >= chirps + 2, 5000, 'two chirps');
    await expectError('LIMIT_REACHED', () => scanBook(st, '30001000000804'));

    // A book someone else has (lent to THIRD above).
    await expectError('ON_LOAN', () => scanBook(st, BOOKS[1]!));
    await page.click('[data-testid=finish]');
    await onScreen(page, 'finished');
  });

  it('a failed security write on the RFID pad: the book is not lent and the pupil is asked to put it back on', async () => {
    const teacher = '20001000090013';
    await identify(teacher);
    const sim = st.rfidSim!;
    await expectError('SECURITY_WRITE_FAILED', async () => {
      const [uid] = sim.setTags([{ itemId: '30001000000119' }]);
      // Set at once after placing the tag: the pad polls every 100 ms, the write comes after the server's answer.
      sim.failNextWrite(uid!);
    });
    const line = page.locator('[data-testid=item-line][data-barcode="30001000000119"][data-state=refused]');
    await line.waitFor();
    assert.match(await line.innerText(), new RegExp(REASONS.SECURITY_WRITE_FAILED!.message_vi.slice(0, 20)));
    sim.setTags([]);
    await page.click('[data-testid=finish]');
    await onScreen(page, 'finished');
  });
});
