/**
 * A receipt printer that stores each slip as a text file: the simulated printer of the foundation.
 * (The hardware issue replaces the text with a real ESC/POS raster through the same interface.)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeviceHealth, PrintResult, ReceiptPrinter, Slip } from '../interfaces.ts';

export class TextSlipPrinter implements ReceiptPrinter {
  private seq = 0;
  /** Simulated paper state: set false to test the out-of-paper path. */
  paper = true;
  readonly jobs: { jobId: string; text: string }[] = [];

  constructor(private readonly dir: string) {}

  async print(slip: Slip): Promise<PrintResult> {
    if (!this.paper) return { ok: false, reason: 'paper_out', detail: 'printer reports paper end' };
    const jobId = `${Date.now()}-${++this.seq}`;
    const text = slip.lines.join('\n') + '\n';
    await mkdir(this.dir, { recursive: true });
    await writeFile(join(this.dir, `slip-${jobId}.txt`), text, 'utf8');
    this.jobs.push({ jobId, text });
    return { ok: true, jobId };
  }

  health(): DeviceHealth {
    return this.paper ? { driver: 'sim', ok: true } : { driver: 'sim', ok: false, detail: 'paper_out' };
  }

  async close(): Promise<void> {}
}
