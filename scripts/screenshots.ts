/**
 * `npm run screenshots`: a whole school in simulation (server, embedded broker and kiosks, in a
 * temporary data dir), each kiosk screen driven by the simulated devices in Chromium, and a PNG of
 * each screen at 800×480, 1280×800 and 1920×1080 written to docs/screenshots/. Run `npm run build`
 * first. Tests never write into the tree; this script is the one place that does.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '#test/chromium.ts';
import { toolPath } from '#test/require-tool.ts';
import { startSchool, testConfig, waitUntil } from '#test/school.ts';
import { hideSimPanel, onScreen, openKiosk, scanBook, SIZES, tapCard } from '../test/kiosk/browser.ts';
import type { RunningStation } from '#station/station.ts';

const PUPIL = '20001000000012';
const TEACHER = '20001000090013';
const BOOKS = ['30001000000101', '30001000000200'];
const REFERENCE_ONLY = '30001000001406';

const outDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'screenshots');
mkdirSync(outDir, { recursive: true });

const executablePath = toolPath(CHROMIUM);
if (!executablePath) {
  console.error(`Chromium not found at ${CHROMIUM.join(' or ')}: apt-get install chromium`);
  process.exit(1);
}

const config = await testConfig();
config.server!.requirePinFor = ['teacher'];
// kiosk-2 logs out quickly, to show the warning before the automatic logout.
config.stations[1]!.idleTimeoutSec = 5;
config.stations[1]!.idleWarningSec = 4;
const school = await startSchool(config, ['kiosk-1', 'kiosk-2']);
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
const written: string[] = [];

async function idle(st: RunningStation): Promise<void> {
  if (st.session.view.screen === 'pin') await st.session.cancel();
  await st.session.finish();
  // Idle without the previous shot's message (it clears by itself after a few seconds).
  await waitUntil(() => st.session.view.screen === 'idle' && st.session.view.notice === null, 20000, 'idle');
}

async function shot(page: Page, name: string): Promise<void> {
  const { width, height } = page.viewportSize()!;
  // Fonts loaded, nothing spinning mid-frame.
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  const file = join(outDir, `${name}-${width}x${height}.png`);
  await page.screenshot({ path: file, animations: 'disabled' });
  written.push(file);
}

try {
  const [k1, k2] = school.stations as [RunningStation, RunningStation];
  for (const size of Object.values(SIZES)) {
    await idle(k1);
    const page = await openKiosk(browser, k1, size);
    await hideSimPanel(page);
    await onScreen(page, 'idle');
    await page.locator('[data-testid=today]').waitFor();
    await shot(page, '01-idle');

    await tapCard(k1, PUPIL);
    await onScreen(page, 'patron');
    for (const b of BOOKS) {
      await scanBook(k1, b);
      await page.locator(`[data-testid=item-line][data-barcode="${b}"][data-state=ok]`).waitFor();
    }
    await shot(page, '02-borrowing');
    await scanBook(k1, REFERENCE_ONLY);
    await page.locator('[data-testid=notice][data-code=REFERENCE_ONLY]').waitFor();
    await shot(page, '03-error-reference-only');
    await page.click('[data-testid=lang-en]');
    await page.locator('[data-testid=lang-toggle][data-lang=en]').waitFor();
    await shot(page, '04-borrowing-english');
    await page.click('[data-testid=finish]');
    await onScreen(page, 'finished');
    await shot(page, '05-goodbye');
    await onScreen(page, 'idle');

    await tapCard(k1, PUPIL);
    await onScreen(page, 'patron');
    await page.locator('[data-testid=loan-line]').first().waitFor();
    await shot(page, '06-loans-and-renew');
    await page.click('[data-testid=finish]');
    await onScreen(page, 'finished');
    await onScreen(page, 'idle');

    await page.click('[data-testid=start-return]');
    await onScreen(page, 'return');
    for (const b of BOOKS) {
      await scanBook(k1, b);
      await page.locator(`[data-testid=item-line][data-barcode="${b}"][data-state=ok]`).waitFor();
    }
    await shot(page, '07-return');
    await page.click('[data-testid=finish]');
    await onScreen(page, 'finished');
    await onScreen(page, 'idle');

    await tapCard(k1, TEACHER);
    await onScreen(page, 'pin');
    for (const d of '12') await page.click(`[data-testid=pin-key-${d}]`);
    await shot(page, '08-pin');
    await page.click('[data-testid=pin-cancel]');
    await onScreen(page, 'idle');

    await tapCard(k1, '20001999999990');
    await page.locator('[data-testid=notice][data-level=error]').waitFor();
    await shot(page, '09-error-unknown-card');
    await page.close();

    await idle(k2);
    const p2 = await openKiosk(browser, k2, size);
    await hideSimPanel(p2);
    await tapCard(k2, PUPIL);
    await onScreen(p2, 'patron');
    await p2.locator('[data-testid=idle-warning]').waitFor({ timeout: 10000 });
    await shot(p2, '10-still-there');
    await p2.close();
  }
  console.log(written.map((f) => `  ${f}`).join('\n'));
  console.log(`${written.length} screenshots in ${outDir}`);
} finally {
  await browser.close();
  await school.stop();
}
