/**
 * A school's day in a real Chromium against a whole simulated school (server, embedded broker, a
 * kiosk with simulated devices): the librarian logs in, imports MARC files through the import page
 * and reads the report (read / imported / updated / rejected, rejected records with their position
 * and reason), searches "dat rung" and finds "Đất rừng phương Nam", sees a class's rates move after
 * a checkout at the kiosk, and cancels a large import part way (from a second tab following it)
 * without leaving a half record.
 * The expected counts come from test/fixtures/marc/expected.json (the files' own documentation).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { isControlField, readIso2709, type MarcRecord } from '#core/marc/iso2709.ts';
import { writeIso2709File } from '#core/marc/write.ts';
import { sharedChromium } from '#test/chromium.ts';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/marc/', import.meta.url));
const expected = (JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as { files: Record<string, { read: number; accepted: number; rejected: number }> }).files;

/** The value a report figure carries (data-value), e.g. figure(page, 'read'). */
async function figure(page: Page, id: string): Promise<number> {
  return Number(await page.locator(`[data-testid=import-report] [data-testid=report-${id}]`).getAttribute('data-value'));
}

/** axe-core's serious and critical violations inside one element of the page. */
async function axeOn(page: Page, selector: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
  return page.evaluate(async (sel) => {
    const axe = (globalThis as unknown as { axe: { run(ctx: string, o: object): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const r = await axe.run(sel, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  }, selector);
}

async function importThroughPage(page: Page, file: string): Promise<void> {
  await page.setInputFiles('[data-testid=import-file]', file);
  await page.click('[data-testid=import-upload]');
}

describe('school journey in Chromium', function () {
  this.timeout(180000);
  let school: TestSchool;
  let page: Page;
  let tmp: string;

  before(async function () {
    const browser = await sharedChromium(this);
    school = await startSchool(await testConfig(), ['kiosk-1']);
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    tmp = mkdtempSync(join(tmpdir(), 'openshelf-journey-'));
  });
  after(async () => {
    await page?.context().close();
    await school?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('logs in as the librarian and imports MARC files through the page, with a report', async () => {
    await page.goto(`http://127.0.0.1:${school.server.httpPort}/`);
    await page.locator('[data-testid=login-form]').waitFor();
    await page.fill('[data-testid=login-username]', 'thuthu');
    await page.fill('[data-testid=login-password]', 'thuvien');
    await page.click('[data-testid=login-submit]');
    await page.locator('[data-testid=tab-catalogue-import]').click();
    await page.locator('[data-testid=catalogue-import]').waitFor();

    // MARCXML of the school's 15 titles: the demo catalogue holds them, so they are matched, not doubled.
    const recordsBefore = (school.server.db.prepare('SELECT COUNT(*) AS n FROM records').get() as { n: number }).n;
    const xml = expected['vn-school/vn-school.xml']!;
    await importThroughPage(page, join(FIXTURES, 'vn-school/vn-school.xml'));
    await page.locator('[data-testid=import-report][data-status=done]').waitFor({ timeout: 30000 });
    assert.equal(await figure(page, 'read'), xml.read);
    assert.equal((await figure(page, 'imported')) + (await figure(page, 'updated')), xml.accepted);
    assert.equal(await figure(page, 'rejected'), xml.rejected);
    const recordsAfter = (school.server.db.prepare('SELECT COUNT(*) AS n FROM records').get() as { n: number }).n;
    assert.equal(recordsAfter, recordsBefore + (await figure(page, 'imported')));
    assert.match(await page.locator('[data-testid=import-report]').innerText(), /Hoàn tất/);

    // A file with broken records: each rejected one is listed with its position and a Vietnamese reason.
    const bad = expected['pymarc/bad_records.mrc']!;
    await importThroughPage(page, join(FIXTURES, 'pymarc/bad_records.mrc'));
    await page.locator('[data-testid=import-report][data-status=done]', { hasText: 'bad_records.mrc' }).waitFor({ timeout: 30000 });
    assert.equal(await figure(page, 'read'), bad.read);
    assert.equal((await figure(page, 'imported')) + (await figure(page, 'updated')), bad.accepted);
    assert.equal(await figure(page, 'rejected'), bad.rejected);
    const errors = page.locator('[data-testid=import-problem][data-severity=error]');
    assert.ok((await errors.count()) >= bad.rejected, 'every rejected record has a reason');
    const firstError = await errors.first().innerText();
    assert.match(firstError, /Biểu ghi thứ \d+ \(byte \d+\)/);
    assert.match(firstError, /Record \d+ \(byte \d+\)/);

    // The runs list shows both imports, newest first.
    await waitUntil(async () => (await page.locator('[data-testid=import-run]').count()) >= 2, 10000, 'both runs listed');
    assert.match(await page.locator('[data-testid=import-run]').first().innerText(), /bad_records\.mrc/);
    // The page (form, report with its problems, runs, export links) has no serious or critical axe violation.
    assert.deepEqual(await axeOn(page, '[data-testid=catalogue-import]'), []);

    // The export buttons point at the catalogue's download.
    const href = await page.locator('[data-testid=export-marcxml]').getAttribute('href');
    const exp = await page.request.get(`http://127.0.0.1:${school.server.httpPort}${href}`);
    assert.equal(exp.status(), 200);
    assert.match(await exp.text(), /Đất rừng phương Nam/);
  });

  it('finds "Đất rừng phương Nam" from "dat rung"', async () => {
    await page.locator('[data-testid=tab-catalogue]').click();
    await page.locator('[data-testid=catalogue-search]').pressSequentially('dat rung', { delay: 30 });
    const first = page.locator('[data-testid=catalogue-hit]').first();
    await waitUntil(async () => /Đất rừng phương Nam/.test(await first.innerText()), 15000, 'the first hit to be Đất rừng phương Nam');
  });

  it("shows a class's rates change after a checkout at the kiosk", async () => {
    const sim = (device: string, code: string) =>
      fetch(`http://127.0.0.1:${school.stations[0]!.httpPort}/api/sim/${device}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
      }).then((r) => assert.equal(r.status, 200));
    await page.click('[data-testid=tab-rates]');
    await page.click('[data-testid=period-day]');
    const cell = (name: string, col: string) => page.locator(`[data-testid=rate-row][data-group=class][data-name="${name}"] [data-testid=${col}]`);
    await cell('4A', 'loans').waitFor();
    const loansBefore = Number(await cell('4A', 'loans').innerText());

    const kiosk = school.stations[0]!;
    await waitUntil(() => kiosk.session.view.screen === 'idle', 15000, 'the kiosk idle');
    await sim('card', '20001000001911');
    await waitUntil(() => kiosk.session.view.screen === 'patron', 10000, 'identification');
    await sim('scanner', '30001000000101');
    await waitUntil(async () => Number(await cell('4A', 'loans').innerText()) === loansBefore + 1, 20000, "4A's loans today to go up by one");
  });

  it('cancels a large import from the page and leaves no half record', async () => {
    // 20 000 distinct records: the 500 of lul_fre_500.mrc, 40 times, each with its own 001 and no ISBN.
    const source = readIso2709(readFileSync(join(FIXTURES, 'evergreen/lul_fre_500.mrc'))).records;
    assert.equal(source.length, expected['evergreen/lul_fre_500.mrc']!.accepted);
    const records: MarcRecord[] = [];
    for (let k = 0; k < 40; k++) {
      for (const [i, rec] of source.entries()) {
        const fields = rec.fields.filter((f) => f.tag !== '001' && f.tag !== '020').map((f) => (isControlField(f) ? f : { ...f, subfields: [...f.subfields] }));
        records.push({ leader: rec.leader, fields: [{ tag: '001', value: `BIG-${k}-${i}` }, ...fields] });
      }
    }
    const big = join(tmp, 'big-catalogue.mrc');
    writeFileSync(big, writeIso2709File(records));
    const count = (sql: string) => (school.server.db.prepare(sql).get() as { n: number }).n;
    const recordsBefore = count('SELECT COUNT(*) AS n FROM records');

    // A second tab of the same librarian, open on the import page, follows the run and cancels it.
    const other = await page.context().newPage();
    try {
      await other.goto(`http://127.0.0.1:${school.server.httpPort}/#catalogue-import`);
      await other.locator('[data-testid=catalogue-import]').waitFor();
      await page.locator('[data-testid=tab-catalogue-import]').click();
      await importThroughPage(page, big);
      const progress = page.locator('[data-testid=import-progress]');
      await progress.waitFor({ timeout: 60000 });
      await waitUntil(async () => Number(await progress.getAttribute('data-total')) === records.length, 30000, 'the progress bar to know the total');
      const runId = await progress.getAttribute('data-run');
      const follower = other.locator(`[data-testid=import-progress][data-run="${runId}"]`);
      await follower.waitFor({ timeout: 30000 });
      await other.click('[data-testid=import-cancel]');
    } finally {
      await other.close();
    }
    const report = page.locator('[data-testid=import-report][data-status=cancelled]');
    await report.waitFor({ timeout: 60000 });
    assert.match(await report.innerText(), /Đã dừng/);

    const read = await figure(page, 'read');
    const imported = await figure(page, 'imported');
    const notProcessed = await figure(page, 'not-processed');
    assert.equal(read, records.length);
    assert.ok(imported > 0 && imported < records.length, `part of the file was imported (${imported})`);
    assert.equal(imported + (await figure(page, 'updated')) + (await figure(page, 'rejected')) + notProcessed, read);
    // Whole batches only: what the report counts is exactly what the database holds, every record complete.
    assert.equal(count(`SELECT COUNT(*) AS n FROM records WHERE control_number LIKE 'BIG-%'`), imported);
    assert.equal(count('SELECT COUNT(*) AS n FROM records'), recordsBefore + imported);
    assert.equal(count(`SELECT COUNT(*) AS n FROM records WHERE control_number LIKE 'BIG-%' AND (title = '' OR search_text = '' OR marc IS NULL OR length(marc) = 0)`), 0);
    const stored = school.server.db.prepare(`SELECT marc FROM records WHERE control_number LIKE 'BIG-%'`).all() as { marc: Buffer }[];
    for (const r of stored) assert.equal(readIso2709(r.marc).records.length, 1);
    const run = school.server.db.prepare(`SELECT status, imported FROM import_runs ORDER BY id DESC LIMIT 1`).get() as { status: string; imported: number };
    assert.deepEqual(run, { status: 'cancelled', imported });
    await page.locator('[data-testid=import-run][data-status=cancelled]').first().waitFor();
  });
});
