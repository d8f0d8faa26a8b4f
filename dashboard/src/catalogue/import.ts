/**
 * Catalogue import: MARC 21 files (ISO 2709 in UTF-8 or MARC-8, or MARCXML) into the school
 * database, with a report a librarian can act on.
 *
 * - Reading is permissive (core/marc): a bad record is reported with its number and byte offset
 *   (and line, for MARCXML) and a reason in Vietnamese and English; the rest of the file is read.
 * - Each record is stored as UTF-8 ISO 2709 in NFC (records.marc); when the bytes it came from
 *   differ (a MARC-8 record, a repaired one) they are kept too (records.marc_source).
 * - An existing record is matched by control number (001), then by ISBN, and updated; otherwise
 *   it is inserted. Copies come from the holdings fields (952, else 852): barcode, accession
 *   number, call number, price. Each new or changed copy is written to `changes`, so the stations'
 *   replicas learn it.
 * - Records are written in batches, one transaction each, so cancelling (AbortSignal) or a crash
 *   never leaves half a record; progress is reported after each batch; the run and its report are
 *   kept in `import_runs`.
 */
import type { Db } from '#core/node/sqlite.ts';
import { foldVietnamese } from '#core/fold.ts';
import type { Collection } from '#core/policy.ts';
import { dataFields, readIso2709, type MarcReadResult, type MarcRecord } from '#core/marc/iso2709.ts';
import { readMarcXml } from '#core/marc/marcxml.ts';
import { bibSummary } from '#core/marc/summary.ts';
import { MarcWriteError, writeIso2709 } from '#core/marc/write.ts';

export type MarcFormat = 'iso2709' | 'marcxml';

export interface ImportProblem {
  /** 1-based number of the record in the file, counting every record, good or bad. */
  record: number;
  /** Byte offset of the record's first byte in the file. */
  offset: number;
  /** Line of the record's start, for MARCXML. */
  line?: number;
  /** 'error': the record was not imported; 'warning': it was, after the repair described. */
  severity: 'error' | 'warning';
  vi: string;
  en: string;
  controlNumber?: string;
  title?: string;
}

export interface ImportProgress {
  runId: number;
  /** Records found in the file (good and bad). */
  total: number;
  /** Records handled so far (imported, updated or rejected). */
  done: number;
  imported: number;
  updated: number;
  rejected: number;
}

export interface ImportReport {
  runId: number;
  file: string | null;
  format: MarcFormat;
  status: 'done' | 'cancelled' | 'failed';
  /** Records found in the file, good and bad. */
  read: number;
  imported: number;
  updated: number;
  rejected: number;
  /** Records not handled because the import was cancelled. */
  notProcessed: number;
  copiesAdded: number;
  copiesUpdated: number;
  warnings: number;
  problems: ImportProblem[];
  startedAt: string;
  finishedAt: string;
}

export interface ImportOptions {
  fileName?: string;
  /** Detected from the content when not given. */
  format?: MarcFormat;
  /** Records per transaction (default 200). */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
  clock?: () => Date;
  /** Who started it (account name, "cli"). */
  byUser?: string;
}

/** MARCXML when the first thing after a BOM and blanks is "<", ISO 2709 otherwise. */
export function detectFormat(bytes: Uint8Array): MarcFormat {
  let k = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) k = 3;
  while (k < bytes.length && (bytes[k] === 0x20 || bytes[k] === 0x0a || bytes[k] === 0x0d || bytes[k] === 0x09)) k++;
  return bytes[k] === 0x3c ? 'marcxml' : 'iso2709';
}

export function readMarcFile(bytes: Uint8Array, format: MarcFormat = detectFormat(bytes)): MarcReadResult & { format: MarcFormat } {
  return { ...(format === 'marcxml' ? readMarcXml(bytes) : readIso2709(bytes)), format };
}

/** ISBN reduced to digits and X, for matching "978-604-..." with "978604...". */
export function normaliseIsbn(s: string | null | undefined): string | null {
  if (!s) return null;
  const n = s.replace(/[^0-9Xx]/g, '').toUpperCase();
  return n.length === 10 || n.length === 13 ? n : null;
}

const SUBJECT_TAGS = new Set(['600', '610', '611', '630', '650', '651', '655']);

/** Subject words of a record (6XX $a, $v, $x, $y, $z), for the search text. */
function subjectText(rec: MarcRecord): string {
  const out: string[] = [];
  for (const f of rec.fields) {
    if (!SUBJECT_TAGS.has(f.tag) || !('subfields' in f)) continue;
    for (const sf of f.subfields) if ('avxyz'.includes(sf.code)) out.push(sf.value);
  }
  return out.join(' ');
}

/** What a record is indexed by for search: folded title, author, publisher, ISBN (as the seed does), and its subjects. */
export function recordSearchText(
  s: { title: string; author: string | null; publisher: string | null; isbn: string | null },
  subjects = '',
): string {
  return foldVietnamese([s.title, s.author, s.publisher, s.isbn, subjects].filter(Boolean).join(' '));
}

/**
 * Collection codes schools put in 952 $8 (Koha collection), $y (item type) or $c (location),
 * as Vietnamese school registers name them. Anything else is "general".
 */
const COLLECTION_CODES: [RegExp, Collection][] = [
  [/^(SGK|TEXTBOOK|TB)$/i, 'textbook'],
  [/^(TN|THIEUNHI|STN|CHILDREN|JUV)$/i, 'children'],
  [/^(STK|TK|REF|REFERENCE)$/i, 'reference'],
  [/^(SNV|NV|GV|TEACHER)$/i, 'teacher'],
  [/^(BC|TC|BAO|PER|PERIODICAL|SERIAL)$/i, 'periodical'],
];

function collectionOf(codes: (string | undefined)[]): Collection {
  for (const c of codes) {
    if (!c) continue;
    for (const [re, col] of COLLECTION_CODES) if (re.test(c.trim())) return col;
  }
  return 'general';
}

interface CopyIn {
  barcode: string;
  accession: string;
  callNumber: string | null;
  price: number | null;
  collection: Collection;
}

function sub(rec: MarcRecord, tag: string, barcode: string, codes: string[]): (string | undefined)[] {
  for (const f of dataFields(rec, tag)) {
    if (f.subfields.find((s) => s.code === 'p')?.value.trim() !== barcode) continue;
    return codes.map((c) => f.subfields.find((s) => s.code === c)?.value.trim() || undefined);
  }
  return codes.map(() => undefined);
}

/** "50000", "50.000 đ", "50,000 VND" → 50000; anything without digits → null. */
export function parsePrice(s: string | undefined): number | null {
  if (!s) return null;
  const digits = s.replace(/[.,\s](?=\d{3}(\D|$))/g, '').match(/\d+/);
  return digits ? Number(digits[0]) : null;
}

function copiesOf(rec: MarcRecord, holdings: { barcode: string; accession?: string; callNumber?: string }[], ddc: string | null): CopyIn[] {
  return holdings.map((h) => {
    const [g, v, c8, y, c] = sub(rec, '952', h.barcode, ['g', 'v', '8', 'y', 'c']);
    return {
      barcode: h.barcode,
      accession: h.accession ?? h.barcode,
      callNumber: h.callNumber ?? ddc,
      price: parsePrice(g) ?? parsePrice(v),
      collection: collectionOf([c8, y, c]),
    };
  });
}

const UNTITLED = '[Không có nhan đề / Untitled]';

/** Imports a MARC file. Never throws for bad data: everything goes into the report. */
export async function importMarc(db: Db, bytes: Uint8Array, o: ImportOptions = {}): Promise<ImportReport> {
  const clock = o.clock ?? (() => new Date());
  const startedAt = clock().toISOString();
  const format = o.format ?? detectFormat(bytes);
  const runId = Number(
    db
      .prepare(`INSERT INTO import_runs (kind, file_name, format, started_at, status, by_user) VALUES ('marc', ?, ?, ?, 'running', ?)`)
      .run(o.fileName ?? null, format, startedAt, o.byUser ?? null).lastInsertRowid,
  );
  const report: ImportReport = {
    runId,
    file: o.fileName ?? null,
    format,
    status: 'done',
    read: 0,
    imported: 0,
    updated: 0,
    rejected: 0,
    notProcessed: 0,
    copiesAdded: 0,
    copiesUpdated: 0,
    warnings: 0,
    problems: [],
    startedAt,
    finishedAt: startedAt,
  };
  const saveRun = db.prepare(
    `UPDATE import_runs SET status = ?, finished_at = ?, read = ?, imported = ?, updated = ?, rejected = ?, copies_added = ?, warnings = ?, report = ? WHERE id = ?`,
  );
  const save = (status: 'running' | ImportReport['status']): void => {
    saveRun.run(
      status,
      status === 'running' ? null : report.finishedAt,
      report.read,
      report.imported,
      report.updated,
      report.rejected,
      report.copiesAdded,
      report.warnings,
      JSON.stringify({ problems: report.problems, copiesUpdated: report.copiesUpdated, notProcessed: report.notProcessed }),
      runId,
    );
  };

  let parsed: MarcReadResult;
  try {
    parsed = readMarcFile(bytes, format);
  } catch (err) {
    report.status = 'failed';
    report.problems.push({
      record: 0,
      offset: 0,
      severity: 'error',
      vi: `không đọc được tệp: ${(err as Error).message}`,
      en: `the file could not be read: ${(err as Error).message}`,
    });
    report.finishedAt = clock().toISOString();
    save('failed');
    return report;
  }

  // Reader problems by record index; rejected records are counted from them.
  const byIndex = new Map<number, ImportProblem[]>();
  let maxIndex = -1;
  for (const p of parsed.errors) {
    const ip: ImportProblem = { record: p.index + 1, offset: p.offset, severity: p.severity, vi: p.reasonVi, en: p.reason };
    if (p.line !== undefined) ip.line = p.line;
    byIndex.set(p.index, [...(byIndex.get(p.index) ?? []), ip]);
    maxIndex = Math.max(maxIndex, p.index);
  }
  for (const rec of parsed.records) maxIndex = Math.max(maxIndex, rec.source!.index);
  report.read = maxIndex + 1;
  const rejectedIdx = new Set(parsed.errors.filter((p) => p.severity === 'error').map((p) => p.index));

  // Work list in file order: accepted records, and rejected ones (reported as they come).
  type Item = { index: number; rec?: MarcRecord };
  const items: Item[] = [];
  const recByIndex = new Map(parsed.records.map((r) => [r.source!.index, r]));
  for (let i = 0; i <= maxIndex; i++) {
    const rec = recByIndex.get(i);
    if (rec) items.push({ index: i, rec });
    else if (rejectedIdx.has(i)) items.push({ index: i });
  }

  const byControl = new Map<string, number>();
  const byIsbn = new Map<string, number>();
  for (const row of db.prepare(`SELECT id, control_number AS cn, isbn FROM records`).iterate() as Iterable<{ id: number; cn: string | null; isbn: string | null }>) {
    if (row.cn) byControl.set(row.cn, row.id);
    const n = normaliseIsbn(row.isbn);
    if (n) byIsbn.set(n, row.id);
  }
  const insRecord = db.prepare(
    `INSERT INTO records (control_number, title, author, publisher, year, isbn, ddc, search_text, marc, marc_source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const updRecord = db.prepare(
    `UPDATE records SET control_number = COALESCE(?, control_number), title = ?, author = ?, publisher = ?, year = ?, isbn = ?, ddc = ?, search_text = ?, marc = ?, marc_source = ? WHERE id = ?`,
  );
  const copyByBarcode = db.prepare(`SELECT id, record_id AS recordId, accession, collection, reference_only AS referenceOnly, status FROM copies WHERE barcode = ?`);
  const copyByAccession = db.prepare(`SELECT id FROM copies WHERE accession = ?`);
  const insCopy = db.prepare(
    `INSERT INTO copies (record_id, barcode, accession, collection, call_number, price) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const updCopy = db.prepare(`UPDATE copies SET call_number = COALESCE(?, call_number), price = COALESCE(?, price) WHERE id = ?`);
  const addChange = db.prepare(`INSERT INTO changes (entity, key, data) VALUES ('item', ?, ?)`);
  const titleOf = db.prepare(`SELECT title FROM records WHERE id = ?`);

  const source = (rec: MarcRecord): Uint8Array | null =>
    format === 'iso2709' && rec.source ? bytes.subarray(rec.source.offset, rec.source.offset + rec.source.length) : null;

  const importOne = (item: Item): void => {
    const problems = byIndex.get(item.index) ?? [];
    const rec = item.rec;
    if (!rec) {
      report.rejected++;
      report.problems.push(...problems);
      return;
    }
    const s = bibSummary(rec);
    const cn = s.controlNumber ?? null;
    const tag = (p: ImportProblem): ImportProblem => ({ ...p, ...(cn ? { controlNumber: cn } : {}), ...(s.title ? { title: s.title } : {}) });
    const where = { record: item.index + 1, offset: rec.source?.offset ?? 0, ...(problems[0]?.line !== undefined ? { line: problems[0].line } : {}) };
    let marc: Uint8Array;
    try {
      marc = writeIso2709(rec);
    } catch (err) {
      if (!(err instanceof MarcWriteError)) throw err;
      report.rejected++;
      report.problems.push(...problems.map(tag), tag({ ...where, severity: 'error', vi: err.reason.vi, en: err.reason.en }));
      return;
    }
    const orig = source(rec);
    const marcSource = orig && Buffer.compare(Buffer.from(orig), Buffer.from(marc)) !== 0 ? Buffer.from(orig) : null;
    const title = s.title || UNTITLED;
    if (!s.title) {
      problems.push({ ...where, severity: 'warning', vi: 'biểu ghi không có nhan đề (trường 245); đã ghi tạm là "Không có nhan đề"', en: 'the record has no title (field 245); it was stored as "Untitled"' });
    }
    const isbnKey = normaliseIsbn(s.isbn);
    const existing = (cn ? byControl.get(cn) : undefined) ?? (isbnKey ? byIsbn.get(isbnKey) : undefined);
    const search = recordSearchText({ ...s, title }, subjectText(rec));
    const values = [title, s.author, s.publisher, s.year, s.isbn, s.ddc, search, Buffer.from(marc), marcSource] as const;
    let recordId: number;
    if (existing !== undefined) {
      updRecord.run(cn, ...values, existing);
      recordId = existing;
      report.updated++;
    } else {
      recordId = Number(insRecord.run(cn, ...values).lastInsertRowid);
      report.imported++;
    }
    if (cn) byControl.set(cn, recordId);
    if (isbnKey) byIsbn.set(isbnKey, recordId);

    for (const c of copiesOf(rec, s.holdings, s.ddc)) {
      const have = copyByBarcode.get(c.barcode) as { id: number; recordId: number; collection: string; referenceOnly: number; status: string } | undefined;
      if (have) {
        if (have.recordId !== recordId) {
          const other = (titleOf.get(have.recordId) as { title: string } | undefined)?.title ?? '?';
          problems.push({
            ...where,
            severity: 'warning',
            vi: `mã vạch ${c.barcode} đã thuộc về một bản sách của "${other}"; bản này không được thêm`,
            en: `barcode ${c.barcode} already belongs to a copy of "${other}"; this copy was not added`,
          });
          continue;
        }
        updCopy.run(c.callNumber, c.price, have.id);
        report.copiesUpdated++;
        continue;
      }
      if (copyByAccession.get(c.accession)) {
        problems.push({
          ...where,
          severity: 'warning',
          vi: `số đăng ký cá biệt ${c.accession} (mã vạch ${c.barcode}) đã được dùng cho bản sách khác; bản này không được thêm`,
          en: `accession number ${c.accession} (barcode ${c.barcode}) is already used by another copy; this copy was not added`,
        });
        continue;
      }
      insCopy.run(recordId, c.barcode, c.accession, c.collection, c.callNumber, c.price);
      addChange.run(c.barcode, JSON.stringify({ barcode: c.barcode, title, collection: c.collection, referenceOnly: false, status: 'on_shelf' }));
      report.copiesAdded++;
    }
    const tagged = problems.map(tag);
    report.warnings += tagged.filter((p) => p.severity === 'warning').length;
    report.problems.push(...tagged);
  };

  const batchSize = Math.max(1, o.batchSize ?? 200);
  let done = 0;
  const progress = (): void =>
    o.onProgress?.({ runId, total: items.length, done, imported: report.imported, updated: report.updated, rejected: report.rejected });
  try {
    progress();
    for (let from = 0; from < items.length; from += batchSize) {
      if (o.signal?.aborted) {
        report.status = 'cancelled';
        report.notProcessed = items.length - from;
        break;
      }
      const batch = items.slice(from, from + batchSize);
      // Counters are restored when a batch fails, so the report matches the database.
      const before = { ...report, problems: report.problems.length };
      try {
        db.transaction(() => {
          for (const item of batch) {
            // A savepoint per record: a record the database refuses is rejected alone.
            const mark = { ...report, problems: report.problems.length };
            try {
              db.transaction(() => importOne(item))();
            } catch (err) {
              Object.assign(report, { ...mark, problems: report.problems.slice(0, mark.problems) });
              report.rejected++;
              const rec = item.rec;
              report.problems.push({
                record: item.index + 1,
                offset: rec?.source?.offset ?? 0,
                severity: 'error',
                vi: `cơ sở dữ liệu không nhận biểu ghi này: ${(err as Error).message}`,
                en: `the database refused this record: ${(err as Error).message}`,
              });
            }
          }
          save('running');
        })();
      } catch (err) {
        Object.assign(report, { ...before, problems: report.problems.slice(0, before.problems) });
        throw err;
      }
      done += batch.length;
      progress();
      // Let the server answer requests (and a cancel) between batches.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } catch (err) {
    report.status = 'failed';
    report.notProcessed = items.length - done;
    report.problems.push({
      record: 0,
      offset: 0,
      severity: 'error',
      vi: `nhập dữ liệu bị dừng do lỗi: ${(err as Error).message}`,
      en: `the import stopped on an error: ${(err as Error).message}`,
    });
  }
  report.finishedAt = clock().toISOString();
  save(report.status);
  return report;
}

/** A run as stored, for the dashboard's history of imports. */
export function importRuns(db: Db, limit = 20): Record<string, unknown>[] {
  return db
    .prepare(
      `SELECT id, kind, file_name AS fileName, format, started_at AS startedAt, finished_at AS finishedAt, status, read, imported, updated, rejected, copies_added AS copiesAdded, warnings, by_user AS byUser
       FROM import_runs ORDER BY id DESC LIMIT ?`,
    )
    .all(limit) as Record<string, unknown>[];
}
