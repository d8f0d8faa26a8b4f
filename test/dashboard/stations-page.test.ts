/**
 * The admin's "Trạm / Stations" page in a real Chromium against a running school with a real kiosk
 * station: add a station (password shown once, its config file downloaded and valid), revoke the
 * running kiosk (it drops off the broker), and a librarian has no such page.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { parseConfig } from '#core/config.ts';
import { sharedChromium } from '#test/chromium.ts';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';

describe('stations page (Chromium)', function () {
  this.timeout(120000);
  let school: TestSchool;
  let browser: Browser;
  const pages: Page[] = [];

  before(async function () {
    browser = await sharedChromium(this);
    school = await startSchool(await testConfig(), ['kiosk-1']);
  });
  after(async () => {
    for (const p of pages) await p.close();
    await school?.stop();
  });

  async function login(user: string, password: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    pages.push(page);
    await page.goto(`http://127.0.0.1:${school.server.httpPort}/login`);
    await page.fill('[data-testid=login-username]', user);
    await page.fill('[data-testid=login-password]', password);
    await page.click('[data-testid=login-submit]');
    await page.locator('[data-testid=user]').waitFor();
    return page;
  }

  it('adds a station with a one-time password and a valid config file, and revokes a running kiosk', async () => {
    const page = await login('quantri', 'quantri');
    await page.click('[data-testid=tab-stations]');
    await page.locator('[data-testid=credential-row][data-device=kiosk-1]').waitFor();

    await page.fill('[data-testid=new-device]', 'kiosk-9');
    await page.click('[data-testid=station-add] button[type=submit]');
    const handout = page.locator('[data-testid=station-handout][data-device=kiosk-9]');
    await handout.waitFor();
    const password = /trạm kiosk-9: (\S+)/.exec(await handout.innerText())?.[1];
    assert.ok(password && password.length >= 20, 'the password is shown');
    await handout.locator('[data-testid=station-qr] svg').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-config]')]);
    assert.equal(download.suggestedFilename(), 'kiosk-9.json');
    const cfg = parseConfig(JSON.parse(readFileSync((await download.path())!, 'utf8')), 'downloaded');
    assert.deepEqual([cfg.stations[0]!.device, cfg.stations[0]!.password], ['kiosk-9', password]);
    assert.equal(cfg.stations[0]!.mqttUrl, `mqtt://127.0.0.1:${school.server.broker!.port}`);
    await page.locator('[data-testid=credential-row][data-device=kiosk-9]').waitFor();

    const kiosk = school.stations[0]!;
    assert.ok(kiosk.link.connected);
    page.once('dialog', (d) => void d.accept());
    await page.click('[data-testid=credential-row][data-device=kiosk-1] [data-testid=revoke]');
    await page.locator('[data-testid=credential-row][data-device=kiosk-1][data-revoked=true]').waitFor();
    await waitUntil(() => !kiosk.link.connected, 15000, 'the revoked kiosk off the broker');
    assert.equal(await page.locator('[data-testid=credential-row][data-device=kiosk-1] [data-testid=revoke]').count(), 0);
  });

  it('a librarian has no stations page but sees the transactions column on the home page', async () => {
    const page = await login('thuthu', 'thuvien');
    assert.equal(await page.locator('[data-testid=tab-stations]').count(), 0);
    await page.locator('[data-testid=station-transactions]').first().waitFor();
  });
});
