/**
 * The return drop box: every library tag that passes the slot is recorded (durably, before anything
 * else), its security set back to "in the library" while it is still in the reader's field, and
 * checked in through the station's circulation (journal first, online or offline, replayed with the
 * same transaction id). The same tag read again, or the second part of a set, within the dedupe
 * window is the same drop. What is not ours, not on loan, unknown or unreadable becomes an alert for
 * the librarian, never an error at the slot. The bin counts drops since it was last emptied.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { StationConfig } from '#core/config.ts';
import type { Db } from '#core/node/sqlite.ts';
import { uuidv7 } from '#core/ids.ts';
import { topics } from '#core/protocol/topics.ts';
import type { BinState, DeviceCommand, ItemResult } from '#core/protocol/messages.ts';
import type { ReceiptPrinter } from '#hardware/interfaces.ts';
import type { PadTagsEvent, TagWriteResult } from '#hardware/rfid/rfid-pad.ts';
import type { ItemsOutcome } from '../circulation.ts';
import type { Journal } from '../journal.ts';
import type { Replica } from '../replica.ts';
import { alertText, type DropboxAlertCode } from './alerts.ts';
import type { FullSensor } from './full-sensor.ts';
import type { DropboxPublisher } from './link.ts';
import { receiptFor, type ReceiptLine } from './receipt.ts';
import type { SignalOutput } from './signal.ts';
import { DropStore, type DropRow, type NewDrop } from './store.ts';

export type DropboxOptions = StationConfig['dropbox'];

/** The parts of the RFID pad the drop box uses. */
export interface DropboxPad {
  markInLibrary(uids: readonly string[]): Promise<TagWriteResult[]>;
}

export interface DropBoxDeps {
  db: Db;
  circulation: { checkin(items: string[]): Promise<ItemsOutcome>; now(): Date };
  journal: Journal;
  replica: Replica;
  pad: DropboxPad | null;
  signal: SignalOutput;
  fullSensor: FullSensor | null;
  printer: ReceiptPrinter | null;
  link: DropboxPublisher;
  options: DropboxOptions;
  school: string;
  device: string;
  /** This school's ISIL: a tag naming another owner is not ours. */
  isil: string;
  schoolName: string;
  widthChars: number;
  utcOffsetMinutes?: () => number;
  log: Logger;
}

/** Items per check-in request (the protocol allows 50). */
const CHUNK = 50;

export class DropBox extends EventEmitter<{ change: [] }> {
  readonly store: DropStore;
  private queue: Promise<void> = Promise.resolve();
  /** Transaction ids being sent by process() right now: settle() must leave their rows alone. */
  private readonly inFlight = new Set<string>();
  private flushing = false;
  private settleTimer: NodeJS.Timeout | null = null;
  private receiptTimer: NodeJS.Timeout | null = null;
  private receiptItems: ReceiptLine[] = [];
  private stopped = false;
  /** Tag reads that were an already recorded drop (the same tag again, a set's other part), since start. */
  repeats = 0;

  constructor(private readonly d: DropBoxDeps) {
    super();
    this.store = new DropStore(d.db);
  }

  /** Recovers what a power cut left half done, then listens to the link and the sensor. */
  start(): void {
    this.recover();
    this.d.link.on('connected', () => {
      void this.flushAlerts();
      void this.publishBin();
      this.settle();
    });
    this.d.link.on('command', (c) => this.applyCommand(c));
    this.d.fullSensor?.on('change', (full) => this.onSensor(full));
    this.d.fullSensor?.start();
    // Rows whose check-in a journal replay answered (after a restart) are settled here.
    this.settleTimer = setInterval(() => this.settle(), 1000);
    this.settleTimer.unref();
    void this.publishBin();
  }

  /** Waits until every drop seen so far has been handled (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.settleTimer) clearInterval(this.settleTimer);
    if (this.receiptTimer) clearTimeout(this.receiptTimer);
    await this.queue;
    await this.d.fullSensor?.close();
    await this.d.signal.close();
  }

  /** The pad's view changed: records the new drops at once, then handles them in order. */
  onTags(ev: PadTagsEvent): void {
    if (this.stopped) return;
    const now = this.d.circulation.now();
    const at = now.toISOString();
    const since = new Date(now.getTime() - this.d.options.dedupeWindowSec * 1000).toISOString();
    const drops: NewDrop[] = [
      ...ev.items.map((i) => ({ key: `${i.owner ?? ''}/${i.itemId}`, uid: i.uid, barcode: i.itemId, owner: i.owner })),
      // A read that failed is retried by the pad's next poll; only a tag that reads but is not ours to decode counts here.
      ...ev.unreadable.filter((u) => u.reason !== 'read-failed').map((u) => ({ key: `uid:${u.uid}`, uid: u.uid, barcode: null, owner: null })),
    ];
    if (drops.length === 0) return;
    const { fresh, extraUids } = this.store.record(drops, at, since);
    this.repeats += drops.length - fresh.length;
    if (fresh.length === 0 && extraUids.length === 0) return;
    this.enqueue(async () => {
      if (fresh.length > 0) await this.process(fresh);
      // The other part of a set whose drop was handled before this read: its tag needs the security write too.
      const handled = new Set(fresh.map((r) => r.seq));
      const late = extraUids
        .filter((x) => {
          if (handled.has(x.row.seq)) return false;
          const now = this.store.get(x.row.seq);
          return now !== null && this.isOurs(now) && now.security !== null;
        })
        .map((x) => x.uid);
      if (late.length > 0 && this.d.pad) await this.d.pad.markInLibrary(late);
    });
  }

  private isOurs(r: DropRow): boolean {
    return r.barcode !== null && (r.owner === null || r.owner === this.d.isil);
  }

  private enqueue(job: () => Promise<void>): void {
    this.queue = this.queue.then(job).catch((err: unknown) => this.d.log.error({ err }, 'drop box job failed'));
  }

  private async process(rows: DropRow[]): Promise<void> {
    let problem = false;
    for (const r of rows) {
      if (r.barcode === null) {
        this.store.finish(r.seq, { outcome: 'TAG_UNREADABLE' });
        this.alert('TAG_UNREADABLE', { uid: r.uids[0] });
        problem = true;
      } else if (!this.isOurs(r)) {
        this.store.finish(r.seq, { outcome: 'FOREIGN_ITEM' });
        this.alert('FOREIGN_ITEM', { barcode: r.barcode, owner: r.owner });
        problem = true;
      }
    }
    const ours = rows.filter((r) => this.isOurs(r));
    // Security first: the book is in the reader's field only for a moment, the answer may take longer.
    const pad = this.d.pad;
    // Parts of a set read in the same poll joined their drop after it was recorded.
    for (const r of ours) r.uids = this.store.get(r.seq)?.uids ?? r.uids;
    if (pad) {
      const uids = ours.filter((r) => r.security !== 'ok').flatMap((r) => r.uids);
      const writes = uids.length > 0 ? await pad.markInLibrary(uids) : [];
      const failed = new Set(writes.filter((w) => !w.ok).map((w) => w.uid));
      for (const r of ours) {
        if (r.security === 'ok') continue;
        r.security = r.uids.some((u) => failed.has(u)) ? 'failed' : 'ok';
        this.store.setSecurity(r.seq, r.security);
      }
    }
    for (let i = 0; i < ours.length; i += CHUNK) {
      if (!(await this.checkin(ours.slice(i, i + CHUNK)))) problem = true;
    }
    await this.d.signal.signal(problem ? 'problem' : 'ok');
    this.updateBin();
    this.emit('change');
  }

  /** One check-in request for these rows; false when any of them raised an alert. */
  private async checkin(rows: DropRow[]): Promise<boolean> {
    const barcodes = rows.map((r) => r.barcode!);
    // Offline the station accepts every known copy: the replica says whether it was on loan.
    const wasOnLoan = new Map(barcodes.map((b) => [b, this.d.replica.loan(b) !== null]));
    const pending = this.d.circulation.checkin(barcodes);
    // StationCirculation journals the request before its first await: note its id on the rows now,
    // so that after a power cut the journal's replay (same id) settles them instead of a new request.
    const entry = this.d.journal.pending().at(-1);
    const tx = entry && entry.request.type === 'checkin' && sameItems(entry.request.items, barcodes) ? entry.id : null;
    if (tx) {
      this.inFlight.add(tx);
      this.store.markSent(rows.map((r) => r.seq), tx);
    }
    let clean = true;
    try {
      const out = await pending;
      const byBarcode = new Map<string, ItemResult>(out.items.map((i) => [i.barcode, i]));
      for (const r of rows) {
        const res = byBarcode.get(r.barcode!);
        let outcome: string;
        if (res?.ok) outcome = out.offline && !wasOnLoan.get(r.barcode!) ? 'NOT_ON_LOAN' : 'RETURNED';
        else outcome = res?.reason.code === 'NOT_ON_LOAN' || res?.reason.code === 'ITEM_UNKNOWN' ? res.reason.code : 'CHECKIN_REFUSED';
        this.store.finish(r.seq, { outcome, title: res?.title ?? null, offline: out.offline });
        if (outcome !== 'RETURNED') {
          clean = false;
          this.alert(outcome as DropboxAlertCode, { barcode: r.barcode, reason: res && !res.ok ? res.reason.message_en : 'no answer' });
        } else if (this.d.options.receipt && this.d.printer) this.receiptItems.push({ barcode: r.barcode!, title: res?.title ?? null });
        if (r.security === 'failed') {
          clean = false;
          this.alert('SECURITY_NOT_RESET', { barcode: r.barcode });
        }
      }
    } finally {
      if (tx) this.inFlight.delete(tx);
    }
    this.scheduleReceipt();
    return clean;
  }

  /**
   * After a power cut: rows whose request is in the journal wait for its replay (same id); rows that
   * never reached the journal are sent now; a sent row whose journal entry is gone was answered.
   */
  private recover(): void {
    const journal = this.d.journal.pending();
    const inJournal = (b: string) => journal.find((e) => e.request.type === 'checkin' && e.request.items.includes(b))?.id ?? null;
    const resend: DropRow[] = [];
    for (const r of this.store.inState('pending')) {
      const tx = r.barcode !== null && this.isOurs(r) ? inJournal(r.barcode) : null;
      if (tx) this.store.markSent([r.seq], tx);
      else resend.push(r);
    }
    if (resend.length > 0) {
      this.d.log.info({ drops: resend.length }, 'handling drops recorded before a restart');
      this.enqueue(() => this.process(resend));
    }
    this.settle();
  }

  /** Sent rows whose journal entry is gone (a replay answered it) are done. */
  private settle(): void {
    const sent = this.store.inState('sent').filter((r) => !this.inFlight.has(r.tx!));
    if (sent.length === 0) return;
    const open = new Set(this.d.journal.pending().map((e) => e.id));
    let changed = false;
    for (const r of sent) {
      if (open.has(r.tx!)) continue;
      this.store.finish(r.seq, { outcome: 'REPLAYED' });
      changed = true;
    }
    if (changed) {
      this.updateBin();
      this.emit('change');
    }
  }

  private alert(code: DropboxAlertCode, a: Parameters<typeof alertText>[1] = {}): void {
    const at = this.d.circulation.now();
    const text = alertText(code, a);
    const id = uuidv7(at.getTime(), randomBytes(10));
    const payload = { id, type: 'alert', at: at.toISOString(), device: this.d.device, ...text, ...(a.barcode ? { barcode: a.barcode } : {}) };
    this.store.queueAlert(id, JSON.stringify(payload), payload.at);
    this.d.log.info({ code, barcode: a.barcode }, 'drop box alert');
    void this.flushAlerts();
  }

  /** Publishes queued alerts, oldest first; each leaves the outbox once the broker has it. */
  async flushAlerts(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (const a of this.store.outbox()) {
        if (!(await this.d.link.publish(topics.event(this.d.school, this.d.device, 'alert'), a.payload, false))) break;
        this.store.clearAlert(a.id);
      }
    } finally {
      this.flushing = false;
    }
  }

  binState(): BinState {
    const o = this.d.options;
    const emptiedAt = this.store.meta('emptiedAt');
    const count = this.store.countSince(emptiedAt);
    const sensorFull = this.d.fullSensor ? (this.d.fullSensor.full ?? null) : null;
    return {
      device: this.d.device,
      count,
      capacity: o.binCapacity,
      nearlyFullAt: o.nearlyFullAt,
      sensorFull,
      nearlyFull: count >= o.nearlyFullAt || sensorFull === true,
      emptiedAt,
      lastDropAt: this.store.lastDropAt(),
      at: this.d.circulation.now().toISOString(),
    };
  }

  /** Raises "nearly full" once per filling, and publishes the bin. */
  private updateBin(): void {
    const s = this.binState();
    if (s.count >= s.nearlyFullAt && !this.store.meta('nearlyAlerted')) {
      this.store.setMeta('nearlyAlerted', s.at);
      this.alert('BIN_NEARLY_FULL', { count: s.count, capacity: s.capacity });
    }
    void this.publishBin(s);
  }

  private async publishBin(s: BinState = this.binState()): Promise<void> {
    await this.d.link.publish(topics.bin(this.d.school, this.d.device), JSON.stringify(s), true);
  }

  private onSensor(full: boolean): void {
    if (full && !this.store.meta('fullAlerted')) {
      this.store.setMeta('fullAlerted', this.d.circulation.now().toISOString());
      this.alert('BIN_FULL');
    }
    void this.d.signal.signal(full ? 'full' : 'clear');
    this.updateBin();
    this.emit('change');
  }

  /** The server's retained command: "bin emptied" resets the count (once per command id). */
  applyCommand(c: DeviceCommand): void {
    if (c.type !== 'bin-emptied' || this.store.meta('lastCommand') === c.id) return;
    this.store.setMeta('lastCommand', c.id);
    // Only a later emptying counts: a stale command must not move the mark back.
    const prev = this.store.meta('emptiedAt');
    if (!prev || c.at > prev) this.store.setMeta('emptiedAt', c.at);
    this.store.setMeta('nearlyAlerted', null);
    if (this.d.fullSensor?.full !== true) this.store.setMeta('fullAlerted', null);
    this.d.log.info({ by: c.by, at: c.at }, 'bin emptied');
    this.updateBin();
    this.emit('change');
  }

  private scheduleReceipt(): void {
    if (!this.d.options.receipt || !this.d.printer || this.receiptItems.length === 0 || this.stopped) return;
    if (this.receiptTimer) clearTimeout(this.receiptTimer);
    this.receiptTimer = setTimeout(() => this.enqueue(() => this.printReceipt()), this.d.options.receiptAfterMs);
    this.receiptTimer.unref();
  }

  private async printReceipt(): Promise<void> {
    this.receiptTimer = null;
    const items = this.receiptItems;
    this.receiptItems = [];
    if (!this.d.printer || items.length === 0) return;
    try {
      const slip = receiptFor({ schoolName: this.d.schoolName, items, at: this.d.circulation.now(), width: this.d.widthChars, utcOffsetMinutes: this.d.utcOffsetMinutes?.() });
      const r = await this.d.printer.print(slip);
      if (!r.ok) this.d.log.warn({ reason: r.reason }, 'return receipt not printed');
    } catch (err) {
      this.d.log.warn({ err: (err as Error).message }, 'printer failed');
    }
  }
}

function sameItems(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
