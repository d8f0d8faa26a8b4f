/**
 * The kiosk in a real Chromium: the simulator panel drives a checkout through the station's
 * simulated devices, and the page shows the pupil, the title and the due date.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { sharedChromium } from '#test/chromium.ts';
import { startSchool, testConfig, type TestSchool } from '#test/school.ts';

describe('kiosk in Chromium', function () {
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

  it('borrows a book from the simulator panel and shows its title and due date', async () => {
    const port = school.stations[0]!.httpPort;
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.locator('[data-testid=screen][data-screen=idle]').waitFor();
    assert.match(await page.locator('body').innerText(), /Chạm thẻ để mượn sách/);

    const panel = page.locator('[data-testid=sim-panel]');
    if (!(await page.locator('[data-testid=sim-card-input]').isVisible())) await panel.locator('summary').click();
    await page.fill('[data-testid=sim-card-input]', '20001000000012');
    await page.click('[data-testid=sim-card-submit]');
    await page.locator('[data-testid=screen][data-screen=patron]').waitFor();
    const name = await page.locator('[data-testid=patron-name]').innerText();
    assert.equal(name, school.server.library.patronByIdentifier('20001000000012')!.fullName);

    await page.fill('[data-testid=sim-scan-input]', '30001000000101');
    await page.click('[data-testid=sim-scan-submit]');
    const line = page.locator('[data-testid=item-line][data-barcode="30001000000101"][data-state=ok]');
    await line.waitFor();
    assert.match(await line.locator('[data-testid=item-title]').innerText(), /Dế Mèn phiêu lưu ký/);
    const due = school.stations[0]!.session.view.items[0]!.dueDate!;
    const [y, m, d] = due.split('-');
    assert.match(await line.locator('[data-testid=item-due]').innerText(), new RegExp(`${d}/${m}/${y}`));

    await page.click('[data-testid=finish]');
    await page.locator('[data-testid=screen][data-screen=finished]').waitFor();
    assert.equal(await page.locator('[data-testid=patron-name]').count(), 0, 'no pupil name after finishing');
  });
});
