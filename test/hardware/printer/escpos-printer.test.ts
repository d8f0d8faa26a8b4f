/**
 * EscPosPrinter over the simulated printer: the whole path from slip to bytes to the picture a
 * person would see, plus paper, cover, silence and unplug/replug as a station meets them.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import sinon from 'sinon';
import { DeviceDisconnectedError, type PrinterAdapter } from '#hardware/printer/adapter.ts';
import { EscPosPrinter, type EscPosPrinterOptions } from '#hardware/printer/escpos-printer.ts';
import { decodeEscPos } from '#hardware/printer/decode.ts';
import { sampleSlip } from '#hardware/printer/sample-slip.ts';
import { SimPrinter } from '#hardware/printer/sim-printer.ts';
import { pngToBitmap } from '#hardware/printer/preview.ts';
import { healthWhen, tempDir } from './helpers.ts';

const SLIP = { lines: ['Nguyễn Thị Ánh Dương', 'Dế Mèn phiêu lưu ký', 'Hạn trả: 15/10/2025'] };

describe('hardware/printer/escpos-printer', () => {
  let tmp: ReturnType<typeof tempDir>;
  let sim: SimPrinter;
  let printer: EscPosPrinter;
  const make = async (o: Partial<EscPosPrinterOptions> = {}) => {
    sim = new SimPrinter({ dir: tmp.dir, paperMm: 58, idleMs: 0 });
    printer = new EscPosPrinter(sim.adapter(), { driver: 'sim', paperMm: 58, cut: true, pollMs: 0, statusTimeoutMs: 100, reconnect: { initialMs: 5, maxMs: 20 }, ...o });
    await printer.start();
  };
  beforeEach(() => (tmp = tempDir()));
  afterEach(async () => {
    await printer?.close();
    tmp.remove();
  });

  it('prints a Vietnamese slip: status first, then one job whose files carry the job id', async () => {
    await make();
    const r = await printer.print(SLIP);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.paper, 'ok');
    assert.equal(sim.jobs.length, 1);
    const job = sim.jobs[0]!;
    assert.equal(job.id, r.jobId);
    assert.equal(job.error, null);
    assert.deepEqual(readdirSync(tmp.dir).sort(), [`${r.jobId}.bin`, `${r.jobId}.png`]);
    const ops = decodeEscPos(readFileSync(job.binPath));
    assert.equal(ops[0]!.op, 'init');
    assert.ok(ops.some((o) => o.op === 'raster' && o.widthBytes === 48));
    assert.ok(!ops.some((o) => o.op === 'text' || o.op === 'codepage'));
    const png = await pngToBitmap(readFileSync(job.pngPath!));
    assert.equal(png.width, 384);
    assert.deepEqual(printer.health(), {
      driver: 'sim', ok: true, connected: true, paper: 'ok', lastError: null, lastErrorAt: null, jobs: 1,
    });
  });

  it('out of paper: a typed paper_out result, nothing sent, health says so, printing resumes after a refill', async () => {
    await make();
    sim.setPaper('out');
    const r = await printer.print(SLIP);
    assert.deepEqual(r, { ok: false, reason: 'paper_out', detail: 'the printer reports paper end', paper: 'out' });
    assert.equal(sim.jobs.length, 0);
    assert.equal(sim.dropped, 0, 'no print bytes were even sent');
    const h = printer.health();
    assert.equal(h.ok, false);
    assert.equal(h.detail, 'paper_out');
    sim.setPaper('ok');
    await printer.refresh();
    assert.equal(printer.health().ok, true);
    assert.ok((await printer.print(SLIP)).ok);
    assert.equal(sim.jobs.length, 1);
  });

  it('paper near end: the slip prints and the result and health warn', async () => {
    await make();
    sim.setPaper('near_end');
    const r = await printer.print(SLIP);
    assert.ok(r.ok);
    assert.equal(r.paper, 'near_end');
    assert.equal(sim.jobs.length, 1);
    const h = printer.health();
    assert.equal(h.ok, true);
    assert.equal(h.detail, 'paper_near_end');
  });

  it('cover open: offline with the cause from DLE EOT 2', async () => {
    await make();
    sim.coverOpen = true;
    const r = await printer.print(SLIP);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.reason === 'offline' && /cover open/.test(r.detail));
    assert.equal(printer.health().detail, 'offline: cover open');
    assert.equal(sim.jobs.length, 0);
  });

  it('a printer that stops answering status: offline after the timeout, then reconnects and prints', async () => {
    await make();
    sim.answersStatus = false;
    const r = await printer.print(SLIP);
    assert.ok(!r.ok && r.reason === 'offline' && /no answer/.test(r.detail));
    assert.match(printer.health().lastError!, /no answer/);
    sim.answersStatus = true;
    await healthWhen(printer, (h) => h.connected);
    assert.ok((await printer.print(SLIP)).ok);
  });

  it('unplug and replug: health says disconnected, printing fails as offline, then succeeds once it is back', async () => {
    await make();
    assert.ok((await printer.print(SLIP)).ok);
    sim.unplug();
    const gone = await healthWhen(printer, (h) => !h.connected);
    assert.equal(gone.ok, false);
    assert.match(gone.detail!, /^disconnected: .*unplugged/);
    const r = await printer.print(SLIP);
    assert.ok(!r.ok && r.reason === 'offline');
    sim.replug();
    await healthWhen(printer, (h) => h.connected && h.ok);
    const again = await printer.print(SLIP);
    assert.ok(again.ok);
    assert.equal(sim.jobs.length, 2);
  });

  it('starts without the device and notices it arrive', async () => {
    sim = new SimPrinter({ dir: tmp.dir, paperMm: 58, idleMs: 0 });
    sim.unplug();
    printer = new EscPosPrinter(sim.adapter(), { driver: 'sim', paperMm: 58, pollMs: 0, reconnect: { initialMs: 5, maxMs: 10 } });
    await printer.start();
    assert.equal(printer.health().connected, false);
    sim.replug();
    await healthWhen(printer, (h) => h.connected);
    assert.ok((await printer.print(SLIP)).ok);
  });

  it('runs jobs one at a time in call order', async () => {
    await make();
    const results = await Promise.all([printer.print(SLIP), printer.print(sampleSlip()), printer.print(SLIP)]);
    assert.ok(results.every((r) => r.ok));
    assert.deepEqual(
      sim.jobs.map((j) => j.id),
      results.map((r) => (r.ok ? r.jobId : '')),
    );
  });

  it('the idle poll shows a thinning roll and a printer gone silent without any print', async () => {
    await make({ pollMs: 20 });
    sim.setPaper('near_end');
    await healthWhen(printer, (h) => h.paper === 'near_end');
    sim.answersStatus = false;
    const h = await healthWhen(printer, (x) => /no answer/.test(x.lastError ?? ''));
    assert.equal(sim.jobs.length, 0);
    assert.ok(h.lastErrorAt);
  });

  it('close() does not wait out a write the printer never takes: 2 s of grace, then the job ends offline', async () => {
    // An adapter that answers status at once but never finishes writing a job, until closed.
    let cancel: ((e: Error) => void) | null = null;
    let pendingStatus = false;
    const stuck: PrinterAdapter = {
      description: 'stuck',
      bidirectional: true,
      open: async () => {},
      write: (bytes) => {
        if (bytes.length === 3 && bytes[0] === 0x10) {
          pendingStatus = true;
          return Promise.resolve();
        }
        return new Promise((_, reject) => (cancel = reject));
      },
      discardInput: () => {},
      read: async () => {
        assert.ok(pendingStatus);
        pendingStatus = false;
        return Buffer.of(0x12);
      },
      close: async () => cancel?.(new DeviceDisconnectedError('closed')),
      onDisconnect: () => {},
    };
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      printer = new EscPosPrinter(stuck, { driver: 'test', paperMm: 58, pollMs: 0 });
      await printer.start();
      const job = printer.print(SLIP);
      await clock.tickAsync(10);
      assert.ok(cancel, 'the job is being written');
      const closing = printer.close();
      await clock.tickAsync(2000);
      await closing;
      const r = await job;
      assert.ok(!r.ok && r.reason === 'offline');
    } finally {
      clock.restore();
    }
  });

  it('reports health changes as events', async () => {
    await make();
    const seen: string[] = [];
    printer.onHealth((h) => seen.push(h.detail ?? 'ok'));
    sim.setPaper('near_end');
    await printer.refresh();
    sim.setPaper('out');
    await printer.refresh();
    sim.setPaper('ok');
    await printer.refresh();
    assert.deepEqual(seen, ['paper_near_end', 'paper_out', 'ok']);
  });
});
