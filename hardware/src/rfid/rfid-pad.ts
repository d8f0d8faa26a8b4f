/**
 * The RFID pad as the kiosk session sees it: polls the reader every pollMs, reads and decodes the
 * ISO 28560-3 basic block of each tag that arrives, and emits 'tags' whenever what lies on the pad
 * changes. It survives the reader coming and going: it starts without one, reconnects with
 * exponential backoff when the port disappears (or the reader stops answering), and reports its
 * health. Circulation writes go through it too (AFI and EAS on loan and return; whole tags when
 * tagging the collection), on the same serialised command queue as the polling.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import {
  decodeBasicBlock,
  encodeBasicBlock,
  tryDecodeBasicBlock,
  type BasicBlock,
  type BasicBlockInput,
  type BlockOrder,
  type Iso28560DecodeReason,
  type Layout,
} from '#core/rfid/iso28560-3.ts';
import { DeviceDisconnectedError } from '../interfaces.ts';
import { RfidStatusError, RfidTimeoutError, type RfidHealth, type RfidReader } from './interface.ts';

/** A library item's tag on the pad. */
export interface PadItem {
  uid: string;
  /** Primary item identifier: the copy's barcode. */
  itemId: string;
  /** Owner institution ISIL, e.g. "VN-THCS01"; null if the tag names none. */
  owner: string | null;
  setInfo: { parts: number; part: number };
  /** ISO 28560-3 type of usage (1 circulating, 2 not for circulation, 7 discarded, 8 patron card…). */
  usage: number;
  /** Application Family Identifier as last read or written. */
  afi?: number;
  order: BlockOrder;
  layout: Layout;
}

/** A tag on the pad whose data could not be used. */
export interface UnreadableTag {
  uid: string;
  reason: Iso28560DecodeReason | 'read-failed';
  detail: string;
}

export interface PadTagsEvent {
  /** In the order the reader listed them. */
  items: PadItem[];
  unreadable: UnreadableTag[];
}

export interface TagWriteResult {
  uid: string;
  ok: boolean;
  error?: Error;
}

export interface RfidPadHealth extends RfidHealth {
  tagsOnPad: number;
  /** Successful connections after the first. */
  reconnects: number;
}

export interface RfidPadOptions {
  /** Opens the port and returns a reader; called again (with backoff) after the reader is lost. */
  connect: () => Promise<RfidReader>;
  /** Pause between two inventories, in ms; 250 by default. */
  pollMs?: number;
  /** AFI written on return; 0x07 by default. */
  afiInLibrary?: number;
  /** AFI written on loan; 0xC2 by default. */
  afiOnLoan?: number;
  /** Also reset EAS on loan and set it on return (NXP ICODE); false by default. */
  useEas?: boolean;
  /** Reconnect delays in ms: doubles from initialMs (500) up to maxMs (10 000). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Timeouts in a row after which the reader counts as gone; 3 by default. */
  maxTimeouts?: number;
  /** Driver name for health(). */
  driver?: string;
  log?: Logger;
}

/** The tag read back after a write does not hold what was written. */
export class RfidVerifyError extends Error {
  override name = 'RfidVerifyError';
}

type CacheEntry = { kind: 'item'; item: PadItem } | { kind: 'unreadable'; tag: UnreadableTag };

/** Blocks holding the 34-byte basic block (9 blocks of 4 bytes). */
const BASIC_BLOCKS = 9;

export class RfidPad extends EventEmitter {
  private reader: RfidReader | null = null;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private cycle: Promise<void> | null = null;
  private readonly cache = new Map<string, CacheEntry>();
  private lastEvent: PadTagsEvent = { items: [], unreadable: [] };
  private lastSignature = '';
  private backoffMs: number;
  private timeouts = 0;
  private connects = 0;
  private lastError: string | undefined;
  private readonly pollMs: number;

  constructor(private readonly opts: RfidPadOptions) {
    super();
    this.pollMs = opts.pollMs ?? 250;
    this.backoffMs = opts.backoff?.initialMs ?? 500;
  }

  /** Starts polling (and connecting); 'tags' events follow. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops polling, waits for the cycle in progress and closes the reader. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.cycle;
    await this.dropReader(undefined, false);
  }

  /** What lies on the pad as of the last poll. */
  snapshot(): PadTagsEvent {
    return this.lastEvent;
  }

  /** One poll: connects if needed, inventories, reads new tags; resolves with the pad's contents. Throws the reader's error. */
  async pollOnce(): Promise<PadTagsEvent> {
    const reader = await this.ensureReader();
    try {
      await this.scan(reader);
      this.timeouts = 0;
      this.lastError = undefined;
    } catch (err) {
      await this.onReaderError(err as Error);
      throw err;
    }
    return this.lastEvent;
  }

  /** Writes the "on loan" AFI (and resets EAS if configured) on each tag, verifying the AFI; never throws. */
  markOnLoan(uids: readonly string[]): Promise<TagWriteResult[]> {
    return this.setLoanState(uids, this.opts.afiOnLoan ?? 0xc2, false);
  }

  /** Writes the "in the library" AFI (and sets EAS if configured) on each tag, verifying the AFI; never throws. */
  markInLibrary(uids: readonly string[]): Promise<TagWriteResult[]> {
    return this.setLoanState(uids, this.opts.afiInLibrary ?? 0x07, true);
  }

  /**
   * Tagging: writes an ISO 28560-3 basic block to the tag (34-byte layout on tags over 32 bytes),
   * reads it back and checks it. Throws RfidStatusError, RfidVerifyError or the reader's errors.
   */
  async writeItem(uid: string, input: BasicBlockInput, order: BlockOrder = 'forward'): Promise<PadItem> {
    const reader = await this.ensureReader();
    const info = await reader.systemInfo(uid);
    const layout: Layout = info.blockCount * info.blockSize > 32 ? 34 : 32;
    const mem = encodeBasicBlock(input, { layout, order });
    const padded = new Uint8Array(Math.ceil(mem.length / info.blockSize) * info.blockSize);
    padded.set(mem);
    await reader.writeBlocks(uid, 0, padded, info.blockSize);
    const back = await reader.readBlocks(uid, 0, padded.length / info.blockSize);
    let block: BasicBlock;
    try {
      block = decodeBasicBlock(back);
    } catch (err) {
      throw new RfidVerifyError(`tag ${uid} does not read back as written: ${(err as Error).message}`);
    }
    const want = { itemId: input.itemId, owner: input.owner ?? null, parts: input.parts ?? 1, part: input.part ?? 1 };
    const got = { itemId: block.itemId, owner: block.owner, parts: block.parts, part: block.part };
    if (JSON.stringify(want) !== JSON.stringify(got)) throw new RfidVerifyError(`tag ${uid} reads back ${JSON.stringify(got)}, ${JSON.stringify(want)} was written`);
    const item = toItem(uid, block, info.afi);
    this.cache.set(uid, { kind: 'item', item });
    this.publish(this.lastEvent.items.map((i) => i.uid).concat(this.lastEvent.unreadable.map((u) => u.uid)), []);
    return item;
  }

  health(): RfidPadHealth {
    const readerHealth = this.reader?.health();
    const lastError = this.lastError ?? readerHealth?.lastError;
    return {
      driver: this.opts.driver ?? readerHealth?.driver ?? 'rfid',
      ok: this.reader !== null && lastError === undefined,
      connected: this.reader !== null,
      ...(lastError !== undefined ? { lastError, detail: lastError } : {}),
      ...(readerHealth?.garbageBytes !== undefined ? { garbageBytes: readerHealth.garbageBytes } : {}),
      tagsOnPad: this.lastEvent.items.length + this.lastEvent.unreadable.length,
      reconnects: Math.max(0, this.connects - 1),
    };
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.cycle = this.runCycle().finally(() => {
        this.cycle = null;
      });
    }, ms);
  }

  private async runCycle(): Promise<void> {
    let next = this.pollMs;
    try {
      await this.pollOnce();
    } catch (err) {
      this.opts.log?.debug({ err: (err as Error).message }, 'rfid poll failed');
      if (this.reader === null) {
        next = this.backoffMs;
        this.backoffMs = Math.min(this.backoffMs * 2, this.opts.backoff?.maxMs ?? 10_000);
      }
    }
    this.schedule(next);
  }

  private async ensureReader(): Promise<RfidReader> {
    if (this.reader) return this.reader;
    try {
      this.reader = await this.opts.connect();
    } catch (err) {
      this.lastError = `connect failed: ${(err as Error).message}`;
      throw err;
    }
    this.connects++;
    this.timeouts = 0;
    this.lastError = undefined;
    this.backoffMs = this.opts.backoff?.initialMs ?? 500;
    this.opts.log?.info({ reconnects: this.connects - 1 }, 'rfid reader connected');
    this.emit('status', this.health());
    return this.reader;
  }

  private async onReaderError(err: Error): Promise<void> {
    this.lastError = err.message;
    if (err instanceof RfidTimeoutError) this.timeouts++;
    const gone = err instanceof DeviceDisconnectedError || this.timeouts >= (this.opts.maxTimeouts ?? 3);
    if (gone) await this.dropReader(err, true);
  }

  private async dropReader(err: Error | undefined, announce: boolean): Promise<void> {
    const reader = this.reader;
    if (!reader) return;
    this.reader = null;
    this.cache.clear();
    await reader.close().catch(() => undefined);
    if (err) this.lastError = err.message;
    if (!announce) return;
    this.opts.log?.warn({ err: err?.message }, 'rfid reader lost; reconnecting');
    // Nothing on the pad can be vouched for without a reader.
    this.publish([], []);
    this.emit('status', this.health());
  }

  private async scan(reader: RfidReader): Promise<void> {
    const tags = await reader.inventory();
    const uids = [...new Set(tags.map((t) => t.uid))];
    const transient: UnreadableTag[] = [];
    for (const uid of uids) {
      if (this.cache.has(uid)) continue;
      const read = await this.readTag(reader, uid);
      if (read === 'gone') continue;
      if (read.kind === 'unreadable' && read.tag.reason === 'read-failed') transient.push(read.tag);
      else this.cache.set(uid, read);
    }
    for (const uid of [...this.cache.keys()]) if (!uids.includes(uid)) this.cache.delete(uid);
    this.publish(uids, transient);
  }

  private async readTag(reader: RfidReader, uid: string): Promise<CacheEntry | 'gone'> {
    try {
      const info = await reader.systemInfo(uid);
      const count = Math.min(info.blockCount, Math.ceil((BASIC_BLOCKS * 4) / info.blockSize));
      const r = tryDecodeBasicBlock(await reader.readBlocks(uid, 0, count));
      if (!r.ok) return { kind: 'unreadable', tag: { uid, reason: r.error.reason, detail: r.error.message } };
      return { kind: 'item', item: toItem(uid, r.block, info.afi) };
    } catch (err) {
      // The tag left between inventory and read: it is simply not on the pad.
      if (err instanceof RfidStatusError && err.noTransponder) return 'gone';
      if (err instanceof RfidStatusError) return { kind: 'unreadable', tag: { uid, reason: 'read-failed', detail: err.message } };
      throw err;
    }
  }

  private publish(uids: readonly string[], transient: readonly UnreadableTag[]): void {
    const items: PadItem[] = [];
    const unreadable: UnreadableTag[] = [];
    for (const uid of uids) {
      const e = this.cache.get(uid);
      if (e?.kind === 'item') items.push(e.item);
      else if (e?.kind === 'unreadable') unreadable.push(e.tag);
    }
    unreadable.push(...transient);
    const event = { items, unreadable };
    const signature = [...items.map((i) => `${i.uid}=${i.owner}/${i.itemId}/${i.setInfo.part}`), ...unreadable.map((u) => `${u.uid}!${u.reason}`)].sort().join(',');
    this.lastEvent = event;
    if (signature === this.lastSignature) return;
    this.lastSignature = signature;
    this.emit('tags', event);
  }

  private async setLoanState(uids: readonly string[], afi: number, eas: boolean): Promise<TagWriteResult[]> {
    const results: TagWriteResult[] = [];
    let reader: RfidReader;
    try {
      reader = await this.ensureReader();
    } catch (err) {
      return uids.map((uid) => ({ uid, ok: false, error: err as Error }));
    }
    for (const uid of uids) {
      try {
        await reader.writeAfi(uid, afi);
        if (this.opts.useEas) await (eas ? reader.setEas(uid) : reader.resetEas(uid));
        const back = await reader.systemInfo(uid);
        if (back.afi !== afi) throw new RfidVerifyError(`tag ${uid} reads AFI 0x${back.afi.toString(16)} after 0x${afi.toString(16)} was written`);
        const e = this.cache.get(uid);
        if (e?.kind === 'item') e.item.afi = afi;
        results.push({ uid, ok: true });
      } catch (err) {
        if (err instanceof RfidTimeoutError || err instanceof DeviceDisconnectedError) await this.onReaderError(err);
        results.push({ uid, ok: false, error: err as Error });
      }
    }
    return results;
  }
}

function toItem(uid: string, b: BasicBlock, afi: number): PadItem {
  return { uid, itemId: b.itemId, owner: b.owner, setInfo: { parts: b.parts, part: b.part }, usage: b.usage, afi, order: b.order, layout: b.layout };
}
