/** The TCP adapter against a local server on a free port that speaks the simulated printer. */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { TcpPrinterAdapter } from '#hardware/printer/adapters/tcp.ts';
import { EscPosPrinter } from '#hardware/printer/escpos-printer.ts';
import { SimPrinter } from '#hardware/printer/sim-printer.ts';
import { freePort } from '#test/ports.ts';
import { healthWhen, tempDir } from '../helpers.ts';

const SLIP = { lines: ['Nguyễn Thị Ánh Dương', 'Hạn trả: 15/10/2025'] };

describe('hardware/printer/adapters/tcp', () => {
  let tmp: ReturnType<typeof tempDir>;
  let sim: SimPrinter;
  let server: Server;
  let sockets: Socket[];
  let port: number;
  let printer: EscPosPrinter | null;

  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((s) => {
        sockets.push(s);
        sim.serve(s);
      });
      server.listen(port, '127.0.0.1', () => resolve());
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      sockets = [];
      server.close(() => resolve());
    });

  beforeEach(async () => {
    tmp = tempDir();
    sim = new SimPrinter({ dir: tmp.dir, paperMm: 80, idleMs: 0 });
    sockets = [];
    port = await freePort();
    printer = null;
    await listen();
  });
  afterEach(async () => {
    await printer?.close();
    await stop();
    tmp.remove();
  });

  const makePrinter = async () => {
    printer = new EscPosPrinter(new TcpPrinterAdapter({ host: '127.0.0.1', port }), {
      driver: 'tcp', paperMm: 80, pollMs: 0, statusTimeoutMs: 500, reconnect: { initialMs: 10, maxMs: 50 },
    });
    await printer.start();
    return printer;
  };

  it('queries status and prints a slip over port 9100-style TCP', async () => {
    const p = await makePrinter();
    sim.setPaper('near_end');
    const r = await p.print(SLIP);
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.paper, 'near_end');
    await sim.flush();
    assert.equal(sim.jobs.length, 1);
    assert.equal(sim.jobs[0]!.error, null);
    assert.ok(sim.jobs[0]!.ops.some((o) => o.op === 'raster' && o.widthBytes === 72));
  });

  it('out of paper over TCP: paper_out and nothing printed', async () => {
    const p = await makePrinter();
    sim.setPaper('out');
    const r = await p.print(SLIP);
    assert.ok(!r.ok && r.reason === 'paper_out');
    await sim.flush();
    assert.equal(sim.jobs.length, 0);
  });

  it('the printer goes away (connection dropped, then refused) and comes back', async () => {
    const p = await makePrinter();
    assert.ok((await p.print(SLIP)).ok);
    await stop();
    await healthWhen(p, (h) => !h.connected);
    const r = await p.print(SLIP);
    assert.ok(!r.ok && r.reason === 'offline', JSON.stringify(r));
    await listen();
    await healthWhen(p, (h) => h.connected);
    const again = await p.print(SLIP);
    assert.ok(again.ok, JSON.stringify(again));
    await sim.flush();
    assert.equal(sim.jobs.length, 2);
  });

  it('a refused connection is an error from open(), not a crash', async () => {
    await stop();
    const a = new TcpPrinterAdapter({ host: '127.0.0.1', port });
    await assert.rejects(a.open(), { name: 'DeviceDisconnectedError' });
    await listen();
  });
});
