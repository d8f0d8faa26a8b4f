/**
 * A simulated serial barcode scanner on SerialPortMock (@serialport/binding-mock): it sends each
 * code as the bytes a scanner in USB CDC mode sends (prefix, code, suffix, in USB-packet-sized
 * chunks), and its `open` is the SerialOpener the line reader uses. Unplugging closes the port
 * the way serialport does when a read fails (a DisconnectedError), and opening fails until replug.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { DisconnectedError, SerialPortStream } from '@serialport/stream';
import { DeviceDisconnectedError } from '../interfaces.ts';
import { openStream, type SerialOpener, type SerialPortStreamLike } from '../serial/serial-link.ts';
import { pause, type CodeReaderSim } from './code-reader-sim.ts';

/** The parts of @serialport/binding-mock used here (its typings do not resolve under NodeNext's ESM rules). */
interface MockBindingLike {
  createPort(path: string): void;
}
interface MockPortLike {
  readonly isOpen: boolean;
  emitData(data: Buffer): void;
}
type Binding = ConstructorParameters<typeof SerialPortStream>[0]['binding'];
const { MockBinding } = createRequire(import.meta.url)('@serialport/binding-mock') as { MockBinding: MockBindingLike & Binding };

export interface SimSerialScannerOptions {
  /** Sent after each code; default "\r" (most scanners' factory setting). */
  suffix?: string;
  /** Sent before each code, e.g. "\x02"; default none. */
  prefix?: string;
  /** Bytes per chunk (a USB full-speed CDC packet is 64); default 64. */
  chunkSize?: number;
  /** ms between chunks; default 0. */
  chunkIntervalMs?: number;
  /** Starts unplugged. */
  unplugged?: boolean;
}

export class SimSerialScanner implements CodeReaderSim {
  /** The mock port's path, unique per instance. */
  readonly path = `/dev/openshelf-sim-serial-${randomUUID().slice(0, 8)}`;
  private plugged: boolean;
  private stream: SerialPortStream | undefined;
  /** Every line sent, for tests. */
  readonly sent: Buffer[] = [];

  constructor(private readonly opts: SimSerialScannerOptions = {}) {
    this.plugged = !opts.unplugged;
  }

  get present(): boolean {
    return this.plugged;
  }

  /** The opener to hand to SerialLineReader. */
  readonly open: SerialOpener = async ({ path, baudRate }) => {
    if (path !== this.path) throw new Error(`no simulated serial device at ${path}`);
    if (!this.plugged) throw new Error(`cannot open ${path}: no such file or directory`);
    // Re-create the mock port each time: another user of MockBinding may have called reset().
    MockBinding.createPort(this.path);
    const stream = new SerialPortStream({ binding: MockBinding, path, baudRate, autoOpen: false });
    const link = await openStream(stream as unknown as SerialPortStreamLike);
    this.stream = stream;
    link.on('close', () => {
      if (this.stream === stream) this.stream = undefined;
    });
    return link;
  };

  async type(code: string): Promise<Buffer[]> {
    const line = Buffer.from(`${this.opts.prefix ?? ''}${code}${this.opts.suffix ?? '\r'}`, 'utf8');
    await this.emitRaw(line);
    this.sent.push(line);
    return [line];
  }

  /** Sends raw bytes (garbage, a line without suffix). */
  async emitRaw(bytes: Buffer): Promise<void> {
    const size = this.opts.chunkSize ?? 64;
    for (let at = 0; at < bytes.length; at += size) {
      if (at > 0) await pause(this.opts.chunkIntervalMs ?? 0);
      const port = this.openPort();
      port.emitData(bytes.subarray(at, at + size));
    }
  }

  unplug(): void {
    this.plugged = false;
    const s = this.stream;
    this.stream = undefined;
    if (s?.isOpen) s.close(undefined, new DisconnectedError('simulated serial device unplugged'));
  }

  replug(): void {
    this.plugged = true;
  }

  private openPort(): MockPortLike {
    if (!this.plugged) throw new DeviceDisconnectedError('simulated serial scanner is unplugged');
    const port = this.stream?.port as MockPortLike | undefined;
    if (!port?.isOpen) throw new DeviceDisconnectedError('nobody has the simulated serial scanner open');
    return port;
  }
}
