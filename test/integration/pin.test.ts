/**
 * PIN after the card, when the school asks it of a patron kind: nothing about the patron shows
 * before the right PIN, a wrong PIN is refused, the PIN is checked offline against the replica's
 * hash, and it is never written to the station's journal or the server's transaction log.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionView } from '#core/protocol/kiosk-events.ts';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';

const TEACHER = '20001000090013'; // the demo seed gives this teacher PIN 1234

describe('PIN at the kiosk', function () {
  this.timeout(60000);
  let school: TestSchool;

  before(async () => {
    const config = await testConfig();
    config.server!.requirePinFor = ['teacher'];
    school = await startSchool(config, ['kiosk-1']);
  });
  after(async () => school?.stop());

  it('asks for the PIN, refuses a wrong one, and opens the session with the right one', async () => {
    const kiosk = school.stations[0]!;
    await kiosk.sim!.card!.type(TEACHER);
    await waitUntil(() => kiosk.session.view.screen === 'pin', 5000, 'the pin screen');
    assert.equal(kiosk.session.view.patron, null, 'no name before the PIN');
    assert.equal(kiosk.session.view.notice?.code, 'PIN_REQUIRED');

    await kiosk.session.pin('0000');
    assert.equal(kiosk.session.view.screen, 'pin');
    assert.equal(kiosk.session.view.notice?.code, 'PIN_WRONG');

    await kiosk.session.pin('1234');
    const after: SessionView = kiosk.session.view;
    assert.equal(after.screen, 'patron');
    assert.equal(after.patron?.kind, 'teacher');
    await kiosk.session.finish();

    const logged = school.server.db.prepare(`SELECT request FROM transactions WHERE type = 'identify'`).all() as { request: string }[];
    assert.ok(logged.length >= 3);
    assert.ok(logged.every((r) => !r.request.includes('1234') && !r.request.includes('"pin"')), 'no PIN in the transaction log');
  });

  it('checks the PIN offline against the replica, and journals no PIN', async () => {
    const kiosk = school.stations[0]!;
    await waitUntil(() => kiosk.session.view.screen !== 'patron', 5000, 'no session open');
    await school.server.stop();
    await waitUntil(() => !kiosk.link.connected, 5000, 'offline');
    await kiosk.sim!.card!.type(TEACHER);
    await waitUntil(() => kiosk.session.view.screen === 'pin', 5000, 'the pin screen offline');
    await kiosk.session.pin('9999');
    assert.equal(kiosk.session.view.notice?.code, 'PIN_WRONG');
    await kiosk.session.pin('1234');
    assert.equal(kiosk.session.view.screen, 'patron');
    const journal = kiosk.journal.pending();
    assert.ok(journal.some((e) => e.request.type === 'identify'));
    assert.ok(journal.every((e) => !JSON.stringify(e.request).includes('1234')));
    const dbFile = readFileSync(join(school.config.dataDir, 'stations', 'kiosk-1', 'station.sqlite'));
    assert.ok(!dbFile.includes(Buffer.from('"pin":"1234"')), 'not on disk either');
    await kiosk.session.finish();
  });
});
