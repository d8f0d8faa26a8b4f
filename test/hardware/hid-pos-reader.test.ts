import assert from 'node:assert/strict';
import { HidPosReader } from '#hardware/drivers/hid-pos-reader.ts';
import { hidPosReports } from '#hardware/sim/hid-pos-reports.ts';
import { SimHidTransport } from '#hardware/sim/sim-hid-transport.ts';

function rig() {
  const sim = new SimHidTransport({ encode: (c) => hidPosReports(c) });
  const r = new HidPosReader(sim, { kind: 'scanner', driver: 'hid-pos' });
  const codes: string[] = [];
  const aims: (string | undefined)[] = [];
  r.onCode((c) => codes.push(c));
  r.onScan((s) => aims.push(s.aim));
  return { sim, r, codes, aims };
}

describe('hardware/drivers/hid-pos-reader', () => {
  it('delivers each scan as a code, with its symbology to onScan listeners', async () => {
    const { sim, codes, aims } = rig();
    await sim.type('9786041234567');
    await sim.type('X'.repeat(100)); // two reports
    assert.deepEqual(codes, ['9786041234567', 'X'.repeat(100)]);
    assert.deepEqual(aims, [']E0', ']C0']);
  });

  it('counts malformed reports in health and keeps reading', async () => {
    const { sim, r, codes } = rig();
    sim.emitRaw(Buffer.alloc(3));
    await sim.type('42');
    assert.deepEqual(codes, ['42']);
    assert.equal(r.health().ok, true);
    assert.match(r.health().detail ?? '', /1 malformed/);
  });

  it('drops a code cut by an unplug; reads again after replug', async () => {
    const { sim, r, codes } = rig();
    const [first] = hidPosReports('Y'.repeat(60)); // the first of two reports: continued
    sim.emitRaw(first!);
    sim.unplug();
    assert.equal(r.health().ok, false);
    sim.replug();
    await sim.type('7');
    assert.deepEqual(codes, ['7']);
    assert.equal(r.health().ok, true);
  });

  it('normalise() refusals are counted and the code dropped', async () => {
    const sim = new SimHidTransport({ encode: (c) => hidPosReports(c) });
    const r = new HidPosReader(sim, {
      kind: 'card',
      driver: 'hid-pos',
      normalise: (c) => {
        throw new Error(`bad ${c}`);
      },
    });
    const codes: string[] = [];
    r.onCode((c) => codes.push(c));
    await sim.type('1');
    assert.deepEqual(codes, []);
    assert.equal(r.rejected, 1);
  });
});
