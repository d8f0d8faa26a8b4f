/**
 * A simulated FEIG ISO-Host reader with ISO 15693 tags on its pad, at the byte level: it decodes
 * the host's frames and answers with the frames, STATUS bytes and data layout the System-Manual
 * ID ISC.MR/PR/PRH101 describes (inventory with 0x94 "more data", read/write multiple blocks with
 * MSB-first blocks, write AFI, get system information, NXP set/reset EAS, 0x65, 0x69). Like the
 * reader it stays silent on frames with a bad CRC or for another bus address.
 *
 * Each tag is an NXP ICODE SLIX-like tag: UID E0 04 01 …, 28 blocks of 4 bytes, AFI, DSFID, EAS.
 * State is per instance. It can sit behind a SerialPortMock (answering on the mock's write), on
 * one end of a pty through a real SerialPort (attachToStream), or be used in-process through
 * createTransport().
 */
import { EventEmitter, once } from 'node:events';
import { encodeBasicBlock, type BasicBlockInput, type BlockOrder } from '#core/rfid/iso28560-3.ts';
import { DeviceDisconnectedError } from '../interfaces.ts';
import { Control, encodeFrame, IsoCommand, IsoHostFrameDecoder, NxpCommand, Status, type IsoHostFrame } from './iso-host-frame.ts';
import { uidHex, type ByteTransport } from './interface.ts';

export interface SimTag {
  uid: string;
  dsfid: number;
  afi: number;
  eas: boolean;
  blockSize: number;
  blockCount: number;
  /** blockCount × blockSize bytes in tag memory order. */
  memory: Uint8Array;
  icReference: number;
}

/** An item to put on the pad: the tag is encoded with ISO 28560-3 like a library's tagging station would. */
export interface SimItem extends Partial<Pick<BasicBlockInput, 'usage' | 'parts' | 'part'>> {
  itemId: string;
  /** Owner ISIL; the simulator's owner (VN-THCS01 unless configured) when left out, none when null. */
  owner?: string | null;
  afi?: number;
  eas?: boolean;
  /** 28 (ICODE SLI, 34-byte layout) by default; 8 makes a 32-byte tag with the 32-byte layout. */
  blockCount?: number;
  order?: BlockOrder;
  /** A fixed UID; otherwise one is derived from owner, item id and part, so the same book keeps its tag. */
  uid?: string;
}

export type SimFailure = 'write-error' | 'no-transponder' | 'iso-error';

export interface SimReaderOptions {
  /** The reader's COM-ADR, 0 by default; it answers requests to it or to 255. */
  address?: number;
  /** Owner written into placed tags; 'VN-THCS01' by default. */
  owner?: string;
  /** AFI of placed tags; 0x07 ("in the library") by default. */
  afi?: number;
  /** Data sets per inventory answer before STATUS 0x94 (more data): 24 in a standard frame, 100 in an advanced one. */
  maxDataSets?: number;
  /** Delay before each answer, in ms (a real reader needs ~5–30 ms); 0 by default. */
  answerDelayMs?: number;
}

/** The parts of a SerialPortMock (serialport's binding-mock) the simulator hooks into. */
export interface SerialPortMockLike {
  readonly isOpen: boolean;
  readonly port?: MockBindingLike;
  once(event: 'open', listener: () => void): unknown;
}
interface MockBindingLike {
  readonly isOpen: boolean;
  write(buffer: Buffer): Promise<void>;
  emitData(data: Buffer): void;
}

/** A duplex byte stream with serialport-like write/data: a real SerialPort on a pty, for instance. */
export interface StreamLike {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer) => void): unknown;
  write(data: Buffer): unknown;
}

const TR_TYPE_ISO15693 = 0x03;
const ISO_BLOCK_NOT_AVAILABLE = 0x10;
const ISO_NOT_PROGRAMMED = 0x13;
const ISO_NOT_SUPPORTED = 0x01;

/** One connection to the simulator, with its own decoder and its own inventory "more data" queue. */
export class SimLink {
  readonly decoder = new IsoHostFrameDecoder({ direction: 'request' });
  moreQueue: SimTag[] = [];
  constructor(readonly send: (bytes: Buffer) => void) {}
}

export class SimFeigReader extends EventEmitter {
  private readonly tagMap = new Map<string, SimTag>();
  /** Every tag ever placed, by UID: a book taken off the pad and laid down again is the same tag. */
  private readonly offPad = new Map<string, SimTag>();
  private readonly failures = new Map<string, SimFailure>();
  private readonly transports = new Set<SimTransport>();
  private noise: Buffer[] = [];
  private corruptNext = false;
  private isPlugged = true;
  readonly address: number;
  readonly owner: string;
  /** Requests answered, requests ignored (bad CRC / other address), for tests and the bench. */
  readonly stats = { answered: 0, ignored: 0 };

  constructor(private readonly opts: SimReaderOptions = {}) {
    super();
    this.address = opts.address ?? 0x00;
    this.owner = opts.owner ?? 'VN-THCS01';
  }

  /** Tags now on the pad, in the order they were placed. */
  get tags(): SimTag[] {
    return [...this.tagMap.values()];
  }

  tag(uid: string): SimTag | undefined {
    return this.tagMap.get(uid.toUpperCase());
  }

  /**
   * Puts ISO 28560-3 tags for these items on the pad (next to any already there); returns their
   * UIDs. A book laid down again is the same physical tag: it keeps the AFI and EAS the pad wrote
   * on it last time, unless the item sets them.
   */
  placeTags(items: readonly SimItem[]): string[] {
    return items.map((item) => {
      const seed = `${item.owner ?? this.owner}/${item.itemId}/${item.part ?? 1}`;
      let uid = (item.uid ?? this.derivedUid(seed, () => false)).toUpperCase();
      const known = this.offPad.get(uid);
      if (known && !this.tagMap.has(uid)) {
        if (item.afi !== undefined) known.afi = item.afi;
        if (item.eas !== undefined) known.eas = item.eas;
        this.tagMap.set(uid, known);
        return uid;
      }
      // A second copy of a tag already on the pad is another physical tag.
      if (this.tagMap.has(uid)) uid = this.derivedUid(seed, (u) => this.offPad.has(u));
      const blockCount = item.blockCount ?? 28;
      const basic = encodeBasicBlock(
        { itemId: item.itemId, owner: item.owner === undefined ? this.owner : item.owner, usage: item.usage, parts: item.parts, part: item.part },
        { layout: blockCount * 4 > 32 ? 34 : 32, order: item.order },
      );
      const memory = new Uint8Array(blockCount * 4);
      memory.set(basic.subarray(0, Math.min(basic.length, memory.length)));
      return this.addTag({ uid, memory, afi: item.afi, eas: item.eas });
    });
  }

  /** Replaces what lies on the pad with these items (what POST /api/sim/rfid does); returns their UIDs. */
  setTags(items: readonly SimItem[]): string[] {
    this.removeAll();
    return this.placeTags(items);
  }

  /** Puts a tag with raw memory on the pad (a blank tag, another library's data model…); returns its UID. */
  addTag(t: { memory: Uint8Array; uid?: string; afi?: number; eas?: boolean; dsfid?: number; blockSize?: number }): string {
    const blockSize = t.blockSize ?? 4;
    const uid = (t.uid ?? this.derivedUid(`raw/${this.offPad.size}`, (u) => this.offPad.has(u))).toUpperCase();
    const memory = new Uint8Array(Math.ceil(t.memory.length / blockSize) * blockSize);
    memory.set(t.memory);
    const tag: SimTag = {
      uid,
      dsfid: t.dsfid ?? 0,
      afi: t.afi ?? this.opts.afi ?? 0x07,
      eas: t.eas ?? false,
      blockSize,
      blockCount: memory.length / blockSize,
      memory,
      icReference: 0x01,
    };
    this.tagMap.set(uid, tag);
    this.offPad.set(uid, tag);
    return uid;
  }

  removeTag(uid: string): void {
    this.tagMap.delete(uid.toUpperCase());
  }

  /** Takes every tag off the pad. */
  removeAll(): void {
    this.tagMap.clear();
  }

  /** The next write to this tag (blocks, AFI or EAS) fails the way a real one does. */
  failNextWrite(uid: string, how: SimFailure = 'write-error'): void {
    this.failures.set(uid.toUpperCase(), how);
  }

  /** Sends these bytes of line noise right before the next answer. */
  injectNoise(bytes: Uint8Array): void {
    this.noise.push(Buffer.from(bytes));
  }

  /** Breaks the CRC of the next answer (the host must time out and may retry). */
  corruptNextAnswer(): void {
    this.corruptNext = true;
  }

  /** An in-process serial line to this reader; throws DeviceDisconnectedError while unplugged. */
  createTransport(): SimTransport {
    if (!this.isPlugged) throw new DeviceDisconnectedError('simulated RFID reader is unplugged');
    const t = new SimTransport(this);
    this.transports.add(t);
    t.once('close', () => this.transports.delete(t));
    return t;
  }

  get plugged(): boolean {
    return this.isPlugged;
  }

  /** Pulls the USB plug: open transports close with a disconnect error; new ones fail until plug(). */
  unplug(): void {
    this.isPlugged = false;
    for (const t of [...this.transports]) t.disconnect();
  }

  plug(): void {
    this.isPlugged = true;
  }

  /** Answers the frames written to a SerialPortMock; resolves (after the port opened) with a detach function. */
  async attachToSerialPortMock(port: SerialPortMockLike): Promise<() => void> {
    if (!port.isOpen) await once(port as unknown as EventEmitter, 'open');
    const binding = port.port;
    if (!binding) throw new Error('SerialPortMock has no binding: is it open?');
    const link = new SimLink((bytes) => {
      if (binding.isOpen) binding.emitData(bytes);
    });
    const original = binding.write.bind(binding);
    const hooked = async (buffer: Buffer): Promise<void> => {
      await original(buffer);
      this.receive(link, buffer);
    };
    (binding as { write: (b: Buffer) => Promise<void> }).write = hooked;
    return () => {
      (binding as { write: (b: Buffer) => Promise<void> }).write = original;
    };
  }

  /** Answers the frames arriving on a duplex stream (the reader end of a pty); returns a detach function. */
  attachToStream(stream: StreamLike): () => void {
    const link = new SimLink((bytes) => stream.write(bytes));
    const onData = (chunk: Buffer) => this.receive(link, chunk);
    stream.on('data', onData);
    return () => stream.off('data', onData);
  }

  /** Feeds host bytes that arrived on one link; the answers go back on the same link. */
  receive(link: SimLink, bytes: Uint8Array): void {
    for (const frame of link.decoder.push(bytes)) {
      const answer = this.answer(link, frame);
      if (!answer) {
        this.stats.ignored++;
        continue;
      }
      this.stats.answered++;
      const noise = this.noise;
      this.noise = [];
      let out = Buffer.concat([...noise, answer]);
      if (this.corruptNext) {
        this.corruptNext = false;
        out = Buffer.from(out);
        out[out.length - 1] = out[out.length - 1]! ^ 0xff;
      }
      const delay = this.opts.answerDelayMs ?? 0;
      if (delay > 0) setTimeout(() => link.send(out), delay);
      else link.send(out);
    }
  }

  /** A stable UID for a seed (FNV-1a gives the serial; NXP UIDs are E0 04 <IC type> <5-byte serial>), skipping UIDs `taken` says are. */
  private derivedUid(seed: string, taken: (uid: string) => boolean): string {
    let h = 0x811c9dc5;
    for (const ch of new TextEncoder().encode(seed)) h = Math.imul(h ^ ch, 0x01000193) >>> 0;
    for (let bump = 0; ; bump++) {
      const serial = Uint8Array.from([(h >>> 24) & 0xff, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff, bump & 0xff]);
      const uid = uidHex(Uint8Array.from([0xe0, 0x04, 0x01, ...serial]));
      if (!taken(uid)) return uid;
    }
  }

  private answer(link: SimLink, f: IsoHostFrame): Buffer | null {
    if (f.address !== this.address && f.address !== 0xff) return null;
    const reply = (status: number, data: number[] | Uint8Array = []) =>
      encodeFrame({ address: this.address, control: f.control, body: Uint8Array.from([status, ...data]), advanced: f.advanced });
    const b = f.body;
    switch (f.control) {
      case Control.getSoftwareVersion:
        // SW-REV 0x0300, D-REV 0, HW-TYPE 0, SW-TYPE 0 (a simulator, not a catalogued reader), TR-TYPE: ISO 15693 bit.
        return reply(Status.ok, [0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08]);
      case Control.rfReset:
      case Control.baudRateDetection:
        return reply(Status.ok);
      case Control.iso15693:
        return this.iso15693(link, f, reply);
      case Control.iso15693Custom: {
        if (b.length !== 11) return reply(Status.lengthError);
        if (b[0] !== NxpCommand.manufacturer || (b[1] !== NxpCommand.setEas && b[1] !== NxpCommand.resetEas)) return reply(Status.commandNotAvailable);
        const tag = this.addressed(b[2]!, b.subarray(3, 11));
        if (!tag) return reply(Status.noTransponder);
        if (tag.uid.slice(2, 4) !== '04') return reply(Status.isoError, [ISO_NOT_SUPPORTED]);
        const failed = this.takeFailure(tag, reply);
        if (failed) return failed;
        tag.eas = b[1] === NxpCommand.setEas;
        return reply(Status.ok);
      }
      default:
        return reply(Status.unknownCommand);
    }
  }

  private iso15693(link: SimLink, f: IsoHostFrame, reply: (status: number, data?: number[] | Uint8Array) => Buffer): Buffer {
    const b = f.body;
    const sub = b[0];
    const mode = b[1] ?? 0;
    const addressedLen = (mode & 0x07) === 0x01 ? 8 : 0;
    const uidAt = b.subarray(2, 2 + addressedLen);
    const rest = b.subarray(2 + addressedLen);
    switch (sub) {
      case IsoCommand.inventory: {
        if (b.length !== 2) return reply(Status.lengthError);
        if (!(mode & 0x80) || link.moreQueue.length === 0) link.moreQueue = this.tags;
        if (link.moreQueue.length === 0) return reply(Status.noTransponder);
        const cap = this.opts.maxDataSets ?? (f.advanced ? 100 : 24);
        const now = link.moreQueue.slice(0, cap);
        link.moreQueue = link.moreQueue.slice(cap);
        const data = [now.length];
        for (const t of now) data.push(TR_TYPE_ISO15693, t.dsfid, ...Buffer.from(t.uid, 'hex'));
        return reply(link.moreQueue.length > 0 ? Status.moreData : Status.ok, data);
      }
      case IsoCommand.getSystemInformation: {
        if (rest.length !== 0) return reply(Status.lengthError);
        const tag = this.addressed(mode, uidAt);
        if (!tag) return reply(Status.noTransponder);
        return reply(Status.ok, [tag.dsfid, ...Buffer.from(tag.uid, 'hex'), tag.afi, tag.blockSize - 1, tag.blockCount - 1, tag.icReference]);
      }
      case IsoCommand.readMultipleBlocks: {
        if (rest.length !== 2) return reply(Status.lengthError);
        const tag = this.addressed(mode, uidAt);
        if (!tag) return reply(Status.noTransponder);
        const [first, n] = [rest[0]!, rest[1]!];
        if (n === 0 || first + n > tag.blockCount) return reply(Status.isoError, [ISO_BLOCK_NOT_AVAILABLE]);
        const data = [n, tag.blockSize];
        for (let i = first; i < first + n; i++) {
          data.push(0x00, ...[...tag.memory.subarray(i * tag.blockSize, (i + 1) * tag.blockSize)].reverse());
        }
        return reply(Status.ok, data);
      }
      case IsoCommand.writeMultipleBlocks: {
        if (rest.length < 3) return reply(Status.lengthError);
        const [first, n, size] = [rest[0]!, rest[1]!, rest[2]!];
        if (rest.length !== 3 + n * size) return reply(Status.lengthError);
        const tag = this.addressed(mode, uidAt);
        if (!tag) return reply(Status.noTransponder);
        if (size !== tag.blockSize) return reply(Status.isoError, [ISO_NOT_SUPPORTED, first]);
        if (n === 0 || first + n > tag.blockCount) return reply(Status.isoError, [ISO_BLOCK_NOT_AVAILABLE, first]);
        const failure = this.failures.get(tag.uid);
        if (failure) {
          this.failures.delete(tag.uid);
          if (failure === 'no-transponder') return reply(Status.noTransponder);
          return failure === 'iso-error' ? reply(Status.isoError, [ISO_NOT_PROGRAMMED, first]) : reply(Status.writeError, [first]);
        }
        for (let i = 0; i < n; i++) {
          const blockData = [...rest.subarray(3 + i * size, 3 + (i + 1) * size)].reverse();
          tag.memory.set(blockData, (first + i) * size);
        }
        return reply(Status.ok);
      }
      case IsoCommand.writeAfi: {
        if (rest.length !== 1) return reply(Status.lengthError);
        const tag = this.addressed(mode, uidAt);
        if (!tag) return reply(Status.noTransponder);
        const failed = this.takeFailure(tag, reply);
        if (failed) return failed;
        tag.afi = rest[0]!;
        return reply(Status.ok);
      }
      default:
        return reply(Status.commandNotAvailable);
    }
  }

  /** The tag a request names: by UID in addressed mode, the only tag on the pad in non-addressed mode. */
  private addressed(mode: number, uid: Uint8Array): SimTag | undefined {
    if ((mode & 0x07) === 0x01) return this.tagMap.get(uidHex(uid));
    return this.tagMap.size === 1 ? this.tags[0] : undefined;
  }

  private takeFailure(tag: SimTag, reply: (status: number, data?: number[]) => Buffer): Buffer | null {
    const failure = this.failures.get(tag.uid);
    if (!failure) return null;
    this.failures.delete(tag.uid);
    if (failure === 'no-transponder') return reply(Status.noTransponder);
    return failure === 'iso-error' ? reply(Status.isoError, [ISO_NOT_PROGRAMMED]) : reply(Status.writeError);
  }
}

/** In-process serial line between a driver and a SimFeigReader; answers arrive asynchronously, like bytes from a port. */
export class SimTransport extends EventEmitter implements ByteTransport {
  private closed = false;
  private readonly link: SimLink;

  constructor(private readonly sim: SimFeigReader) {
    super();
    this.link = new SimLink((bytes) =>
      setImmediate(() => {
        if (!this.closed) this.emit('data', bytes);
      }),
    );
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.closed) throw new DeviceDisconnectedError('simulated serial line is closed');
    this.sim.receive(this.link, bytes);
  }

  async close(): Promise<void> {
    this.end();
  }

  /** @internal The device went away. */
  disconnect(): void {
    this.end(Object.assign(new DeviceDisconnectedError('simulated RFID reader unplugged'), { disconnected: true }));
  }

  private end(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close', err);
  }
}
