/**
 * Browsing the catalogue by the Dewey Decimal Classification: the 10 main classes with their
 * Vietnamese captions, how many records and copies each holds, its divisions (the second digit)
 * and the records in a class or division. A record's class is read from the leading digits of its
 * DDC number (records.ddc, from MARC 082 $a); a record without one counts as unclassified.
 *
 * The captions are the bundled dashboard/seed-data/ddc/ddc_main_classes_vi.json (see
 * DATA-SOURCES.md). The division captions of DDC are not in that file, so divisions show by number.
 */
import { readFileSync } from 'node:fs';
import type { Db } from '#core/node/sqlite.ts';

const DATA = new URL('../../seed-data/ddc/ddc_main_classes_vi.json', import.meta.url);

export interface DdcClassName {
  /** "000", "100", … "900". */
  code: string;
  vi: string;
  en: string;
}

/** English captions of the 10 main classes (DDC summaries, first summary). */
const EN: Record<string, string> = {
  '000': 'Computer science, information and general works',
  '100': 'Philosophy and psychology',
  '200': 'Religion',
  '300': 'Social sciences',
  '400': 'Language',
  '500': 'Science',
  '600': 'Technology',
  '700': 'Arts and recreation',
  '800': 'Literature',
  '900': 'History and geography',
};

function loadClasses(): DdcClassName[] {
  const raw = JSON.parse(readFileSync(DATA, 'utf8')) as { main_classes_vi: Record<string, string> };
  // Not Object.keys(EN): "100"…"900" are integer-like keys and would come before "000".
  return ['000', '100', '200', '300', '400', '500', '600', '700', '800', '900'].map((code) => {
    const vi = raw.main_classes_vi[code];
    if (!vi) throw new Error(`ddc_main_classes_vi.json has no caption for class ${code}`);
    return { code, vi, en: EN[code]! };
  });
}

export const DDC_CLASSES: readonly DdcClassName[] = loadClasses();

export interface DdcCount extends DdcClassName {
  records: number;
  copies: number;
}

export interface DdcDivisionCount {
  /** "890", "810", … */
  code: string;
  records: number;
  copies: number;
}

export interface DdcOverview {
  classes: DdcCount[];
  /** Records with no DDC number (or one that does not start with three digits). */
  unclassified: { records: number; copies: number };
}

export interface DdcRecordRow {
  id: number;
  title: string;
  author: string | null;
  year: string | null;
  ddc: string | null;
  copies: number;
  available: number;
}

/** The main class ("800") of a DDC number such as "895.9223" or "895.9223 TOH"; null when it does not start with three digits. */
export function mainClassOf(ddc: string | null | undefined): string | null {
  const m = /^\s*(\d)\d\d/.exec(ddc ?? '');
  return m ? `${m[1]}00` : null;
}

/**
 * Parses what the browse URL names: a main class ("8", "800") or a division ("89", "890").
 * Returns the DDC string range [from, to) that covers it, or null when it names neither.
 */
export function ddcRange(code: string): { kind: 'class' | 'division'; code: string; from: string; to: string } | null {
  const s = code.trim();
  let m = /^(\d)(?:00)?$/.exec(s);
  if (m) {
    const d = Number(m[1]);
    return { kind: 'class', code: `${d}00`, from: `${d}00`, to: d === 9 ? ':' : `${d + 1}00` };
  }
  m = /^(\d)(\d)0?$/.exec(s);
  if (m) {
    const n = Number(`${m[1]}${m[2]}`);
    return { kind: 'division', code: `${n}0`.padStart(3, '0'), from: `${n}0`.padStart(3, '0'), to: n === 99 ? ':' : `${n + 1}0`.padStart(3, '0') };
  }
  return null;
}

// A classified number opens with three digits; ':' sorts right after '9', closing the 900 range.
const CLASSIFIED = `ddc GLOB '[0-9][0-9][0-9]*'`;

/** Records and copies per main class (all 10, zeros included) and the unclassified rest. */
export function ddcOverview(db: Db): DdcOverview {
  const rows = db
    .prepare(
      `SELECT substr(r.ddc, 1, 1) AS d, COUNT(DISTINCT r.id) AS records, COUNT(c.id) AS copies
       FROM records r LEFT JOIN copies c ON c.record_id = r.id
       WHERE r.${CLASSIFIED} GROUP BY d`,
    )
    .all() as { d: string; records: number; copies: number }[];
  const by = new Map(rows.map((r) => [`${r.d}00`, r]));
  const un = db
    .prepare(
      `SELECT COUNT(DISTINCT r.id) AS records, COUNT(c.id) AS copies
       FROM records r LEFT JOIN copies c ON c.record_id = r.id
       WHERE r.ddc IS NULL OR NOT r.${CLASSIFIED}`,
    )
    .get() as { records: number; copies: number };
  return {
    classes: DDC_CLASSES.map((c) => ({ ...c, records: by.get(c.code)?.records ?? 0, copies: by.get(c.code)?.copies ?? 0 })),
    unclassified: un,
  };
}

/** The divisions of a main class that hold records, with their counts, in order. */
export function ddcDivisions(db: Db, mainClass: string): DdcDivisionCount[] {
  const range = ddcRange(mainClass);
  if (!range || range.kind !== 'class') return [];
  return db
    .prepare(
      `SELECT substr(r.ddc, 1, 2) || '0' AS code, COUNT(DISTINCT r.id) AS records, COUNT(c.id) AS copies
       FROM records r LEFT JOIN copies c ON c.record_id = r.id
       WHERE r.ddc >= ? AND r.ddc < ? AND r.${CLASSIFIED} GROUP BY code ORDER BY code`,
    )
    .all(range.from, range.to) as DdcDivisionCount[];
}

/** Records in a main class or division, by DDC number then title; `limit` default 50, at most 500. */
export function ddcRecords(db: Db, code: string, limit = 50, offset = 0): { total: number; records: DdcRecordRow[] } | null {
  const range = ddcRange(code);
  if (!range) return null;
  const lim = Math.min(Math.max(Math.trunc(limit) || 50, 1), 500);
  const off = Math.max(Math.trunc(offset) || 0, 0);
  const where = `r.ddc >= @from AND r.ddc < @to AND r.${CLASSIFIED}`;
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM records r WHERE ${where}`).get({ from: range.from, to: range.to }) as { n: number }).n;
  const records = db
    .prepare(
      `SELECT r.id, r.title, r.author, r.year, r.ddc,
              (SELECT COUNT(*) FROM copies c WHERE c.record_id = r.id) AS copies,
              (SELECT COUNT(*) FROM copies c WHERE c.record_id = r.id AND c.status = 'on_shelf') AS available
       FROM records r WHERE ${where} ORDER BY r.ddc, r.title, r.id LIMIT @lim OFFSET @off`,
    )
    .all({ from: range.from, to: range.to, lim, off }) as DdcRecordRow[];
  return { total, records };
}
