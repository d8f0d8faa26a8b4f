/**
 * The school calendar page in a real Chromium: the librarian adds a holiday row and saves it (a PUT
 * carrying the CSRF token) and the server holds it at once; an invalid change is refused with its
 * reason on the page; the principal (viewer) sees the calendar but cannot edit it.
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { SchoolCalendar } from '#core/calendar.ts';
import { sharedChromium } from '#test/chromium.ts';
import { startSchool, testConfig, type TestSchool } from '#test/school.ts';

describe('school calendar page in Chromium', function () {
  this.timeout(60000);
  let school: TestSchool;
  let browser: Browser;
  let page: Page;

  before(async function () {
    browser = await sharedChromium(this);
    school = await startSchool(await testConfig(), []);
  });
  afterEach(async () => {
    await page?.close();
  });
  after(async () => {
    await school?.stop();
  });

  async function login(username: string, password: string): Promise<Page> {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`http://127.0.0.1:${school.server.httpPort}/login`);
    await page.fill('[data-testid=login-username]', username);
    await page.fill('[data-testid=login-password]', password);
    await page.click('[data-testid=login-submit]');
    await page.click('[data-testid=tab-calendar]');
    await page.locator('[data-testid=calendar-holidays]').waitFor();
    return page;
  }

  const stored = () =>
    JSON.parse((school.server.db.prepare(`SELECT value FROM settings WHERE key = 'calendar'`).get() as { value: string }).value) as { calendar: SchoolCalendar };

  it('lets the librarian add a holiday and save it', async () => {
    const p = await login('thuthu', 'thuvien');
    const rows = p.locator('[data-testid=calendar-holidays-row]');
    const n = await rows.count();
    await p.click('[data-testid=holidays-add]');
    await p.fill(`[data-testid=holidays-${n}-name_vi]`, 'Nghỉ phòng dịch');
    await p.fill(`[data-testid=holidays-${n}-name_en]`, 'Epidemic closure');
    await p.fill(`[data-testid=holidays-${n}-start]`, '2027-03-08');
    await p.fill(`[data-testid=holidays-${n}-end]`, '2027-03-12');
    await p.click('[data-testid=calendar-save]');
    await p.locator('[data-testid=calendar-message]').waitFor();
    assert.match(await p.locator('[data-testid=calendar-message]').innerText(), /Đã lưu/);
    assert.deepEqual(stored().calendar.holidays.at(-1), { name_vi: 'Nghỉ phòng dịch', name_en: 'Epidemic closure', start: '2027-03-08', end: '2027-03-12' });
  });

  it('shows why an invalid calendar is refused, and keeps the saved one', async () => {
    const before = stored().calendar;
    const p = await login('thuthu', 'thuvien');
    await p.fill('[data-testid=hours-open]', '18:00');
    await p.click('[data-testid=calendar-save]');
    await p.locator('[data-testid=calendar-message]').waitFor();
    assert.match(await p.locator('[data-testid=calendar-message]').innerText(), /giờ mở cửa phải trước giờ đóng cửa/);
    assert.deepEqual(stored().calendar, before);
  });

  it('shows the principal the calendar without letting them edit it', async () => {
    const p = await login('hieutruong', 'hieutruong');
    assert.equal(await p.locator('[data-testid=calendar-save]').count(), 0);
    assert.equal(await p.locator('[data-testid=hours-open]').isDisabled(), true);
    assert.equal(await p.locator('[data-testid=holidays-add]').count(), 0);
  });
});
