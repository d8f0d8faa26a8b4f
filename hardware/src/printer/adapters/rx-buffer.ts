/** Bytes received from a printer, waiting to be read with a deadline (shared by the stream adapters). */
import { PrinterTimeoutError } from '../adapter.ts';

interface Waiter {
  n: number;
  resolve: (b: Buffer) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class RxBuffer {
  private buf = Buffer.alloc(0);
  private waiter: Waiter | null = null;

  push(chunk: Uint8Array): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    this.settle();
  }

  clear(): void {
    this.buf = Buffer.alloc(0);
  }

  /** The next `n` bytes, or PrinterTimeoutError after `timeoutMs`. One read at a time. */
  read(n: number, timeoutMs: number): Promise<Buffer> {
    if (this.waiter) return Promise.reject(new Error('a read is already waiting'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new PrinterTimeoutError(`no answer from the printer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = { n, resolve, reject, timer };
      this.settle();
    });
  }

  /** Rejects a waiting read (the link dropped). */
  fail(err: Error): void {
    const w = this.waiter;
    if (!w) return;
    this.waiter = null;
    clearTimeout(w.timer);
    w.reject(err);
  }

  private settle(): void {
    const w = this.waiter;
    if (!w || this.buf.length < w.n) return;
    this.waiter = null;
    clearTimeout(w.timer);
    const out = this.buf.subarray(0, w.n);
    this.buf = this.buf.subarray(w.n);
    w.resolve(Buffer.from(out));
  }
}
