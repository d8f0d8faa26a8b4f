import assert from 'node:assert/strict';
import sinon from 'sinon';
import { SerialLineReader, type SerialLineReaderOptions } from '#hardware/serial/line-reader.ts';
import { SimSerialScanner } from '#hardware/sim/sim-serial-scanner.ts';

describe('hardware/serial/line-reader (over SerialPortMock)', () => {
  let clock: sinon.SinonFakeTimers;
  const readers: SerialLineReader[] = [];
  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(async () => {
    for (const r of readers.splice(0)) await r.close();
    clock.restore();
  });

  function rig(sim = new SimSerialScanner(), opts: Partial<SerialLineReaderOptions> = {}) {
    const r = new SerialLineReader({ kind: 'scanner', driver: 'serial', path: sim.path, baudRate: 9600, open: sim.open, ...opts });
    readers.push(r);
    const codes: string[] = [];
    r.onCode((c) => codes.push(c));
    return { sim, r, codes };
  }
  const settle = () => clock.tickAsync(0);

  it('reads codes the simulated scanner sends, CR-terminated', async () => {
    const { sim, r, codes } = rig();
    r.start();
    await settle();
    assert.equal(r.present, true);
    await sim.type('30001000000101');
    await sim.type('20001000000012');
    await settle();
    assert.deepEqual(codes, ['30001000000101', '20001000000012']);
    assert.deepEqual(r.health(), { driver: 'serial', ok: true, present: true, reconnects: 0 });
  });

  it('reads lines split into small USB packets, with a CRLF suffix', async () => {
    const { sim, r, codes } = rig(new SimSerialScanner({ suffix: '\r\n', chunkSize: 3 }));
    r.start();
    await settle();
    await sim.type('9786041234567');
    await settle();
    assert.deepEqual(codes, ['9786041234567']);
  });

  it('starts without the device, and opens it once plugged in', async () => {
    const { sim, r, codes } = rig(new SimSerialScanner({ unplugged: true }));
    r.start();
    await settle();
    assert.equal(r.present, false);
    assert.match(r.health().detail ?? '', /^not connected: cannot open \/dev\/openshelf-sim-serial-.*no such file/);
    sim.replug();
    await clock.tickAsync(2000);
    assert.equal(r.present, true);
    await sim.type('42');
    await settle();
    assert.deepEqual(codes, ['42']);
  });

  it('on unplug: not present, the half line is dropped; reopens with backoff on replug', async () => {
    const { sim, r, codes } = rig();
    r.start();
    await settle();
    await sim.emitRaw(Buffer.from('123')); // half a line, then the cable is pulled
    await settle();
    sim.unplug();
    await settle();
    assert.equal(r.present, false);
    const h = r.health();
    assert.equal(h.ok, false);
    assert.match(h.detail ?? '', /not connected: .* closed: simulated serial device unplugged/);
    await clock.tickAsync(3000); // a few failed reopen attempts
    sim.replug();
    await clock.tickAsync(2000);
    assert.equal(r.present, true);
    await sim.type('456');
    await settle();
    assert.deepEqual(codes, ['456']);
    assert.equal(r.health().ok, true);
    assert.equal(r.health().reconnects, 1);
  });

  it('garbage on the line costs only its line and shows in health', async () => {
    const { sim, r, codes } = rig();
    r.start();
    await settle();
    await sim.emitRaw(Buffer.from([0x00, 0xff, 0xfe, 0x0d]));
    await sim.type('42');
    await settle();
    assert.deepEqual(codes, ['42']);
    assert.match(r.health().detail ?? '', /1 garbled line/);
  });

  it('close() closes the port and stops reconnecting', async () => {
    const sim = new SimSerialScanner({ unplugged: true });
    const open = sinon.spy(sim.open);
    const { r } = rig(sim, { open });
    r.start();
    await clock.tickAsync(1000);
    assert.ok(open.callCount >= 3, 'it was retrying');
    await r.close();
    const calls = open.callCount;
    sim.replug();
    await clock.tickAsync(10_000);
    assert.equal(open.callCount, calls);
  });
});
