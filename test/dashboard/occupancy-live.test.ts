/**
 * The dashboard's reading-room panel in a real Chromium: the simulated door counter on the embedded
 * broker, people walking in and out, and the number on the page following without a reload.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { sharedChromium } from '#test/chromium.ts';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';
import { VisitorCounterSim } from '#hardware/sim/visitor-counter.ts';

describe('dashboard occupancy panel in Chromium', function () {
  this.timeout(90000);
  let school: TestSchool;
  let page: Page;
  let counter: VisitorCounterSim;

  before(async function () {
    const browser = await sharedChromium(this);
    const config = await testConfig();
    config.server!.devices.push({ username: 'counter-1', password: 'pw-counter-1', role: 'counter' });
    school = await startSchool(config, []);
    counter = new VisitorCounterSim({ url: school.server.mqttUrl, school: config.school.id, device: 'counter-1', password: 'pw-counter-1', publishIntervalMs: 100 });
    await counter.start();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  after(async () => {
    await page?.close();
    await counter?.stop();
    await school?.stop();
  });

  const shown = async (id: string) => (await page.locator(`[data-testid=${id}]`).innerText()).trim();

  it('shows people inside and today’s footfall, live as they pass the door', async () => {
    await page.goto(`http://127.0.0.1:${school.server.httpPort}/`);
    await page.locator('[data-testid=login-form]').waitFor();
    await page.fill('[data-testid=login-username]', 'thuthu');
    await page.fill('[data-testid=login-password]', 'thuvien');
    await page.click('[data-testid=login-submit]');
    await page.locator('[data-testid=occupancy-now]').waitFor();
    await waitUntil(async () => (await shown('occupancy-now')) === '0', 10000, 'occupancy 0 at first');

    for (let i = 0; i < 4; i++) counter.passage('in');
    counter.passage('out');
    await waitUntil(async () => (await shown('occupancy-now')) === '3', 15000, 'three people inside on the page');
    assert.equal(await shown('occupancy-footfall'), '4');
    const rows = await page.locator('[data-testid=occupancy-days] tbody tr').count();
    assert.equal(rows, 7);

    counter.passage('out');
    await waitUntil(async () => (await shown('occupancy-now')) === '2', 15000, 'two inside after one more left');
  });

  it('lets the librarian reset occupancy to 0 from the panel, after a confirmation', async () => {
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.accept();
    });
    await page.click('[data-testid=occupancy-reset]');
    await waitUntil(async () => (await shown('occupancy-now')) === '0', 15000, 'occupancy 0 after the reset');
    assert.match(asked, /về 0/);
    assert.equal(await shown('occupancy-drift'), '+2', 'the drift of the period it ended');
    assert.equal(await shown('occupancy-footfall'), '4', 'footfall unchanged');
  });
});
