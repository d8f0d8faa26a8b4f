/** A barcode scanner in HID POS mode (usage page 0x8C), read through an injected HID transport. */
import { HidPosDecoder, type HidPosDecoderOptions, type HidPosScan } from '../hid/hid-pos-decoder.ts';
import type { CodeReader, HidTransport } from '../interfaces.ts';
import { ReaderStatus, counted, followHidTransport, isPresenceAware, type ReaderHealth } from './reader-health.ts';

export interface HidPosReaderOptions extends HidPosDecoderOptions {
  kind: 'card' | 'scanner';
  driver: string;
  /** Map the code before it leaves the driver; a throw drops the code. */
  normalise?: (code: string) => string;
  onRejected?: (raw: string, err: Error) => void;
}

export class HidPosReader implements CodeReader {
  readonly kind: 'card' | 'scanner';
  private readonly decoder: HidPosDecoder;
  private listeners: ((code: string) => void)[] = [];
  private scanListeners: ((scan: HidPosScan) => void)[] = [];
  private readonly status: ReaderStatus;
  rejected = 0;

  constructor(
    private readonly transport: HidTransport,
    private readonly opts: HidPosReaderOptions,
  ) {
    this.kind = opts.kind;
    this.status = new ReaderStatus(opts.driver);
    this.decoder = new HidPosDecoder(opts);
    followHidTransport(transport, this.status, this.decoder, (report) => {
      for (const scan of this.decoder.push(report)) this.deliver(scan);
    });
  }

  onCode(listener: (code: string) => void): void {
    this.listeners.push(listener);
  }

  /** Each scan with its symbology, for callers that care whether it was an EAN-13 or a QR code. */
  onScan(listener: (scan: HidPosScan) => void): void {
    this.scanListeners.push(listener);
  }

  health(): ReaderHealth {
    const d = this.decoder;
    const notes: string[] = [];
    if (d.malformed) notes.push(counted(d.malformed, 'malformed report'));
    if (d.stale) notes.push(`${counted(d.stale, 'half code')} timed out`);
    if (d.overlong) notes.push(`${counted(d.overlong, 'over-long code')} dropped`);
    if (this.rejected) notes.push(`${counted(this.rejected, 'code')} rejected`);
    return this.status.health(isPresenceAware(this.transport) ? this.transport.health() : undefined, notes);
  }

  async close(): Promise<void> {
    this.listeners = [];
    this.scanListeners = [];
    await this.transport.close();
  }

  private deliver(scan: HidPosScan): void {
    for (const l of this.scanListeners) l(scan);
    let code = scan.text;
    if (this.opts.normalise) {
      try {
        code = this.opts.normalise(code);
      } catch (err) {
        this.rejected++;
        this.opts.onRejected?.(scan.text, err as Error);
        return;
      }
    }
    for (const l of this.listeners) l(code);
  }
}
