import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { createPrinter, PrinterConfigError, type PrinterConfig } from '#hardware/printer/factory.ts';
import { tempDir } from './helpers.ts';

const log = pino({ level: 'silent' });
const cfg = (o: Partial<PrinterConfig>): PrinterConfig => ({ driver: 'sim', baudRate: 19200, port: 9100, paperMm: 58, widthChars: 32, ...o });

describe('hardware/printer/factory', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.remove());

  it('driver none: no printer', async () => {
    assert.deepEqual(await createPrinter(cfg({ driver: 'none' }), tmp.dir, log), { printer: null });
  });

  it('driver sim: an ESC/POS printer over the simulator, writing <job>.bin and <job>.png to the directory', async () => {
    const dir = join(tmp.dir, 'printer');
    const { printer, sim } = await createPrinter(cfg({ driver: 'sim', paperMm: 80 }), dir, log);
    assert.ok(printer && sim);
    try {
      assert.equal(printer.health().ok, true);
      const r = await printer.print({ lines: ['Hạn trả: 15/10/2025'] });
      assert.ok(r.ok);
      assert.ok(existsSync(join(dir, `${r.jobId}.bin`)));
      assert.ok(existsSync(join(dir, `${r.jobId}.png`)));
      assert.ok(sim.jobs[0]!.ops.some((o) => o.op === 'raster' && o.widthBytes === 72));
    } finally {
      await printer.close();
    }
  });

  it('a usb printer that is not plugged in: created, reported disconnected, no exception', async () => {
    const { printer } = await createPrinter(cfg({ driver: 'usb', path: join(tmp.dir, 'lp9') }), tmp.dir, log);
    assert.ok(printer);
    try {
      const h = printer.health();
      assert.equal(h.connected, false);
      assert.match(h.detail!, /^disconnected: .*ENOENT/);
      const r = await printer.print({ lines: ['x'] });
      assert.ok(!r.ok && r.reason === 'offline');
    } finally {
      await printer.close();
    }
  });

  it('refuses a serial printer without a path and a tcp printer without a host', async () => {
    await assert.rejects(createPrinter(cfg({ driver: 'serial' }), tmp.dir, log), PrinterConfigError);
    await assert.rejects(createPrinter(cfg({ driver: 'tcp' }), tmp.dir, log), PrinterConfigError);
  });
});
