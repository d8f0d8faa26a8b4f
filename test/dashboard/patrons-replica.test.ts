/**
 * A roster import reaches a kiosk's replica: the new pupil's card identifies offline-capable data
 * (name, class, identifiers), the moved pupil's class follows, and the leaver is gone from it.
 */
import assert from 'node:assert/strict';
import { makeLibraryBarcode } from '#core/ids.ts';
import { verifyPin } from '#core/node/pin.ts';
import { applyRoster } from '#server/patrons/roster.ts';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';

describe('dashboard/patrons roster changes reach the station replicas', function () {
  this.timeout(90000);
  let school: TestSchool;
  before(async () => {
    school = await startSchool(await testConfig(), ['kiosk-1']);
  });
  after(() => school?.stop());

  it('syncs new, moved and leaving patrons into the replica', async () => {
    const db = school.server.db;
    const st = school.stations[0]!;
    const inClass = (c: string) =>
      db.prepare(`SELECT p.id, p.full_name AS fullName, p.pupil_code AS code FROM patrons p JOIN class_members m ON m.patron_id = p.id WHERE m.class_id = ? AND m.school_year = '2026-2027' AND p.active = 1 ORDER BY p.id`).all(c) as {
        id: string;
        fullName: string;
        code: string;
      }[];
    const a = inClass('2026-4A');
    const mover = inClass('2026-4B')[0]!;
    const leaver = a.at(-1)!;
    const card = makeLibraryBarcode('patron', '0001', 7777);
    const lines = ['Họ và tên;Lớp;Mã học sinh;Số thẻ;UID;Mã PIN', ...a.filter((p) => p !== leaver).map((p) => `${p.fullName};4A;${p.code};;;`), `${mover.fullName};4A;${mover.code};;;`, `Kha Thị Mới;4A;HS-NEW-1;${card};A1B2C3D4;2468`];
    const r = applyRoster(db, Buffer.from(lines.join('\n')), { schoolYear: '2026-2027', currentYear: '2026-2027', institution: '0001', now: new Date() });
    assert.deepEqual([r.counts.new, r.counts.moved, r.counts.leavers], [1, 1, 1]);
    assert.ok(st.replica.patronById(leaver.id), 'the leaver is in the replica before the sync');

    // No station request needed: the server sees the change counter move and announces it.
    await waitUntil(() => st.replica.patronByIdentifier(card) !== null, 20000, 'the new pupil in the replica');
    const fresh = st.replica.patronByIdentifier(card)!;
    assert.equal(fresh.fullName, 'Kha Thị Mới');
    assert.equal(fresh.className, '4A');
    assert.deepEqual(st.replica.patronByIdentifier('A1B2C3D4')?.id, fresh.id);
    assert.ok(fresh.pinHash && verifyPin('2468', fresh.pinHash));
    assert.equal(st.replica.patronById(mover.id)?.className, '4A');
    assert.equal(st.replica.patronById(leaver.id), null);
  });
});
