/**
 * The patrons page in a real Chromium against the seeded demo school: upload class 4A's roster as
 * the ministry exports it, read the preview (a new pupil, a pupil moved in from 4B, a leaver who
 * still has a book), apply it, print the new pupil's card, and print a whole class's sheet to PDF
 * (10 cards per A4 page).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { sharedChromium } from '#test/chromium.ts';
import { startSchool, testConfig, type TestSchool } from '#test/school.ts';
import { compareNames } from '#server/patrons/sort.ts';

interface Pupil {
  id: string;
  fullName: string;
  dob: string;
  pupilCode: string;
}

describe('dashboard/patrons page in Chromium', function () {
  this.timeout(120000);
  let school: TestSchool;
  let page: Page;
  let dir: string;

  before(async function () {
    const browser = await sharedChromium(this);
    school = await startSchool(await testConfig(), []);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    dir = mkdtempSync(join(tmpdir(), 'openshelf-patrons-e2e-'));
  });
  after(async () => {
    await page?.close();
    await school?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('uploads a roster, previews, applies and prints the new pupil’s card', async () => {
    const db = school.server.db;
    const members = (cls: string) =>
      db
        .prepare(
          `SELECT p.id, p.full_name AS fullName, p.dob, p.pupil_code AS pupilCode FROM patrons p JOIN class_members m ON m.patron_id = p.id
           WHERE m.class_id = ? AND m.school_year = '2026-2027' AND p.active = 1 ORDER BY p.id`,
        )
        .all(cls) as Pupil[];
    const a = members('2026-4A');
    const b = members('2026-4B');
    // The leaver: a 4A pupil who has a book out (given one here so the test does not depend on the history).
    const leaver = a.find((p) => p.id !== 'pupil-1')!;
    const copy = db.prepare(`SELECT id FROM copies WHERE barcode = '30001000000804'`).get() as { id: number };
    db.prepare(`INSERT INTO loans (copy_id, patron_id, station, loaned_at, due_date) VALUES (?, ?, 'kiosk-1', '2026-10-01T02:00:00Z', '2026-10-08')`).run(copy.id, leaver.id);
    db.prepare(`UPDATE copies SET status = 'on_loan' WHERE id = ?`).run(copy.id);
    const movedIn = b[0]!;
    const dmy = (iso: string) => iso.split('-').reverse().join('/');
    const rows = [...a.filter((p) => p.id !== leaver.id), movedIn].map((p, i) => [i + 1, p.fullName, dmy(p.dob), '4A', p.pupilCode].join(';'));
    rows.push([rows.length + 1, 'Âu Thị Zin', '03/03/2017', '4A', 'HS20239999'].join(';'));
    const file = join(dir, 'DS_4A.csv');
    writeFileSync(file, '\ufeffTRƯỜNG TH&THCS DEMO\nDANH SÁCH HỌC SINH LỚP 4A\n\nSTT;Họ và tên;Ngày sinh;Lớp;Mã học sinh\n' + rows.join('\n') + '\n');

    await page.goto(`http://127.0.0.1:${school.server.httpPort}/`);
    await page.locator('[data-testid=login-form]').waitFor();
    await page.fill('[data-testid=login-username]', 'thuthu');
    await page.fill('[data-testid=login-password]', 'thuvien');
    await page.click('[data-testid=login-submit]');
    await page.locator('[data-testid=tab-patrons]').click();
    await page.locator('[data-testid=roster-file]').setInputFiles(file);
    await page.click('[data-testid=roster-preview-btn]');
    await page.locator('[data-testid=roster-preview]').waitFor();
    const count = async (k: string) => Number(await page.locator(`[data-testid=roster-preview] [data-testid=roster-${k}]`).innerText());
    assert.equal(await count('new'), 1);
    assert.equal(await count('moved'), 1);
    assert.equal(await count('leavers'), 1);
    assert.equal(await count('rejected'), 0);
    const flagged = page.locator('[data-testid=leaver].flagged');
    assert.match(await flagged.innerText(), new RegExp(`${leaver.fullName}[\\s\\S]*còn giữ 1 sách[\\s\\S]*Hoàng tử bé`));
    // Nothing has changed yet.
    assert.equal((db.prepare(`SELECT active FROM patrons WHERE id = ?`).get(leaver.id) as { active: number }).active, 1);

    await page.click('[data-testid=roster-apply]');
    await page.locator('[data-testid=roster-result]').waitFor();
    assert.equal((db.prepare(`SELECT active FROM patrons WHERE id = ?`).get(leaver.id) as { active: number }).active, 0);
    const href = await page.locator('[data-testid=print-new-cards]').getAttribute('href');
    const sheet = await page.request.get(`http://127.0.0.1:${school.server.httpPort}${href}`);
    assert.equal(sheet.status(), 200);
    const html = await sheet.text();
    assert.match(html, /Âu Thị Zin/);
    assert.equal((html.match(/<article class="card"/g) ?? []).length, 1);

    // The class list, refreshed, in Vietnamese order, with the newcomer and without the leaver.
    await page.locator('[data-testid=class-chip]', { hasText: '4A' }).first().click();
    await page.locator('[data-testid=class-pupils]').waitFor();
    const names = await page.locator('[data-testid=pupil-name]').allInnerTexts();
    assert.equal(names.length, a.length + 1);
    assert.ok(names.includes('Âu Thị Zin') && names.includes(movedIn.fullName) && !names.includes(leaver.fullName));
    for (let i = 1; i < names.length; i++) assert.ok(compareNames(names[i - 1]!, names[i]!) <= 0, `${names[i - 1]} before ${names[i]}`);

    // A one-pupil list for 4B would make the rest of 4B leave: the preview warns before anything happens.
    const partial = join(dir, 'bo-sung-4B.csv');
    writeFileSync(partial, 'Họ và tên,Lớp,Ngày sinh\nTô Văn Lẻ,4B,01/01/2017\n');
    await page.locator('[data-testid=roster-file]').setInputFiles(partial);
    await page.click('[data-testid=roster-preview-btn]');
    await page.locator('[data-testid=many-leavers]').waitFor();
    assert.match(await page.locator('[data-testid=many-leavers]').innerText(), /học sinh sẽ bị coi là nghỉ học/);
  });

  it('prints a class’s cards on A4 pages of ten', async () => {
    const n = (school.server.db.prepare(`SELECT COUNT(*) AS n FROM class_members m JOIN patrons p ON p.id = m.patron_id WHERE m.class_id = '2026-4A' AND m.school_year = '2026-2027' AND p.active = 1`).get() as { n: number }).n;
    const sheet = page;
    {
      await sheet.goto(`http://127.0.0.1:${school.server.httpPort}/api/patrons/cards?class=2026-4A`);
      const perPage = await sheet.locator('section.page').evaluateAll((pages) => pages.map((p) => p.querySelectorAll('article.card').length));
      assert.equal(perPage.reduce((x, y) => x + y, 0), n);
      assert.ok(perPage.slice(0, -1).every((k) => k === 10));
      // A card is 85.6 × 54 mm (CSS px at 96 dpi) and holds a QR and a barcode drawing.
      const box = await sheet.locator('article.card').first().boundingBox();
      assert.ok(box && Math.abs(box.width - (85.6 * 96) / 25.4) < 1.5 && Math.abs(box.height - (54 * 96) / 25.4) < 1.5, JSON.stringify(box));
      assert.equal(await sheet.locator('article.card').first().locator('svg').count(), 2);
      const pdf = await sheet.pdf({ preferCSSPageSize: true, printBackground: true });
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
      assert.equal(pages, Math.ceil(n / 10));
    }
  });
});
