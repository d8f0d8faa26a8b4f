/** The serial adapter over serialport's MockBinding, with the simulated printer answering on the line. */
import assert from 'node:assert/strict';
import type { OpenOptions } from '@serialport/stream';
import { SerialPortMock } from 'serialport';
import { SerialPrinterAdapter } from '#hardware/printer/adapters/serial.ts';
import { EscPosPrinter } from '#hardware/printer/escpos-printer.ts';
import { SimPrinter } from '#hardware/printer/sim-printer.ts';
import { healthWhen, tempDir } from '../helpers.ts';

/** The parts of binding-mock's port used here (its own typings do not resolve under NodeNext). */
interface MockPort {
  write(buf: Buffer): Promise<void>;
  emitData(data: Buffer): void;
  recording: Buffer;
}
interface MockBindingLike {
  createPort(path: string, opt: { echo: boolean; record: boolean }): void;
  reset(): void;
  open(opts: { path: string }): Promise<MockPort>;
}
const MockBinding = SerialPortMock.binding as unknown as MockBindingLike;

describe('hardware/printer/adapters/serial', () => {
  let tmp: ReturnType<typeof tempDir>;
  let sim: SimPrinter;
  let port: MockPort | null;
  let printer: EscPosPrinter;
  let unplugged = false;
  const path = '/dev/ttyPRINTER';

  /**
   * MockBinding whose opened port feeds each write to the simulator and emits its answers; while
   * "unplugged" it fails opens and writes the way the system binding does for a vanished USB adapter.
   */
  const binding = {
    ...MockBinding,
    async open(opts: { path: string }) {
      if (unplugged) throw new Error(`Error: No such file or directory, cannot open ${opts.path}`);
      const p = await MockBinding.open(opts);
      const write = p.write.bind(p);
      p.write = async (buf: Buffer) => {
        if (unplugged) throw new Error('EIO: i/o error, write');
        await write(buf);
        const reply = await sim.receive(buf);
        if (reply.length > 0) p.emitData(reply);
      };
      port = p;
      return p;
    },
  } as unknown as OpenOptions['binding'];

  beforeEach(async () => {
    tmp = tempDir();
    MockBinding.createPort(path, { echo: false, record: true });
    sim = new SimPrinter({ dir: tmp.dir, paperMm: 58, idleMs: 0 });
    port = null;
    unplugged = false;
    printer = new EscPosPrinter(new SerialPrinterAdapter({ path, baudRate: 19200, binding }), {
      driver: 'serial', paperMm: 58, cut: true, pollMs: 0, statusTimeoutMs: 200, reconnect: { initialMs: 10, maxMs: 20 },
    });
    await printer.start();
  });
  afterEach(async () => {
    await printer.close();
    MockBinding.reset();
    tmp.remove();
  });

  it('prints a slip and reads DLE EOT answers back on the same line', async () => {
    assert.equal(printer.health().connected, true);
    sim.setPaper('near_end');
    const r = await printer.print({ lines: ['Nguyễn Thị Ánh Dương', 'Hạn trả: 15/10/2025'] });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.paper, 'near_end');
    assert.equal(sim.jobs.length, 1);
    assert.equal(sim.jobs[0]!.error, null);
    assert.ok(port!.recording.includes(Buffer.from([0x10, 0x04, 0x04])), 'DLE EOT 4 went out');
  });

  it('unplug and replug: the write fails, the port closes, health says so, and it reopens', async () => {
    assert.ok((await printer.print({ lines: ['một'] })).ok);
    unplugged = true;
    const r = await printer.print({ lines: ['hai'] });
    assert.ok(!r.ok && r.reason === 'offline', JSON.stringify(r));
    const h = await healthWhen(printer, (x) => !x.connected);
    assert.match(h.lastError!, /EIO|No such file/);
    unplugged = false;
    await healthWhen(printer, (x) => x.connected);
    assert.ok((await printer.print({ lines: ['ba'] })).ok);
    assert.equal(sim.jobs.length, 2);
  });
});
