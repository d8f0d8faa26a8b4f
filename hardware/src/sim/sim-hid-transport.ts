/**
 * A simulated HID device: emits the input reports a real keyboard-mode scanner or card reader sends
 * (or, with `encode`, a HID POS scanner's reports). State is per instance (no module-level mock
 * state), so tests need no global reset. For the real transport's hot-plug path use SimHidBus.
 */
import { EventEmitter } from 'node:events';
import type { TransportHealth } from '../drivers/reader-health.ts';
import { DeviceDisconnectedError, type HidTransport } from '../interfaces.ts';
import { pause, type CodeReaderSim } from './code-reader-sim.ts';
import { keyboardReports } from './keyboard-reports.ts';

export interface SimHidOptions {
  terminator?: 'enter' | 'tab';
  /** Delay between reports in ms; 0 emits them all at once (tests), ~2–8 ms is a real scanner. */
  reportIntervalMs?: number;
  /** The reports for one code; default boot-keyboard reports ending in the terminator. */
  encode?: (code: string) => Buffer[];
}

export class SimHidTransport extends EventEmitter implements HidTransport, CodeReaderSim {
  private closed = false;
  private plugged = true;
  private lastError: string | undefined;
  private connects = 1;
  /** Every report sent so far, for tests that assert on the bytes. */
  readonly sent: Buffer[] = [];

  constructor(private readonly opts: SimHidOptions = {}) {
    super();
  }

  get present(): boolean {
    return this.plugged && !this.closed;
  }

  /** Types one code as HID reports; resolves with the reports once all were emitted. */
  async type(code: string): Promise<Buffer[]> {
    if (this.closed) throw new Error('simulated device is closed');
    const encode = this.opts.encode ?? ((c: string) => keyboardReports(c, this.opts.terminator ?? 'enter'));
    const reports = encode(code);
    const gap = this.opts.reportIntervalMs ?? 0;
    for (const r of reports) {
      await pause(gap);
      if (!this.plugged) throw new DeviceDisconnectedError('simulated device is unplugged');
      this.sent.push(r);
      this.emit('data', r);
    }
    return reports;
  }

  /** Emits raw bytes as one report: for garbage and malformed-report tests. */
  emitRaw(report: Buffer): void {
    this.emit('data', report);
  }

  /** The device goes away: the driver gets the error a real transport reports. */
  unplug(): void {
    if (!this.plugged) return;
    this.plugged = false;
    const err = new DeviceDisconnectedError('simulated device unplugged');
    this.lastError = err.message;
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  /** The device is back: 'connect', as a hot-plug transport emits after reopening it. */
  replug(): void {
    if (this.plugged || this.closed) return;
    this.plugged = true;
    this.connects++;
    this.emit('connect');
  }

  health(): TransportHealth {
    return { present: this.present, connects: this.connects, ...(this.lastError ? { lastError: this.lastError } : {}) };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.removeAllListeners('data');
  }
}
