/**
 * The drop box on the librarian's dashboard in a real Chromium: books dropped at the simulated slot
 * fill the bin on the home page live, "nearly full" shows, a viewer has no "emptied" button, and the
 * librarian's button (a POST with the CSRF token) reaches the drop box over MQTT: the count goes
 * back to 0 on the page and at the station.
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { parseConfig } from '#core/config.ts';
import { sharedChromium } from '#test/chromium.ts';
import { freePort } from '#test/ports.ts';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';

describe('drop box on the dashboard (Chromium)', function () {
  this.timeout(90000);
  let school: TestSchool;
  let browser: Browser;
  const pages: Page[] = [];

  before(async function () {
    browser = await sharedChromium(this);
    const base = await testConfig();
    school = await startSchool(
      parseConfig({
        ...base,
        server: { ...base.server!, devices: [...base.server!.devices, { username: 'dropbox-1', password: 'pw-dropbox-1', role: 'dropbox' }] },
        stations: [
          {
            device: 'dropbox-1',
            role: 'dropbox',
            password: 'pw-dropbox-1',
            httpPort: await freePort(),
            mqttUrl: base.stations[0]!.mqttUrl,
            devices: { card: { driver: 'none' }, scanner: { driver: 'none' }, printer: { driver: 'none' }, rfid: { driver: 'sim', pollMs: 100 } },
            dropbox: { binCapacity: 4, nearlyFullAt: 2 },
          },
        ],
      }),
      ['dropbox-1'],
    );
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
    return page;
  }

  it('shows the bin filling, and the librarian empties it', async () => {
    const box = school.stations[0]!;
    const books = (school.server.db.prepare(`SELECT c.barcode FROM loans l JOIN copies c ON c.id = l.copy_id WHERE l.returned_at IS NULL ORDER BY c.barcode LIMIT 2`).all() as { barcode: string }[]).map((r) => r.barcode);
    const r = await fetch(`http://127.0.0.1:${box.httpPort}/api/sim/rfid`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tags: books }) });
    assert.equal(r.status, 200);

    const page = await login('thuthu', 'thuvien');
    const bin = page.locator('[data-testid=dropbox-bin][data-device=dropbox-1]');
    await page.locator('[data-testid=dropbox-bin][data-device=dropbox-1][data-count="2"]').waitFor({ timeout: 20000 });
    assert.match(await bin.innerText(), /Thùng sắp đầy/);
    await page.locator('[data-testid=event-row][data-type=alert]').first().waitFor();

    const viewer = await login('hieutruong', 'hieutruong');
    await viewer.locator('[data-testid=dropbox-bin][data-count="2"]').waitFor({ timeout: 20000 });
    assert.equal(await viewer.locator('[data-testid=dropbox-emptied]').count(), 0, 'a viewer cannot empty the bin');

    page.once('dialog', (d) => void d.accept());
    await page.click('[data-testid=dropbox-emptied]');
    await page.locator('[data-testid=dropbox-bin][data-device=dropbox-1][data-count="0"]').waitFor({ timeout: 20000 });
    await waitUntil(() => box.dropbox!.dropbox.binState().count === 0, 10000, 'the drop box to hear it');
    assert.doesNotMatch(await bin.innerText(), /Thùng sắp đầy/);
    assert.match(await bin.innerText(), /thuthu/);
  });
});
