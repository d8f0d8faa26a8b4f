/**
 * Kiosk budgets (issue 5), measured in Debian's Chromium against a whole simulated school:
 * - scan to screen: from the simulated scanner's last HID report (a keyboard-wedge scanner sends its
 *   30 reports 4 ms apart; the time is taken as the simulator hands the last one to the driver) to
 *   the book's title in the page's DOM, seen by a MutationObserver and timestamped with the page's
 *   performance.timeOrigin + now(), corrected by the page/Node clock offset measured beforehand
 *   (smallest of 50 round trips). The peer figure is the daemon alone: the same last byte to the
 *   moment the session emits the view with that title (no socket, no browser);
 * - bundle: the kiosk page's JS + CSS (app.js, app.css, sw.js), gzipped, from a fresh build in a
 *   temp dir; the dashboard's beside it;
 * - first paint: performance 'paint' entries of fresh loads (new context each, nothing cached).
 * The homeroom teacher borrows class sets (40 a class) so each of the scans is a real loan.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '#test/chromium.ts';
import { toolPath } from '#test/require-tool.ts';
import { startSchool, testConfig, waitUntil } from '#test/school.ts';
import type { SessionView } from '#core/protocol/kiosk-events.ts';
import { build } from '../scripts/build.ts';

const TEACHER = '20001000090013';
const BATCH = 20;

export interface Dist {
  p50: number;
  p99: number;
  max: number;
}

export interface KioskBenchResult {
  scans: number;
  screen: Dist;
  daemon: Dist;
  /** The kiosk's own share per scan: daemon's view out → title in the DOM (socket.io + store + render). */
  render: Dist;
  clockUncertaintyMs: number;
  kioskGzipBytes: number;
  dashboardGzipBytes: number;
  firstPaint: Dist;
  firstContentfulPaint: Dist;
  dashboardFirstPaint: Dist;
}

function dist(xs: number[]): Dist {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
  return { p50: at(50), p99: at(99), max: s.at(-1)! };
}

const nodeNow = () => performance.timeOrigin + performance.now();

/** page clock − Node clock (ms), from the round trip with the least delay; ± half that round trip. */
async function clockOffset(page: Page): Promise<{ offset: number; uncertainty: number }> {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 50; i++) {
    const a = nodeNow();
    const p = await page.evaluate('performance.timeOrigin + performance.now()');
    const b = nodeNow();
    if (b - a < best.rtt) best = { rtt: b - a, offset: (p as number) - (a + b) / 2 };
  }
  return { offset: best.offset, uncertainty: best.rtt / 2 };
}

/** Arms an observer in the page that resolves window.__seen with the time `barcode`'s title shows. */
function armObserver(page: Page, barcode: string): Promise<unknown> {
  return page.evaluate(`(() => {
    const sel = '[data-testid=item-line][data-barcode="${barcode}"][data-state=ok] [data-testid=item-title]';
    window.__seen = new Promise((resolve) => {
      const obs = new MutationObserver(() => {
        const el = document.querySelector(sel);
        if (el && el.textContent && el.textContent !== '${barcode}') {
          obs.disconnect();
          resolve(performance.timeOrigin + performance.now());
        }
      });
      obs.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
  })()`);
}

async function paints(browser: Browser, url: string, n: number): Promise<{ fp: number[]; fcp: number[] }> {
  const fp: number[] = [];
  const fcp: number[] = [];
  for (let i = 0; i < n; i++) {
    const ctx = await browser.newContext({ viewport: { width: 800, height: 480 } });
    const page = await ctx.newPage();
    await page.goto(url, { waitUntil: 'load' });
    const got = (await page.evaluate(`new Promise((resolve) => {
      const read = () => Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
      const now = read();
      if (now['first-contentful-paint'] !== undefined) return resolve(now);
      new PerformanceObserver(() => resolve(read())).observe({ type: 'paint', buffered: true });
    })`)) as Record<string, number>;
    if (got['first-paint'] !== undefined) fp.push(got['first-paint']);
    if (got['first-contentful-paint'] !== undefined) fcp.push(got['first-contentful-paint']);
    await ctx.close();
  }
  return { fp, fcp };
}

/** Runs the kiosk budgets with `scans` scans (default 200); throws when Chromium is missing. */
export async function kioskBench(scans = 200): Promise<KioskBenchResult> {
  const executablePath = toolPath(CHROMIUM);
  if (!executablePath) throw new Error(`Chromium not found at ${CHROMIUM.join(' or ')} (apt-get install chromium)`);

  const out = mkdtempSync(join(tmpdir(), 'openshelf-bench-build-'));
  const reports = await build({ outRoot: out });
  const kioskReport = reports.find((r) => r.name === 'kiosk')!;
  const kioskGzipBytes = kioskReport.files.filter((f) => /^(app|sw)\.(js|css)$/.test(f.path)).reduce((n, f) => n + f.gzipBytes, 0);
  const dashboardGzipBytes = reports.find((r) => r.name === 'dashboard')!.codeGzipBytes;

  const config = await testConfig();
  config.stations[0]!.idleTimeoutSec = 600;
  const school = await startSchool(config, ['kiosk-1']);
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  try {
    const st = school.stations[0]!;
    const teacher = school.server.library.patronByIdentifier(TEACHER)!;
    const cls = teacher.homeroomClass!;
    // Books a class may borrow: lend and return each once through the station (not timed).
    const candidates = (school.server.db.prepare(`SELECT barcode FROM copies WHERE barcode LIKE '30001005%' ORDER BY barcode LIMIT 200`).all() as { barcode: string }[]).map((r) => r.barcode);
    const books: string[] = [];
    for (const b of candidates) {
      if (books.length === BATCH) break;
      const r = await st.circulation.checkout(teacher.id, [b], cls);
      if (r.items[0]?.ok) {
        books.push(b);
        await st.circulation.checkin([b]);
      }
    }
    if (books.length < BATCH) throw new Error(`only ${books.length} books a class may borrow`);

    const page = await browser.newPage({ viewport: { width: 800, height: 480 } });
    await page.goto(`http://127.0.0.1:${st.httpPort}/`);
    await page.locator('[data-testid=screen][data-screen=idle]').waitFor();
    const clock = await clockOffset(page);

    const screen: number[] = [];
    const daemon: number[] = [];
    const render: number[] = [];
    let daemonSeen: ((t: number) => void) | null = null;
    let watching = '';
    st.session.on('view', (v: SessionView) => {
      if (daemonSeen && v.items.some((i) => i.barcode === watching && i.state === 'ok' && i.title)) {
        daemonSeen(nodeNow());
        daemonSeen = null;
      }
    });
    // The moment each report leaves the simulated scanner: its `sent` log is pushed just before the emit.
    const scanner = st.sim!.scanner! as unknown as { sent?: Buffer[] };
    let lastByteAt = 0;
    if (!Array.isArray(scanner.sent)) throw new Error('the simulated scanner keeps no report log to time its last byte by');
    const log = scanner.sent;
    const push = log.push;
    log.push = (...r: Buffer[]) => {
      lastByteAt = nodeNow();
      return push.apply(log, r);
    };
    const warmup = 10;
    let done = -warmup;
    while (done < scans) {
      await st.sim!.card!.type(TEACHER);
      await page.locator('[data-testid=screen][data-screen=patron]').waitFor();
      await page.click('[data-testid=for-class]');
      await page.locator('[data-testid=for-class][aria-pressed=true]').waitFor();
      for (const b of books) {
        if (done >= scans) break;
        await armObserver(page, b);
        watching = b;
        const daemonAt = new Promise<number>((res) => (daemonSeen = res));
        await st.sim!.scanner!.type(b);
        const t0 = lastByteAt;
        const [shown, decided] = await Promise.all([page.evaluate('window.__seen') as Promise<number>, daemonAt]);
        if (done >= 0) {
          screen.push(shown - clock.offset - t0);
          daemon.push(decided - t0);
          render.push(shown - clock.offset - decided);
        }
        done++;
      }
      await st.session.finish();
      await waitUntil(() => st.session.view.screen !== 'patron', 10000, 'session over');
      await st.circulation.checkin(books);
      await st.session.startReturn(); // leaves the goodbye screen at once
      await st.session.finish();
      await waitUntil(() => st.session.view.screen !== 'return', 10000, 'return over');
    }
    await page.close();

    const kiosk = await paints(browser, `http://127.0.0.1:${st.httpPort}/`, 10);
    const dash = await paints(browser, `http://127.0.0.1:${school.server.httpPort}/`, 10);
    return {
      scans,
      screen: dist(screen),
      daemon: dist(daemon),
      render: dist(render),
      clockUncertaintyMs: clock.uncertainty,
      kioskGzipBytes,
      dashboardGzipBytes,
      firstPaint: dist(kiosk.fp),
      firstContentfulPaint: dist(kiosk.fcp),
      dashboardFirstPaint: dist(dash.fp),
    };
  } finally {
    await browser.close();
    await school.stop();
    rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('bench/kiosk.ts')) {
  console.log(JSON.stringify(await kioskBench(Number(process.env.BENCH_SCANS ?? 200)), null, 1));
}
