import assert from 'node:assert/strict';
import { KeyboardWedgeReader } from '#hardware/drivers/keyboard-wedge-reader.ts';
import { SimHidTransport } from '#hardware/sim/sim-hid-transport.ts';

function reader(opts: Partial<ConstructorParameters<typeof KeyboardWedgeReader>[1]> = {}, sim = new SimHidTransport()) {
  const r = new KeyboardWedgeReader(sim, { kind: 'scanner', driver: 'sim', ...opts });
  const codes: string[] = [];
  r.onCode((c) => codes.push(c));
  return { sim, r, codes };
}

describe('hardware/drivers/keyboard-wedge-reader', () => {
  it('delivers each code typed on the simulated device to every listener', async () => {
    const { sim, r, codes } = reader();
    const second: string[] = [];
    r.onCode((c) => second.push(c));
    await sim.type('30001000000101');
    await sim.type('20001000000012');
    assert.deepEqual(codes, ['30001000000101', '20001000000012']);
    assert.deepEqual(second, codes);
    assert.deepEqual(r.health(), { driver: 'sim', ok: true });
    assert.equal(r.kind, 'scanner');
  });

  it('uses the configured terminator and normalisation', async () => {
    const { sim, codes } = reader({ kind: 'card', terminator: 'tab', normalise: (c) => c.toUpperCase() }, new SimHidTransport({ terminator: 'tab' }));
    await sim.type('04a1b2c3');
    assert.deepEqual(codes, ['04A1B2C3']);
  });

  it('reports malformed reports in health() but stays ok and keeps reading', async () => {
    const { sim, r, codes } = reader();
    sim.emitRaw(Buffer.alloc(5));
    await sim.type('123');
    assert.deepEqual(codes, ['123']);
    const h = r.health();
    assert.equal(h.ok, true);
    assert.match(h.detail ?? '', /1 malformed/);
  });

  it('shows a transport error in health() and drops the code it interrupted', async () => {
    const { sim, r, codes } = reader();
    const reports = await new SimHidTransport().type('999');
    for (const rep of reports.slice(0, 4)) sim.emitRaw(rep); // "99" typed, then the device fails
    sim.emit('error', new Error('device unplugged'));
    const h = r.health();
    assert.equal(h.ok, false);
    assert.equal(h.detail, 'device unplugged');
    await sim.type('42');
    assert.deepEqual(codes, ['42']);
  });

  it('delivers nothing after close()', async () => {
    const { sim, r, codes } = reader();
    await sim.type('1');
    await r.close();
    const reports = await new SimHidTransport().type('2');
    for (const rep of reports) sim.emitRaw(rep);
    assert.deepEqual(codes, ['1']);
    await assert.rejects(sim.type('3'), /closed/);
  });
});
