/** A barcode scanner or card reader in USB keyboard mode, read through an injected HID transport. */
import { BootKeyboardDecoder } from '../hid/boot-keyboard-decoder.ts';
import type { CodeReader, HidTransport } from '../interfaces.ts';
import { ReaderStatus, counted, followHidTransport, isPresenceAware, type ReaderHealth } from './reader-health.ts';

export interface KeyboardWedgeOptions {
  kind: 'card' | 'scanner';
  driver: string;
  terminator?: 'enter' | 'tab';
  /** Map the raw code before it leaves the driver (e.g. card number normalisation). */
  normalise?: (code: string) => string;
  /** Drop a half-read code after this many ms between reports; default 500, 0 disables. */
  interReportTimeoutMs?: number;
  /** Called when normalise() throws: the code is dropped, not delivered. */
  onRejected?: (raw: string, err: Error) => void;
}

export class KeyboardWedgeReader implements CodeReader {
  readonly kind: 'card' | 'scanner';
  private readonly decoder: BootKeyboardDecoder;
  private listeners: ((code: string) => void)[] = [];
  private readonly status: ReaderStatus;
  /** Codes normalise() refused (a card number of the wrong shape). */
  rejected = 0;

  constructor(
    private readonly transport: HidTransport,
    private readonly opts: KeyboardWedgeOptions,
  ) {
    this.kind = opts.kind;
    this.status = new ReaderStatus(opts.driver);
    this.decoder = new BootKeyboardDecoder({ terminator: opts.terminator, interReportTimeoutMs: opts.interReportTimeoutMs });
    followHidTransport(transport, this.status, this.decoder, (report) => {
      for (const raw of this.decoder.push(report)) this.deliver(raw);
    });
  }

  onCode(listener: (code: string) => void): void {
    this.listeners.push(listener);
  }

  health(): ReaderHealth {
    const notes: string[] = [];
    if (this.decoder.malformed) notes.push(counted(this.decoder.malformed, 'malformed report'));
    if (this.decoder.stale) notes.push(`${counted(this.decoder.stale, 'half code')} timed out`);
    if (this.rejected) notes.push(`${counted(this.rejected, 'code')} rejected`);
    return this.status.health(isPresenceAware(this.transport) ? this.transport.health() : undefined, notes);
  }

  async close(): Promise<void> {
    this.listeners = [];
    await this.transport.close();
  }

  private deliver(raw: string): void {
    let code = raw;
    if (this.opts.normalise) {
      try {
        code = this.opts.normalise(raw);
      } catch (err) {
        this.rejected++;
        this.opts.onRejected?.(raw, err as Error);
        return;
      }
    }
    for (const l of this.listeners) l(code);
  }
}
