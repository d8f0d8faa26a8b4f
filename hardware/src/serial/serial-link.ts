/**
 * An open serial port as the line reader sees it, and the function that opens one. The reader
 * takes the opener as an argument: production passes openSerialPort (serialport, loaded lazily),
 * tests and the simulator pass one over SerialPortMock.
 */
import { EventEmitter } from 'node:events';

/** An open port: 'data' with bytes, 'close' when it closed (by us or by an unplug), 'error'. */
export interface SerialLink extends EventEmitter {
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'close', listener: (err?: Error | null) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  close(): Promise<void>;
}

export interface SerialOpenOptions {
  path: string;
  baudRate: number;
}

export type SerialOpener = (opts: SerialOpenOptions) => Promise<SerialLink>;

/** What a serialport stream (SerialPort, SerialPortMock) offers; enough to adapt it. */
export interface SerialPortStreamLike extends EventEmitter {
  readonly isOpen: boolean;
  open(cb: (err: Error | null) => void): void;
  close(cb?: (err: Error | null) => void): void;
}

class StreamLink extends EventEmitter implements SerialLink {
  private ended = false;

  constructor(private readonly port: SerialPortStreamLike) {
    super();
    port.on('data', (chunk: Buffer) => this.emit('data', chunk));
    port.on('error', (err: Error) => {
      if (this.listenerCount('error') > 0) this.emit('error', err);
    });
    // serialport closes the stream with a DisconnectedError when a read fails (unplug).
    port.on('close', (err?: Error | null) => this.finish(err ?? null));
    port.on('end', () => this.finish(null));
  }

  async close(): Promise<void> {
    if (!this.port.isOpen) return this.finish(null);
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }

  private finish(err: Error | null): void {
    if (this.ended) return;
    this.ended = true;
    this.emit('close', err);
  }
}

/** Opens a serialport-style stream (constructed with autoOpen: false) and adapts it. */
export async function openStream(port: SerialPortStreamLike): Promise<SerialLink> {
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return new StreamLink(port);
}

/** Opens a real serial port with the serialport package (imported on first use). */
export const openSerialPort: SerialOpener = async ({ path, baudRate }) => {
  const { SerialPort } = await import('serialport');
  return openStream(new SerialPort({ path, baudRate, autoOpen: false }) as unknown as SerialPortStreamLike);
};
