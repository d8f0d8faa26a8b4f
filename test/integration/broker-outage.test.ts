/**
 * The broker dies mid-session (an external Mosquitto, so server and station both stay up): the
 * pupil goes on borrowing offline, and when the broker is back each loan reaches the server once.
 */
import assert from 'node:assert/strict';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';
import { MOSQUITTO, startMosquitto, type PrivateMosquitto } from '#test/mosquitto.ts';
import { requireTool } from '#test/require-tool.ts';

const ACCOUNTS = [
  { username: 'server', password: 'pw-server', role: 'server' as const },
  { username: 'kiosk-1', password: 'pw-kiosk-1', role: 'kiosk' as const },
  { username: 'kiosk-2', password: 'pw-kiosk-2', role: 'kiosk' as const },
];

describe('broker killed mid-session', function () {
  this.timeout(60000);
  let bin: string;
  let broker: PrivateMosquitto;
  let school: TestSchool;

  before(async function () {
    bin = requireTool(this, 'mosquitto', MOSQUITTO);
    broker = await startMosquitto(bin, 'demo', ACCOUNTS);
    school = await startSchool(await testConfig({ brokerUrl: broker.url }), ['kiosk-1']);
  });
  after(async () => {
    await school?.stop();
    await broker?.stop();
  });

  it('lends offline while the broker is down and replays each loan exactly once', async () => {
    const kiosk = school.stations[0]!;
    await kiosk.sim!.card!.type('20001000090013');
    await waitUntil(() => kiosk.session.view.screen === 'patron', 5000, 'the teacher');
    await kiosk.sim!.scanner!.type('30001000000101');
    await waitUntil(() => kiosk.session.view.items[0]?.state === 'ok', 5000, 'an online loan');
    assert.equal(kiosk.session.view.items[0]!.offline, false);

    const port = broker.port;
    await broker.stop();
    await waitUntil(() => !kiosk.link.connected, 10000, 'the station to lose the broker');
    for (const book of ['30001000000200', '30001000000507']) await kiosk.sim!.scanner!.type(book);
    await waitUntil(() => kiosk.session.view.items.filter((i) => i.state === 'ok').length === 3, 10000, 'two offline loans');
    assert.deepEqual(kiosk.session.view.items.map((i) => i.offline), [false, true, true]);
    assert.equal(kiosk.session.view.online, false);
    await kiosk.session.finish();

    broker = await startMosquitto(bin, 'demo', ACCOUNTS, { port });
    await waitUntil(() => kiosk.journal.count() === 0, 30000, 'the journal to be replayed');
    const rows = school.server.db
      .prepare(
        `SELECT c.barcode, COUNT(*) AS n, MAX(l.offline) AS offline FROM loans l JOIN copies c ON c.id = l.copy_id
         WHERE c.barcode IN ('30001000000101','30001000000200','30001000000507') GROUP BY c.barcode ORDER BY c.barcode`,
      )
      .all() as { barcode: string; n: number; offline: number }[];
    assert.deepEqual(rows.map((r) => [r.barcode, r.n, r.offline]), [
      ['30001000000101', 1, 0],
      ['30001000000200', 1, 1],
      ['30001000000507', 1, 1],
    ]);
  });
});
