/**
 * The few facts the library shows and searches for a MARC 21 record, and its holdings (copies).
 *
 * MARC carries ISBD punctuation inside the subfields ("Dế Mèn phiêu lưu ký /"), written for a
 * card catalogue; it is trimmed here so titles and names read well on a kiosk and in lists.
 */
import { controlField, dataFields, subfield, type MarcDataField, type MarcRecord } from './iso2709.ts';

export interface Holding {
  /** What the copy's label or RFID tag carries. */
  barcode: string;
  /** Accession number ("số đăng ký cá biệt"), when the record carries one (952 $i). */
  accession?: string;
  callNumber?: string;
}

export interface BibSummary {
  controlNumber: string | null;
  title: string;
  author: string | null;
  publisher: string | null;
  year: string | null;
  isbn: string | null;
  /** Dewey Decimal Classification number, e.g. "895.9223". */
  ddc: string | null;
  holdings: Holding[];
}

/**
 * Removes trailing ISBD punctuation (" /", " :", " ;", ",", "=", a final full stop) and spaces.
 * A full stop after a single-letter initial ("Rowling, J. K.") or in an ellipsis is part of the
 * text and stays.
 */
export function trimIsbd(s: string): string {
  let t = s.replace(/[\u0098\u009c]/g, '').trim();
  for (;;) {
    const before = t;
    t = t.replace(/[\s/:;,=]+$/u, '');
    if (t.endsWith('.') && !t.endsWith('...') && !/(^|[\s.,])\p{L}\.$/u.test(t)) t = t.slice(0, -1);
    t = t.trimEnd();
    if (t === before) return t;
  }
}

function clean(s: string | undefined): string | null {
  if (s === undefined) return null;
  const t = trimIsbd(s);
  return t === '' ? null : t;
}

const TITLE_CODES = new Set(['a', 'b', 'n', 'p']);

/** Title proper: 245 $a, $n, $p and $b in record order (part numbers and names belong to the title). */
function title(rec: MarcRecord): string {
  const f = dataFields(rec, '245')[0];
  if (!f) return '';
  const parts = f.subfields.filter((s) => TITLE_CODES.has(s.code)).map((s) => s.value.trim());
  return trimIsbd(parts.filter((p) => p !== '').join(' '));
}

/** Publication statement: 264 with second indicator 1 (publication) first, then any 264, then 260. */
function publicationFields(rec: MarcRecord): MarcDataField[] {
  const f264 = dataFields(rec, '264');
  return [...f264.filter((f) => f.ind2 === '1'), ...f264.filter((f) => f.ind2 !== '1'), ...dataFields(rec, '260')];
}

function firstSub(fields: MarcDataField[], code: string): string | undefined {
  for (const f of fields) {
    const s = f.subfields.find((x) => x.code === code && x.value.trim() !== '');
    if (s) return s.value;
  }
  return undefined;
}

function year(rec: MarcRecord): string | null {
  const c = firstSub(publicationFields(rec), 'c');
  const m = c === undefined ? null : /\d{4}/.exec(c);
  if (m) return m[0];
  // 008/07-10 is the machine-readable date 1; used when the statement has no year.
  const d = controlField(rec, '008')?.slice(7, 11);
  return d !== undefined && /^\d{4}$/.test(d) ? d : null;
}

function isbn(rec: MarcRecord): string | null {
  const a = firstSub(dataFields(rec, '020'), 'a');
  const token = a?.trim().split(/\s+/)[0];
  return clean(token);
}

function ddc(rec: MarcRecord): string | null {
  // "/" and "'" are segmentation marks (where a library may shorten the number), not part of it.
  const a = firstSub(dataFields(rec, '082'), 'a');
  return clean(a?.replace(/[/']/g, ''));
}

function sub(f: MarcDataField, code: string): string | undefined {
  const v = f.subfields.find((s) => s.code === code)?.value.trim();
  return v === undefined || v === '' ? undefined : v;
}

/**
 * Copies from 952 (Koha's item field, which Vietnamese school systems commonly export: $p barcode,
 * $o call number, $i inventory/accession number); 852 (MARC 21 location: $p piece designation,
 * $h + $i call number) only when no 952 has a barcode, since exporters that write both repeat
 * the same copies in each.
 */
function holdings(rec: MarcRecord): Holding[] {
  const out: Holding[] = [];
  for (const f of dataFields(rec, '952')) {
    const barcode = sub(f, 'p');
    if (!barcode) continue;
    const h: Holding = { barcode };
    const accession = sub(f, 'i');
    if (accession) h.accession = accession;
    const callNumber = sub(f, 'o');
    if (callNumber) h.callNumber = callNumber;
    out.push(h);
  }
  if (out.length > 0) return out;
  for (const f of dataFields(rec, '852')) {
    const barcode = sub(f, 'p');
    if (!barcode) continue;
    const h: Holding = { barcode };
    const callNumber = [sub(f, 'h'), sub(f, 'i')].filter((x) => x !== undefined).join(' ');
    if (callNumber) h.callNumber = callNumber;
    out.push(h);
  }
  return out;
}

const SUBJECT_TAGS = ['600', '610', '611', '630', '650', '651', '655'];
const SUBJECT_CODES = new Set(['a', 'v', 'x', 'y', 'z']);

/** Subject headings (600, 610, 611, 630, 650, 651, 655: $a with $v/$x/$y/$z subdivisions joined by " -- "), for search and the record view. */
export function subjectHeadings(rec: MarcRecord): string[] {
  const out: string[] = [];
  for (const tag of SUBJECT_TAGS) {
    for (const f of dataFields(rec, tag)) {
      const parts = f.subfields.filter((s) => SUBJECT_CODES.has(s.code)).map((s) => trimIsbd(s.value)).filter((v) => v !== '');
      if (parts.length > 0) out.push(parts.join(' -- '));
    }
  }
  return out;
}

export function bibSummary(rec: MarcRecord): BibSummary {
  return {
    controlNumber: controlField(rec, '001')?.trim() || null,
    title: title(rec),
    author: clean(subfield(rec, '100', 'a') ?? subfield(rec, '110', 'a') ?? subfield(rec, '700', 'a')),
    publisher: clean(firstSub(publicationFields(rec), 'b')),
    year: year(rec),
    isbn: isbn(rec),
    ddc: ddc(rec),
    holdings: holdings(rec),
  };
}
