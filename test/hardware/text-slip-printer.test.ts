import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextSlipPrinter } from '#hardware/drivers/text-slip-printer.ts';

describe('hardware/drivers/text-slip-printer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'openshelf-slip-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes each slip as a UTF-8 text file in its directory', async () => {
    const out = join(dir, 'slips'); // created on first print
    const p = new TextSlipPrinter(out);
    const lines = ['Trường TH&THCS Demo', 'PHIẾU MƯỢN SÁCH', 'Hạn trả: 12/10/2026'];
    const r1 = await p.print({ lines });
    const r2 = await p.print({ lines: ['second'] });
    assert.equal(r1.ok, true);
    assert.equal(r2.ok, true);
    if (!r1.ok || !r2.ok) return;
    assert.notEqual(r1.jobId, r2.jobId);
    const files = readdirSync(out).sort();
    assert.equal(files.length, 2);
    assert.equal(readFileSync(join(out, `slip-${r1.jobId}.txt`), 'utf8'), lines.join('\n') + '\n');
    assert.equal(readFileSync(join(out, `slip-${r2.jobId}.txt`), 'utf8'), 'second\n');
    assert.deepEqual(p.health(), { driver: 'sim', ok: true });
  });

  it('without paper refuses with paper_out, writes nothing and reports unhealthy', async () => {
    const p = new TextSlipPrinter(dir);
    p.paper = false;
    const r = await p.print({ lines: ['x'] });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.reason, 'paper_out');
    assert.deepEqual(readdirSync(dir), []);
    assert.equal(p.jobs.length, 0);
    const h = p.health();
    assert.equal(h.ok, false);
    assert.equal(h.detail, 'paper_out');
  });

  it('prints again once paper is back', async () => {
    const p = new TextSlipPrinter(dir);
    p.paper = false;
    await p.print({ lines: ['lost'] });
    p.paper = true;
    const r = await p.print({ lines: ['kept'] });
    assert.equal(r.ok, true);
    assert.equal(readdirSync(dir).length, 1);
    assert.equal(p.health().ok, true);
  });
});
