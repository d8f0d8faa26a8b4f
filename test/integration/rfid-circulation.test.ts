/**
 * RFID stacks at the kiosk, through the whole stack: tags on the simulated FEIG pad (ISO-Host
 * frames, ISO 28560-3 memory), the pad driver, the session's batch, the server's decision, and the
 * AFI security write read back from the tag.
 */
import assert from 'node:assert/strict';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';
import type { RunningStation } from '#station/station.ts';

const TEACHER = '20001000090013';
const PUPIL = '20001000000012';
const FIVE = ['30001000000101', '30001000000200', '30001000000507', '30001000000606', '30001000000705'];

function openLoans(school: TestSchool, barcodes: string[]): string[] {
  return (
    school.server.db
      .prepare(`SELECT c.barcode FROM loans l JOIN copies c ON c.id = l.copy_id WHERE l.returned_at IS NULL AND c.barcode IN (${barcodes.map(() => '?').join(',')}) ORDER BY c.barcode`)
      .all(...barcodes) as { barcode: string }[]
  ).map((r) => r.barcode);
}

describe('RFID circulation at the kiosk', function () {
  this.timeout(60000);
  let school: TestSchool;
  let kiosk: RunningStation;

  before(async () => {
    school = await startSchool(await testConfig(), ['kiosk-1']);
    kiosk = school.stations[0]!;
  });
  after(async () => school?.stop());

  const settled = (n: number) => () => kiosk.session.view.items.length >= n && kiosk.session.view.items.every((i) => i.state !== 'pending');

  it('lends a stack of 5 as one batch; a failed security write rolls that loan back', async () => {
    const sim = kiosk.rfidSim!;
    await kiosk.sim!.card!.type(TEACHER);
    await waitUntil(() => kiosk.session.view.screen === 'patron', 5000, 'the teacher');
    const uids = sim.setTags(FIVE.map((itemId) => ({ itemId })));
    sim.failNextWrite(uids[2]!);
    await waitUntil(settled(5), 10000, 'the batch');
    const lines = kiosk.session.view.items;
    assert.deepEqual(lines.filter((l) => l.state === 'ok').map((l) => l.barcode).sort(), [FIVE[0], FIVE[1], FIVE[3], FIVE[4]].sort());
    const failed = lines.find((l) => l.barcode === FIVE[2])!;
    assert.equal(failed.state, 'refused');
    assert.equal(failed.reason?.code, 'SECURITY_WRITE_FAILED');
    assert.match(failed.reason!.message_vi, /đặt lại/);
    assert.deepEqual(openLoans(school, FIVE), [FIVE[0], FIVE[1], FIVE[3], FIVE[4]].sort(), 'the failed one is not on loan');
    // The tags say so too: on loan for the four, still in the library for the fifth.
    const afi = (uid: string) => sim.tag(uid)?.afi;
    assert.deepEqual(uids.map(afi), [0xc2, 0xc2, 0x07, 0xc2, 0xc2]);
    await kiosk.session.finish();
  });

  it('refuses a stack over the limit whole and writes no tag', async () => {
    const sim = kiosk.rfidSim!;
    sim.setTags([]);
    await waitUntil(() => kiosk.session.view.screen !== 'patron', 5000, 'the previous session over');
    await kiosk.sim!.card!.type(PUPIL);
    await waitUntil(() => kiosk.session.view.screen === 'patron', 5000, 'the pupil');
    const three = ['30001000000119', '30001000000218', '30001000000804'];
    const uids = sim.setTags(three.map((itemId) => ({ itemId })));
    await waitUntil(settled(3), 10000, 'the refusal');
    assert.ok(kiosk.session.view.items.every((l) => l.state === 'refused' && l.reason?.code === 'LIMIT_REACHED'));
    assert.equal(kiosk.session.view.notice?.code, 'LIMIT_REACHED');
    assert.deepEqual(openLoans(school, three), []);
    assert.deepEqual(uids.map((u) => sim.tag(u)?.afi), [0x07, 0x07, 0x07], 'nothing written to any tag');

    // The pupil takes one book off: the two left are lent.
    sim.setTags(three.slice(0, 2).map((itemId) => ({ itemId })));
    await waitUntil(() => kiosk.session.view.items.filter((l) => l.state === 'ok').length === 2, 10000, 'the smaller batch');
    assert.deepEqual(openLoans(school, three), three.slice(0, 2));
    await kiosk.session.finish();
  });

  it('returns a stack on the return screen and sets the tags back to "in the library"', async () => {
    const sim = kiosk.rfidSim!;
    sim.setTags([]);
    await waitUntil(() => kiosk.session.view.screen !== 'patron', 5000, 'idle');
    await kiosk.session.startReturn();
    const back = [FIVE[0]!, FIVE[1]!];
    const uids = sim.setTags(back.map((itemId) => ({ itemId, afi: 0xc2 })));
    await waitUntil(settled(2), 10000, 'the returns');
    assert.ok(kiosk.session.view.items.every((l) => l.state === 'ok'));
    assert.deepEqual(openLoans(school, back), []);
    assert.deepEqual(uids.map((u) => sim.tag(u)?.afi), [0x07, 0x07]);
    assert.equal(kiosk.session.view.patron, null, 'returning needs no card and shows no pupil');
  });

  it('refuses an incomplete multi-part set and another library\'s book', async () => {
    const sim = kiosk.rfidSim!;
    sim.setTags([]);
    await kiosk.session.finish();
    await waitUntil(() => kiosk.session.view.screen !== 'return', 5000, 'return over');
    await kiosk.sim!.card!.type(TEACHER);
    await waitUntil(() => kiosk.session.view.screen === 'patron', 5000, 'the teacher');
    sim.setTags([
      { itemId: '30001000000903', parts: 2, part: 1 },
      { itemId: '30001000001109', owner: 'VN-THCS99' },
    ]);
    await waitUntil(settled(2), 10000, 'the refusals');
    const byId = new Map(kiosk.session.view.items.map((l) => [l.barcode, l.reason?.code]));
    assert.equal(byId.get('30001000000903'), 'SET_INCOMPLETE');
    assert.equal(byId.get('30001000001109'), 'FOREIGN_ITEM');
    assert.deepEqual(openLoans(school, ['30001000000903', '30001000001109']), []);
    await kiosk.session.finish();
  });
});
