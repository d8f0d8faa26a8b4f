/**
 * The librarian's first page in a real Chromium: a wrong password is refused in Vietnamese, the demo
 * login opens the page, the kiosk shows as online, and a checkout at the kiosk appears live.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { sharedChromium } from '#test/chromium.ts';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';

describe('dashboard in Chromium', function () {
  this.timeout(60000);
  let school: TestSchool;
  let page: Page;

  before(async function () {
    const browser = await sharedChromium(this);
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
});
