/** A barcode scanner or card reader in USB keyboard mode, read through an injected HID transport. */
import { BootKeyboardDecoder } from '../hid/boot-keyboard-decoder.ts';
import type { CodeReader, DeviceHealth, HidTransport } from '../interfaces.ts';

export interface KeyboardWedgeOptions {
  kind: 'card' | 'scanner';
  driver: string;
  terminator?: 'enter' | 'tab';
  /** Map the raw code before it leaves the driver (e.g. card number normalisation). */
  normalise?: (code: string) => string;
}

export class KeyboardWedgeReader implements CodeReader {
  readonly kind: 'card' | 'scanner';
  private readonly decoder: BootKeyboardDecoder;
  private listeners: ((code: string) => void)[] = [];
  private lastError: string | undefined;

  constructor(
    private readonly transport: HidTransport,
    private readonly opts: KeyboardWedgeOptions,
  ) {
    this.kind = opts.kind;
    this.decoder = new BootKeyboardDecoder({ terminator: opts.terminator });
    transport.on('data', (report) => {
      for (const raw of this.decoder.push(report)) {
        const code = this.opts.normalise ? this.opts.normalise(raw) : raw;
        for (const l of this.listeners) l(code);
      }
    });
    transport.on('error', (err) => {
      this.lastError = err.message;
      this.decoder.reset();
    });
  }

  onCode(listener: (code: string) => void): void {
    this.listeners.push(listener);
  }

  health(): DeviceHealth {
    const detail = this.lastError ?? (this.decoder.malformed ? `${this.decoder.malformed} malformed reports` : undefined);
    return { driver: this.opts.driver, ok: this.lastError === undefined, ...(detail ? { detail } : {}) };
  }

  async close(): Promise<void> {
    this.listeners = [];
    await this.transport.close();
  }
}
