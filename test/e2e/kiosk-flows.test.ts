/**
 * The kiosk's other flows in a real Chromium against a whole school: returning books without a card,
 * renewing a loan, a homeroom teacher's class set, the warning before the automatic logout, and the
 * patron screen on the smallest supported screen (800×480). Cards and books arrive as real HID bytes
 * through the stations' simulated readers (or the simulator panel), as a child would make them.
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { REASONS } from '#core/policy.ts';
import { sharedChromium } from '#test/chromium.ts';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';
import type { RunningStation } from '#station/station.ts';

const PUPIL_CARD = '20001000000012';
const TEACHER_CARD = '20001000090013';
const BOOK = '30001000000101';
const CLASS_BOOK = '30001000000200';

interface LoanRow {
  id: number;
  patron_id: string;
  class_id: string | null;
  class_name: string | null;
  due_date: string;
  renewals: number;
}

describe('kiosk flows in Chromium', function () {
  this.timeout(90000);
  let school: TestSchool;
  let browser: Browser;
  const pages: Page[] = [];

  before(async function () {
    browser = await sharedChromium(this);
    const config = await testConfig();
    // kiosk-2 logs out after 5 s without a touch (the schema's minimum), warning 3 s before; kiosk-1
    // keeps the default so the other flows never race the automatic logout.
    config.stations[1]!.idleTimeoutSec = 5;
    config.stations[1]!.idleWarningSec = 3;
    school = await startSchool(config, ['kiosk-1', 'kiosk-2']);
  });
  after(async () => {
    for (const p of pages) await p.close().catch(() => undefined);
    await school?.stop();
  });

  const kiosk1 = () => school.stations[0]!;
  const kiosk2 = () => school.stations[1]!;
  const pupilName = () => school.server.library.patronByIdentifier(PUPIL_CARD)!.fullName;
  const teacher = () => school.server.library.patronByIdentifier(TEACHER_CARD)!;

  async function openKiosk(station: RunningStation, width = 1280, height = 800): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height } });
    pages.push(page);
    await page.goto(`http://127.0.0.1:${station.httpPort}/`);
    await page.locator('[data-testid=screen]').waitFor();
    return page;
  }
  const screen = (page: Page, name: string) => page.locator(`[data-testid=screen][data-screen=${name}]`).waitFor();
  /** Real HID bytes into the station's simulated card reader / scanner. */
  const tapCard = (station: RunningStation, code: string) => station.sim!.card!.type(code);
  const scanBook = (station: RunningStation, code: string) => station.sim!.scanner!.type(code);

  function openLoan(barcode: string): LoanRow | undefined {
    return school.server.db
      .prepare(
        `SELECT l.id, l.patron_id, l.class_id, cl.name AS class_name, l.due_date, l.renewals
         FROM loans l JOIN copies c ON c.id = l.copy_id LEFT JOIN classes cl ON cl.id = l.class_id
         WHERE c.barcode = ? AND l.returned_at IS NULL`,
      )
      .get(barcode) as LoanRow | undefined;
  }

  /** Ends whatever session the station has and waits until it is idle again. */
  async function backToIdle(station: RunningStation): Promise<void> {
    await station.session.finish();
    await waitUntil(() => station.session.view.screen === 'idle', 10000, `${station.device} idle`);
  }

  /** Makes sure the pupil holds BOOK (lent at kiosk-1 without the page), so a loan line is on screen. */
  async function ensurePupilHoldsBook(): Promise<void> {
    if (openLoan(BOOK)) return;
    const st = kiosk1();
    await backToIdle(st);
    await tapCard(st, PUPIL_CARD);
    await waitUntil(() => st.session.view.screen === 'patron', 10000, 'pupil identified');
    await scanBook(st, BOOK);
    await waitUntil(() => st.session.view.items.some((i) => i.barcode === BOOK && i.state !== 'pending'), 10000, 'book decided');
    assert.ok(openLoan(BOOK), 'the pupil could borrow the book');
    await backToIdle(st);
  }

  it('returns a book without a card: the loan closes and the screen shows only the book', async () => {
    await backToIdle(kiosk1());
    const page = await openKiosk(kiosk1());
    await screen(page, 'idle');

    // Borrow through the simulator panel, as a developer would.
    if (!(await page.locator('[data-testid=sim-card-input]').isVisible())) await page.locator('[data-testid=sim-panel] summary').click();
    await page.fill('[data-testid=sim-card-input]', PUPIL_CARD);
    await page.click('[data-testid=sim-card-submit]');
    await screen(page, 'patron');
    await page.fill('[data-testid=sim-scan-input]', BOOK);
    await page.click('[data-testid=sim-scan-submit]');
    await page.locator(`[data-testid=item-line][data-barcode="${BOOK}"][data-state=ok]`).waitFor();
    await page.click('[data-testid=finish]');
    await screen(page, 'finished');
    assert.equal(openLoan(BOOK)?.patron_id, school.server.library.patronByIdentifier(PUPIL_CARD)!.id);

    // "Trả sách" on the idle screen: no card needed.
    await screen(page, 'idle');
    const startReturn = page.locator('[data-testid=start-return]');
    assert.match(await startReturn.innerText(), /Trả sách[\s\S]*Return books/);
    await startReturn.click();
    await screen(page, 'return');
    assert.match(await page.locator('[data-testid=screen]').innerText(), /Quét mã sách để trả[\s\S]*Scan a book to return it/);

    await scanBook(kiosk1(), BOOK);
    const line = page.locator(`[data-testid=item-line][data-barcode="${BOOK}"][data-state=ok]`);
    await line.waitFor();
    assert.match(await line.locator('[data-testid=item-title]').innerText(), /Dế Mèn phiêu lưu ký/);
    assert.match(await line.innerText(), /Đã trả/);
    assert.equal(openLoan(BOOK), undefined, 'the server closed the loan');

    // A book nobody borrowed stays refused, with the reason.
    await scanBook(kiosk1(), CLASS_BOOK);
    const refused = page.locator(`[data-testid=item-line][data-barcode="${CLASS_BOOK}"][data-state=refused]`);
    await refused.waitFor();
    assert.equal(await refused.locator('[data-testid=item-reason]').getAttribute('data-code'), 'NOT_ON_LOAN');
    assert.match(await refused.innerText(), new RegExp(REASONS.NOT_ON_LOAN!.message_vi));

    // Nobody's name or loans on the return screen, ever.
    const text = await page.locator('body').innerText();
    assert.doesNotMatch(text, new RegExp(pupilName()));
    assert.equal(await page.locator('[data-testid=patron-name], [data-testid=loan-line], [data-testid=renew]').count(), 0);

    await page.click('[data-testid=finish]');
    await screen(page, 'finished');
    assert.match(await page.locator('[data-testid=screen]').innerText(), /Cảm ơn/);
  });

  it('renews a loan from the loan list and shows the daemon\'s answer', async () => {
    await backToIdle(kiosk1());
    await ensurePupilHoldsBook();
    const page = await openKiosk(kiosk1());
    const renew = page.locator(`[data-testid=renew][data-barcode="${BOOK}"]`);

    // A loan made today: renewing would not move its due date, so the policy says it is too early (RENEW_TOO_EARLY).
    const before = openLoan(BOOK)!;
    await tapCard(kiosk1(), PUPIL_CARD);
    await screen(page, 'patron');
    await renew.click();
    const refusal = page.locator('[data-testid=notice][data-code=RENEW_TOO_EARLY]');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), new RegExp(REASONS.RENEW_TOO_EARLY!.message_vi));
    assert.equal(await refusal.getAttribute('data-level'), 'error');
    assert.ok(await renew.isDisabled(), 'one tap per loan and session');
    assert.deepEqual(openLoan(BOOK), before, 'nothing changed on the server');

    // The same loan as if borrowed a day earlier: now a renewal moves the due date.
    school.server.db.prepare(`UPDATE loans SET due_date = date(due_date, '-1 day') WHERE id = ?`).run(before.id);
    const earlier = openLoan(BOOK)!.due_date;
    await page.click('[data-testid=finish]');
    await screen(page, 'finished');
    await tapCard(kiosk1(), PUPIL_CARD);
    await screen(page, 'patron');
    const loanDue = page.locator(`[data-testid=loan-line][data-barcode="${BOOK}"] [data-testid=loan-due]`);
    const ddmmyyyy = (d: string) => d.split('-').reverse().join('/');
    assert.match(await loanDue.innerText(), new RegExp(ddmmyyyy(earlier)));
    assert.ok(await renew.isEnabled(), 'a new session may ask again');
    await renew.click();
    const renewed = page.locator('[data-testid=notice][data-code=RENEWED]');
    await renewed.waitFor();
    assert.equal(await renewed.getAttribute('data-level'), 'info');
    const after = openLoan(BOOK)!;
    assert.equal(after.due_date, before.due_date, 'due again a loan period from today');
    assert.ok(after.due_date > earlier);
    assert.equal(after.renewals, 1);
    await waitUntil(async () => (await loanDue.innerText()).includes(ddmmyyyy(after.due_date)), 5000, 'new due date on screen');
    await page.click('[data-testid=finish]');
    await screen(page, 'finished');
  });

  it('lets the homeroom teacher borrow a class set for 4A', async () => {
    await backToIdle(kiosk1());
    const page = await openKiosk(kiosk1());
    await tapCard(kiosk1(), TEACHER_CARD);
    await screen(page, 'patron');
    const toggle = page.locator('[data-testid=for-class]');
    const homeroom = teacher().homeroomClass;
    assert.equal(homeroom, '4A');
    assert.match(await toggle.innerText(), /Mượn cho lớp 4A[\s\S]*Borrow for class 4A/);
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    assert.equal(await page.locator('[data-testid=for-class-banner]').count(), 0);
    const remaining = await page.locator('[data-testid=remaining]').innerText();

    await toggle.click();
    await page.locator('[data-testid=for-class][aria-pressed=true]').waitFor();
    assert.match(await page.locator('[data-testid=for-class-banner]').innerText(), /Đang mượn cho lớp 4A/);
    await scanBook(kiosk1(), CLASS_BOOK);
    await page.locator(`[data-testid=item-line][data-barcode="${CLASS_BOOK}"][data-state=ok]`).waitFor();
    const loan = openLoan(CLASS_BOOK)!;
    assert.equal(loan.patron_id, teacher().id);
    assert.ok(loan.class_id, 'a class-set loan');
    assert.equal(loan.class_name, '4A');
    assert.equal(await page.locator('[data-testid=remaining]').innerText(), remaining, "a class set does not use the teacher's own allowance");

    // Off again: scans are the teacher's own loans.
    await toggle.click();
    await page.locator('[data-testid=for-class][aria-pressed=false]').waitFor();
    await page.locator('[data-testid=for-class-banner]').waitFor({ state: 'detached' });
    await page.click('[data-testid=finish]');
    await screen(page, 'finished');
  });

  it('warns before the automatic logout, a touch keeps the session, and the logout leaves nothing behind', async () => {
    await ensurePupilHoldsBook();
    const st = kiosk2();
    await backToIdle(st);
    const page = await openKiosk(st);
    await screen(page, 'idle');
    await tapCard(st, PUPIL_CARD);
    await screen(page, 'patron');
    const title = (await page.locator(`[data-testid=loan-line][data-barcode="${BOOK}"] .loan-title`).innerText()).trim();
    assert.ok(title.length > 0);
    assert.match(await page.locator('body').innerText(), new RegExp(pupilName()));

    const warning = page.locator('[data-testid=idle-warning]');
    await warning.waitFor({ timeout: 6000 });
    assert.match(await warning.innerText(), /Em còn ở đây không\?[\s\S]*Chạm vào màn hình để tiếp tục\./);
    const button = await warning.locator('[data-testid=still-here]').boundingBox();
    assert.ok(button && button.height >= 48, 'a big button');

    // A touch anywhere answers it.
    await page.mouse.click(20, 20);
    await warning.waitFor({ state: 'detached', timeout: 2000 });
    assert.equal(await page.locator('[data-testid=screen]').getAttribute('data-screen'), 'patron');

    // Nobody touches again: warning, then the daemon logs out.
    await warning.waitFor({ timeout: 6000 });
    await page.locator('[data-testid=screen][data-screen=finished], [data-testid=screen][data-screen=idle]').waitFor({ timeout: 8000 });
    assert.equal(await warning.count(), 0);
    const text = await page.locator('body').innerText();
    assert.doesNotMatch(text, new RegExp(pupilName()));
    assert.ok(!text.includes(title), 'no loan title left');
    const html = await page.content();
    assert.ok(!html.includes(pupilName()) && !html.includes(title), 'not even hidden in the DOM');
    assert.equal(await page.locator('[data-testid=patron-name], [data-testid=loan-line]').count(), 0);
    const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length }));
    assert.deepEqual(stored, { local: 0, session: 0 });
  });

  it('fits the patron screen on 800×480 with every button visible and at least 48 px tall', async () => {
    await ensurePupilHoldsBook();
    await backToIdle(kiosk1());
    const page = await openKiosk(kiosk1(), 800, 480);
    for (const card of [PUPIL_CARD, TEACHER_CARD]) {
      await tapCard(kiosk1(), card);
      await screen(page, 'patron');
      await page.locator('[data-testid=patron-name]').waitFor();
      const expected = card === PUPIL_CARD ? ['renew', 'no-slip', 'finish'] : ['for-class', 'no-slip', 'finish'];
      for (const id of expected) assert.ok((await page.locator(`[data-testid=screen] [data-testid=${id}]`).count()) > 0, `${card}: ${id} present`);

      const buttons = page.locator('[data-testid=screen] button');
      const n = await buttons.count();
      for (let i = 0; i < n; i++) {
        const b = buttons.nth(i);
        const id = await b.getAttribute('data-testid');
        const box = await b.boundingBox();
        assert.ok(box, `${card}: ${id} rendered`);
        assert.ok(box.height >= 48, `${card}: ${id} is ${box.height} px tall`);
        assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= 800 && box.y + box.height <= 480, `${card}: ${id} inside the screen (${JSON.stringify(box)})`);
        // Not hidden by a scrolled list, a banner or the simulator panel: the button is what a finger at its centre touches.
        const hit = await b.evaluate((el) => {
          const r = el.getBoundingClientRect();
          const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return top !== null && el.contains(top);
        });
        assert.ok(hit, `${card}: ${id} is not covered`);
      }
      await tapCard(kiosk1(), card); // the same card again finishes
      await screen(page, 'finished');
    }
  });
});
