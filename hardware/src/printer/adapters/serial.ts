/**
 * A printer on a serial port (RS-232 through a USB adapter, or a USB printer that presents itself as
 * /dev/ttyACM*). serialport is imported only when this adapter opens, so stations without a serial
 * printer never load its native binding. Tests pass a binding (MockBinding) instead.
 */
import type { OpenOptions, SerialPortStream } from '@serialport/stream';
import { DeviceDisconnectedError, type PrinterAdapter } from '../adapter.ts';
import { RxBuffer } from './rx-buffer.ts';

export interface SerialAdapterOptions {
  path: string;
  baudRate: number;
  /**
   * RTS/CTS hardware handshake. An RS-232 printer needs it (or its buffer overflows in the middle of
   * a raster image); a USB CDC printer (/dev/ttyACM*) often never raises CTS, so the default is off.
   */
  rtscts?: boolean;
  /** A serialport binding to use instead of the system one (tests). */
  binding?: OpenOptions['binding'];
}

export class SerialPrinterAdapter implements PrinterAdapter {
  readonly description: string;
  readonly bidirectional = true;
  private port: SerialPortStream | null = null;
  private readonly rx = new RxBuffer();
  private readonly listeners: ((err: Error) => void)[] = [];

  constructor(private readonly o: SerialAdapterOptions) {
    this.description = `serial ${o.path} ${o.baudRate} baud`;
  }

  async open(): Promise<void> {
    if (this.port) return;
    const settings = { path: this.o.path, baudRate: this.o.baudRate, rtscts: this.o.rtscts ?? false, autoOpen: false };
    let port: SerialPortStream;
    if (this.o.binding) {
      const { SerialPortStream } = await import('@serialport/stream');
      port = new SerialPortStream({ ...settings, binding: this.o.binding });
    } else {
      const { SerialPort } = await import('serialport');
      port = new SerialPort(settings);
    }
    await new Promise<void>((resolve, reject) =>
      port.open((err) => (err ? reject(new DeviceDisconnectedError(`${this.description}: ${err.message}`)) : resolve())),
    );
    port.on('data', (chunk: Buffer) => this.rx.push(chunk));
    port.on('error', () => {}); // 'close' follows a fatal error
    port.on('close', (cause?: Error | null) => {
      if (this.port !== port) return;
      this.port = null;
      const err = new DeviceDisconnectedError(`${this.description}: ${cause ? `disconnected (${cause.message})` : 'port closed'}`);
      this.rx.fail(err);
      for (const l of this.listeners) l(err);
    });
    this.rx.clear();
    this.port = port;
  }

  write(bytes: Uint8Array): Promise<void> {
    const p = this.port;
    if (!p) return Promise.reject(new DeviceDisconnectedError(`${this.description}: not open`));
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (err?: Error | null) => {
        if (settled) return;
        settled = true;
        p.off('close', onClose);
        if (err) reject(new DeviceDisconnectedError(`${this.description}: ${err.message}`));
        else resolve();
      };
      const onClose = () => finish(new Error('port closed during the write'));
      p.once('close', onClose);
      p.write(Buffer.from(bytes), (err) => err && finish(err));
      // drain: resolved once the bytes have left the port, so a status query after a job is
      // answered after the job, not before it.
      p.drain((err) => finish(err));
    });
  }

  discardInput(): void {
    this.rx.clear();
  }

  read(n: number, timeoutMs: number): Promise<Buffer> {
    if (!this.port) return Promise.reject(new DeviceDisconnectedError(`${this.description}: not open`));
    return this.rx.read(n, timeoutMs);
  }

  async close(): Promise<void> {
    const p = this.port;
    this.port = null;
    if (!p) return;
    this.rx.fail(new DeviceDisconnectedError(`${this.description}: closed`));
    if (p.isOpen) await new Promise<void>((resolve) => p.close(() => resolve()));
  }

  onDisconnect(listener: (err: Error) => void): void {
    this.listeners.push(listener);
  }
}
