import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import { KeyboardWedgeReader } from '#hardware/drivers/keyboard-wedge-reader.ts';
import { NodeHidTransport, type NodeHidTransportOptions } from '#hardware/hid/node-hid-transport.ts';
import { DeviceDisconnectedError } from '#hardware/interfaces.ts';
import { SimHidBus } from '#hardware/sim/sim-hid-bus.ts';

const VID = 0x05e0;
const PID = 0x1200;

describe('hardware/hid/node-hid-transport (hot-plug over a simulated bus)', () => {
  let clock: sinon.SinonFakeTimers;
  let bus: SimHidBus;
  const open: NodeHidTransport[] = [];
  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    bus = new SimHidBus();
  });
  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
    clock.restore();
  });

  function transport(opts: Partial<NodeHidTransportOptions> = {}): NodeHidTransport {
    const t = new NodeHidTransport({ vendorId: VID, productId: PID, load: bus.load, label: 'scanner', ...opts });
    open.push(t);
    return t;
  }
  function reader(t: NodeHidTransport) {
    const r = new KeyboardWedgeReader(t, { kind: 'scanner', driver: 'hid' });
    const codes: string[] = [];
    r.onCode((c) => codes.push(c));
    return { r, codes };
  }

  it('starts without the device and polls with backoff 200, 400, 800, 1600 ms, then every 2 s', async () => {
    const t = transport().start();
    await clock.tickAsync(0);
    assert.equal(bus.polls, 1);
    assert.equal(t.present, false);
    const expected: [number, number][] = [[200, 2], [400, 3], [800, 4], [1600, 5], [2000, 6], [2000, 7]];
    for (const [ms, polls] of expected) {
      await clock.tickAsync(ms - 1);
      assert.equal(bus.polls, polls - 1, `before ${ms} ms`);
      await clock.tickAsync(1);
      assert.equal(bus.polls, polls, `after ${ms} ms`);
    }
  });

  it('notices the device arrive, opens it, and delivers its codes', async () => {
    const dev = bus.add({ vendorId: VID, productId: PID, usagePage: 1, usage: 6, unplugged: true });
    const t = transport().start();
    const { r, codes } = reader(t);
    await clock.tickAsync(700);
    assert.equal(r.health().ok, false);
    assert.equal(r.health().detail, 'not connected');
    const connected = sinon.spy();
    t.on('connect', connected);
    dev.replug();
    await clock.tickAsync(2000);
    assert.equal(connected.callCount, 1);
    assert.equal(t.present, true);
    assert.equal(dev.opened, true);
    await dev.type('30001000000101');
    assert.deepEqual(codes, ['30001000000101']);
    assert.deepEqual(r.health(), { driver: 'hid', ok: true, present: true, reconnects: 0 });
  });

  it('on unplug: emits DeviceDisconnectedError, shows it in health, reopens on replug within 200 ms', async () => {
    const dev = bus.add({ vendorId: VID, productId: PID });
    const t = transport().start();
    const { r, codes } = reader(t);
    await clock.tickAsync(0);
    assert.equal(t.present, true);
    const errors: Error[] = [];
    t.on('error', (e) => errors.push(e));

    await dev.type('11');
    dev.unplug();
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof DeviceDisconnectedError);
    assert.match(errors[0].message, /scanner 05e0:1200 disconnected/);
    assert.equal(t.present, false);
    assert.equal(dev.opened, false, 'the lost handle is closed');
    const h = r.health();
    assert.equal(h.ok, false);
    assert.equal(h.present, false);
    assert.match(h.detail ?? '', /^not connected: scanner 05e0:1200 disconnected/);

    await clock.tickAsync(5000); // still unplugged: keeps polling quietly
    dev.replug();
    await clock.tickAsync(2000);
    assert.equal(t.present, true);
    await dev.type('22');
    assert.deepEqual(codes, ['11', '22']);
    const back = r.health();
    assert.equal(back.ok, true);
    assert.equal(back.reconnects, 1);
    assert.match(back.lastError ?? '', /disconnected/, 'the last error stays visible for support');
  });

  it('a half code cut by the unplug is dropped, not joined to the next scan', async () => {
    const dev = bus.add({ vendorId: VID, productId: PID, encode: (c) => (c === 'half' ? [Buffer.from([0, 0, 0x1e, 0, 0, 0, 0, 0]), Buffer.alloc(8)] : []) });
    const t = transport().start();
    const { codes } = reader(t);
    await clock.tickAsync(0);
    await dev.type('half'); // "1" typed, no Enter
    dev.unplug();
    dev.replug();
    await clock.tickAsync(200);
    const enter = [Buffer.from([0, 0, 0x1f, 0, 0, 0, 0, 0]), Buffer.alloc(8), Buffer.from([0, 0, 0x28, 0, 0, 0, 0, 0]), Buffer.alloc(8)];
    for (const rep of enter) dev.emitRaw(rep);
    assert.deepEqual(codes, ['2']);
  });

  it('an unplug with no error listener does not throw', async () => {
    const dev = bus.add({ vendorId: VID, productId: PID });
    const t = transport().start();
    await clock.tickAsync(0);
    assert.doesNotThrow(() => dev.unplug());
    assert.equal(t.present, false);
  });

  describe('which interface it opens', () => {
    it('the one with the wanted usage page on a composite device (HID POS beside a keyboard)', async () => {
      bus.add({ vendorId: VID, productId: PID, interface: 0, usagePage: 0x01, usage: 0x06 });
      const pos = bus.add({ vendorId: VID, productId: PID, interface: 1, usagePage: 0x8c, usage: 0x02 });
      const t = transport({ usagePage: 0x8c }).start();
      await clock.tickAsync(0);
      assert.equal(pos.opened, true);
      assert.equal(t.present, true);
    });

    it('says the device is in the wrong mode when no interface has the usage page', async () => {
      bus.add({ vendorId: VID, productId: PID, interface: 0, usagePage: 0x01, usage: 0x06 });
      const t = transport({ usagePage: 0x8c }).start();
      await clock.tickAsync(0);
      assert.equal(t.present, false);
      assert.match(t.health().lastError ?? '', /no interface with usage page 0x8c \(it has 0x1\): set the device to the matching USB mode/);
    });

    it('under libusb (no usage pages listed) the lowest interface, or the configured one', async () => {
      const i0 = bus.add({ vendorId: VID, productId: PID, interface: 0 });
      const i1 = bus.add({ vendorId: VID, productId: PID, interface: 1 });
      transport({ usagePage: 0x01 }).start();
      transport({ interface: 1 }).start();
      await clock.tickAsync(0);
      assert.equal(i0.opened, true);
      assert.equal(i1.opened, true);
    });

    it('the configured path, also through a udev symlink', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'openshelf-hid-'));
      try {
        const node = join(dir, 'hidraw3');
        writeFileSync(node, '');
        symlinkSync(node, join(dir, 'openshelf-scanner'));
        bus.add({ vendorId: VID, productId: PID, path: join(dir, 'hidraw2') });
        const mine = bus.add({ vendorId: VID, productId: PID, path: node });
        const t = transport({ path: join(dir, 'openshelf-scanner') }).start();
        await clock.tickAsync(0);
        assert.equal(mine.opened, true);
        assert.equal(t.present, true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it('an open that fails (no permission) is retried and reported, not thrown', async () => {
    const dev = bus.add({ vendorId: VID, productId: PID });
    const realOpen = bus.openPath.bind(bus);
    let denied = 3;
    sinon.stub(bus, 'openPath').callsFake(async (p: string) => {
      if (denied-- > 0) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      return realOpen(p);
    });
    const t = transport().start();
    await clock.tickAsync(0);
    assert.equal(t.present, false);
    assert.match(t.health().lastError ?? '', /cannot open scanner 05e0:1200: EACCES/);
    await clock.tickAsync(200 + 400 + 800);
    assert.equal(t.present, true);
    assert.equal(dev.opened, true);
  });

  it('a node-hid that cannot load (no libusb) shows in health and is retried', async () => {
    const t = new NodeHidTransport({ vendorId: VID, productId: PID, load: async () => Promise.reject(new Error('libusb-1.0.so.0: cannot open shared object file')) });
    open.push(t);
    t.start();
    await clock.tickAsync(0);
    assert.equal(t.present, false);
    assert.match(t.health().lastError ?? '', /libusb-1.0.so.0/);
  });

  it('close() closes the device and stops polling', async () => {
    const dev = bus.add({ vendorId: VID, productId: PID });
    const t = transport().start();
    await clock.tickAsync(0);
    await t.close();
    assert.equal(dev.opened, false);
    dev.unplug();
    const polls = bus.polls;
    await clock.tickAsync(10_000);
    assert.equal(bus.polls, polls);
  });

  it('close() while absent stops polling', async () => {
    const t = transport().start();
    await clock.tickAsync(0);
    await t.close();
    const polls = bus.polls;
    await clock.tickAsync(10_000);
    assert.equal(bus.polls, polls);
  });
});
