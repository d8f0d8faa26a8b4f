/**
 * A barcode scanner (or card reader) on a serial port (USB CDC /dev/ttyACM*, RS-232 adapters):
 * opens the port through an injected opener, frames lines, and when the port closes under it
 * (unplugged) or cannot be opened (not plugged in yet), retries with backoff.
 */
import type { Logger } from 'pino';
import { Backoff, type BackoffOptions } from '../drivers/backoff.ts';
import { ReaderStatus, counted, type ReaderHealth } from '../drivers/reader-health.ts';
import { DeviceDisconnectedError, type CodeReader } from '../interfaces.ts';
import type { RawRecorder } from '../record/raw-recorder.ts';
import { LineFramer, type LineFramerOptions } from './line-framer.ts';
import { openSerialPort, type SerialLink, type SerialOpener } from './serial-link.ts';

export interface SerialLineReaderOptions extends LineFramerOptions {
  kind: 'card' | 'scanner';
  driver: string;
  path: string;
  baudRate: number;
  /** Default: the serialport package. */
  open?: SerialOpener;
  retry?: BackoffOptions;
  /** Records every chunk as it arrived, before framing; closed with the reader. */
  recorder?: RawRecorder;
  normalise?: (code: string) => string;
  onRejected?: (raw: string, err: Error) => void;
  log?: Logger;
}

export class SerialLineReader implements CodeReader {
  readonly kind: 'card' | 'scanner';
  private readonly framer: LineFramer;
  private readonly status: ReaderStatus;
  private readonly backoff: Backoff;
  private listeners: ((code: string) => void)[] = [];
  private link: SerialLink | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private started = false;
  private attempt: Promise<void> = Promise.resolve();
  private lastError: string | undefined;
  private connects = 0;
  rejected = 0;

  constructor(private readonly opts: SerialLineReaderOptions) {
    this.kind = opts.kind;
    this.framer = new LineFramer(opts);
    this.status = new ReaderStatus(opts.driver);
    this.backoff = new Backoff(opts.retry);
  }

  /** Starts opening the port; returns at once (the device may come later). */
  start(): this {
    if (!this.started && !this.closed) {
      this.started = true;
      this.attempt = this.connect();
    }
    return this;
  }

  onCode(listener: (code: string) => void): void {
    this.listeners.push(listener);
  }

  get present(): boolean {
    return this.link !== undefined;
  }

  health(): ReaderHealth {
    const f = this.framer;
    const notes: string[] = [];
    if (f.garbage) notes.push(`${counted(f.garbage, 'garbled line')} dropped`);
    if (f.overlong) notes.push(`${counted(f.overlong, 'over-long line')} dropped`);
    if (f.stale) notes.push(`${counted(f.stale, 'half line')} timed out`);
    if (this.rejected) notes.push(`${counted(this.rejected, 'code')} rejected`);
    return this.status.health({ present: this.present, connects: this.connects, ...(this.lastError ? { lastError: this.lastError } : {}) }, notes);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners = [];
    clearTimeout(this.timer);
    await this.attempt;
    const link = this.link;
    this.link = undefined;
    await link?.close().catch(() => undefined);
    await this.opts.recorder?.close();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    let link: SerialLink;
    try {
      link = await (this.opts.open ?? openSerialPort)({ path: this.opts.path, baudRate: this.opts.baudRate });
    } catch (err) {
      const msg = `cannot open ${this.opts.path}: ${(err as Error).message}`;
      if (msg !== this.lastError) this.opts.log?.warn({ path: this.opts.path }, msg);
      this.lastError = msg;
      this.schedule();
      return;
    }
    if (this.closed) {
      await link.close().catch(() => undefined);
      return;
    }
    this.link = link;
    this.connects++;
    this.backoff.reset();
    this.framer.reset();
    this.status.connected();
    this.opts.log?.info({ path: this.opts.path }, 'serial reader connected');
    link.on('data', (chunk) => {
      this.opts.recorder?.write(chunk);
      for (const line of this.framer.push(chunk)) this.deliver(line);
    });
    link.on('error', (err) => {
      this.lastError = err.message;
    });
    link.on('close', (err) => this.lost(link, err ?? undefined));
  }

  private lost(link: SerialLink, cause: Error | undefined): void {
    if (this.link !== link) return;
    this.link = undefined;
    if (this.closed) return;
    const e = new DeviceDisconnectedError(`${this.opts.path} closed${cause ? `: ${cause.message}` : ''}`);
    this.lastError = e.message;
    this.status.error(e);
    this.framer.reset();
    this.opts.log?.warn({ path: this.opts.path }, e.message);
    this.schedule();
  }

  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.attempt = this.connect();
    }, this.backoff.next());
    this.timer.unref?.();
  }

  private deliver(line: string): void {
    let code = line;
    if (this.opts.normalise) {
      try {
        code = this.opts.normalise(line);
      } catch (err) {
        this.rejected++;
        this.opts.onRejected?.(line, err as Error);
        return;
      }
    }
    for (const l of this.listeners) l(code);
  }
}
