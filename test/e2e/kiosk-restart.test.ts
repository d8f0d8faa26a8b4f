/**
 * The station daemon restarts in the middle of a pupil's session, in a real Chromium: the page shows
 * the calm "Đang kết nối lại…" banner, drops the pupil at once, recovers by itself when the daemon is
 * back on the same port, and never shows a browser error page, not even when the page is reloaded
 * while the daemon is down (the kiosk's service worker serves the page's own files).
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { sharedChromium } from '#test/chromium.ts';
import { quietLog, startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';
import { startStation, type RunningStation } from '#station/station.ts';
import { onScreen, openKiosk, pageMemory, scanBook, tapCard } from '../kiosk/browser.ts';

const PUPIL = '20001000000012';
const BOOK = '30001000000101';

describe('kiosk survives its daemon restarting, in Chromium', function () {
  this.timeout(150000);
  let school: TestSchool;
  let browser: Browser;
  let page: Page;

  before(async function () {
    browser = await sharedChromium(this);
    school = await startSchool(await testConfig(), ['kiosk-1']);
  });
  after(async () => {
    await page?.close().catch(() => undefined);
    await school?.stop();
  });

  const st = () => school.stations[0]!;
  const pupilName = () => school.server.library.patronByIdentifier(PUPIL)!.fullName;
  /** Stops the station daemon (its HTTP server, socket.io and devices) like a crash-restart would. */
  async function stopDaemon(): Promise<void> {
    await st().stop();
  }
  /** Starts it again on the same port with the same data, and puts it where the school's stop() finds it. */
  async function startDaemon(): Promise<RunningStation> {
    const sc = school.config.stations[0]!;
    const next = await startStation({ config: school.config, station: sc, log: quietLog, mqttUrl: sc.mqttUrl });
    school.stations[0] = next;
    await waitUntil(() => next.link.connected, 15000, 'station online again');
    return next;
  }
  /** The page is the kiosk app, not a browser error page. */
  async function assertKioskPage(): Promise<void> {
    assert.match(page.url(), /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(await page.title(), 'OpenShelf — Tự mượn sách');
    assert.equal(await page.locator('[data-testid=screen]').count(), 1);
  }

  it('mid-session: banner, the pupil gone at once, and back to a working idle screen by itself', async () => {
    page = await openKiosk(browser, st(), { width: 1280, height: 800 });
    const navigations: string[] = [];
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations.push(f.url());
    });
    // The service worker is in charge before anything goes wrong.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

    await tapCard(st(), PUPIL);
    await onScreen(page, 'patron');
    await scanBook(st(), BOOK);
    await page.locator(`[data-testid=item-line][data-barcode="${BOOK}"][data-state=ok]`).waitFor();
    assert.match(await page.locator('body').innerText(), new RegExp(pupilName()));

    await stopDaemon();
    const banner = page.locator('[data-testid=reconnecting]');
    await banner.waitFor();
    assert.match(await banner.innerText(), /Đang kết nối lại…[\s\S]*Reconnecting…/);
    assert.equal(await banner.getAttribute('role'), 'status', 'calm: a status, not an alert');
    await onScreen(page, 'idle');
    let m = await pageMemory(page);
    assert.ok(!m.html.includes(pupilName()) && !m.store.includes(pupilName()), 'no pupil data while reconnecting');
    await assertKioskPage();

    const next = await startDaemon();
    await banner.waitFor({ state: 'detached', timeout: 30000 });
    await onScreen(page, 'idle');
    m = await pageMemory(page);
    assert.ok(!m.html.includes(pupilName()) && !m.store.includes(pupilName()), 'no stale pupil data after the restart');
    assert.deepEqual(navigations, [], 'the page never navigated');
    await assertKioskPage();

    // And it works: the next card is a new session on the new daemon.
    await tapCard(next, PUPIL);
    await onScreen(page, 'patron');
    await next.session.finish();
    await onScreen(page, 'finished');
  });

  it('a reload while the daemon is down still opens the kiosk, which connects when the daemon is back', async () => {
    await onScreen(page, 'idle', 15000);
    await stopDaemon();
    await page.locator('[data-testid=reconnecting]').waitFor();
    await page.reload();
    await assertKioskPage();
    const banner = page.locator('[data-testid=reconnecting]');
    await banner.waitFor();
    assert.match(await banner.innerText(), /Đang kết nối…[\s\S]*Connecting…/);
    await startDaemon();
    await banner.waitFor({ state: 'detached', timeout: 30000 });
    await onScreen(page, 'idle');
    await page.locator('[data-testid=today]').waitFor();
  });
});
