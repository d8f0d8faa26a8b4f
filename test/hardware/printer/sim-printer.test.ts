import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { INIT, rasterBand, statusQuery, feedAndCut } from '#hardware/printer/escpos-commands.ts';
import { pngToBitmap } from '#hardware/printer/preview.ts';
import { SimPrinter, type SimJob } from '#hardware/printer/sim-printer.ts';
import { tempDir } from './helpers.ts';

describe('hardware/printer/sim-printer', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.remove());

  it('answers DLE EOT 1, 2 and 4 from its state', async () => {
    const sim = new SimPrinter({ dir: tmp.dir, paperMm: 58 });
    const ask = async (n: 1 | 2 | 3 | 4) => [...(await sim.receive(statusQuery(n)))];
    assert.deepEqual(await ask(4), [0x12]);
    sim.setPaper('near_end');
    assert.deepEqual(await ask(4), [0x1e]);
    sim.setPaper('out');
    assert.deepEqual(await ask(4), [0x7e]);
    assert.deepEqual(await ask(1), [0x1a]);
    assert.deepEqual(await ask(2), [0x32]);
    sim.setPaper('ok');
    sim.coverOpen = true;
    assert.deepEqual(await ask(2), [0x16]);
    sim.answersStatus = false;
    assert.deepEqual(await ask(4), []);
    assert.deepEqual(sim.jobs, [], 'status queries are not print jobs');
  });

  it('keeps a job as <job>.bin and <job>.png when it is cut, even when the bytes come in pieces', async () => {
    const sim = new SimPrinter({ dir: tmp.dir, paperMm: 58, idleMs: 0 });
    const row = new Uint8Array(48).fill(0xff);
    const bytes = Buffer.concat([INIT, rasterBand(48, 1, row), feedAndCut(0)]);
    sim.nameNextJob('job-1');
    for (let i = 0; i < bytes.length; i += 7) await sim.receive(bytes.subarray(i, i + 7));
    assert.equal(sim.jobs.length, 1);
    const job = sim.jobs[0]!;
    assert.equal(job.id, 'job-1');
    assert.equal(job.error, null);
    assert.deepEqual(readFileSync(job.binPath), bytes);
    const png = await pngToBitmap(readFileSync(job.pngPath!));
    assert.equal(png.width, 384);
    assert.deepEqual([...png.bits.subarray(0, 48)], [...row], 'the raster row is on the paper');
  });

  it('ends a job without a cut after the idle time, and at the next ESC @', async () => {
    const sim = new SimPrinter({ dir: tmp.dir, paperMm: 58, idleMs: 20 });
    const job = Buffer.concat([INIT, rasterBand(48, 2, new Uint8Array(96))]);
    await sim.receive(job);
    await sim.receive(job); // ESC @ of the second job closes the first
    assert.equal(sim.jobs.length, 1);
    const [second] = (await once(sim, 'job')) as [SimJob];
    assert.equal(second.bytes, job.length);
    assert.equal(sim.jobs.length, 2);
  });

  it('keeps undecodable bytes with the error instead of a picture', async () => {
    const sim = new SimPrinter({ dir: tmp.dir, paperMm: 58, idleMs: 0 });
    await sim.receive(Buffer.concat([INIT, Buffer.from('Vi\xea\xf2t', 'latin1')]));
    assert.equal(sim.jobs.length, 1);
    const job = sim.jobs[0]!;
    assert.match(job.error!, /0x7F|code-page/);
    assert.equal(job.pngPath, null);
    assert.ok(existsSync(job.binPath));
    assert.equal(sim.lastError, job.error);
  });

  it('prints nothing without paper: the bytes are dropped and counted', async () => {
    const sim = new SimPrinter({ dir: tmp.dir, paperMm: 58, idleMs: 0 });
    sim.setPaper('out');
    const job = Buffer.concat([INIT, rasterBand(48, 1, new Uint8Array(48)), feedAndCut(0)]);
    await sim.receive(job);
    assert.equal(sim.jobs.length, 0);
    assert.equal(sim.dropped, job.length);
  });
});
