/**
 * The librarian's first page in a real Chromium: `/` sends a stranger to the login page, a wrong
 * password is refused in Vietnamese, the demo login opens the page, the kiosk shows as online, a
 * checkout at the kiosk appears live and moves its class's rates, and a reading period recorded
 * from the page (a POST carrying the CSRF token) counts the class as visiting.
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { sharedChromium } from '#test/chromium.ts';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';

describe('dashboard in Chromium', function () {
  this.timeout(60000);
  let school: TestSchool;
  let page: Page;
  let browser: Browser;

  before(async function () {
    browser = await sharedChromium(this);
    school = await startSchool(await testConfig(), ['kiosk-1']);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });
  after(async () => {
    await page?.close();
    await school?.stop();
  });

  it('logs in, shows the station online and a live checkout', async () => {
    await page.goto(`http://127.0.0.1:${school.server.httpPort}/`);
    await page.locator('[data-testid=login-form]').waitFor();
    assert.equal(new URL(page.url()).pathname, '/login', '/ redirects to the login page');
    assert.match(await page.locator('[data-testid=demo-logins]').innerText(), /thuthu/);

    await page.fill('[data-testid=login-username]', 'thuthu');
    await page.fill('[data-testid=login-password]', 'sai-mat-khau');
    await page.click('[data-testid=login-submit]');
    await page.locator('[data-testid=login-error]').waitFor();
    assert.match(await page.locator('[data-testid=login-error]').innerText(), /Sai tên đăng nhập hoặc mật khẩu/);

    await page.fill('[data-testid=login-password]', 'thuvien');
    await page.click('[data-testid=login-submit]');
    await page.locator('[data-testid=station-row][data-device=kiosk-1][data-state=online]').waitFor();
    const loansBefore = Number((await page.locator('[data-testid=summary-loans]').innerText()).match(/\d+/)![0]);

    const kiosk = school.stations[0]!;
    await kiosk.sim!.card!.type('20001000000012');
    await waitUntil(() => kiosk.session.view.screen === 'patron', 5000, 'identification');
    await kiosk.sim!.scanner!.type('30001000000200');
    await page.locator('[data-testid=event-row][data-type=checkout]').first().waitFor();
    assert.match(await page.locator('[data-testid=event-row][data-type=checkout]').first().innerText(), /30001000000200/);
    await waitUntil(
      async () => Number((await page.locator('[data-testid=summary-loans]').innerText()).match(/\d+/)![0]) === loansBefore + 1,
      5000,
      "today's loans to go up by one",
    );
  });

  it("shows a class's rates change after a checkout at the kiosk, and records a reading period", async () => {
    const sim = (device: string, code: string) =>
      fetch(`http://127.0.0.1:${school.stations[0]!.httpPort}/api/sim/${device}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
      }).then((r) => assert.equal(r.status, 200));
    await page.click('[data-testid=tab-rates]');
    await page.click('[data-testid=period-day]');
    const cell = (name: string, col: string) => page.locator(`[data-testid=rate-row][data-group=class][data-name="${name}"] [data-testid=${col}]`);
    await cell('4A', 'loans').waitFor();
    await page.locator('[data-testid=rate-chart] [data-testid=chart-row][data-name="4A"]').waitFor();
    const loansBefore = Number(await cell('4A', 'loans').innerText());

    // Another pupil of 4A borrows at the kiosk: end the first pupil's session, then tap, then scan.
    const kiosk = school.stations[0]!;
    await sim('card', '20001000000012');
    await waitUntil(() => kiosk.session.view.screen !== 'patron', 10000, 'the first session to end');
    await waitUntil(() => kiosk.session.view.screen === 'idle', 15000, 'the kiosk idle again');
    await sim('card', '20001000001911');
    await waitUntil(() => kiosk.session.view.screen === 'patron', 10000, 'identification');
    await sim('scanner', '30001000000101');
    await waitUntil(async () => Number(await cell('4A', 'loans').innerText()) === loansBefore + 1, 15000, "4A's loans today to go up by one");

    // A reading period for 4B today, from the page: every active pupil of 4B counts as visiting.
    await page.locator('[data-testid=reading-row][data-class] [data-testid=record-reading]').first().waitFor();
    const row4b = page.locator('[data-testid=reading-row]', { hasText: '4B' });
    await row4b.locator('[data-testid=record-reading]').click();
    await page.locator('[data-testid=rates-message]').waitFor();
    assert.match(await page.locator('[data-testid=rates-message]').innerText(), /Đã ghi tiết đọc/);
    const members = Number(await page.locator('[data-testid=rate-row][data-group=class][data-name="4B"] td:nth-child(3)').innerText());
    await waitUntil(async () => Number(await cell('4B', 'visited').innerText()) === members, 10000, '4B all visiting today');
  });

  it('lets the admin create an account whose one-time password opens only the password form', async () => {
    const url = `http://127.0.0.1:${school.server.httpPort}`;
    const login = async (p: Page, u: string, pw: string) => {
      await p.goto(`${url}/login`);
      await p.fill('[data-testid=login-username]', u);
      await p.fill('[data-testid=login-password]', pw);
      await p.click('[data-testid=login-submit]');
    };
    const admin = await (await browser.newContext()).newPage();
    const fresh = await (await browser.newContext()).newPage();
    try {
      await login(admin, 'quantri', 'quantri');
      await admin.click('[data-testid=tab-accounts]');
      await admin.fill('[data-testid=new-username]', 'cothuvien2');
      await admin.selectOption('[data-testid=new-role]', 'librarian');
      await admin.click('[data-testid=account-create] button[type=submit]');
      const msg = await admin.locator('[data-testid=accounts-message]').innerText();
      const otp = /: ([a-z0-9-]{19}) —/.exec(msg)?.[1];
      assert.ok(otp, msg);
      await admin.locator('[data-testid=account-row][data-username=cothuvien2]').waitFor();

      await login(fresh, 'cothuvien2', otp);
      await fresh.locator('[data-testid=change-password]').waitFor();
      assert.equal(await fresh.locator('[data-testid=tab-rates]').count(), 0, 'nothing but the password form');
      await fresh.fill('[data-testid=pw-current]', otp);
      await fresh.fill('[data-testid=pw-next]', 'sach-hay-2026');
      await fresh.fill('[data-testid=pw-again]', 'sach-hay-2026');
      await fresh.click('[data-testid=pw-save]');
      await fresh.locator('[data-testid=tab-rates]').waitFor();
      await fresh.locator('[data-testid=station-row][data-device=kiosk-1]').waitFor();
      assert.equal(await fresh.locator('[data-testid=tab-accounts]').count(), 0, 'a librarian has no accounts page');
      // The admin's audit log shows the account's creation.
      await admin.reload();
      await admin.locator('[data-testid=audit]', { hasText: 'account_created' }).waitFor();
    } finally {
      await admin.context().close();
      await fresh.context().close();
    }
  });
});
