/**
 * ByteTransport over a serialport stream: serialport's SerialPort on a real device or a pty, or
 * SerialPortMock in unit tests (both are SerialPortStream). serialport itself is imported only
 * by openSerialTransport, lazily, so a station without an RFID reader never loads the native
 * binding.
 */
import { EventEmitter } from 'node:events';
import { DeviceDisconnectedError } from '../interfaces.ts';
import type { ByteTransport } from './interface.ts';

/** The part of a SerialPortStream this adapter uses. */
export interface SerialPortLike {
  readonly isOpen: boolean;
  write(data: Buffer, cb: (err?: Error | null) => void): boolean;
  close(cb?: (err?: Error | null) => void): void;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'close', listener: (err?: Error | null) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

export class SerialPortTransport extends EventEmitter implements ByteTransport {
  private closed = false;

  constructor(readonly port: SerialPortLike) {
    super();
    port.on('data', (chunk) => this.emit('data', chunk));
    port.on('close', (err) => this.markClosed(err ?? undefined));
    // Errors after open (e.g. a failed write) surface through write()'s promise; a stream error
    // event with no listener would crash the daemon, so it is absorbed here.
    port.on('error', () => undefined);
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.closed) throw new DeviceDisconnectedError('serial port is closed');
    await new Promise<void>((resolve, reject) => {
      this.port.write(Buffer.from(bytes), (err) => (err ? reject(err) : resolve()));
    });
  }

  async close(): Promise<void> {
    if (this.closed || !this.port.isOpen) {
      this.markClosed();
      return;
    }
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
    this.markClosed();
  }

  private markClosed(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close', err);
  }
}

export interface SerialOpenOptions {
  path: string;
  baudRate: number;
  /** FEIG readers default to 8 data bits, even parity, 1 stop bit (MR102 manual §3.2 "Data format"). */
  parity?: 'none' | 'even' | 'odd';
}

/** Opens a real serial port (serialport is imported on first use) and wraps it; rejects if the device is absent. */
export async function openSerialTransport(opts: SerialOpenOptions): Promise<SerialPortTransport> {
  const { SerialPort } = await import('serialport');
  const port = await new Promise<InstanceType<typeof SerialPort>>((resolve, reject) => {
    const p: InstanceType<typeof SerialPort> = new SerialPort(
      { path: opts.path, baudRate: opts.baudRate, parity: opts.parity ?? 'even', dataBits: 8, stopBits: 1 },
      (err) => (err ? reject(err) : resolve(p)),
    );
  });
  return new SerialPortTransport(port);
}
