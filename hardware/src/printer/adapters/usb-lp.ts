/**
 * A USB printer-class device through the kernel's usblp driver (/dev/usb/lp0): one file handle,
 * opened read-write and non-blocking. Writes go out as they are accepted; a status answer is read
 * back from the same handle (bidirectional printers, USB protocol 2). Non-blocking, because a
 * blocking read on a printer that never answers would hold a libuv thread forever.
 * Access needs the udev rule in docs/hardware.md (group lp).
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeviceDisconnectedError, PrinterTimeoutError, type PrinterAdapter } from '../adapter.ts';

export interface UsbLpAdapterOptions {
  /** Default /dev/usb/lp0. */
  path?: string;
  /** A write that makes no progress for this long fails (ms), default 10000 (printer offline, buffer full). */
  stallMs?: number;
  /** Set false for a printer that never answers (unidirectional): status is not queried. Default true. */
  bidirectional?: boolean;
}

const POLL_MS = 10;
const GONE = new Set(['ENODEV', 'EIO', 'ENXIO', 'ENOENT', 'EBADF', 'ESHUTDOWN', 'EPIPE']);

export class UsbLpPrinterAdapter implements PrinterAdapter {
  readonly description: string;
  readonly bidirectional: boolean;
  private handle: FileHandle | null = null;
  private readonly listeners: ((err: Error) => void)[] = [];
  private readonly path: string;

  constructor(private readonly o: UsbLpAdapterOptions = {}) {
    this.path = o.path ?? '/dev/usb/lp0';
    this.description = `usb ${this.path}`;
    this.bidirectional = o.bidirectional ?? true;
  }

  async open(): Promise<void> {
    if (this.handle) return;
    try {
      this.handle = await open(this.path, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOCTTY);
    } catch (err) {
      throw new DeviceDisconnectedError(`${this.description}: ${(err as Error).message}`);
    }
  }

  async write(bytes: Uint8Array): Promise<void> {
    const h = this.live();
    let off = 0;
    let lastProgress = Date.now();
    while (off < bytes.length) {
      try {
        const { bytesWritten } = await h.write(bytes, off, bytes.length - off);
        if (bytesWritten > 0) {
          off += bytesWritten;
          lastProgress = Date.now();
          continue;
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw await this.gone(err as NodeJS.ErrnoException);
      }
      if (Date.now() - lastProgress > (this.o.stallMs ?? 10_000))
        throw new PrinterTimeoutError(`${this.description}: printer accepts no data (offline or buffer full)`);
      await sleep(POLL_MS);
    }
  }

  discardInput(): void {
    // usblp keeps no read buffer of its own beyond one transfer; the next read starts fresh.
  }

  async read(n: number, timeoutMs: number): Promise<Buffer> {
    const h = this.live();
    const out = Buffer.alloc(n);
    let got = 0;
    const deadline = Date.now() + timeoutMs;
    while (got < n) {
      try {
        const { bytesRead } = await h.read(out, got, n - got, null);
        got += bytesRead;
        if (bytesRead > 0) continue;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw await this.gone(err as NodeJS.ErrnoException);
      }
      if (Date.now() >= deadline) throw new PrinterTimeoutError(`no answer from ${this.description} within ${timeoutMs} ms`);
      await sleep(POLL_MS);
    }
    return out;
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = null;
    await h?.close().catch(() => {});
  }

  onDisconnect(listener: (err: Error) => void): void {
    this.listeners.push(listener);
  }

  private live(): FileHandle {
    if (!this.handle) throw new DeviceDisconnectedError(`${this.description}: not open`);
    return this.handle;
  }

  /** An I/O error: if it means the device went away, close and tell the listeners. */
  private async gone(err: NodeJS.ErrnoException): Promise<Error> {
    if (!GONE.has(err.code ?? '')) return err;
    await this.close();
    const e = new DeviceDisconnectedError(`${this.description}: ${err.code} (unplugged?)`);
    for (const l of this.listeners) l(e);
    return e;
  }
}
