/**
 * A network printer on its raw port (9100, "JetDirect"): bytes both ways over one TCP connection, so
 * DLE EOT status answers come back on the same socket.
 */
import { Socket } from 'node:net';
import { DeviceDisconnectedError, type PrinterAdapter } from '../adapter.ts';
import { RxBuffer } from './rx-buffer.ts';

export interface TcpAdapterOptions {
  host: string;
  /** Default 9100. */
  port?: number;
  /** Give up connecting after this long (ms), default 3000. */
  connectTimeoutMs?: number;
}

export class TcpPrinterAdapter implements PrinterAdapter {
  readonly description: string;
  readonly bidirectional = true;
  private socket: Socket | null = null;
  private readonly rx = new RxBuffer();
  private readonly listeners: ((err: Error) => void)[] = [];

  constructor(private readonly o: TcpAdapterOptions) {
    this.description = `tcp ${o.host}:${o.port ?? 9100}`;
  }

  async open(): Promise<void> {
    if (this.socket) return;
    const s = new Socket();
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error) => {
        s.destroy();
        reject(new DeviceDisconnectedError(`${this.description}: ${err.message}`));
      };
      s.setTimeout(this.o.connectTimeoutMs ?? 3000, () => fail(new Error('connect timeout')));
      s.once('error', fail);
      s.connect(this.o.port ?? 9100, this.o.host, () => {
        s.off('error', fail);
        s.setTimeout(0);
        resolve();
      });
    });
    s.setNoDelay(true);
    // A printer switched off mid-idle leaves a half-open connection; keepalive notices it.
    s.setKeepAlive(true, 5000);
    s.on('data', (chunk) => this.rx.push(chunk));
    s.on('error', () => {}); // 'close' follows and reports it
    s.on('close', () => {
      if (this.socket !== s) return;
      this.socket = null;
      const err = new DeviceDisconnectedError(`${this.description}: connection closed`);
      this.rx.fail(err);
      for (const l of this.listeners) l(err);
    });
    this.rx.clear();
    this.socket = s;
  }

  write(bytes: Uint8Array): Promise<void> {
    const s = this.socket;
    if (!s) return Promise.reject(new DeviceDisconnectedError(`${this.description}: not connected`));
    return new Promise((resolve, reject) =>
      s.write(bytes, (err) => (err ? reject(new DeviceDisconnectedError(`${this.description}: ${err.message}`)) : resolve())),
    );
  }

  discardInput(): void {
    this.rx.clear();
  }

  read(n: number, timeoutMs: number): Promise<Buffer> {
    if (!this.socket) return Promise.reject(new DeviceDisconnectedError(`${this.description}: not connected`));
    return this.rx.read(n, timeoutMs);
  }

  async close(): Promise<void> {
    const s = this.socket;
    this.socket = null;
    if (!s) return;
    this.rx.fail(new DeviceDisconnectedError(`${this.description}: closed`));
    await new Promise<void>((resolve) => {
      s.once('close', () => resolve());
      s.end();
      setTimeout(() => s.destroy(), 500).unref();
    });
  }

  onDisconnect(listener: (err: Error) => void): void {
    this.listeners.push(listener);
  }
}
