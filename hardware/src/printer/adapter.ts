/**
 * The transport under an ESC/POS printer: it moves bytes and nothing else. Real adapters wrap
 * /dev/usb/lp*, a serial port or a TCP socket (adapters/); the simulator is one too, so sim mode
 * runs the same printer code over the same bytes.
 */
export { DeviceDisconnectedError } from '../interfaces.ts';

export interface PrinterAdapter {
  /** What and where, for logs and health ("tcp 192.168.1.50:9100"). */
  readonly description: string;
  /** False for a write-only link: status queries are skipped and paper state stays "unknown". */
  readonly bidirectional: boolean;
  /** Opens the device; rejects (DeviceDisconnectedError or the system error) when it is not there. */
  open(): Promise<void>;
  /** Writes all bytes; rejects with DeviceDisconnectedError when the device has gone. */
  write(bytes: Uint8Array): Promise<void>;
  /** Drops bytes received so far (unsolicited status bytes), before a query. */
  discardInput(): void;
  /** Resolves with the next `n` bytes received, or rejects with PrinterTimeoutError after `timeoutMs`. */
  read(n: number, timeoutMs: number): Promise<Buffer>;
  close(): Promise<void>;
  /** `listener` runs when the link drops by itself (unplugged, connection reset, printer off). */
  onDisconnect(listener: (err: Error) => void): void;
  /** Names the next job; the simulator uses it for `<job>.bin` / `<job>.png`. Real adapters omit it. */
  nameNextJob?(jobId: string): void;
}

export class PrinterTimeoutError extends Error {
  override name = 'PrinterTimeoutError';
  readonly timeout = true;
}
