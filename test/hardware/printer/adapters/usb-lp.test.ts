/**
 * The usblp adapter. CI has no /dev/usb/lp0, so a regular file stands in for the device node: it
 * takes writes like the kernel driver and answers reads with nothing, as a printer that never
 * answers does.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsbLpPrinterAdapter } from '#hardware/printer/adapters/usb-lp.ts';
import { decodeEscPos } from '#hardware/printer/decode.ts';
import { EscPosPrinter } from '#hardware/printer/escpos-printer.ts';
import { tempDir } from '../helpers.ts';

describe('hardware/printer/adapters/usb-lp', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.remove());

  it('writes every byte to the device node and times out a read nobody answers', async () => {
    const path = join(tmp.dir, 'lp0');
    writeFileSync(path, '');
    const a = new UsbLpPrinterAdapter({ path });
    await a.open();
    const bytes = Buffer.alloc(100_000, 0x55);
    await a.write(bytes);
    await assert.rejects(a.read(1, 50), { name: 'PrinterTimeoutError' });
    await a.close();
    assert.equal(readFileSync(path).length, bytes.length);
  });

  it('a missing device node is DeviceDisconnectedError on open', async () => {
    const a = new UsbLpPrinterAdapter({ path: join(tmp.dir, 'lp7') });
    await assert.rejects(a.open(), { name: 'DeviceDisconnectedError', message: /ENOENT/ });
  });

  it('a write-only printer prints without status (paper "unknown")', async () => {
    const path = join(tmp.dir, 'lp0');
    writeFileSync(path, '');
    const printer = new EscPosPrinter(new UsbLpPrinterAdapter({ path, bidirectional: false }), { driver: 'usb', paperMm: 58, cut: false, pollMs: 0 });
    await printer.start();
    const r = await printer.print({ lines: ['Nguyễn Thị Ánh Dương', 'Hạn trả: 15/10/2025'] });
    await printer.close();
    assert.ok(r.ok);
    assert.equal(r.paper, 'unknown');
    const ops = decodeEscPos(readFileSync(path));
    assert.ok(!ops.some((o) => o.op === 'status'), 'no status queries on a write-only link');
    assert.ok(ops.some((o) => o.op === 'raster'));
  });
});
