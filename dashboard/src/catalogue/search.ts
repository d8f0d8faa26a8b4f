/**
 * Catalogue search as the librarian types: title, author, subject, ISBN, barcode and accession
 * number, diacritic-insensitive including đ, every word matched as a prefix ("dat rung" finds
 * "Đất rừng phương Nam"). Reads the FTS5 table `catalogue_fts` that migration 8's triggers keep in
 * step with `records`; a scanned barcode or typed accession number is looked up through the copies'
 * unique indexes, exactly first and then as a prefix.
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

/** Matches ordered per keystroke: of a broader match, the first this many (in rowid order) are looked at. */
const CANDIDATES = 100;

/**
 * How well a record answers the typed words: 10 when its title or author opens with them as typed,
 * then per word 3 opening a title word, 2 an author word, 1 elsewhere, +1 for a whole word.
 */
function score(row: { title: string; author: string | null }, want: string[]): number {
  const title = searchTokens(row.title);
  const author = searchTokens(row.author ?? '');
  const typed = want.join(' ');
  let s = title.join(' ').startsWith(typed) || author.join(' ').startsWith(typed) ? 10 : 0;
  for (const w of want) {
    if (title.some((t) => t.startsWith(w))) s += 3 + (title.includes(w) ? 1 : 0);
    else if (author.some((t) => t.startsWith(w))) s += 2 + (author.includes(w) ? 1 : 0);
    else s += 1;
  }
  return s;
}

const collator = new Intl.Collator('vi');
const byTitle = (a: { title: string }, b: { title: string }) => collator.compare(a.title, b.title) || a.title.length - b.title.length;

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
 * The FTS5 MATCH expressions for what was typed: the words as a phrase opening the title or the
 * author ("de m" → "Dế Mèn phiêu lưu ký"), then every word anywhere as a prefix. The last word is a
 * prefix in both, since the librarian is still typing it. Words are folded and contain only letters
 * and digits, so they need no escaping.
 */
export function ftsQueries(q: string): string[] {
  const words = searchTokens(q).slice(0, MAX_WORDS);
  if (words.length === 0) return [];
  // A long run of digits is a number being typed (ISBN, barcode): as a prefix it would expand to every
  // ISBN in the library, so it matches whole words only; codes are found by prefix on their B-trees.
  const star = (w: string) => (/^\d{4,}$/.test(w) ? '' : '*');
  return [`{title author} : ^"${words.join(' ')}"${star(words.at(-1)!)}`, words.map((w) => `"${w}"${star(w)}`).join(' AND ')];
}

/** The broadest of ftsQueries (every word as a prefix, all required), or null for nothing to search. */
export function ftsQuery(q: string): string | null {
  return ftsQueries(q).at(-1) ?? null;
}

export class CatalogueSearch {
  private readonly byBarcode;
  private readonly byAccession;
  private readonly byCodePrefix;
  private readonly byIsbn;
  private readonly byIsbnPrefix;
  private readonly byRowids;
  private readonly titlesOf;
  private readonly matchIds;

  constructor(private readonly db: Db) {
    const copyHit = `SELECT ${RECORD_COLUMNS}, k.id AS copyId, k.barcode AS copyBarcode, k.accession AS copyAccession, k.status AS copyStatus
      FROM copies k JOIN records r ON r.id = k.record_id`;
    this.byBarcode = db.prepare(`${copyHit} WHERE k.barcode = ?`);
    this.byAccession = db.prepare(`${copyHit} WHERE k.accession = ?`);
    // Prefix of a barcode or accession as a range on its unique index: [p, p with its last character + 1).
    this.byCodePrefix = db
      .prepare(
        `SELECT record_id FROM (SELECT record_id FROM copies WHERE barcode >= @from AND barcode < @to LIMIT @lim)
         UNION SELECT record_id FROM (SELECT record_id FROM copies WHERE accession >= @ufrom AND accession < @uto LIMIT @lim) LIMIT @lim`,
      )
      .pluck();
    this.titlesOf = db.prepare(`SELECT id, title, author FROM records WHERE id IN (SELECT value FROM json_each(?))`);
    this.byRowids = db.prepare(`SELECT ${RECORD_COLUMNS} FROM records r WHERE r.id IN (SELECT value FROM json_each(?))`);
    // Unranked: FTS5 walks the doclist in rowid order and stops at the limit, however broad the match.
    this.matchIds = db.prepare(`SELECT rowid FROM catalogue_fts WHERE catalogue_fts MATCH ? LIMIT ?`).pluck();
    const isbnKey = `upper(replace(replace(isbn, '-', ''), ' ', ''))`;
    this.byIsbn = db.prepare(`SELECT id FROM records WHERE ${isbnKey} IN (@a, @b) LIMIT @lim`).pluck();
    this.byIsbnPrefix = db.prepare(`SELECT id FROM records WHERE ${isbnKey} >= @from AND ${isbnKey} < @to LIMIT @lim`).pluck();
  }

  /** The records of ids, in the order of ids. */
  private rows(ids: number[]): RecordRow[] {
    if (ids.length === 0) return [];
    const by = new Map((this.byRowids.all(JSON.stringify(ids)) as RecordRow[]).map((r) => [r.id, r]));
    return ids.flatMap((id) => by.get(id) ?? []);
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

    // A barcode or accession being typed (letters, digits, . - /; at least one digit): copies whose code starts so.
    if (out.length === 0 && code.length >= 3 && /\d/.test(code) && /^[\p{L}\p{N}./-]+$/u.test(code)) {
      const next = (p: string) => p.slice(0, -1) + String.fromCharCode(p.charCodeAt(p.length - 1) + 1);
      const up = code.toUpperCase();
      const ids = this.byCodePrefix.all({ from: code, to: next(code), ufrom: up, uto: next(up), lim: lim + 1 }) as number[];
      for (const row of this.rows(ids)) add(row, /^\d+$/.test(code) ? 'barcode' : 'accession');
    }

    // 2. An ISBN with or without hyphens: whole (as ISBN-13 or ISBN-10, either spelling in the records), or its beginning as typed.
    const isbn = normalizeIsbn(q);
    const digits = q.replace(/[\s\u2010-\u2015-]/g, '').toUpperCase();
    if (isbn) {
      const ids = this.byIsbn.all({ a: isbn, b: isbn10Of(isbn)?.toUpperCase() ?? isbn, lim }) as number[];
      for (const row of this.rows(ids)) add(row, 'isbn');
    } else if (/^97[89]\d{1,10}$/.test(digits) || /^\d{4,9}$/.test(digits)) {
      const to = digits.slice(0, -1) + String.fromCharCode(digits.charCodeAt(digits.length - 1) + 1);
      for (const row of this.rows(this.byIsbnPrefix.all({ from: digits, to, lim: lim + 1 }) as number[])) add(row, 'isbn');
    }

    // 3. Words as prefixes. Digits typed with ISBN hyphens ("978-604-0") are one number.
    const text = /^[\d\s\u2010-\u2015-]+[\dxX]?$/.test(q) && /[-\u2010-\u2015]/.test(q) ? q.replace(/[\s\u2010-\u2015-]/g, '') : q;
    let more = false;
    const queries = ftsQueries(text);
    if (queries.length > 0) {
      const [start, words] = queries as [string, string];
      const want = searchTokens(text).slice(0, MAX_WORDS);
      // Every word anywhere: the first CANDIDATES matches, ordered by a per-row score in JS (FTS5's
      // bm25 must first count every document holding each term, which for a word in every record,
      // such as a publisher, costs more than a keystroke).
      const ids = this.matchIds.all(words, CANDIDATES) as number[];
      // When that was not every match, the typed phrase opening a title or author ("de m" → "Dế Mèn
      // phiêu lưu ký") is looked up on its own and comes first, by title.
      if (ids.length >= CANDIDATES) {
        for (const row of this.rows(this.matchIds.all(start, lim + 1) as number[]).sort(byTitle)) add(row, 'text');
      }
      if (out.length <= lim && ids.length > 0) {
        const light = this.titlesOf.all(JSON.stringify(ids)) as { id: number; title: string; author: string | null }[];
        const scored = light.map((row) => ({ row, score: score(row, want) }));
        scored.sort((a, b) => b.score - a.score || collator.compare(a.row.title, b.row.title) || a.row.id - b.row.id);
        for (const row of this.rows(scored.slice(0, lim + 1).map((x) => x.row.id))) add(row, 'text');
      }
      more = ids.length > lim;
    }
    return { query: q, hits: out.slice(0, lim), more: more || out.length > lim };
  }
}
