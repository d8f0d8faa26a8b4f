/**
 * Tagging the existing collection at a desk station: the librarian scans a book's barcode, lays the
 * book (and its CD, for a set) on the pad, and the station writes an ISO 28560-3 basic block on
 * each blank tag (item id = the barcode, owner = the school's ISIL, set information), reads it back
 * and checks it, sets the "in the library" AFI and checks that too, and counts progress in its own
 * SQLite table. Every refusal says why in Vietnamese and English.
 */
import type { Logger } from 'pino';
import type { Db } from '#core/node/sqlite.ts';
import { localDate, type SchoolCalendar } from '#core/calendar.ts';
import { Iso28560EncodeError, TYPE_OF_USAGE } from '#core/rfid/iso28560-3.ts';
import type { PadItem, RfidPad, UnreadableTag } from '#hardware/rfid/rfid-pad.ts';
import { RfidVerifyError } from '#hardware/rfid/rfid-pad.ts';
import type { ReplicaItem } from '../replica.ts';
import type {
  PadTagView,
  ScanView,
  TaggedTag,
  TaggingError,
  TaggingErrorCode,
  TaggingFailure,
  TaggingProgress,
  TaggingResult,
  TaggingStatus,
  TaggingWriteRequest,
} from './api.ts';

/** Most parts a set may have: the byte in the basic block holds 255. */
export const MAX_PARTS = 255;
/** The primary item identifier field holds 16 bytes. */
const MAX_ITEM_ID_BYTES = 16;

/**
 * The service's own table, created when the service starts (the station's numbered migrations
 * stay untouched). One row per tag written; progress counts distinct barcodes.
 */
export function migrateTagging(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS tagging_log (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      barcode TEXT NOT NULL,
      uid TEXT NOT NULL,
      parts INTEGER NOT NULL,
      part INTEGER NOT NULL,
      afi INTEGER,
      -- Item id the tag carried before it was written over ('' for foreign data); NULL for a blank tag.
      overwrote TEXT,
      tagged_at TEXT NOT NULL,
      -- The school-local date of tagged_at, for "tagged today".
      day TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS tagging_log_barcode ON tagging_log(barcode);
    CREATE INDEX IF NOT EXISTS tagging_log_day ON tagging_log(day, barcode);
  `);
}

export interface TaggingReplica {
  item(barcode: string): ReplicaItem | null;
  counts(): { items: number };
  calendar(): Pick<SchoolCalendar, 'timeZoneOffsetMinutes'>;
}

/** The parts of RfidPad the service uses. */
export type TaggingPad = Pick<RfidPad, 'pollOnce' | 'snapshot' | 'writeItem' | 'markInLibrary' | 'health'>;

export interface TaggingServiceOptions {
  db: Db;
  replica: TaggingReplica;
  /** The station's pad; null when it has none (every write is then refused). */
  pad: TaggingPad | null;
  /** Owner ISIL written into each tag (config.school.isil). */
  isil: string;
  now?: () => Date;
  log?: Logger;
}

/** A refusal: a typed code and the reason in both languages. */
export class TaggingRefusal extends Error {
  override name = 'TaggingRefusal';
  constructor(
    readonly error: TaggingError,
    readonly written: string[] = [],
  ) {
    super(error.message_en);
  }
}

function refuse(code: TaggingErrorCode, vi: string, en: string, extra: Partial<TaggingError> = {}): TaggingRefusal {
  return new TaggingRefusal({ code, message_vi: vi, message_en: en, ...extra });
}

/** What one tag on the pad means for a write. */
type Slot =
  | { uid: string; kind: 'blank' }
  | { uid: string; kind: 'same'; item: PadItem }
  | { uid: string; kind: 'other'; item: PadItem }
  | { uid: string; kind: 'foreign'; tag: UnreadableTag }
  | { uid: string; kind: 'unreadable'; tag: UnreadableTag };

const FOREIGN_REASONS = new Set(['bad-crc', 'unknown-version', 'bad-text']);

export class TaggingService {
  private scan: ScanView | null = null;
  private scanSeq = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private writing = 0;
  private readonly now: () => Date;

  constructor(private readonly o: TaggingServiceOptions) {
    this.now = o.now ?? (() => new Date());
    migrateTagging(o.db);
  }

  /** A code from the station's own barcode scanner: the page picks it up from status().lastScan. */
  noteScan(code: string): void {
    this.scan = { code, at: this.now().toISOString(), seq: ++this.scanSeq };
  }

  get lastScan(): ScanView | null {
    return this.scan;
  }

  /** The pad as of its last poll (no reader traffic), the last scan and the counters. */
  status(): TaggingStatus {
    const pad = this.o.pad;
    let padView: TaggingStatus['pad'] = { fitted: false, connected: false, ok: false, tags: [] };
    if (pad) {
      const h = pad.health();
      const snap = pad.snapshot();
      padView = {
        fitted: true,
        connected: h.connected,
        ok: h.ok,
        ...(h.detail ? { detail: h.detail } : {}),
        tags: classify(snap.items, snap.unreadable, '', this.o.isil).map((s) => this.view(s)),
      };
    }
    return { isil: this.o.isil, pad: padView, lastScan: this.scan, progress: this.progress(), busy: this.writing > 0 };
  }

  /** Tagged today (school-local date) / tagged in total (distinct barcodes) / items in the replica. */
  progress(): TaggingProgress {
    const today = localDate(this.now(), this.o.replica.calendar());
    const n = (sql: string, ...args: string[]) => (this.o.db.prepare(sql).get(...args) as { n: number }).n;
    return {
      today: n(`SELECT COUNT(DISTINCT barcode) AS n FROM tagging_log WHERE day = ?`, today),
      total: n(`SELECT COUNT(DISTINCT barcode) AS n FROM tagging_log`),
      items: this.o.replica.counts().items,
    };
  }

  /**
   * Writes the barcode's item onto the tag(s) on the pad, one write at a time. Never throws:
   * a refusal comes back as {ok: false, error} with its reason in Vietnamese and English.
   */
  write(req: TaggingWriteRequest): Promise<TaggingResult> {
    const run = async (): Promise<TaggingResult> => {
      this.writing++;
      try {
        return await this.doWrite(req);
      } catch (err) {
        if (err instanceof TaggingRefusal) {
          const failure: TaggingFailure = { ok: false, error: err.error };
          if (err.written.length > 0) failure.written = err.written;
          this.o.log?.info({ barcode: req.barcode, code: err.error.code, detail: err.error.message_en }, 'tagging refused');
          return failure;
        }
        this.o.log?.warn({ barcode: req.barcode, err: (err as Error).message }, 'tagging failed');
        return { ok: false, error: { code: 'WRITE_FAILED', message_vi: 'Ghi thẻ không thành công. Hãy thử lại.', message_en: `Writing the tag failed: ${(err as Error).message}` } };
      } finally {
        this.writing--;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async doWrite(req: TaggingWriteRequest): Promise<TaggingResult> {
    const barcode = typeof req.barcode === 'string' ? req.barcode.trim() : '';
    const parts = req.parts ?? 1;
    const overwrite = req.overwrite === true;
    if (!barcode || [...barcode].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) {
      throw refuse('BAD_BARCODE', 'Mã vạch trống hoặc không hợp lệ.', 'The barcode is empty or not printable.');
    }
    if (Buffer.byteLength(barcode, 'utf8') > MAX_ITEM_ID_BYTES) {
      throw refuse('BAD_BARCODE', `Mã vạch dài quá ${MAX_ITEM_ID_BYTES} ký tự, không ghi vừa thẻ.`, `The barcode is longer than the ${MAX_ITEM_ID_BYTES} bytes a tag holds.`);
    }
    if (!Number.isInteger(parts) || parts < 1 || parts > MAX_PARTS) {
      throw refuse('BAD_REQUEST', `Số phần phải từ 1 đến ${MAX_PARTS}.`, `The number of parts must be 1 to ${MAX_PARTS}.`);
    }
    const pad = this.o.pad;
    if (!pad) throw refuse('NO_PAD', 'Máy này không có đầu đọc RFID.', 'This station has no RFID pad.');
    const item = this.o.replica.item(barcode);
    if (!item) {
      throw refuse('UNKNOWN_BARCODE', `Không tìm thấy sách có mã ${barcode} trong thư viện.`, `No item with barcode ${barcode} in this station's copy of the catalogue.`);
    }

    let onPad;
    try {
      onPad = await pad.pollOnce();
    } catch (err) {
      throw refuse('READER_ERROR', 'Không đọc được đầu đọc RFID. Kiểm tra dây cắm rồi thử lại.', `The RFID reader did not answer: ${(err as Error).message}`);
    }
    const slots = classify(onPad.items, onPad.unreadable, barcode, this.o.isil);
    if (slots.length === 0) throw refuse('NO_TAG', 'Không có thẻ nào trên đầu đọc. Đặt sách có thẻ lên rồi thử lại.', 'No tag on the pad. Lay the book with its tag on the pad and try again.');
    const unreadable = slots.filter((s) => s.kind === 'unreadable');
    if (unreadable.length > 0) {
      throw refuse('TAG_UNREADABLE', 'Có thẻ không đọc được. Đặt lại sách cho ngay ngắn rồi thử lại.', `A tag on the pad could not be read (${unreadable.map((u) => u.tag.detail).join('; ')}). Lay it down again and retry.`, {
        uids: unreadable.map((u) => u.uid),
      });
    }
    if (slots.length > parts) {
      throw refuse(
        'TOO_MANY_TAGS',
        parts === 1
          ? `Có ${slots.length} thẻ trên đầu đọc nhưng chỉ ghi 1 thẻ. Để riêng từng cuốn, hoặc chọn "${slots.length} phần" nếu là bộ sách kèm đĩa.`
          : `Có ${slots.length} thẻ trên đầu đọc nhưng bộ này có ${parts} phần.`,
        parts === 1
          ? `${slots.length} tags on the pad but one item to write. Tag one book at a time, or choose "${slots.length} parts" for a set such as a book with its CD.`
          : `${slots.length} tags on the pad but the set has ${parts} parts.`,
        { uids: slots.map((s) => s.uid) },
      );
    }
    if (slots.length < parts) {
      throw refuse(
        'TOO_FEW_TAGS',
        `Bộ này có ${parts} phần nhưng chỉ có ${slots.length} thẻ trên đầu đọc. Đặt đủ các phần lên rồi thử lại.`,
        `The set has ${parts} parts but only ${slots.length} tag${slots.length === 1 ? ' is' : 's are'} on the pad. Lay every part on the pad and try again.`,
        { uids: slots.map((s) => s.uid) },
      );
    }
    const taken = slots.filter((s) => s.kind === 'other' || s.kind === 'foreign');
    if (taken.length > 0 && !overwrite) {
      const vi = taken.map((s) => (s.kind === 'other' ? `mã ${describe(s.item, this.o.isil)}` : 'dữ liệu không phải của thư viện'));
      const en = taken.map((s) => (s.kind === 'other' ? `item id ${describe(s.item, this.o.isil)}` : 'data in another data model'));
      throw refuse(
        'TAG_HAS_OTHER_ITEM',
        `Thẻ đã mang ${vi.join(', ')}. Chỉ ghi đè khi chắc chắn thẻ này thuộc cuốn ${barcode}.`,
        `The tag already carries ${en.join(', ')}. Overwrite only if you are sure it belongs to ${barcode}.`,
        { overwritable: true, uids: taken.map((s) => s.uid) },
      );
    }

    const plan = assignParts(slots, parts);
    const written: string[] = [];
    const done: TaggedTag[] = [];
    const usage = item.referenceOnly ? TYPE_OF_USAGE.notForCirculation : TYPE_OF_USAGE.circulating;
    for (const { slot, part } of plan) {
      try {
        await pad.writeItem(slot.uid, { itemId: barcode, owner: this.o.isil, usage, parts, part });
      } catch (err) {
        throw writeRefusal(err, slot.uid, written);
      }
      written.push(slot.uid);
      const overwrote = slot.kind === 'other' ? slot.item.itemId : slot.kind === 'foreign' ? '' : null;
      done.push({ uid: slot.uid, part, parts, afi: null, overwrote });
    }
    const afiResults = await pad.markInLibrary(written);
    const failed = afiResults.filter((r) => !r.ok);
    if (failed.length > 0) {
      throw new TaggingRefusal(
        {
          code: 'AFI_FAILED',
          message_vi: 'Đã ghi mã sách nhưng không đặt được trạng thái "trong thư viện" cho thẻ. Hãy thử lại.',
          message_en: `The item was written but the "in the library" AFI could not be set: ${failed.map((f) => f.error?.message ?? f.uid).join('; ')}. Try again.`,
          uids: failed.map((f) => f.uid),
        },
        written,
      );
    }
    // markInLibrary read the AFI back; the pad keeps what it verified.
    const snap = pad.snapshot();
    for (const t of done) t.afi = snap.items.find((i) => i.uid === t.uid)?.afi ?? null;

    const at = this.now();
    const day = localDate(at, this.o.replica.calendar());
    const again = (this.o.db.prepare(`SELECT COUNT(*) AS n FROM tagging_log WHERE barcode = ?`).get(barcode) as { n: number }).n > 0;
    const insert = this.o.db.prepare(`INSERT INTO tagging_log (barcode, uid, parts, part, afi, overwrote, tagged_at, day) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    this.o.db.transaction(() => {
      for (const t of done) insert.run(barcode, t.uid, parts, t.part, t.afi, t.overwrote, at.toISOString(), day);
    })();
    this.o.log?.info({ barcode, parts, uids: written, again }, 'item tagged');
    return { ok: true, barcode, title: item.title, owner: this.o.isil, parts, tags: done, again, progress: this.progress() };
  }

  private view(s: Slot): PadTagView {
    switch (s.kind) {
      case 'blank':
        return { uid: s.uid, state: 'blank' };
      case 'same':
      case 'other': {
        const title = s.item.owner === this.o.isil ? this.o.replica.item(s.item.itemId)?.title : undefined;
        return {
          uid: s.uid,
          state: 'item',
          itemId: s.item.itemId,
          owner: s.item.owner,
          parts: s.item.setInfo.parts,
          part: s.item.setInfo.part,
          ...(s.item.afi !== undefined ? { afi: s.item.afi } : {}),
          ...(title ? { title } : {}),
        };
      }
      case 'foreign':
        return { uid: s.uid, state: 'foreign', reason: s.tag.reason };
      case 'unreadable':
        return { uid: s.uid, state: 'unreadable', reason: s.tag.reason };
    }
  }
}

/** "30001000000101", or "30001000000101 (VN-OTHER)" for another library's tag. */
function describe(item: PadItem, isil: string): string {
  return item.owner && item.owner !== isil ? `${item.itemId} (${item.owner})` : item.itemId;
}

/** Sorts what lies on the pad into writable, already ours, another item's, foreign and unreadable tags, in the reader's order. */
function classify(items: readonly PadItem[], unreadable: readonly UnreadableTag[], barcode: string, isil: string): Slot[] {
  const slots: Slot[] = [];
  for (const item of items) {
    // An acquisition tag (no item id) is as good as blank.
    if (item.itemId === '') slots.push({ uid: item.uid, kind: 'blank' });
    else if (item.itemId === barcode && item.owner === isil) slots.push({ uid: item.uid, kind: 'same', item });
    else slots.push({ uid: item.uid, kind: 'other', item });
  }
  for (const tag of unreadable) {
    if (tag.reason === 'blank') slots.push({ uid: tag.uid, kind: 'blank' });
    else if (FOREIGN_REASONS.has(tag.reason)) slots.push({ uid: tag.uid, kind: 'foreign', tag });
    else slots.push({ uid: tag.uid, kind: 'unreadable', tag });
  }
  return slots;
}

/** Part numbers for the tags: a tag already carrying this item keeps its part, the others take the free ones in pad order. */
function assignParts(slots: readonly Slot[], parts: number): { slot: Slot; part: number }[] {
  const plan = new Map<Slot, number>();
  const used = new Set<number>();
  for (const s of slots) {
    if (s.kind !== 'same') continue;
    const p = s.item.setInfo.part;
    if (s.item.setInfo.parts === parts && p >= 1 && p <= parts && !used.has(p)) {
      plan.set(s, p);
      used.add(p);
    }
  }
  let next = 1;
  for (const s of slots) {
    if (plan.has(s)) continue;
    while (used.has(next)) next++;
    plan.set(s, next);
    used.add(next);
  }
  return [...plan.entries()].map(([slot, part]) => ({ slot, part })).sort((a, b) => a.part - b.part);
}

function writeRefusal(err: unknown, uid: string, written: string[]): TaggingRefusal {
  const e = err as Error;
  const already = written.length > 0 ? ` ${written.length} thẻ đã ghi trước đó chưa đủ bộ: hãy ghi lại cả bộ.` : '';
  const alreadyEn = written.length > 0 ? ` ${written.length} tag(s) written before it do not make a whole set: write the set again.` : '';
  if (err instanceof RfidVerifyError) {
    return new TaggingRefusal(
      { code: 'VERIFY_FAILED', message_vi: `Đọc lại thẻ không khớp với dữ liệu vừa ghi. Thẻ có thể bị hỏng: thử lại hoặc thay thẻ.${already}`, message_en: `${e.message}. The tag may be faulty: retry or replace it.${alreadyEn}`, uids: [uid] },
      [...written],
    );
  }
  if (err instanceof Iso28560EncodeError) {
    return new TaggingRefusal({ code: 'BAD_BARCODE', message_vi: 'Không ghi được mã này vào thẻ.', message_en: e.message, uids: [uid] }, [...written]);
  }
  return new TaggingRefusal(
    { code: 'WRITE_FAILED', message_vi: `Ghi thẻ không thành công. Giữ sách yên trên đầu đọc rồi thử lại.${already}`, message_en: `Writing tag ${uid} failed: ${e.message}. Keep the book still on the pad and retry.${alreadyEn}`, uids: [uid] },
    [...written],
  );
}
