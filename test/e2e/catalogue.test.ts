/**
 * The catalogue page in a real Chromium against a whole simulated school: log in, search "dat rung"
 * as typed (no marks, no đ) and find "Đất rừng phương Nam", open it, add a copy, mark one damaged,
 * and browse DDC class 800.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { sharedChromium } from '#test/chromium.ts';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';

describe('catalogue in Chromium', function () {
  this.timeout(90000);
  let school: TestSchool;
  let page: Page;

  before(async function () {
    const browser = await sharedChromium(this);
    school = await startSchool(await testConfig(), []);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  after(async () => {
    await page?.close();
    await school?.stop();
  });

  it('finds "Đất rừng phương Nam" from "dat rung", adds a copy, marks one damaged', async () => {
    await page.goto(`http://127.0.0.1:${school.server.httpPort}/`);
    await page.locator('[data-testid=login-form]').waitFor();
    await page.fill('[data-testid=login-username]', 'thuthu');
    await page.fill('[data-testid=login-password]', 'thuvien');
    await page.click('[data-testid=login-submit]');
    await page.locator('[data-testid=tab-catalogue]').click();

    // Typed key by key, as the librarian types: results follow each keystroke.
    await page.locator('[data-testid=catalogue-search]').pressSequentially('dat rung', { delay: 30 });
    const first = page.locator('[data-testid=catalogue-hit]').first();
    await waitUntil(async () => /Đất rừng phương Nam/.test(await first.innerText()), 10000, 'the first hit to be Đất rừng phương Nam');
    assert.match(await first.innerText(), /Đoàn, Giỏi/);

    await first.click();
    await page.locator('[data-testid=record-title]').waitFor();
    assert.equal(await page.locator('[data-testid=record-title]').innerText(), 'Đất rừng phương Nam');
    assert.equal(await page.locator('[data-testid=copy-row]').count(), 1);
    assert.match(await page.locator('[data-testid=catalogue-record]').innerText(), /Văn học thiếu nhi/);

    await page.click('[data-testid=add-submit]');
    await page.locator('[data-testid=print-labels]').waitFor();
    await waitUntil(async () => (await page.locator('[data-testid=copy-row]').count()) === 2, 10000, 'the new copy to be listed');
    const href = await page.locator('[data-testid=print-labels]').getAttribute('href');
    const labels = await page.request.get(`http://127.0.0.1:${school.server.httpPort}${href}`);
    assert.equal(labels.status(), 200);
    assert.match(await labels.text(), /<svg[^>]*class="code128"/);

    await page.locator('[data-testid=copy-row][data-barcode="30001000000606"] [data-testid=copy-status]').selectOption('damaged');
    await page.locator('[data-testid=copy-row][data-barcode="30001000000606"][data-status=damaged]').waitFor();
    const row = school.server.library.itemByBarcode('30001000000606');
    assert.equal(row?.status, 'damaged');
  });

  it('browses DDC class 800 with its Vietnamese name and count', async () => {
    await page.locator('[data-testid=catalogue-search]').fill('');
    const cls = page.locator('[data-testid=ddc-class][data-code="800"]');
    await cls.waitFor();
    assert.match(await cls.innerText(), /Văn học/);
    assert.equal(await cls.locator('[data-testid=ddc-count]').innerText(), '9');
    await cls.click();
    await page.locator('[data-testid=ddc-list][data-code="800"]').waitFor();
    assert.equal(await page.locator('[data-testid=ddc-list] [data-testid=catalogue-hit]').count(), 9);
  });
});
