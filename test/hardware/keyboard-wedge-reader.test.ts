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
    // The health line gains presence fields (ReaderHealth); a status schema that lacks them drops them.
    assert.deepEqual(r.health(), { driver: 'sim', ok: true, present: true, reconnects: 0 });
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
  it('unplug and replug of the simulated device: not ok while away, ok again after, codes flow again', async () => {
    const { sim, r, codes } = reader();
    await sim.type('1');
    sim.unplug();
    const away = r.health();
    assert.equal(away.ok, false);
    assert.equal(away.present, false);
    assert.equal(away.detail, 'not connected: simulated device unplugged');
    await assert.rejects(sim.type('2'), /unplugged/);
    sim.replug();
    await sim.type('3');
    assert.deepEqual(codes, ['1', '3']);
    const back = r.health();
    assert.equal(back.ok, true);
    assert.equal(back.reconnects, 1);
    assert.equal(back.lastError, 'simulated device unplugged');
  });

  it('a code normalise() refuses is dropped, counted and reported, and the next one delivered', async () => {
    const rejected: string[] = [];
    const { sim, r, codes } = reader({
      kind: 'card',
      normalise: (c) => {
        if (!/^\d+$/.test(c)) throw new Error('not a card number');
        return c.padStart(10, '0');
      },
      onRejected: (raw) => rejected.push(raw),
    });
    await sim.type('ABC');
    await sim.type('4340757');
    assert.deepEqual(codes, ['0004340757']);
    assert.deepEqual(rejected, ['ABC']);
    assert.equal(r.health().ok, true);
    assert.match(r.health().detail ?? '', /1 code rejected/);
  });
});
