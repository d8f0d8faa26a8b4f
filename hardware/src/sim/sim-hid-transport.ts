/**
 * A simulated HID device: emits the input reports a real keyboard-mode scanner or card reader sends.
 * State is per instance (no module-level mock state), so tests need no global reset.
 */
import { EventEmitter } from 'node:events';
import type { HidTransport } from '../interfaces.ts';
import { keyboardReports } from './keyboard-reports.ts';

export interface SimHidOptions {
  terminator?: 'enter' | 'tab';
  /** Delay between reports in ms; 0 emits them all at once (tests), ~2 ms is a real scanner. */
  reportIntervalMs?: number;
}

export class SimHidTransport extends EventEmitter implements HidTransport {
  private closed = false;
  /** Every report sent so far, for tests that assert on the bytes. */
  readonly sent: Buffer[] = [];

  constructor(private readonly opts: SimHidOptions = {}) {
    super();
  }

  /** Types one code as HID reports; resolves with the reports once all were emitted. */
  async type(code: string): Promise<Buffer[]> {
    if (this.closed) throw new Error('simulated device is closed');
    const reports = keyboardReports(code, this.opts.terminator ?? 'enter');
    const gap = this.opts.reportIntervalMs ?? 0;
    for (const r of reports) {
      if (gap > 0) await new Promise((res) => setTimeout(res, gap));
      this.sent.push(r);
      this.emit('data', r);
    }
    return reports;
  }

  /** Emits raw bytes as one report: for garbage and malformed-report tests. */
  emitRaw(report: Buffer): void {
    this.emit('data', report);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.removeAllListeners('data');
  }
}
