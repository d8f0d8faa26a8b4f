/**
 * The tagging page in a real Chromium on a station of a running school: a blank tag on the
 * simulated pad, a barcode typed (or read by the station's own scanner), "Ghi thẻ", and the tag
 * then decodes as that item of this school.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { decodeBasicBlock } from '#core/rfid/iso28560-3.ts';
import type { SimFeigReader } from '#hardware/rfid/sim-reader.ts';
import { sharedChromium } from '#test/chromium.ts';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';

const BOOK = '30001000001505';

describe('tagging page in Chromium', function () {
  this.timeout(60000);
  let school: TestSchool;
  let page: Page;
  let sim: SimFeigReader;
  let base: string;

  before(async function () {
    const browser = await sharedChromium(this);
    school = await startSchool(await testConfig(), ['kiosk-1']);
    const station = school.stations[0]!;
    assert.ok(station.rfidSim, 'the test station has a simulated pad');
    sim = station.rfidSim;
    assert.ok(station.replica.item(BOOK), `${BOOK} is in the demo catalogue`);
    base = `http://127.0.0.1:${station.httpPort}`;
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  after(async () => {
    await page?.close();
    await school?.stop();
  });

  it('writes a blank tag from the page, verifies it and counts it', async () => {
    sim.removeAll();
    const uid = sim.addTag({ memory: new Uint8Array(112), afi: 0x00 });
    await page.goto(`${base}/tagging/`);
    assert.match(await page.locator('[data-testid=title]').innerText(), /Gắn thẻ RFID cho sách[\s\S]*Tag books/);
    await page.locator(`[data-testid=pad-tag][data-uid="${uid}"][data-state=blank]`).waitFor();
    const count = async (what: string) => Number(await page.locator(`[data-testid=progress-${what}]`).innerText());
    const before = { today: await count('today'), total: await count('total') };
    assert.equal(await count('items'), school.stations[0]!.replica.counts().items);

    await page.fill('[data-testid=barcode]', BOOK);
    await page.click('[data-testid=write]');
    const result = page.locator('[data-testid=result]');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-ok'), 'true', await result.innerText());
    assert.match(await result.innerText(), new RegExp(`Đã gắn thẻ: ${BOOK}`));
    await waitUntil(async () => (await count('total')) === before.total + 1, 5000, 'the total counter to go up');
    assert.equal(await count('today'), before.today + 1);
    await page.locator(`[data-testid=pad-tag][data-uid="${uid}"][data-state=item][data-item-id="${BOOK}"]`).waitFor();
    assert.equal(await page.inputValue('[data-testid=barcode]'), '', 'ready for the next book');

    const tag = sim.tag(uid)!;
    const block = decodeBasicBlock(tag.memory);
    assert.deepEqual([block.itemId, block.owner, block.parts, block.part], [BOOK, 'VN-THCS01', 1, 1]);
    assert.equal(tag.afi, 0x07, 'AFI "in the library"');
  });

  it('refuses a tag carrying another book until the librarian chooses to overwrite it', async () => {
    const [uid] = sim.setTags([{ itemId: '30001000000101' }]);
    await page.goto(`${base}/tagging/`);
    await page.locator(`[data-testid=pad-tag][data-uid="${uid}"][data-state=item]`).waitFor();
    await page.fill('[data-testid=barcode]', BOOK);
    await page.press('[data-testid=barcode]', 'Enter');
    const result = page.locator('[data-testid=result][data-ok=false][data-code=TAG_HAS_OTHER_ITEM]');
    await result.waitFor();
    assert.match(await result.innerText(), /30001000000101/);
    assert.equal(decodeBasicBlock(sim.tag(uid!)!.memory).itemId, '30001000000101', 'untouched');
    await page.click('[data-testid=overwrite]');
    await page.locator('[data-testid=result][data-ok=true]').waitFor();
    assert.equal(decodeBasicBlock(sim.tag(uid!)!.memory).itemId, BOOK);
  });

  it('fills the barcode from the station\'s own scanner', async () => {
    await page.goto(`${base}/tagging/`);
    await page.locator('[data-testid=progress]').waitFor();
    const res = await fetch(`${base}/api/sim/scanner`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: BOOK }) });
    assert.equal(res.status, 200);
    await waitUntil(async () => (await page.inputValue('[data-testid=barcode]')) === BOOK, 5000, 'the scanned code in the field');
    assert.equal(await page.locator('[data-testid=last-scan]').getAttribute('data-code'), BOOK);
  });
});
