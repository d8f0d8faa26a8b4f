import assert from 'node:assert/strict';
import pino from 'pino';
import { stationConfigSchema } from '#core/config.ts';
import { benchInventory, benchPadRead } from '#hardware/rfid/bench.ts';
import { createRfidPad, type RfidDeviceConfig } from '#hardware/rfid/factory.ts';

const log = pino({ level: 'silent' });
const rfid = (over: Partial<RfidDeviceConfig>): RfidDeviceConfig =>
  stationConfigSchema.parse({ device: 'kiosk1', password: 'x', devices: { rfid: over } }).devices.rfid;

describe('hardware/rfid/factory', () => {
  it("driver 'none' gives no pad and no simulator", () => {
    assert.deepEqual(createRfidPad(rfid({ driver: 'none' }), log), { pad: null, sim: null });
  });

  it("driver 'sim' gives a pad on a simulator that writes the school's ISIL and the configured AFI", async () => {
    const { pad, sim } = createRfidPad(rfid({ driver: 'sim', afiInLibrary: 0x07, afiOnLoan: 0xc2 }), log, { isil: 'VN-THCS02' });
    assert.ok(pad && sim);
    const uids = sim.placeTags([{ itemId: '30001000000101' }, { itemId: '30001000000119' }]);
    const e = await pad.pollOnce();
    assert.deepEqual(e.items.map((i) => [i.itemId, i.owner, i.afi]), [
      ['30001000000101', 'VN-THCS02', 0x07],
      ['30001000000119', 'VN-THCS02', 0x07],
    ]);
    await pad.markOnLoan(uids);
    assert.deepEqual(sim.tags.map((t) => t.afi), [0xc2, 0xc2]);
    assert.equal(pad.health().driver, 'sim');
    await pad.stop();
  });

  it("driver 'feig-iso-host' needs a path", () => {
    assert.throws(() => createRfidPad(rfid({ driver: 'feig-iso-host' }), log), /devices\.rfid\.path/);
  });

  it("driver 'feig-iso-host' on a missing device: the pad reports the failed connect and does not throw on start", async () => {
    const { pad } = createRfidPad(rfid({ driver: 'feig-iso-host', path: '/dev/openshelf-no-such-reader' }), log);
    await assert.rejects(pad!.pollOnce());
    const h = pad!.health();
    assert.deepEqual([h.ok, h.connected, h.driver], [false, false, 'feig-iso-host']);
    assert.match(h.lastError ?? '', /connect failed/);
  });
});

describe('hardware/rfid/bench', () => {
  it('benchInventory measures real inventories of n tags', async () => {
    const r = await benchInventory(10, 20);
    assert.equal(r.runs, 20);
    assert.ok(r.p50 > 0 && r.p99 >= r.p50 && r.max >= r.p99);
  });

  it('benchPadRead measures cold pad reads', async () => {
    const r = await benchPadRead(3, 5);
    assert.equal(r.runs, 5);
    assert.ok(r.p50 > 0);
  });
});
