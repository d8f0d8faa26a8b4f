/**
 * Catalogue search as the librarian types: title, author, subject, ISBN, barcode and accession
 * number, diacritic-insensitive including đ, every word matched as a prefix ("dat rung" finds
 * "Đất rừng phương Nam"). Reads the FTS5 table `catalogue_fts` that migration 8's triggers keep in
 * step with `records` and `copies`; a scanned barcode or typed accession number is looked up
 * exactly first, through the copies' unique indexes.
 */
import type { Db } from '#core/node/sqlite.ts';
import { searchTokens } from '#core/fold.ts';
import { normalizeIsbn } from '#core/ids.ts';

export type MatchKind = 'barcode' | 'accession' | 'isbn' | 'text';

export interface SearchHit {
  id: number;
  title: string;
  author: string | null;
  year: string | null;
  isbn: string | null;
  ddc: string | null;
  /** Copies of the record, and how many of them are on the shelf. */
  copies: number;
  available: number;
  match: MatchKind;
  /** For a barcode/accession match: the copy that was scanned or typed. */
  copy?: { id: number; barcode: string; accession: string; status: string };
}

export interface SearchResult {
  query: string;
  hits: SearchHit[];
  /** True when more records matched than `limit`. */
  more: boolean;
}

/** Longest query looked at, in characters: a pasted paragraph is cut, not an error. */
export const MAX_QUERY = 200;
/** Words looked at; more only narrow the result further. */
const MAX_WORDS = 12;

const RECORD_COLUMNS = `r.id, r.title, r.author, r.year, r.isbn, r.ddc,
  (SELECT COUNT(*) FROM copies c WHERE c.record_id = r.id) AS copies,
  (SELECT COUNT(*) FROM copies c WHERE c.record_id = r.id AND c.status = 'on_shelf') AS available`;

type RecordRow = Omit<SearchHit, 'match' | 'copy'>;

/** The ISBN-10 spelling of a 978 ISBN-13 (as older records store it), or null. */
function isbn10Of(isbn13: string): string | null {
  if (!isbn13.startsWith('978')) return null;
  const body = isbn13.slice(3, 12);
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(body[i]) * (10 - i);
  const check = (11 - (sum % 11)) % 11;
  return `${body}${check === 10 ? 'x' : String(check)}`;
}

/**
 * The FTS5 MATCH expressions for what was typed, most exact first: the words as a phrase opening
 * the title or the author ("de m" → "Dế Mèn phiêu lưu ký"), the phrase anywhere in them, then every
 * word anywhere as a prefix. The last word is a prefix in each, since the librarian is still typing
 * it. Words are folded and contain only letters and digits, so they need no escaping.
 */
export function ftsQueries(q: string): string[] {
  const words = searchTokens(q).slice(0, MAX_WORDS);
  if (words.length === 0) return [];
  const phrase = `"${words.join(' ')}"*`;
  return [`{title author} : ^${phrase}`, `{title author} : ${phrase}`, words.map((w) => `"${w}"*`).join(' AND ')];
}

/** The broadest of ftsQueries (every word as a prefix, all required), or null for nothing to search. */
export function ftsQuery(q: string): string | null {
  return ftsQueries(q).at(-1) ?? null;
}

export class CatalogueSearch {
  private readonly byBarcode;
  private readonly byAccession;
  private readonly byIds;
  private readonly byFts;
  private readonly byCodes;

  constructor(private readonly db: Db) {
    const copyHit = `SELECT ${RECORD_COLUMNS}, k.id AS copyId, k.barcode AS copyBarcode, k.accession AS copyAccession, k.status AS copyStatus
      FROM copies k JOIN records r ON r.id = k.record_id`;
    this.byBarcode = db.prepare(`${copyHit} WHERE k.barcode = ?`);
    this.byAccession = db.prepare(`${copyHit} WHERE k.accession = ?`);
    this.byIds = db.prepare(`SELECT ${RECORD_COLUMNS} FROM records r WHERE r.id = ?`);
    // Rank inside FTS5 and cut to the page first, then join: the join never sees every match.
    this.byFts = db.prepare(
      `SELECT ${RECORD_COLUMNS} FROM (SELECT rowid, rank FROM catalogue_fts WHERE catalogue_fts MATCH ? ORDER BY rank LIMIT ?) f
       JOIN records r ON r.id = f.rowid ORDER BY f.rank, r.id`,
    );
    this.byCodes = db.prepare(`SELECT rowid FROM catalogue_fts WHERE catalogue_fts MATCH ? LIMIT ?`);
  }

  /** Up to `limit` (default 20, at most 100) records for what the librarian typed or scanned; an empty query finds nothing. */
  search(query: string, limit = 20): SearchResult {
    const q = query.normalize('NFC').slice(0, MAX_QUERY).trim();
    const lim = Math.min(Math.max(Math.trunc(limit) || 20, 1), 100);
    const out: SearchHit[] = [];
    const seen = new Set<number>();
    const add = (row: RecordRow, match: MatchKind, copy?: SearchHit['copy']) => {
      if (seen.has(row.id)) return;
      seen.add(row.id);
      out.push({ ...row, match, ...(copy ? { copy } : {}) });
    };
    if (q === '') return { query: q, hits: [], more: false };

    // 1. A scanned barcode or a typed accession number: that copy's record, first.
    const code = q.replace(/\s+/g, '');
    for (const [stmt, kind, value] of [
      [this.byBarcode, 'barcode', code],
      [this.byAccession, 'accession', code],
      [this.byAccession, 'accession', code.toUpperCase()],
    ] as const) {
      const r = stmt.get(value) as (RecordRow & { copyId: number; copyBarcode: string; copyAccession: string; copyStatus: string }) | undefined;
      if (r) {
        const { copyId, copyBarcode, copyAccession, copyStatus, ...rec } = r;
        add(rec, kind, { id: copyId, barcode: copyBarcode, accession: copyAccession, status: copyStatus });
        break;
      }
    }

    // 2. A whole ISBN, with or without hyphens, as ISBN-10 or ISBN-13: either spelling in the records.
    const isbn = normalizeIsbn(q);
    if (isbn) {
      const forms = [isbn, isbn10Of(isbn)].filter((x): x is string => x !== null);
      const match = `codes : (${forms.map((f) => `"${f.toLowerCase()}"`).join(' OR ')})`;
      for (const { rowid } of this.byCodes.all(match, lim) as { rowid: number }[]) {
        const row = this.byIds.get(rowid) as RecordRow | undefined;
        if (row) add(row, 'isbn');
      }
    }

    // 3. Words as prefixes. Digits typed with ISBN hyphens ("978-604-0") are one number.
    const text = /^[\d\s\u2010-\u2015-]+[\dxX]?$/.test(q) && /[-\u2010-\u2015]/.test(q) ? q.replace(/[\s\u2010-\u2015-]/g, '') : q;
    let more = false;
    for (const fts of ftsQueries(text)) {
      if (out.length > lim) break;
      const rows = this.byFts.all(fts, lim + 1) as RecordRow[];
      for (const row of rows) add(row, 'text');
      // The broadest query decides whether there is more than a page.
      more = rows.length > lim;
    }
    return { query: q, hits: out.slice(0, lim), more: more || out.length > lim };
  }
}
