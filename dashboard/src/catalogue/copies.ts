/**
 * The copies of a record: adding new ones (the next accession number of their collection, a
 * barcode, a call number), changing their status or details, and the settings that shape the
 * numbers. Every change that a station's replica holds (status, collection, reference-only, a new
 * copy) is written as a numbered `changes` row in the same transaction, so kiosks learn it at their
 * next sync.
 *
 * Accession numbers ("số đăng ký cá biệt", ĐKCB) follow a per-collection pattern the school
 * chooses, stored in `meta` under `catalogue.settings`: literal text around one run of zeros in
 * braces, whose length is the minimum width, e.g. `STK.{000000}` → STK.000123, `{00000}/TN` →
 * 00042/TN. The next number is one more than the highest number already written in that pattern,
 * so numbers typed in by hand or imported from MARC are never reused.
 *
 * Call number = DDC number + author mark. The author mark follows the common Vietnamese school
 * practice: the first three letters of the main entry (the author heading as catalogued, 100 $a;
 * the title when there is no author), upper case, Vietnamese letters kept: "Tô Hoài" → TÔH,
 * "Nguyễn, Nhật Ánh" → NGU, "Tiếng Việt 1" → TIẾ (letters as written, tone marks too).
 */
import type { Db } from '#core/node/sqlite.ts';
import { COLLECTIONS, type Collection } from '#core/policy.ts';
import type { CopyStatus } from '#core/types.ts';
import { makeLibraryBarcode } from '#core/ids.ts';
import { readIso2709 } from '#core/marc/iso2709.ts';
import { subjectHeadings } from '#core/marc/summary.ts';
import type { Library } from '../db/library.ts';

export const COPY_SOURCES = ['bought', 'donated', 'exchanged'] as const;
export type CopySource = (typeof COPY_SOURCES)[number];
export const COPY_STATUSES = ['on_shelf', 'on_loan', 'lost', 'damaged', 'withdrawn'] as const satisfies readonly CopyStatus[];

/** A refusal the librarian reads: a code, Vietnamese and English text, and the HTTP status. */
export class CatalogueError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly message_vi: string,
    readonly message_en: string,
  ) {
    super(message_en);
    this.name = 'CatalogueError';
  }

  toReason() {
    return { code: this.code, message_vi: this.message_vi, message_en: this.message_en };
  }
}

export interface CatalogueSettings {
  accessionPatterns: Record<Collection, string>;
  /** 'library': a 14-digit library barcode (type 3, institution, serial, Luhn); 'accession': the accession number itself. */
  barcodes: 'library' | 'accession';
  /** 4-digit institution code for library barcodes; null: taken from the copies already on file (else 0001). */
  institution: string | null;
}

/** The prefixes the demo seed and most Vietnamese school registers use: SGK textbooks, TN children's, STK reference, SNV teachers', BC periodicals. */
export const DEFAULT_SETTINGS: CatalogueSettings = {
  accessionPatterns: {
    textbook: 'SGK.{000000}',
    children: 'TN.{000000}',
    reference: 'STK.{000000}',
    general: 'STK.{000000}',
    teacher: 'SNV.{000000}',
    periodical: 'BC.{000000}',
  },
  barcodes: 'library',
  institution: null,
};

/** A change to the settings: only what is given changes. */
export interface CatalogueSettingsPatch {
  accessionPatterns?: Partial<Record<Collection, string>>;
  barcodes?: CatalogueSettings['barcodes'];
  institution?: string | null;
}

const SETTINGS_KEY = 'catalogue.settings';

export interface AccessionPattern {
  prefix: string;
  width: number;
  suffix: string;
}

/** Parses `PREFIX{000000}SUFFIX`; throws CatalogueError BAD_PATTERN unless there is exactly one run of 1–12 zeros in braces. */
export function parseAccessionPattern(pattern: string): AccessionPattern {
  const m = /^([^{}]*)\{(0{1,12})\}([^{}]*)$/.exec(pattern);
  if (!m || pattern.length > 40 || /\s/.test(pattern)) {
    throw new CatalogueError(
      'BAD_PATTERN',
      400,
      `Mẫu số ĐKCB "${pattern}" không hợp lệ: cần đúng một nhóm số 0 trong ngoặc nhọn, ví dụ STK.{000000}.`,
      `Accession pattern "${pattern}" is not valid: it needs exactly one run of zeros in braces, e.g. STK.{000000}.`,
    );
  }
  return { prefix: m[1]!, width: m[2]!.length, suffix: m[3]! };
}

/** The accession number n in pattern p: STK.{000000} and 123 → STK.000123. */
export function formatAccession(p: AccessionPattern, n: number): string {
  return `${p.prefix}${String(n).padStart(p.width, '0')}${p.suffix}`;
}

/** The number inside an accession written in pattern p, or null when it is not in that pattern. */
export function accessionNumber(p: AccessionPattern, accession: string): number | null {
  if (!accession.startsWith(p.prefix) || !accession.endsWith(p.suffix)) return null;
  const mid = accession.slice(p.prefix.length, accession.length - p.suffix.length);
  return /^\d+$/.test(mid) ? Number(mid) : null;
}

/** First three letters of the main entry, upper case, Vietnamese letters kept ("Tô Hoài" → "TÔH"); "" when it has no letters. */
export function authorMark(mainEntry: string): string {
  const letters = Array.from(mainEntry.normalize('NFC')).filter((ch) => /\p{L}/u.test(ch));
  return letters.slice(0, 3).join('').toLocaleUpperCase('vi');
}

/** DDC number + author mark (author, else title), e.g. "895.9223 TÔH"; null without a DDC number. */
export function callNumberFor(ddc: string | null, author: string | null, title: string): string | null {
  const d = ddc?.trim();
  if (!d) return null;
  const mark = authorMark(author?.trim() ? author : title);
  return mark ? `${d} ${mark}` : d;
}

export interface CopyRow {
  id: number;
  recordId: number;
  barcode: string;
  accession: string;
  collection: Collection;
  referenceOnly: boolean;
  status: CopyStatus;
  callNumber: string | null;
  /** Price in đồng. */
  price: number | null;
  source: CopySource | null;
  addedAt: string | null;
  statusNote: string | null;
  /** Due date of the open loan, when the copy is out. */
  dueDate: string | null;
}

export interface NewCopies {
  /** How many copies, 1–200 (default 1). */
  count?: number;
  collection: Collection;
  referenceOnly?: boolean;
  price?: number | null;
  source?: CopySource | null;
  /** Default: DDC + author mark of the record. */
  callNumber?: string | null;
}

export interface CopyPatch {
  status?: CopyStatus;
  statusNote?: string | null;
  collection?: Collection;
  referenceOnly?: boolean;
  callNumber?: string | null;
  price?: number | null;
  source?: CopySource | null;
}

export interface RecordDetail {
  id: number;
  title: string;
  author: string | null;
  publisher: string | null;
  year: string | null;
  isbn: string | null;
  ddc: string | null;
  subjects: string[];
  copies: CopyRow[];
}

const COPY_SELECT = `SELECT c.id, c.record_id AS recordId, c.barcode, c.accession, c.collection, c.reference_only AS referenceOnly,
  c.status, c.call_number AS callNumber, c.price, c.source, c.added_at AS addedAt, c.status_note AS statusNote,
  l.due_date AS dueDate
  FROM copies c LEFT JOIN loans l ON l.copy_id = c.id AND l.returned_at IS NULL`;

function toCopy(r: Record<string, unknown>): CopyRow {
  return { ...(r as unknown as CopyRow), referenceOnly: r.referenceOnly === 1 };
}

export class CopyManager {
  constructor(
    private readonly db: Db,
    private readonly library: Library,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  settings(): CatalogueSettings {
    const row = this.db.prepare(`SELECT value FROM meta WHERE key = ?`).get(SETTINGS_KEY) as { value: string } | undefined;
    if (!row) return structuredClone(DEFAULT_SETTINGS);
    const saved = JSON.parse(row.value) as Partial<CatalogueSettings>;
    return {
      accessionPatterns: { ...DEFAULT_SETTINGS.accessionPatterns, ...saved.accessionPatterns },
      barcodes: saved.barcodes ?? DEFAULT_SETTINGS.barcodes,
      institution: saved.institution ?? null,
    };
  }

  /** Validates and stores settings (merged over the current ones); returns the result. */
  saveSettings(patch: CatalogueSettingsPatch): CatalogueSettings {
    const cur = this.settings();
    const next: CatalogueSettings = {
      accessionPatterns: { ...cur.accessionPatterns, ...patch.accessionPatterns },
      barcodes: patch.barcodes ?? cur.barcodes,
      institution: patch.institution === undefined ? cur.institution : patch.institution,
    };
    for (const p of Object.values(next.accessionPatterns)) parseAccessionPattern(p);
    if (next.institution !== null && !/^\d{4}$/.test(next.institution)) {
      throw new CatalogueError('BAD_INSTITUTION', 400, 'Mã trường phải gồm 4 chữ số.', 'The institution code must be 4 digits.');
    }
    this.db.prepare(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(SETTINGS_KEY, JSON.stringify(next));
    return next;
  }

  /** The institution of new library barcodes: the setting, else the most common one among item barcodes on file, else 0001. */
  institution(): string {
    const s = this.settings().institution;
    if (s) return s;
    const row = this.db
      .prepare(
        `SELECT substr(barcode, 2, 4) AS inst, COUNT(*) AS n FROM copies
         WHERE length(barcode) = 14 AND barcode GLOB '3[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'
         GROUP BY inst ORDER BY n DESC, inst LIMIT 1`,
      )
      .get() as { inst: string } | undefined;
    return row?.inst ?? '0001';
  }

  /** The next accession number of a collection's pattern (one past the highest on file in that pattern). */
  nextAccession(collection: Collection, taken: ReadonlySet<string> = new Set()): string {
    const p = parseAccessionPattern(this.settings().accessionPatterns[collection]);
    const glob = `${p.prefix.replace(/[[\]*?]/g, (c) => `[${c}]`)}*`;
    let max = 0;
    for (const { accession } of this.db.prepare(`SELECT accession FROM copies WHERE accession GLOB ?`).iterate(glob) as Iterable<{ accession: string }>) {
      const n = accessionNumber(p, accession);
      if (n !== null && n > max) max = n;
    }
    for (const a of taken) {
      const n = accessionNumber(p, a);
      if (n !== null && n > max) max = n;
    }
    return formatAccession(p, max + 1);
  }

  /** The next free 14-digit item barcode of the institution (one past the highest serial on file). */
  nextLibraryBarcode(institution = this.institution()): string {
    const row = this.db
      .prepare(`SELECT MAX(barcode) AS b FROM copies WHERE length(barcode) = 14 AND barcode GLOB ?`)
      .get(`3${institution}[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]`) as { b: string | null };
    // MAX over fixed-width digit strings is the highest serial (a code with a wrong check digit counts too: its serial is taken).
    let serial = row.b ? Number(row.b.slice(5, 13)) + 1 : 1;
    if (serial > 99_999_999) {
      throw new CatalogueError('NO_BARCODES_LEFT', 409, 'Đã hết số mã vạch của trường.', 'No library barcode serials are left for this institution.');
    }
    for (;;) {
      const code = makeLibraryBarcode('item', institution, serial);
      if (!this.db.prepare(`SELECT 1 FROM copies WHERE barcode = ?`).get(code)) return code;
      serial++;
    }
  }

  copy(id: number): CopyRow | null {
    const r = this.db.prepare(`${COPY_SELECT} WHERE c.id = ?`).get(id) as Record<string, unknown> | undefined;
    return r ? toCopy(r) : null;
  }

  copiesOf(recordId: number): CopyRow[] {
    return (this.db.prepare(`${COPY_SELECT} WHERE c.record_id = ? ORDER BY c.accession, c.id`).all(recordId) as Record<string, unknown>[]).map(toCopy);
  }

  /** The record with its subjects (from the stored MARC) and copies, or null. */
  record(id: number): RecordDetail | null {
    const r = this.db
      .prepare(`SELECT id, title, author, publisher, year, isbn, ddc, marc FROM records WHERE id = ?`)
      .get(id) as (Omit<RecordDetail, 'subjects' | 'copies'> & { marc: Buffer | null }) | undefined;
    if (!r) return null;
    const { marc, ...rest } = r;
    let subjects: string[] = [];
    if (marc && marc.length > 0) {
      const rec = readIso2709(marc).records[0];
      if (rec) subjects = subjectHeadings(rec);
    }
    return { ...rest, subjects, copies: this.copiesOf(id) };
  }

  /** Adds copies to a record in one transaction; each gets the next accession, a barcode and a call number. */
  addCopies(recordId: number, input: NewCopies): CopyRow[] {
    const count = input.count ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 200) {
      throw new CatalogueError('BAD_COUNT', 400, 'Số bản phải từ 1 đến 200.', 'The number of copies must be 1 to 200.');
    }
    if (!(COLLECTIONS as readonly string[]).includes(input.collection)) {
      throw new CatalogueError('BAD_COLLECTION', 400, `Kho "${input.collection}" không có.`, `Unknown collection "${input.collection}".`);
    }
    checkPrice(input.price);
    const rec = this.db.prepare(`SELECT id, title, author, ddc FROM records WHERE id = ?`).get(recordId) as
      | { id: number; title: string; author: string | null; ddc: string | null }
      | undefined;
    if (!rec) throw new CatalogueError('NO_RECORD', 404, 'Không tìm thấy biểu ghi.', 'No such record.');
    const settings = this.settings();
    const callNumber = input.callNumber === undefined ? callNumberFor(rec.ddc, rec.author, rec.title) : input.callNumber;
    const at = this.clock().toISOString();
    const ins = this.db.prepare(
      `INSERT INTO copies (record_id, barcode, accession, collection, reference_only, status, call_number, price, source, added_at)
       VALUES (?, ?, ?, ?, ?, 'on_shelf', ?, ?, ?, ?)`,
    );
    return this.db.transaction(() => {
      const ids: number[] = [];
      const taken = new Set<string>();
      for (let i = 0; i < count; i++) {
        const accession = this.nextAccession(input.collection, taken);
        taken.add(accession);
        if (settings.barcodes === 'accession' && this.db.prepare(`SELECT 1 FROM copies WHERE barcode = ?`).get(accession)) {
          throw new CatalogueError('BARCODE_TAKEN', 409, `Mã vạch ${accession} đã có.`, `Barcode ${accession} is already in use.`);
        }
        const barcode = settings.barcodes === 'accession' ? accession : this.nextLibraryBarcode();
        const info = ins.run(recordId, barcode, accession, input.collection, input.referenceOnly ? 1 : 0, callNumber, input.price ?? null, input.source ?? null, at);
        ids.push(Number(info.lastInsertRowid));
        this.library.recordCopyChanged(barcode);
      }
      return ids.map((id) => this.copy(id)!);
    })();
  }

  /**
   * Changes a copy's status or details. "on_loan" is circulation's to set; a copy that is out
   * must come back (or be declared lost at the desk) before its status changes here.
   */
  updateCopy(copyId: number, patch: CopyPatch): CopyRow {
    return this.db.transaction(() => {
      const cur = this.copy(copyId);
      if (!cur) throw new CatalogueError('NO_COPY', 404, 'Không tìm thấy bản sách.', 'No such copy.');
      if (patch.status !== undefined && patch.status !== cur.status) {
        if (!(COPY_STATUSES as readonly string[]).includes(patch.status)) {
          throw new CatalogueError('BAD_STATUS', 400, `Trạng thái "${patch.status}" không có.`, `Unknown status "${patch.status}".`);
        }
        if (patch.status === 'on_loan') {
          throw new CatalogueError('LOAN_BY_CIRCULATION', 409, 'Chỉ quầy mượn trả mới cho mượn sách.', 'Only circulation lends a copy.');
        }
        if (cur.dueDate !== null) {
          throw new CatalogueError(
            'COPY_ON_LOAN',
            409,
            `Bản ${cur.barcode} đang được mượn: hãy trả sách trước khi đổi trạng thái.`,
            `Copy ${cur.barcode} is on loan: return it before changing its status.`,
          );
        }
      }
      if (patch.collection !== undefined && !(COLLECTIONS as readonly string[]).includes(patch.collection)) {
        throw new CatalogueError('BAD_COLLECTION', 400, `Kho "${patch.collection}" không có.`, `Unknown collection "${patch.collection}".`);
      }
      checkPrice(patch.price);
      if (patch.source !== undefined && patch.source !== null && !(COPY_SOURCES as readonly string[]).includes(patch.source)) {
        throw new CatalogueError('BAD_SOURCE', 400, `Nguồn "${patch.source}" không có.`, `Unknown source "${patch.source}".`);
      }
      const next = { ...cur, ...patch };
      this.db
        .prepare(
          `UPDATE copies SET status = ?, status_note = ?, collection = ?, reference_only = ?, call_number = ?, price = ?, source = ? WHERE id = ?`,
        )
        .run(next.status, next.statusNote, next.collection, next.referenceOnly ? 1 : 0, next.callNumber, next.price, next.source, copyId);
      // The replica holds status, collection and reference-only: tell the stations.
      if (next.status !== cur.status || next.collection !== cur.collection || next.referenceOnly !== cur.referenceOnly) {
        this.library.recordCopyChanged(cur.barcode);
      }
      return this.copy(copyId)!;
    })();
  }

  /** The copies with the facts a spine/barcode label shows, in the order asked (unknown ids skipped). */
  labelCopies(ids: number[]): { barcode: string; accession: string; callNumber: string | null; title: string; author: string | null }[] {
    const stmt = this.db.prepare(
      `SELECT c.barcode, c.accession, c.call_number AS callNumber, r.title, r.author FROM copies c JOIN records r ON r.id = c.record_id WHERE c.id = ?`,
    );
    return ids.flatMap((id) => {
      const r = stmt.get(id) as { barcode: string; accession: string; callNumber: string | null; title: string; author: string | null } | undefined;
      return r ? [r] : [];
    });
  }
}

function checkPrice(price: number | null | undefined): void {
  if (price === undefined || price === null) return;
  if (!Number.isSafeInteger(price) || price < 0) {
    throw new CatalogueError('BAD_PRICE', 400, 'Giá phải là số đồng nguyên, không âm.', 'The price must be a whole, non-negative number of đồng.');
  }
}
