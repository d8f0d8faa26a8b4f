import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import sinon from 'sinon';
import { stationConfigSchema } from '#core/config.ts';
import { ReaderConfigError, createCodeReader, type CreatedReader, type ReaderDeviceConfig } from '#hardware/readers-factory.ts';
import { SimHidBus } from '#hardware/sim/sim-hid-bus.ts';

const log = pino({ level: 'silent' });

/** A reader config entry as the station's schema fills it in. */
function cfg(entry: Record<string, unknown>): ReaderDeviceConfig {
  return stationConfigSchema.parse({ device: 'kiosk-1', password: 'x', devices: { card: entry } }).devices.card;
}

describe('hardware/readers-factory', () => {
  const made: CreatedReader[] = [];
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(async () => {
    for (const m of made.splice(0)) await m.reader.close();
    clock.restore();
  });

  function create(kind: 'card' | 'scanner', entry: Record<string, unknown>, opts: Parameters<typeof createCodeReader>[3] = {}) {
    const m = createCodeReader(kind, cfg(entry), log, { simIntervalMs: 0, ...opts });
    assert.ok(m);
    made.push(m);
    const codes: string[] = [];
    m.reader.onCode((c) => codes.push(c));
    return { ...m, codes };
  }

  it('"none" makes no reader', () => {
    assert.equal(createCodeReader('card', cfg({ driver: 'none' }), log), null);
  });

  it('"sim": boot-keyboard reports into the decoder; the sim types, unplugs and replugs', async () => {
    const { reader, sim, codes } = create('scanner', { driver: 'sim' });
    assert.ok(sim);
    const reports = await sim.type('30001000000101');
    assert.equal(reports.length, 30);
    assert.ok(reports.every((r) => r.length === 8));
    assert.deepEqual(codes, ['30001000000101']);
    assert.equal(reader.kind, 'scanner');
    sim.unplug();
    assert.equal(reader.health().ok, false);
    sim.replug();
    assert.equal(reader.health().ok, true);
  });

  it('"sim" with realistic timing: reports 4 ms apart', async () => {
    const { sim, codes } = create('scanner', { driver: 'sim' }, { simIntervalMs: 4 });
    const done = sim!.type('12'); // 1, release, 2, release, Enter, release
    await clock.tickAsync(4 * 4 + 3);
    assert.deepEqual(codes, []);
    await clock.tickAsync(1); // Enter, 20 ms after the start
    assert.deepEqual(codes, ['12']);
    await clock.tickAsync(4);
    assert.equal((await done).length, 6);
  });

  it('a card reader normalises per cardFormat and drops what cannot be a card number', async () => {
    const { reader, sim, codes } = create('card', { driver: 'sim', cardFormat: 'em4100-decimal10' });
    await sim!.type('01026F6C3A');
    await sim!.type('4340757');
    await sim!.type('213,02000');
    assert.deepEqual(codes, ['0040856634', '0004340757']);
    assert.match(reader.health().detail ?? '', /1 code rejected/);
  });

  it('a scanner does not normalise', async () => {
    const { sim, codes } = create('scanner', { driver: 'sim', cardFormat: 'em4100-decimal10' });
    await sim!.type('STK.000123');
    assert.deepEqual(codes, ['STK.000123']);
  });

  describe('"hid"', () => {
    it('simulated: a USB bus under the real NodeHidTransport, found by the configured ids', async () => {
      const { reader, sim, codes } = create('card', { driver: 'hid', vendorId: 0xffff, productId: 0x0035, cardFormat: 'uid-hex-reversed' }, { simulate: true });
      await clock.tickAsync(0);
      assert.equal(reader.health().present, true);
      await sim!.type('529D06E3');
      assert.deepEqual(codes, ['E3069D52']);
      sim!.unplug();
      assert.equal(reader.health().present, false);
      sim!.replug();
      await clock.tickAsync(200);
      assert.equal(reader.health().ok, true);
      assert.equal(reader.health().reconnects, 1);
    });

    it('real: needs vendor and product id', () => {
      assert.throws(() => createCodeReader('scanner', cfg({ driver: 'hid' }), log), ReaderConfigError);
      assert.throws(() => createCodeReader('scanner', cfg({ driver: 'hid-pos', vendorId: 1 }), log), /productId are required/);
    });

    it('real: opens through the node-hid loader with the keyboard usage page and the chosen backend', async () => {
      const bus = new SimHidBus();
      bus.add({ vendorId: 0x05e0, productId: 0x1200, interface: 1, usagePage: 0x0c });
      const kbd = bus.add({ vendorId: 0x05e0, productId: 0x1200, interface: 0, usagePage: 0x01 });
      const backends: string[] = [];
      const { reader, sim, codes } = create('scanner', { driver: 'hid', vendorId: 0x05e0, productId: 0x1200 }, {
        loadHid: async (b) => {
          backends.push(b);
          return bus;
        },
      });
      assert.equal(sim, undefined);
      await clock.tickAsync(0);
      assert.deepEqual(backends, ['libusb']);
      assert.equal(kbd.opened, true);
      await kbd.type('42');
      assert.deepEqual(codes, ['42']);
      assert.equal(reader.health().driver, 'hid');
    });
  });

  it('"hid-pos" simulated: HID POS reports through the real transport and decoder', async () => {
    const { sim, codes } = create('scanner', { driver: 'hid-pos' }, { simulate: true });
    await clock.tickAsync(0);
    const reports = await sim!.type('9786041234567');
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.length, 64);
    assert.equal(reports[0]![0], 0x02);
    assert.deepEqual(codes, ['9786041234567']);
  });

  describe('"serial"', () => {
    it('simulated: lines on SerialPortMock through the real line reader', async () => {
      const { reader, sim, codes } = create('scanner', { driver: 'serial' }, { simulate: true });
      await clock.tickAsync(0);
      const [line] = await sim!.type('30001000000101');
      assert.equal(line!.toString(), '30001000000101\r');
      await clock.tickAsync(0);
      assert.deepEqual(codes, ['30001000000101']);
      sim!.unplug();
      await clock.tickAsync(0);
      assert.equal(reader.health().present, false);
      sim!.replug();
      await clock.tickAsync(200);
      assert.equal(reader.health().present, true);
    });

    it('Tab terminator: the simulator sends Tab and the reader splits on it', async () => {
      const { sim, codes } = create('scanner', { driver: 'serial', terminator: 'tab' }, { simulate: true });
      await clock.tickAsync(0);
      await sim!.type('A1');
      await clock.tickAsync(0);
      assert.deepEqual(codes, ['A1']);
    });

    it('real: needs a path', () => {
      assert.throws(() => createCodeReader('scanner', cfg({ driver: 'serial' }), log), /path is required/);
    });

    it('real: opens the configured path at the configured speed', async () => {
      const opened: unknown[] = [];
      create('scanner', { driver: 'serial', path: '/dev/openshelf-scanner', baudRate: 115200 }, {
        openSerial: async (o) => {
          opened.push(o);
          throw new Error('ENOENT');
        },
      });
      await clock.tickAsync(0);
      assert.deepEqual(opened, [{ path: '/dev/openshelf-scanner', baudRate: 115200 }]);
    });
  });

  describe('recordTo', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'openshelf-factory-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('records a HID device\'s reports', async () => {
      const file = join(dir, 'card.jsonl');
      const m = createCodeReader('card', cfg({ driver: 'sim', recordTo: file }), log, { simIntervalMs: 0 })!;
      await m.sim!.type('7');
      await m.reader.close();
      assert.equal(readFileSync(file, 'utf8').trimEnd().split('\n').length, 4);
    });

    it('records a serial device\'s chunks', async () => {
      const file = join(dir, 'scanner.jsonl');
      const m = createCodeReader('scanner', cfg({ driver: 'serial', recordTo: file }), log, { simulate: true, simIntervalMs: 0 })!;
      await clock.tickAsync(0);
      await m.sim!.type('7');
      await clock.tickAsync(0);
      await m.reader.close();
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8').trimEnd()).hex, '370d');
    });
  });
});
