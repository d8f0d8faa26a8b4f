/**
 * Catalogue export as ISO 2709 (UTF-8, or MARC-8 on request) or MARCXML (slim namespace), record by record, so a large
 * catalogue streams without being held in memory. Each record is the stored MARC (records.marc,
 * read back with the same permissive reader); a record that has no stored MARC (entered by hand)
 * is built from its columns.
 */
import type { Db } from '#core/node/sqlite.ts';
import { readIso2709, type MarcField, type MarcRecord } from '#core/marc/iso2709.ts';
import { MARCXML_HEAD, MARCXML_TAIL, marcXmlRecord } from '#core/marc/marcxml.ts';
import { writeIso2709 } from '#core/marc/write.ts';

export type ExportFormat = 'iso2709' | 'marcxml';

interface Row {
  id: number;
  control_number: string | null;
  title: string;
  author: string | null;
  publisher: string | null;
  year: string | null;
  isbn: string | null;
  ddc: string | null;
  marc: Uint8Array | null;
}

/** A minimal MARC 21 record from the catalogue columns. */
export function recordFromColumns(r: Omit<Row, 'marc' | 'id'>): MarcRecord {
  const fields: MarcField[] = [];
  const df = (tag: string, ind: string, subs: [string, string | null][]): void => {
    const s = subs.filter((x): x is [string, string] => x[1] !== null && x[1] !== '').map(([code, value]) => ({ code, value }));
    if (s.length) fields.push({ tag, ind1: ind[0]!, ind2: ind[1]!, subfields: s });
  };
  if (r.control_number) fields.push({ tag: '001', value: r.control_number });
  df('020', '  ', [['a', r.isbn]]);
  df('082', '04', [['a', r.ddc]]);
  df('100', '1 ', [['a', r.author]]);
  df('245', r.author ? '10' : '00', [['a', r.title]]);
  df('264', ' 1', [
    ['b', r.publisher],
    ['c', r.year],
  ]);
  return { leader: '00000nam a2200000 i 4500', fields };
}

export interface ExportProblem {
  recordId: number;
  vi: string;
  en: string;
}

/**
 * Yields the export file in pieces (bytes). `problems` collects records that could not be
 * written (their stored MARC is unreadable); they are left out and named.
 */
export function* exportCatalogue(
  db: Db,
  format: ExportFormat,
  problems: ExportProblem[] = [],
  /** ISO 2709 only: 'marc8' for systems that read nothing else (leader/09 blank). */
  encoding: 'utf8' | 'marc8' = 'utf8',
): Generator<Uint8Array> {
  const enc = new TextEncoder();
  if (format === 'marcxml') yield enc.encode(MARCXML_HEAD);
  const rows = db
    .prepare(`SELECT id, control_number, title, author, publisher, year, isbn, ddc, marc FROM records ORDER BY id`)
    .iterate() as Iterable<Row>;
  for (const row of rows) {
    let rec: MarcRecord | undefined;
    if (row.marc && row.marc.length > 0) {
      const read = readIso2709(row.marc);
      rec = read.records[0];
      if (!rec) {
        const why = read.errors[0];
        problems.push({
          recordId: row.id,
          vi: `biểu ghi số ${row.id} ("${row.title}") không đọc được: ${why?.reasonVi ?? 'không rõ lý do'}`,
          en: `record ${row.id} ("${row.title}") cannot be read: ${why?.reason ?? 'unknown reason'}`,
        });
        continue;
      }
    } else {
      rec = recordFromColumns(row);
    }
    try {
      yield format === 'marcxml' ? enc.encode(marcXmlRecord(rec) + '\n') : writeIso2709(rec, { encoding });
    } catch (err) {
      problems.push({
        recordId: row.id,
        vi: `không xuất được biểu ghi số ${row.id} ("${row.title}"): ${(err as Error).message}`,
        en: `record ${row.id} ("${row.title}") cannot be exported: ${(err as Error).message}`,
      });
    }
  }
  if (format === 'marcxml') yield enc.encode(MARCXML_TAIL);
}

/** The whole export as one buffer (tests, small catalogues). */
export function exportCatalogueBytes(db: Db, format: ExportFormat, problems: ExportProblem[] = [], encoding: 'utf8' | 'marc8' = 'utf8'): Buffer {
  return Buffer.concat([...exportCatalogue(db, format, problems, encoding)].map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)));
}
