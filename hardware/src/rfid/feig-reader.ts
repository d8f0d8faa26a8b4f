/**
 * RfidReader for FEIG OBID i-scan HF readers (ID ISC.MR101/PR101/MR102 and relatives) in ISO-Host
 * command mode. Section numbers refer to System-Manual ID ISC.MR/PR/PRH101 (H60301-3e-ID-B).
 *
 * The protocol is strict request/answer with no sequence numbers, so commands are queued and sent
 * one at a time; an answer is matched to the request by its CONTROL-BYTE. The reader stays silent
 * when it receives a broken frame, so a timeout is how a lost request shows. ISO-Host sends data
 * "MSB first" (§2.1): the UID with its most significant byte (0xE0) first, and each memory block
 * with its last byte first, so blocks are reversed here to and from tag memory order.
 */
import type { Logger } from 'pino';
import { DeviceDisconnectedError } from '../interfaces.ts';
import {
  Control,
  encodeFrame,
  IsoCommand,
  IsoHostFrameDecoder,
  NxpCommand,
  Status,
  statusName,
  type IsoHostFrame,
} from './iso-host-frame.ts';
import {
  RfidProtocolError,
  RfidStatusError,
  RfidTimeoutError,
  uidBytes,
  uidHex,
  type ByteTransport,
  type RfidHealth,
  type RfidReader,
  type TagInfo,
  type TagSystemInfo,
} from './interface.ts';

export interface FeigReaderOptions {
  /** COM-ADR of the reader, 0–254; 255 (default) reaches whichever reader is on the line. */
  busAddress?: number;
  /** How long to wait for each answer, in ms; 1000 by default. */
  timeoutMs?: number;
  /** Send advanced frames (STX + 2-byte length) instead of standard ones; false by default. */
  advancedFrames?: boolean;
  /** Name reported in health(); 'feig-iso-host' by default. */
  driver?: string;
  log?: Logger;
}

interface Answer {
  status: number;
  data: Uint8Array;
}

interface Pending {
  control: number;
  resolve(a: Answer): void;
  reject(err: Error): void;
}

/** Addressed mode: MODE.ADR = b001, the UID follows MODE (§6.1.4 and others). */
const MODE_ADDRESSED = 0x01;
/** Inventory MODE.MORE: fetch the data sets left over after STATUS 0x94 (§6.1.1). */
const MODE_MORE = 0x80;
/** Inventory answers that carry data sets (§6.1: data is transferred with 0x00, 0x83, 0x94; 0x84 is a warning). */
const INVENTORY_DATA_STATUS = new Set<number>([Status.ok, Status.moreData, Status.rfCommunicationError, Status.rfWarning]);
/** Blocks per Read/Write Multiple Blocks request; 16 × 4 bytes stays well inside a standard frame. */
const BLOCKS_PER_REQUEST = 16;

/** Software version and reader type as [0x65] reports them (§5.4). */
export interface ReaderVersion {
  softwareRevision: number;
  developmentRevision: number;
  hardwareType: number;
  softwareType: number;
  transponderTypes: number;
}

export class FeigIsoHostReader implements RfidReader {
  private readonly decoder = new IsoHostFrameDecoder({ direction: 'response' });
  private readonly busAddress: number;
  private readonly timeoutMs: number;
  private readonly advanced: boolean;
  private readonly driver: string;
  private queue: Promise<unknown> = Promise.resolve();
  private pending: Pending | null = null;
  private closed = false;
  private lastError: string | undefined;
  private readonly onData = (chunk: Buffer): void => {
    for (const frame of this.decoder.push(chunk)) this.onFrame(frame);
  };
  private readonly onClose = (err?: Error): void => {
    this.closed = true;
    this.lastError = err ? `port closed: ${err.message}` : 'port closed';
    this.pending?.reject(new DeviceDisconnectedError(this.lastError));
  };

  constructor(
    private readonly transport: ByteTransport,
    private readonly opts: FeigReaderOptions = {},
  ) {
    this.busAddress = opts.busAddress ?? 0xff;
    this.timeoutMs = opts.timeoutMs ?? 1000;
    this.advanced = opts.advancedFrames ?? false;
    this.driver = opts.driver ?? 'feig-iso-host';
    transport.on('data', this.onData);
    transport.on('close', this.onClose);
  }

  async inventory(): Promise<TagInfo[]> {
    const tags: TagInfo[] = [];
    let mode = 0x00;
    // A reader answers 0x94 while it holds more data sets than one answer carries (§6.1.1, MORE).
    for (let round = 0; round < 64; round++) {
      const a = await this.request(Control.iso15693, [IsoCommand.inventory, mode], 'inventory');
      if (a.status === Status.noTransponder) break;
      if (!INVENTORY_DATA_STATUS.has(a.status)) throw this.statusError(a, 'inventory');
      if (a.data.length > 0) tags.push(...parseInventory(a.data));
      if (a.status !== Status.moreData) break;
      mode = MODE_MORE;
    }
    return tags;
  }

  async systemInfo(uid: string): Promise<TagSystemInfo> {
    const a = await this.request(Control.iso15693, [IsoCommand.getSystemInformation, MODE_ADDRESSED, ...uidBytes(uid)], 'get system information', uid);
    if (a.status !== Status.ok) throw this.statusError(a, 'get system information', uid);
    // DSFID | UID (8) | AFI | MEM-SIZE (2, block size first) | IC-REF (§6.1.12)
    if (a.data.length < 13) throw new RfidProtocolError(`get system information answer has ${a.data.length} bytes, 13 expected`);
    const d = a.data;
    return { dsfid: d[0]!, uid: uidHex(d.subarray(1, 9)), afi: d[9]!, blockSize: (d[10]! & 0x1f) + 1, blockCount: d[11]! + 1, icReference: d[12]! };
  }

  async readBlocks(uid: string, first: number, count: number): Promise<Uint8Array> {
    checkBlockRange(first, count);
    const parts: Uint8Array[] = [];
    for (let done = 0; done < count; done += BLOCKS_PER_REQUEST) {
      const n = Math.min(BLOCKS_PER_REQUEST, count - done);
      const a = await this.request(Control.iso15693, [IsoCommand.readMultipleBlocks, MODE_ADDRESSED, ...uidBytes(uid), first + done, n], 'read blocks', uid);
      if (a.status !== Status.ok) throw this.statusError(a, 'read blocks', uid);
      parts.push(parseBlocks(a.data, n));
    }
    return concat(parts);
  }

  async writeBlocks(uid: string, first: number, data: Uint8Array, blockSize = 4): Promise<void> {
    if (data.length === 0 || data.length % blockSize !== 0) throw new RangeError(`data of ${data.length} bytes is not whole blocks of ${blockSize}`);
    const count = data.length / blockSize;
    checkBlockRange(first, count);
    for (let done = 0; done < count; done += BLOCKS_PER_REQUEST) {
      const n = Math.min(BLOCKS_PER_REQUEST, count - done);
      const body = [IsoCommand.writeMultipleBlocks, MODE_ADDRESSED, ...uidBytes(uid), first + done, n, blockSize];
      for (let b = done; b < done + n; b++) body.push(...[...data.subarray(b * blockSize, (b + 1) * blockSize)].reverse());
      const a = await this.request(Control.iso15693, body, 'write blocks', uid);
      if (a.status !== Status.ok) throw this.statusError(a, 'write blocks', uid);
    }
  }

  async writeAfi(uid: string, afi: number): Promise<void> {
    if (!Number.isInteger(afi) || afi < 0 || afi > 255) throw new RangeError(`AFI must be a byte, got ${afi}`);
    const a = await this.request(Control.iso15693, [IsoCommand.writeAfi, MODE_ADDRESSED, ...uidBytes(uid), afi], 'write AFI', uid);
    if (a.status !== Status.ok) throw this.statusError(a, 'write AFI', uid);
  }

  async setEas(uid: string): Promise<void> {
    await this.nxp(NxpCommand.setEas, uid, 'set EAS');
  }

  async resetEas(uid: string): Promise<void> {
    await this.nxp(NxpCommand.resetEas, uid, 'reset EAS');
  }

  /** [0x65] Get Software Version: a cheap "is the reader there" probe. */
  async softwareVersion(): Promise<ReaderVersion> {
    const a = await this.request(Control.getSoftwareVersion, [], 'get software version');
    if (a.status !== Status.ok) throw this.statusError(a, 'get software version');
    const d = a.data;
    if (d.length < 7) throw new RfidProtocolError(`software version answer has ${d.length} bytes, 7 expected`);
    return { softwareRevision: (d[0]! << 8) | d[1]!, developmentRevision: d[2]!, hardwareType: d[3]!, softwareType: d[4]!, transponderTypes: (d[5]! << 8) | d[6]! };
  }

  /** [0x69] RF Reset: switches the field off briefly, so quiet tags answer the next inventory. */
  async rfReset(): Promise<void> {
    const a = await this.request(Control.rfReset, [], 'RF reset');
    if (a.status !== Status.ok) throw this.statusError(a, 'RF reset');
  }

  health(): RfidHealth {
    const detail = this.lastError ?? (this.decoder.discarded > 0 ? `${this.decoder.discarded} garbage bytes skipped` : undefined);
    return {
      driver: this.driver,
      ok: !this.closed && this.lastError === undefined,
      connected: !this.closed,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
      garbageBytes: this.decoder.discarded,
      ...(detail !== undefined ? { detail } : {}),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pending?.reject(new DeviceDisconnectedError('reader closed'));
    this.transport.off('data', this.onData);
    this.transport.off('close', this.onClose);
    await this.transport.close();
  }

  private async nxp(sub: number, uid: string, command: string): Promise<void> {
    const a = await this.request(Control.iso15693Custom, [NxpCommand.manufacturer, sub, MODE_ADDRESSED, ...uidBytes(uid)], command, uid);
    if (a.status !== Status.ok) throw this.statusError(a, command, uid);
  }

  private statusError(a: Answer, command: string, uid?: string): RfidStatusError {
    const detail: RfidStatusError['detail'] = { command, ...(uid !== undefined ? { uid } : {}) };
    if (a.status === Status.isoError && a.data.length > 0) detail.isoError = a.data[0]!;
    // DB-ADR-E follows STATUS 0x03 and the ISO error of 0x95 on Write Multiple Blocks (§6.1.5).
    if (command === 'write blocks') {
      const at = a.status === Status.writeError ? a.data[0] : a.status === Status.isoError ? a.data[1] : undefined;
      if (at !== undefined) detail.blockAddress = at;
    }
    const iso = detail.isoError !== undefined ? ` (ISO error 0x${detail.isoError.toString(16).padStart(2, '0')})` : '';
    return new RfidStatusError(`${command}${uid ? ` ${uid}` : ''}: ${statusName(a.status)}${iso}`, a.status, detail);
  }

  /** Queues one request; resolves with the reader's STATUS and DATA. */
  private request(control: number, body: number[], command: string, uid?: string): Promise<Answer> {
    const run = () => this.exchange(control, Uint8Array.from(body), command, uid);
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private exchange(control: number, body: Uint8Array, command: string, uid?: string): Promise<Answer> {
    if (this.closed) return Promise.reject(new DeviceDisconnectedError(this.lastError ?? 'reader closed'));
    // Bytes still buffered belong to an answer that came too late; they must not answer this request.
    this.decoder.reset();
    const frame = encodeFrame({ address: this.busAddress, control, body, advanced: this.advanced });
    return new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = null;
        this.fail(new RfidTimeoutError(`${command}${uid ? ` ${uid}` : ''}: no answer within ${this.timeoutMs} ms`), reject);
      }, this.timeoutMs);
      this.pending = {
        control,
        resolve: (a) => {
          clearTimeout(timer);
          this.pending = null;
          this.lastError = undefined;
          resolve(a);
        },
        reject: (err) => {
          clearTimeout(timer);
          this.pending = null;
          this.fail(err, reject);
        },
      };
      if (this.opts.log?.isLevelEnabled('trace')) this.opts.log.trace({ tx: frame.toString('hex') }, command);
      this.transport.write(frame).catch((err: Error) => this.pending?.reject(err));
    });
  }

  private fail(err: Error, reject: (err: Error) => void): void {
    this.lastError = err.message;
    reject(err);
  }

  private onFrame(frame: IsoHostFrame): void {
    const p = this.pending;
    if (this.opts.log?.isLevelEnabled('trace')) this.opts.log.trace({ rx: Buffer.from(frame.body).toString('hex'), control: frame.control }, 'frame');
    if (!p || frame.control !== p.control) return;
    if (this.busAddress !== 0xff && frame.address !== this.busAddress) return;
    if (frame.body.length < 1) {
      p.reject(new RfidProtocolError('answer without a STATUS byte'));
      return;
    }
    p.resolve({ status: frame.body[0]!, data: frame.body.subarray(1) });
  }
}

function checkBlockRange(first: number, count: number): void {
  if (!Number.isInteger(first) || !Number.isInteger(count) || first < 0 || count < 1 || first + count > 256) {
    throw new RangeError(`blocks ${first}..${first + count - 1} are outside 0..255`);
  }
}

/** DATA-SETS | (TR-TYPE | DSFID | UID×8)… (§6.1.1, standard response). */
function parseInventory(d: Uint8Array): TagInfo[] {
  const n = d[0]!;
  if (d.length !== 1 + n * 10) {
    throw new RfidProtocolError(`inventory answer has ${d.length} bytes for ${n} data sets: only ISO 15693 data sets (TR-TYPE, DSFID, UID) are understood`);
  }
  const tags: TagInfo[] = [];
  for (let i = 0; i < n; i++) {
    const o = 1 + i * 10;
    tags.push({ trType: d[o]!, dsfid: d[o + 1]!, uid: uidHex(d.subarray(o + 2, o + 10)) });
  }
  return tags;
}

/** DB-N | DB-SIZE | (SEC-STATUS | DB×DB-SIZE)… with each block MSB first (§6.1.4). */
function parseBlocks(d: Uint8Array, expected: number): Uint8Array {
  const n = d[0] ?? 0;
  const size = d[1] ?? 0;
  if (n !== expected || size === 0 || d.length !== 2 + n * (size + 1)) {
    throw new RfidProtocolError(`read blocks answer has ${d.length} bytes for ${n} blocks of ${size}, ${expected} blocks asked`);
  }
  const out = new Uint8Array(n * size);
  for (let i = 0; i < n; i++) {
    const o = 2 + i * (size + 1) + 1;
    out.set([...d.subarray(o, o + size)].reverse(), i * size);
  }
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
