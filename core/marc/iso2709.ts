/**
 * A permissive ISO 2709 (MARC 21 "transmission format") reader.
 *
 * Files that school libraries bring from older systems are often slightly broken: a record
 * length counted in characters instead of bytes, a missing record terminator, a byte-order mark,
 * CR LF between records, a file cut off by a failed copy. The reader recovers wherever the
 * directory (which gives every field's length and position) proves the record is intact, reports
 * a warning for what it repaired, and rejects only records it cannot read, with their position
 * and a reason a librarian can act on. One bad record never stops the rest of the file.
 *
 * Layout of a record: 24-byte leader, directory of 12-byte entries (tag, length, start) ended by
 * a field terminator (0x1E), then the fields, each ended by 0x1E, then the record terminator 0x1D.
 * Data fields start with two indicators; their subfields begin with 0x1F and a one-letter code.
 */
import { Marc8Decoder } from './marc8.ts';

export interface MarcControlField {
  tag: string;
  value: string;
}

export interface MarcSubfield {
  code: string;
  value: string;
}

export interface MarcDataField {
  tag: string;
  ind1: string;
  ind2: string;
  subfields: MarcSubfield[];
}

export type MarcField = MarcControlField | MarcDataField;

export interface MarcRecord {
  leader: string;
  fields: MarcField[];
  /** How the text was encoded in the file it was read from (ISO 2709 only). */
  encoding?: 'utf8' | 'marc8';
  /**
   * Where the record was found in the file: its position among the records (0-based, counting
   * rejected ones too), its first byte and its length in bytes (terminator included when present),
   * so the original bytes can be kept or shown.
   */
  source?: { index: number; offset: number; length: number };
}

export interface MarcReadProblem {
  /** 0-based position of the record in the file, counting every record, good or bad. */
  index: number;
  /** Byte offset of the record's first byte in the file. */
  offset: number;
  /** Line of the record's start (MARCXML only; 1-based). */
  line?: number;
  /** The reason in English. */
  reason: string;
  /** The same reason in Vietnamese, for the librarian (shown first). */
  reasonVi: string;
  /** 'error': the record was not read. 'warning': it was read, after the repair described. */
  severity: 'error' | 'warning';
}

/** A reason in both languages: Vietnamese for the librarian first, English second. */
export interface Reason {
  vi: string;
  en: string;
}

const r = (vi: string, en: string): Reason => ({ vi, en });

export interface MarcReadResult {
  records: MarcRecord[];
  errors: MarcReadProblem[];
}

const RT = 0x1d; // record terminator
const FT = 0x1e; // field terminator
const SD = 0x1f; // subfield delimiter
const LEADER_LENGTH = 24;
const ENTRY_LENGTH = 12;

export function isControlField(field: MarcField): field is MarcControlField {
  return 'value' in field;
}

export function isDataField(field: MarcField): field is MarcDataField {
  return 'subfields' in field;
}

/** Value of the first subfield `code` of the first field `tag` that has one. */
export function subfield(rec: MarcRecord, tag: string, code: string): string | undefined {
  for (const f of rec.fields) {
    if (f.tag !== tag || !isDataField(f)) continue;
    const sf = f.subfields.find((s) => s.code === code);
    if (sf) return sf.value;
  }
  return undefined;
}

/** Values of every subfield `code` of every field `tag`, in record order. */
export function subfields(rec: MarcRecord, tag: string, code: string): string[] {
  const out: string[] = [];
  for (const f of rec.fields) {
    if (f.tag !== tag || !isDataField(f)) continue;
    for (const s of f.subfields) if (s.code === code) out.push(s.value);
  }
  return out;
}

/** Value of the first control field `tag` (001–009). */
export function controlField(rec: MarcRecord, tag: string): string | undefined {
  for (const f of rec.fields) if (f.tag === tag && isControlField(f)) return f.value;
  return undefined;
}

/** Every data field `tag`, in record order. */
export function dataFields(rec: MarcRecord, tag: string): MarcDataField[] {
  return rec.fields.filter((f): f is MarcDataField => f.tag === tag && isDataField(f));
}

/** Reads `count` ASCII digits at `pos`, or null when any of them is not a digit or missing. */
function digits(buf: Uint8Array, pos: number, count: number): number | null {
  if (pos + count > buf.length) return null;
  let n = 0;
  for (let k = pos; k < pos + count; k++) {
    const c = buf[k]!;
    if (c < 0x30 || c > 0x39) return null;
    n = n * 10 + (c - 0x30);
  }
  return n;
}

/** True when a MARC 21 leader plausibly starts at `pos` (lengths numeric, "22" and "45" in place). */
function looksLikeLeader(buf: Uint8Array, pos: number): boolean {
  return (
    pos + LEADER_LENGTH <= buf.length &&
    digits(buf, pos, 5) !== null &&
    digits(buf, pos + 12, 5) !== null &&
    buf[pos + 10] === 0x32 &&
    buf[pos + 11] === 0x32 &&
    buf[pos + 20] === 0x34 &&
    buf[pos + 21] === 0x35
  );
}

const utf8Fatal = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    utf8Fatal.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Number of characters the bytes make in UTF-8 (what a system counting characters would write). */
function utf8CharCount(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) if ((b & 0xc0) !== 0x80) n++;
  return n;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** Bytes allowed between records: CR, LF, space, tab, NUL and the DOS end-of-file mark. */
function isSeparator(b: number): boolean {
  return b === 0x0d || b === 0x0a || b === 0x20 || b === 0x09 || b === 0x00 || b === 0x1a;
}

function startsWithBom(buf: Uint8Array, pos: number): boolean {
  return buf[pos] === 0xef && buf[pos + 1] === 0xbb && buf[pos + 2] === 0xbf;
}

type Encoding = 'utf8' | 'marc8';

interface FieldSlice {
  tag: string;
  bytes: Uint8Array;
}

type SliceResult = { ok: true; fields: FieldSlice[]; exact: boolean; warnings: Reason[] } | { ok: false; reason: Reason };

/**
 * Checks leader and directory of one record (terminator excluded) and cuts out its fields.
 * `exact` says whether the directory accounts for the data area to its last byte, which is the
 * proof that a record whose leader length is wrong was nevertheless cut at the right place.
 */
function sliceFields(rec: Uint8Array): SliceResult {
  if (rec.length < LEADER_LENGTH) {
    return {
      ok: false,
      reason: r(
        `biểu ghi chỉ dài ${rec.length} byte, ngắn hơn cả đầu biểu (24 byte)`,
        `the record is only ${rec.length} bytes long, shorter than a leader (24 bytes)`,
      ),
    };
  }
  const base = digits(rec, 12, 5);
  if (base === null) {
    const shown = latin1(rec.subarray(12, 17));
    return {
      ok: false,
      reason: r(
        `địa chỉ bắt đầu dữ liệu trong đầu biểu (vị trí 12–16) là "${shown}", không phải là số`,
        `the base address of data in the leader (positions 12–16) is "${shown}", not a number`,
      ),
    };
  }
  if (base < LEADER_LENGTH + 1) {
    return {
      ok: false,
      reason: r(
        `địa chỉ bắt đầu dữ liệu trong đầu biểu là ${base}; phải từ 25 trở lên (đầu biểu và danh mục)`,
        `the base address of data in the leader is ${base}; it must be at least 25 (leader and directory)`,
      ),
    };
  }
  if (base > rec.length) {
    return {
      ok: false,
      reason: r(
        `địa chỉ bắt đầu dữ liệu (${base}) nằm ngoài biểu ghi (dài ${rec.length} byte)`,
        `the base address of data (${base}) lies beyond the end of the record (${rec.length} bytes)`,
      ),
    };
  }
  if (rec[base - 1] !== FT) {
    return {
      ok: false,
      reason: r(
        `danh mục trường không kết thúc ở vị trí mà địa chỉ dữ liệu (${base}) cho biết`,
        `the directory does not end where the base address (${base}) says it should`,
      ),
    };
  }
  // Non-ASCII is checked first: a multi-byte character in the directory also breaks its length,
  // and "not plain ASCII" is the more useful of the two reasons.
  for (let k = LEADER_LENGTH; k < base - 1; k++) {
    const c = rec[k]!;
    if (c < 0x20 || c > 0x7e) {
      const hex = c.toString(16).toUpperCase();
      return {
        ok: false,
        reason: r(
          `danh mục trường có một byte (0x${hex}) không phải ký tự ASCII thường, ở byte ${k}`,
          `the directory contains a byte (0x${hex}) that is not plain ASCII, at byte ${k}`,
        ),
      };
    }
  }
  const dirLength = base - 1 - LEADER_LENGTH;
  if (dirLength % ENTRY_LENGTH !== 0) {
    return {
      ok: false,
      reason: r(
        `danh mục trường dài ${dirLength} byte, không chia hết thành các mục 12 byte`,
        `the directory is ${dirLength} bytes long, which is not a whole number of 12-byte entries`,
      ),
    };
  }
  const data = rec.subarray(base);
  const entries: { tag: string; length: number; start: number }[] = [];
  for (let p = LEADER_LENGTH; p < base - 1; p += ENTRY_LENGTH) {
    const n = entries.length + 1;
    const tag = latin1(rec.subarray(p, p + 3));
    const length = digits(rec, p + 3, 4);
    const start = digits(rec, p + 7, 5);
    if (length === null || start === null) {
      return {
        ok: false,
        reason: r(
          `mục ${n} của danh mục (trường ${tag}) có độ dài hoặc vị trí bắt đầu không phải là số`,
          `directory entry ${n} (tag ${tag}) has a length or start position that is not a number`,
        ),
      };
    }
    entries.push({ tag, length, start });
  }
  const warnings: Reason[] = [];
  if (entries.length === 0) {
    return { ok: false, reason: r('biểu ghi không có trường nào', 'the record has no fields') };
  }
  const consistent = entries.every(
    (e) => e.length >= 1 && e.start + e.length <= data.length && data[e.start + e.length - 1] === FT,
  );
  if (consistent) {
    const end = entries.reduce((m, e) => Math.max(m, e.start + e.length), 0);
    return {
      ok: true,
      fields: entries.map((e) => ({ tag: e.tag, bytes: data.subarray(e.start, e.start + e.length - 1) })),
      exact: end === data.length,
      warnings,
    };
  }
  // Some exporters compute field lengths in characters too. The fields are still in directory
  // order and each ends with 0x1E, so they can be cut by their terminators when the count agrees.
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (let k = 0; k < data.length; k++) {
    if (data[k] === FT) {
      pieces.push(data.subarray(from, k));
      from = k + 1;
    }
  }
  const trailing = from < data.length;
  if (pieces.length === entries.length && !trailing) {
    warnings.push(
      r(
        'danh mục ghi độ dài hoặc vị trí trường không khớp với dữ liệu; các trường đã được đọc theo dấu kết thúc trường',
        'the directory gives field lengths or positions that do not match the data; fields were read by their field terminators',
      ),
    );
    return { ok: true, fields: entries.map((e, k) => ({ tag: e.tag, bytes: pieces[k]! })), exact: true, warnings };
  }
  const bad = entries.find((e) => !(e.length >= 1 && e.start + e.length <= data.length && data[e.start + e.length - 1] === FT))!;
  return {
    ok: false,
    reason:
      bad.start + bad.length > data.length
        ? r(
            `trường ${bad.tag} vượt quá cuối biểu ghi (danh mục nói nó kết thúc ở byte ${bad.start + bad.length} trên ${data.length})`,
            `field ${bad.tag} runs past the end of the record (the directory says it ends at byte ${bad.start + bad.length} of ${data.length})`,
          )
        : r(
            `trường ${bad.tag} không có dấu kết thúc trường ở vị trí danh mục cho biết`,
            `field ${bad.tag} does not end with a field terminator where the directory says it should`,
          ),
  };
}

function chooseEncoding(leader: string, fields: FieldSlice[], warn: (m: Reason) => void): Encoding {
  const scheme = leader[9];
  if (scheme === 'a') return 'utf8';
  const hasHigh = fields.some((f) => f.bytes.some((b) => b >= 0x80));
  const hasEsc = fields.some((f) => f.bytes.includes(0x1b));
  const allUtf8 = hasHigh && !hasEsc && fields.every((f) => isValidUtf8(f.bytes));
  if (scheme === ' ') {
    // MARC-8 diacritics precede ASCII letters, which is never valid UTF-8; text that is valid
    // multi-byte UTF-8 was written by a system that forgot to set leader/09.
    if (allUtf8) {
      warn(
        r(
          'đầu biểu (vị trí 09) ghi bảng mã MARC-8 nhưng nội dung là UTF-8; biểu ghi đã được đọc theo UTF-8',
          'leader/09 says MARC-8 but the text is UTF-8; it was read as UTF-8',
        ),
      );
      return 'utf8';
    }
    return 'marc8';
  }
  const chosen: Encoding = allUtf8 || !hasHigh ? 'utf8' : 'marc8';
  const name = chosen === 'utf8' ? 'UTF-8' : 'MARC-8';
  warn(
    r(
      `đầu biểu (vị trí 09) ghi "${scheme}", lẽ ra là "a" (UTF-8) hoặc để trống (MARC-8); nội dung đã được đọc theo ${name}`,
      `leader/09 is "${scheme}", expected "a" (UTF-8) or blank (MARC-8); the text was read as ${name}`,
    ),
  );
  return chosen;
}

/**
 * The common case, fast: a UTF-8 field that decodes cleanly as a whole and whose indicators and
 * subfield codes are ASCII is decoded once and split on the subfield delimiter, rather than
 * decoding each subfield alone. Values are normalised to NFC one by one (never the whole field,
 * where a combining mark at the start of a value would compose with its subfield code). Returns
 * null when the field needs the careful path (invalid UTF-8, a non-ASCII code or indicator).
 */
function plainAscii(b: Uint8Array): boolean {
  for (let k = 0; k < b.length; k++) {
    const c = b[k]!;
    if (c >= 0x80 || c === 0x1b || (c === 0x26 && b[k + 1] === 0x23)) return false; // "&#"
  }
  return true;
}

function fastUtf8Field(f: FieldSlice): MarcField | null {
  const b = f.bytes;
  let ascii = true;
  for (let k = 0; k < b.length; k++) {
    if (b[k]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  let s: string;
  // Short ASCII runs: building the string directly beats a TextDecoder call.
  if (ascii) s = b.length < 4096 ? String.fromCharCode.apply(null, b as unknown as number[]) : utf8Lenient.decode(b);
  else {
    try {
      s = utf8Fatal.decode(b);
    } catch {
      return null;
    }
  }
  if (f.tag.startsWith('00')) return { tag: f.tag, value: ascii ? s : s.normalize('NFC') };
  if ((b.length > 0 && b[0]! >= 0x80) || (b.length > 1 && b[1]! >= 0x80)) return null;
  const ind1 = b.length > 0 && b[0] !== SD ? s[0]! : ' ';
  const ind2 = b.length > 1 && b[0] !== SD && b[1] !== SD ? s[1]! : ' ';
  const parts = s.split('\x1f');
  const subs: MarcSubfield[] = [];
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.length === 0) continue;
    if (p.charCodeAt(0) >= 0x80) return null;
    const value = p.slice(1);
    subs.push({ code: p[0]!, value: ascii ? value : value.normalize('NFC') });
  }
  return { tag: f.tag, ind1, ind2, subfields: subs };
}

function decodeRecord(rec: Uint8Array, fields: FieldSlice[], warn: (m: Reason) => void): MarcRecord {
  const leader = latin1(rec.subarray(0, LEADER_LENGTH));
  const encoding = chooseEncoding(leader, fields, warn);
  const badUtf8Tags = new Set<string>();
  const marc8Problems: string[] = [];

  const out: MarcField[] = [];
  for (const f of fields) {
    // MARC-8 text that is plain ASCII (no byte above 0x7F, no escape, no numeric character
    // reference) is the same text in UTF-8: most fields of a MARC-8 record take the fast path too.
    if (encoding === 'utf8' || plainAscii(f.bytes)) {
      const fast = fastUtf8Field(f);
      if (fast) {
        out.push(fast);
        continue;
      }
    }
    let marc8: Marc8Decoder | null = null;
    const text = (bytes: Uint8Array, where: string): string => {
      if (encoding === 'utf8') {
        try {
          return utf8Fatal.decode(bytes).normalize('NFC');
        } catch {
          badUtf8Tags.add(where);
          return utf8Lenient.decode(bytes).normalize('NFC');
        }
      }
      marc8 ??= new Marc8Decoder();
      return marc8.decode(bytes, (p) => {
        if (marc8Problems.length < 5) marc8Problems.push(`${where}: ${p.message}`);
      });
    };
    if (f.tag.startsWith('00')) {
      out.push({ tag: f.tag, value: text(f.bytes, f.tag) });
      continue;
    }
    const ind1 = f.bytes.length > 0 && f.bytes[0] !== SD ? String.fromCharCode(f.bytes[0]!) : ' ';
    const ind2 = f.bytes.length > 1 && f.bytes[0] !== SD && f.bytes[1] !== SD ? String.fromCharCode(f.bytes[1]!) : ' ';
    const subs: MarcSubfield[] = [];
    const first = f.bytes.indexOf(SD);
    if (first >= 0) {
      let from = first + 1;
      while (from <= f.bytes.length) {
        let to = f.bytes.indexOf(SD, from);
        if (to < 0) to = f.bytes.length;
        if (to > from) {
          const byte = f.bytes[from]!;
          const code = String.fromCharCode(byte);
          const shown = byte > 0x20 && byte < 0x7f ? code : `(byte 0x${byte.toString(16).toUpperCase()})`;
          subs.push({ code, value: text(f.bytes.subarray(from + 1, to), `${f.tag} $${shown}`) });
        }
        from = to + 1;
      }
    }
    out.push({ tag: f.tag, ind1, ind2, subfields: subs });
  }
  if (badUtf8Tags.size > 0) {
    const where = [...badUtf8Tags].join(', ');
    warn(
      r(
        `có byte không hợp lệ theo UTF-8 ở ${where}; các byte không đọc được đã được thay bằng "\uFFFD" (bản gốc vẫn được giữ)`,
        `invalid UTF-8 in ${where}; the unreadable bytes were replaced by "\uFFFD"`,
      ),
    );
  }
  if (marc8Problems.length > 0) {
    const what = marc8Problems.join('; ');
    warn(r(`không giải mã được trọn vẹn văn bản MARC-8 (${what})`, `MARC-8 text could not be fully decoded (${what})`));
  }
  return { leader, fields: out, encoding };
}

/**
 * Reads every record of an ISO 2709 file. Never throws on bad data: unreadable records are
 * listed in `errors` (severity 'error') and repaired ones are read and listed as warnings.
 */
export function readIso2709(input: Uint8Array): MarcReadResult {
  // A plain Uint8Array view: slicing a Node Buffer makes a Buffer each time, which is much slower.
  const buf = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const records: MarcRecord[] = [];
  const errors: MarcReadProblem[] = [];
  let pos = 0;
  let index = 0;
  const len = buf.length;

  while (pos < len) {
    // Between records: a BOM (also in the middle, when files were concatenated), CR LF, padding.
    if (startsWithBom(buf, pos)) {
      pos += 3;
      continue;
    }
    if (isSeparator(buf[pos]!)) {
      pos++;
      continue;
    }
    const start = pos;
    const problems: MarcReadProblem[] = [];
    const warn = (m: Reason): void => {
      problems.push({ index, offset: start, reason: m.en, reasonVi: m.vi, severity: 'warning' });
    };
    const fail = (m: Reason): void => {
      problems.push({ index, offset: start, reason: m.en, reasonVi: m.vi, severity: 'error' });
    };

    const declared = digits(buf, start, 5);
    const term = buf.indexOf(RT, start);
    let end: number; // exclusive, terminator included when there is one
    let body: Uint8Array; // record without its terminator
    let sliced: SliceResult | null = null;

    if (declared !== null && declared > LEADER_LENGTH && start + declared <= len && buf[start + declared - 1] === RT) {
      // The normal case: the leader's byte length lands on a record terminator.
      end = start + declared;
      body = buf.subarray(start, end - 1);
    } else if (
      declared !== null &&
      declared > LEADER_LENGTH + 1 &&
      start + declared - 1 <= len &&
      buf[start + declared - 2] === FT &&
      (start + declared - 1 === len || looksLikeLeader(buf, start + declared - 1)) &&
      (term < 0 || term >= start + declared - 1)
    ) {
      // The leader's length is right but the terminator is missing: the last field ends one byte
      // early and the next leader (or the end of the file) follows directly.
      end = start + declared - 1;
      body = buf.subarray(start, end);
      warn(
        end === len
          ? r(
              'biểu ghi cuối tệp thiếu dấu kết thúc biểu ghi (0x1D); vẫn đọc được',
              'the last record of the file has no record terminator (0x1D); it was read anyway',
            )
          : r(
              'biểu ghi thiếu dấu kết thúc biểu ghi (0x1D) và nối liền với biểu ghi sau; đã đọc theo độ dài ghi trong đầu biểu',
              'the record has no record terminator (0x1D) and runs straight into the next record; it was read using its leader length',
            ),
      );
    } else if (term >= 0) {
      // Trust the terminator, but only if the directory proves the record fills exactly that span.
      body = buf.subarray(start, term);
      end = term + 1;
      const actual = term + 1 - start;
      sliced = sliceFields(body);
      if (sliced.ok && sliced.exact) {
        if (declared === null) {
          const shown = latin1(buf.subarray(start, Math.min(start + 5, len)));
          warn(
            r(
              `độ dài biểu ghi trong đầu biểu ("${shown}") không phải là số; biểu ghi đã được đọc đến dấu kết thúc (${actual} byte)`,
              `the record length in the leader ("${shown}") is not a number; the record was read up to its terminator (${actual} bytes)`,
            ),
          );
        } else if (declared === utf8CharCount(buf.subarray(start, end))) {
          warn(
            r(
              `đầu biểu ghi độ dài biểu ghi tính theo ký tự (${declared}) thay vì theo byte (${actual}); biểu ghi đã được đọc đến dấu kết thúc`,
              `the leader gives the record length in characters (${declared}) instead of bytes (${actual}); the record was read up to its terminator`,
            ),
          );
        } else {
          warn(
            r(
              `đầu biểu ghi biểu ghi dài ${declared} byte nhưng thực tế là ${actual}; biểu ghi đã được đọc đến dấu kết thúc`,
              `the leader says the record is ${declared} bytes long but it is ${actual}; it was read up to its terminator`,
            ),
          );
        }
      } else {
        // Maybe a record lost its terminator and the next one follows: look for a leader right
        // after a field terminator inside the span and cut there.
        let cut = -1;
        for (let k = start + LEADER_LENGTH; k < term; k++) {
          if (buf[k - 1] === FT && looksLikeLeader(buf, k)) {
            const candidate = sliceFields(buf.subarray(start, k));
            if (candidate.ok && candidate.exact) {
              cut = k;
              sliced = candidate;
              break;
            }
          }
        }
        if (cut >= 0) {
          body = buf.subarray(start, cut);
          end = cut;
          warn(
            r(
              'biểu ghi thiếu dấu kết thúc biểu ghi (0x1D) và nối liền với biểu ghi sau; đã tách ở chỗ biểu ghi sau bắt đầu',
              'the record has no record terminator (0x1D) and runs straight into the next record; it was cut where the next leader starts',
            ),
          );
        } else if (sliced.ok) {
          fail(
            declared !== null && declared > actual
              ? r(
                  `biểu ghi bị hỏng: đầu biểu ghi ${declared} byte nhưng dấu kết thúc biểu ghi đến sau ${actual} byte, và danh mục trường không khớp`,
                  `the record is damaged: the leader says ${declared} bytes but the next record terminator comes after ${actual} bytes, and the directory does not fit`,
                )
              : r(
                  `biểu ghi bị hỏng: danh mục trường không khớp với ${actual} byte của biểu ghi`,
                  `the record is damaged: its directory does not account for its ${actual} bytes`,
                ),
          );
        } else {
          fail(sliced.reason);
        }
      }
    } else {
      // No terminator until the end of the file.
      const remaining = len - start;
      if (declared !== null && declared > remaining) {
        fail(
          r(
            `tệp kết thúc giữa chừng biểu ghi này: đầu biểu ghi ${declared} byte nhưng chỉ còn ${remaining} byte (có lẽ tệp bị cắt cụt khi sao chép)`,
            `the file ends in the middle of this record: the leader says ${declared} bytes but only ${remaining} are left (the file is probably truncated)`,
          ),
        );
      } else {
        fail(
          r(
            `${remaining} byte ở cuối tệp không tạo thành một biểu ghi hoàn chỉnh (không có dấu kết thúc biểu ghi)`,
            `${remaining} bytes at the end of the file do not form a complete record (no record terminator)`,
          ),
        );
      }
      end = len;
      body = buf.subarray(start, len);
    }

    if (problems.some((p) => p.severity === 'error')) {
      // A damaged record may be followed, inside the same span, by an intact one whose leader is
      // still recognisable (a truncated record in a concatenated file): resume reading there.
      for (let k = start + 1; k + LEADER_LENGTH <= end; k++) {
        if (looksLikeLeader(buf, k)) {
          end = k;
          break;
        }
      }
    } else {
      sliced ??= sliceFields(body);
      if (!sliced.ok) {
        fail(sliced.reason);
      } else {
        for (const w of sliced.warnings) warn(w);
        const record = decodeRecord(body, sliced.fields, warn);
        record.source = { index, offset: start, length: end - start };
        records.push(record);
      }
    }
    errors.push(...problems);
    pos = end;
    index++;
  }
  return { records, errors };
}
