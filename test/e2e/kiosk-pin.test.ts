/**
 * The PIN screen in a real Chromium against a whole school whose policy asks teachers for their PIN:
 * the teacher's card arrives as real HID bytes through the station's simulated reader, the PIN is
 * typed on the on-screen keypad. Nothing about the teacher may reach the page before the right PIN.
 */
import assert from 'node:assert/strict';
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { REASONS } from '#core/policy.ts';
import { sharedChromium } from '#test/chromium.ts';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';
import type { RunningStation } from '#station/station.ts';

const TEACHER_CARD = '20001000090013';
const TEACHER_PIN = '1234'; // the demo seed's homeroom teacher
const KEYS = ['pin-key-0', 'pin-key-1', 'pin-key-2', 'pin-key-3', 'pin-key-4', 'pin-key-5', 'pin-key-6', 'pin-key-7', 'pin-key-8', 'pin-key-9', 'pin-delete', 'pin-ok', 'pin-cancel'];

describe('kiosk PIN screen in Chromium', function () {
  this.timeout(90000);
  let school: TestSchool;
  let browser: Browser;
  const pages: Page[] = [];

  before(async function () {
    browser = await sharedChromium(this);
    const config = await testConfig();
    config.server!.requirePinFor = ['teacher'];
    school = await startSchool(config, ['kiosk-1']);
  });
  after(async () => {
    for (const p of pages) await p.close().catch(() => undefined);
    await school?.stop();
  });

  const kiosk = (): RunningStation => school.stations[0]!;
  const teacher = () => school.server.library.patronByIdentifier(TEACHER_CARD)!;
  const tapCard = (code: string) => kiosk().sim!.card!.type(code);

  async function openKiosk(width = 1280, height = 800): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height } });
    pages.push(page);
    await page.goto(`http://127.0.0.1:${kiosk().httpPort}/`);
    await page.locator('[data-testid=screen]').waitFor();
    return page;
  }
  const screen = (page: Page, name: string) => page.locator(`[data-testid=screen][data-screen=${name}]`).waitFor();
  const dots = (page: Page) => page.locator('[data-testid=pin-dots]');
  async function typeDigits(page: Page, digits: string): Promise<void> {
    for (const d of digits) await page.click(`[data-testid=pin-key-${d}]`);
  }
  async function backToIdle(): Promise<void> {
    const st = kiosk();
    if (st.session.view.screen === 'pin') await st.session.cancel();
    await st.session.finish();
    await waitUntil(() => st.session.view.screen === 'idle', 10000, 'idle');
  }
  /** Nothing about the teacher anywhere in the page, not even hidden. */
  async function assertNobodyShown(page: Page, when: string): Promise<void> {
    const html = await page.content();
    const t = teacher();
    assert.ok(!html.includes(t.fullName), `${when}: no teacher name in the DOM`);
    assert.doesNotMatch(html, /Chủ nhiệm|Homeroom|Xin chào|Hello/, `${when}: no greeting or homeroom`);
    assert.equal(await page.locator('[data-testid=patron-name], [data-testid=loan-line], [data-testid=remaining]').count(), 0, when);
  }
  async function assertNothingStored(page: Page): Promise<void> {
    const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length }));
    assert.deepEqual(stored, { local: 0, session: 0 });
  }

  it('asks the teacher for the PIN, refuses a wrong one, and shows the teacher only after the right one', async () => {
    await backToIdle();
    const page = await openKiosk();
    await screen(page, 'idle');

    await tapCard(TEACHER_CARD);
    await screen(page, 'pin');
    await page.locator('[data-testid=pin-screen]').waitFor();
    assert.match(await page.locator('[data-testid=pin-screen] h1').innerText(), /Nhập mã PIN[\s\S]*Enter your PIN/);
    const required = page.locator('[data-testid=notice][data-code=PIN_REQUIRED]');
    await required.waitFor();
    assert.equal(await required.getAttribute('data-level'), 'info');
    await assertNobodyShown(page, 'pin screen');
    for (const id of KEYS) assert.equal(await page.locator(`[data-testid=${id}]`).count(), 1, `${id} on screen`);
    assert.match(await page.locator('[data-testid=pin-delete]').innerText(), /Xoá[\s\S]*Delete/);
    assert.match(await page.locator('[data-testid=pin-ok]').innerText(), /Xong[\s\S]*OK/);
    assert.match(await page.locator('[data-testid=pin-cancel]').innerText(), /Huỷ[\s\S]*Cancel/);

    // Dots count the digits, never show them; OK waits for four.
    assert.equal(await dots(page).getAttribute('data-count'), '0');
    assert.ok(await page.locator('[data-testid=pin-ok]').isDisabled());
    await typeDigits(page, '000');
    assert.equal(await dots(page).getAttribute('data-count'), '3');
    assert.equal(await page.locator('[data-testid=pin-dots] .pin-dot.filled').count(), 3);
    assert.equal((await dots(page).textContent())?.trim(), '');
    assert.ok(await page.locator('[data-testid=pin-ok]').isDisabled(), 'three digits are not a PIN');
    await typeDigits(page, '0');
    assert.ok(await page.locator('[data-testid=pin-ok]').isEnabled());
    await assertNothingStored(page);

    // 0000: wrong. The notice says so, the dots start over, still nobody on screen.
    await page.click('[data-testid=pin-ok]');
    const wrong = page.locator('[data-testid=notice][data-code=PIN_WRONG]');
    await wrong.waitFor();
    assert.equal(await wrong.getAttribute('data-level'), 'error');
    assert.match(await wrong.innerText(), new RegExp(REASONS.PIN_WRONG!.message_vi));
    await page.locator('[data-testid=pin-dots][data-count="0"]').waitFor();
    assert.equal(await page.locator('[data-testid=screen]').getAttribute('data-screen'), 'pin');
    await assertNobodyShown(page, 'after a wrong PIN');

    // Six digits at most; Delete takes the last one back.
    await typeDigits(page, '1234567');
    assert.equal(await dots(page).getAttribute('data-count'), '6');
    for (let i = 0; i < 6; i++) await page.click('[data-testid=pin-delete]');
    assert.equal(await dots(page).getAttribute('data-count'), '0');
    assert.ok(await page.locator('[data-testid=pin-delete]').isDisabled());
    await typeDigits(page, '1239');
    await page.click('[data-testid=pin-delete]');
    await typeDigits(page, TEACHER_PIN.slice(3));
    assert.equal(await dots(page).getAttribute('data-count'), '4');

    // 1234: the teacher, at last.
    await page.click('[data-testid=pin-ok]');
    await screen(page, 'patron');
    assert.equal(await page.locator('[data-testid=patron-name]').innerText(), teacher().fullName);
    assert.equal(await page.locator('[data-testid=pin-screen]').count(), 0);
    assert.equal(kiosk().session.view.patron?.id, teacher().id);
    await assertNothingStored(page);
    await page.click('[data-testid=finish]');
    await screen(page, 'finished');
  });

  it('cancels back to idle, and a new card starts with no digits typed', async () => {
    await backToIdle();
    const page = await openKiosk();
    await tapCard(TEACHER_CARD);
    await screen(page, 'pin');
    await typeDigits(page, '12');
    assert.equal(await dots(page).getAttribute('data-count'), '2');
    await page.click('[data-testid=pin-cancel]');
    await screen(page, 'idle');
    await waitUntil(() => kiosk().session.view.screen === 'idle', 5000, 'the daemon idle');
    assert.equal(await page.locator('[data-testid=pin-screen], [data-testid=notice]').count(), 0);
    await assertNobodyShown(page, 'after cancel');

    await tapCard(TEACHER_CARD);
    await screen(page, 'pin');
    assert.equal(await dots(page).getAttribute('data-count'), '0', 'the cancelled digits are gone');
    // The same card tapped again on the PIN screen: the keypad starts over too.
    await typeDigits(page, '98');
    await tapCard(TEACHER_CARD);
    await page.locator('[data-testid=pin-dots][data-count="0"]').waitFor();
    await page.click('[data-testid=pin-cancel]');
    await screen(page, 'idle');
  });

  it('drops the typed digits when the page loses its daemon, even if the same PIN screen comes back', async () => {
    await backToIdle();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    pages.push(page);
    // The kiosk's socket.io connection, through a route the test can cut.
    const sockets: WebSocketRoute[] = [];
    await page.routeWebSocket(/socket\.io/, (ws) => {
      ws.connectToServer();
      sockets.push(ws);
    });
    await page.goto(`http://127.0.0.1:${kiosk().httpPort}/`);
    await tapCard(TEACHER_CARD);
    await screen(page, 'pin');
    await waitUntil(() => sockets.length > 0, 10000, 'the websocket upgrade');
    const sessionId = kiosk().session.view.sessionId;
    await typeDigits(page, '123');
    assert.equal(await dots(page).getAttribute('data-count'), '3');

    for (const ws of sockets.splice(0)) await ws.close({ code: 1001, reason: 'test cuts the link' });
    await screen(page, 'idle');
    await page.locator('[data-testid=reconnecting]').waitFor();
    // socket.io reconnects by itself; the daemon still waits for this card's PIN, in the same session.
    await screen(page, 'pin');
    assert.equal(kiosk().session.view.sessionId, sessionId);
    assert.equal(await dots(page).getAttribute('data-count'), '0', 'the digits did not survive the disconnect');
    await assertNothingStored(page);
    await page.click('[data-testid=pin-cancel]');
    await screen(page, 'idle');
  });

  for (const [width, height, least] of [
    [800, 480, 48],
    [1280, 800, 64], // a laptop: the simulator panel starts open in the bottom-left corner
    [1920, 1080, 64],
  ] as const) {
    it(`fits the keypad on ${width}×${height}: every key visible, uncovered and at least ${least} px`, async () => {
      await backToIdle();
      const page = await openKiosk(width, height);
      await tapCard(TEACHER_CARD);
      await screen(page, 'pin');
      await page.locator('[data-testid=notice][data-code=PIN_REQUIRED]').waitFor();
      for (const id of KEYS) {
        const b = page.locator(`[data-testid=${id}]`);
        const box = await b.boundingBox();
        assert.ok(box, `${id} rendered`);
        assert.ok(box.height >= least && box.width >= least, `${id} is ${box.width}×${box.height} px`);
        assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height, `${id} inside the screen (${JSON.stringify(box)})`);
        const hit = await b.evaluate((el) => {
          const r = el.getBoundingClientRect();
          const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return top !== null && el.contains(top);
        });
        assert.ok(hit, `${id} is not covered`);
      }
      await page.click('[data-testid=pin-cancel]');
      await screen(page, 'idle');
    });
  }
});
