/**
 * A roster file (CSV or XLSX) as the school keeps it, turned into checked roster entries: the header
 * row is found wherever it is (the ministry's export puts the school's name and a title above it),
 * columns are matched by their Vietnamese or English headings (diacritics, case and punctuation
 * ignored), and each row becomes an entry or a rejection with its row number and reason.
 */
import { foldVietnamese } from '#core/fold.ts';
import { isValidLibraryBarcode } from '#core/ids.ts';
import { isValidPin } from '#core/node/pin.ts';
import { CardNumberError, normaliseCardNumber } from '#core/card-number.ts';
import { CsvError, decodeUtf8, parseCsv } from './csv.ts';
import { readXlsx, excelSerialToIso, XlsxError, type SheetRow } from './xlsx.ts';

export type PatronKind = 'pupil' | 'teacher' | 'staff';

export type RosterField =
  | 'fullName'
  | 'familyName'
  | 'givenName'
  | 'className'
  | 'dob'
  | 'pupilCode'
  | 'gender'
  | 'card'
  | 'uid'
  | 'textbook'
  | 'pin'
  | 'kind';

/** Folded headings per field; a heading matches when its folded form equals one of these. */
const HEADINGS: Record<RosterField, RegExp> = {
  fullName: /^(ho (va )?ten( (hoc sinh|giao vien|can bo|nhan vien|ban doc))?|ten hoc sinh|full name|name|pupil name|student name)$/,
  familyName: /^(ho|ho dem|ho va dem|ho va ten dem|ho lot|family name|surname)$/,
  givenName: /^(ten|given name|first name)$/,
  className: /^(lop|ten lop|lop hoc|class|class name|lop chu nhiem|chu nhiem|chu nhiem lop|homeroom)$/,
  dob: /^(ngay sinh|ngay thang nam sinh|sinh ngay|date of birth|dob|birth date|birthday)$/,
  pupilCode: /^(ma (hoc sinh|hs|so hoc sinh|so hs|dinh danh|dinh danh hoc sinh|giao vien|gv|can bo|nhan vien|so)|pupil code|student (id|code)|staff code)$/,
  gender: /^(gioi tinh|gioi|gender|sex|gt|nam nu)$/,
  card: /^(so the|ma the|so the thu vien|ma the thu vien|the thu vien|ma vach|ma vach the|card|card number|card no|barcode|library card)$/,
  uid: /^(uid|ma rfid|rfid|uid the|ma chip|rfid uid|card uid|ma uid|uid rfid)$/,
  textbook: /^(muon sgk|sgk|muon sach giao khoa|sach giao khoa|duoc muon sgk|textbook|textbooks|textbook eligible)$/,
  pin: /^(pin|ma pin|pin code)$/,
  kind: /^(loai|doi tuong|chuc vu|kind|role|vai tro|loai ban doc)$/,
};

/** A heading as compared: folded, punctuation to spaces. */
export function foldHeading(s: string): string {
  return foldVietnamese(s).replace(/[^a-z0-9]+/g, ' ').trim();
}

export function fieldOfHeading(s: string): RosterField | null {
  const f = foldHeading(s);
  for (const [field, re] of Object.entries(HEADINGS) as [RosterField, RegExp][]) if (re.test(f)) return field;
  return null;
}

/** One checked row of the roster. */
export interface RosterEntry {
  rowNumber: number;
  kind: PatronKind;
  fullName: string;
  /** Pupils: their class; teachers: the class they are homeroom teacher of; normalised ("4A"). */
  className: string | null;
  grade: number | null;
  /** YYYY-MM-DD */
  dob: string | null;
  pupilCode: string | null;
  gender: 'male' | 'female' | null;
  card: string | null;
  uid: string | null;
  /** null when the file has no such column (keep what the patron has). */
  textbookEligible: boolean | null;
  pin: string | null;
}

export interface Rejection {
  rowNumber: number;
  /** What the row says, for the librarian to find it ("Nguyễn Văn An, 4A"). */
  text: string;
  code: string;
  message_vi: string;
  message_en: string;
  /** The row's name and pupil code when it had them: such a pupil is never taken for a leaver. */
  fullName?: string;
  pupilCode?: string;
}

export interface ParsedRoster {
  format: 'csv' | 'xlsx';
  headerRow: number;
  /** Column headings as found, by field. */
  columns: Partial<Record<RosterField, string>>;
  /** Headings that matched no field (ignored). */
  ignoredColumns: string[];
  entries: RosterEntry[];
  rejected: Rejection[];
}

/** The file could not be read at all (not a roster, not CSV/XLSX, no header row). */
export class RosterFileError extends Error {
  override name = 'RosterFileError';
  constructor(
    readonly code: string,
    readonly message_vi: string,
    readonly message_en: string,
  ) {
    super(message_en);
  }
}

const ZIP_MAGIC = 0x04034b50;

/** Rows of a CSV or XLSX file (by content, not by name: a renamed file still reads). */
export function readRows(bytes: Buffer): { format: 'csv' | 'xlsx'; rows: SheetRow[] } {
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === ZIP_MAGIC) {
    try {
      return { format: 'xlsx', rows: readXlsx(bytes) };
    } catch (err) {
      if (err instanceof XlsxError) throw new RosterFileError('BAD_XLSX', `Không đọc được tệp Excel: ${err.message}`, `Cannot read the Excel file: ${err.message}`);
      throw err;
    }
  }
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0xd0cf11e0) {
    throw new RosterFileError('OLD_XLS', 'Tệp .xls (Excel 97–2003) chưa được hỗ trợ: hãy lưu lại thành .xlsx hoặc CSV UTF-8.', 'Old .xls files are not supported: save as .xlsx or CSV UTF-8.');
  }
  let text: string;
  try {
    text = decodeUtf8(bytes);
  } catch (err) {
    if (err instanceof CsvError) throw new RosterFileError('NOT_UTF8', 'Tệp CSV không phải UTF-8: hãy lưu lại bằng "CSV UTF-8" hoặc thành .xlsx.', err.message);
    throw err;
  }
  return { format: 'csv', rows: parseCsv(text).map((cells, i) => ({ rowNumber: i + 1, cells })) };
}

const HEADER_SEARCH_ROWS = 30;

/** Finds the header row and the column of each field. */
function findHeader(rows: SheetRow[]): { index: number; cols: Partial<Record<RosterField, number>>; ignored: string[] } | null {
  for (let i = 0; i < Math.min(rows.length, HEADER_SEARCH_ROWS); i++) {
    const cols: Partial<Record<RosterField, number>> = {};
    const ignored: string[] = [];
    rows[i]!.cells.forEach((c, k) => {
      if (!c) return;
      const f = fieldOfHeading(c);
      if (f && cols[f] === undefined) cols[f] = k;
      else if (!/^(stt|tt|so tt|so thu tu|no)$/.test(foldHeading(c))) ignored.push(c);
    });
    const hasName = cols.fullName !== undefined || (cols.familyName !== undefined && cols.givenName !== undefined);
    const others = Object.keys(cols).filter((f) => f !== 'fullName' && f !== 'familyName' && f !== 'givenName').length;
    if (hasName && others >= 1) return { index: i, cols, ignored };
  }
  return null;
}

const STAFF_WORDS = /\b(nhan vien|can bo|hieu truong|hieu pho|pho hieu truong|ke toan|van thu|y te|thu vien|bao ve|tap vu|staff|principal|librarian|clerk)\b/;

function parseKind(raw: string): PatronKind | null {
  const f = foldHeading(raw);
  if (/\b(hoc sinh|hs|pupil|student)\b/.test(f)) return 'pupil';
  if (/\b(giao vien|gv|teacher)\b/.test(f)) return 'teacher';
  if (STAFF_WORDS.test(f)) return 'staff';
  return null;
}

/** "Lớp 4A", "4a", "4 A" → "4A"; null when it does not start with a grade 1–12. */
export function normaliseClassName(raw: string): { name: string; grade: number } | null {
  const s = raw
    .normalize('NFC')
    .replace(/^\s*(lớp|lop|class)\s*/i, '')
    .replace(/\s+/g, '')
    .toUpperCase();
  const m = /^(\d{1,2})[A-Z0-9./-]*$/.exec(s);
  if (!m) return null;
  const grade = Number(m[1]);
  if (grade < 1 || grade > 12) return null;
  return { name: s, grade };
}

/** dd/mm/yyyy (also -, . and one-digit parts), yyyy-mm-dd, or an Excel serial day number → YYYY-MM-DD. */
export function parseDob(raw: string): string | null {
  const s = raw.trim();
  let y: number, m: number, d: number;
  let r = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (r) [d, m, y] = [Number(r[1]), Number(r[2]), Number(r[3])];
  else if ((r = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(s))) [y, m, d] = [Number(r[1]), Number(r[2]), Number(r[3])];
  else if (/^\d{4,5}(\.\d+)?$/.test(s) && Number(s) > 366) return parseDob(excelSerialToIso(Number(s)));
  else return null;
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d || y < 1900) return null;
  return t.toISOString().slice(0, 10);
}

function parseGender(raw: string): 'male' | 'female' | null | undefined {
  const f = foldHeading(raw);
  if (f === '') return null;
  if (/^(nam|trai|male|m|boy)$/.test(f)) return 'male';
  if (/^(nu|gai|female|f|girl)$/.test(f)) return 'female';
  return undefined;
}

function parseYesNo(raw: string): boolean | undefined {
  const f = foldHeading(raw);
  if (f === '' || /^(0|khong|k|no|n|false|sai)$/.test(f)) return false;
  if (raw.trim() === '✓' || raw.trim() === '✔' || /^(x|1|co|c|yes|y|true|dung|duoc)$/.test(f)) return true;
  return undefined;
}

export interface ParseOptions {
  /** Kind of the rows that have no kind column or an empty kind cell; default pupil. */
  defaultKind?: PatronKind;
}

/** Reads a roster file into entries and rejections; throws RosterFileError when nothing can be read. */
export function parseRoster(bytes: Buffer, options: ParseOptions = {}): ParsedRoster {
  const { format, rows } = readRows(bytes);
  const header = findHeader(rows);
  if (!header) {
    throw new RosterFileError(
      'NO_HEADER',
      'Không tìm thấy dòng tiêu đề: cần cột "Họ và tên" và ít nhất một cột khác như "Lớp", "Ngày sinh" hoặc "Mã học sinh".',
      'No header row found: a "Họ và tên" (full name) column and at least one more, such as "Lớp", "Ngày sinh" or "Mã học sinh", are needed.',
    );
  }
  const { cols } = header;
  const headerRow = rows[header.index]!;
  const columns: Partial<Record<RosterField, string>> = {};
  for (const [f, k] of Object.entries(cols) as [RosterField, number][]) columns[f] = headerRow.cells[k]!;

  const entries: RosterEntry[] = [];
  const rejected: Rejection[] = [];
  const seenCode = new Map<string, number>();
  const seenCard = new Map<string, number>();
  const seenUid = new Map<string, number>();

  for (const row of rows.slice(header.index + 1)) {
    const get = (f: RosterField) => (cols[f] === undefined ? '' : (row.cells[cols[f]!] ?? '').normalize('NFC').trim());
    const filled = row.cells.filter((c) => c.trim() !== '').length;
    if (filled === 0) continue;
    let fullName = get('fullName').replace(/\s+/g, ' ');
    if (!fullName && cols.familyName !== undefined) fullName = `${get('familyName')} ${get('givenName')}`.replace(/\s+/g, ' ').trim();
    const text = [fullName, get('className')].filter(Boolean).join(', ') || row.cells.filter(Boolean).join(' | ').slice(0, 80);
    const reject = (code: string, vi: string, en: string) =>
      rejected.push({ rowNumber: row.rowNumber, text, code, message_vi: vi, message_en: en, ...(fullName ? { fullName } : {}), ...(get('pupilCode') ? { pupilCode: get('pupilCode') } : {}) });
    if (!fullName) {
      // A lone note under the table ("Tổng số: 35", "Người lập biểu") is decoration, not a pupil.
      if (filled <= 1) continue;
      reject('NO_NAME', 'Thiếu họ và tên.', 'The full name is missing.');
      continue;
    }
    if (/\d/.test(fullName) || fullName.length > 100) {
      if (filled <= 2 && !get('className') && !get('dob')) continue; // "Tổng cộng: 35 học sinh"
      reject('BAD_NAME', `Họ tên "${fullName}" không hợp lệ.`, `"${fullName}" is not a valid name.`);
      continue;
    }
    const kindRaw = get('kind');
    const kind = kindRaw ? parseKind(kindRaw) : (options.defaultKind ?? 'pupil');
    if (!kind) {
      reject('BAD_KIND', `Không rõ đối tượng "${kindRaw}" (học sinh, giáo viên hay nhân viên).`, `Unknown kind "${kindRaw}" (pupil, teacher or staff).`);
      continue;
    }
    const classRaw = get('className');
    const cls = classRaw ? normaliseClassName(classRaw) : null;
    if (classRaw && !cls) {
      reject('BAD_CLASS', `Lớp "${classRaw}" không hợp lệ (cần bắt đầu bằng khối, ví dụ 4A).`, `Class "${classRaw}" is not valid (it must start with the grade, e.g. 4A).`);
      continue;
    }
    if (kind === 'pupil' && !cls) {
      reject('NO_CLASS', 'Học sinh chưa có lớp.', 'The pupil has no class.');
      continue;
    }
    const dobRaw = get('dob');
    const dob = dobRaw ? parseDob(dobRaw) : null;
    if (dobRaw && !dob) {
      reject('BAD_DOB', `Ngày sinh "${dobRaw}" không hợp lệ (cần dạng ngày/tháng/năm, ví dụ 05/09/2018).`, `Date of birth "${dobRaw}" is not valid (expected dd/mm/yyyy, e.g. 05/09/2018).`);
      continue;
    }
    const genderRaw = get('gender');
    const gender = parseGender(genderRaw);
    if (gender === undefined) {
      reject('BAD_GENDER', `Giới tính "${genderRaw}" không rõ (Nam hoặc Nữ).`, `Gender "${genderRaw}" is not understood (Nam or Nữ).`);
      continue;
    }
    const pupilCode = get('pupilCode') || null;
    if (pupilCode && !/^[\p{L}\p{N}._/-]{1,40}$/u.test(pupilCode)) {
      reject('BAD_CODE', `Mã "${pupilCode}" không hợp lệ.`, `Code "${pupilCode}" is not valid.`);
      continue;
    }
    const card = get('card').replace(/\s+/g, '') || null;
    if (card && (!/^[0-9A-Za-z-]{4,32}$/.test(card) || (/^2\d{13}$/.test(card) && !isValidLibraryBarcode(card)))) {
      reject('BAD_CARD', `Số thẻ "${card}" không hợp lệ (sai ký tự hoặc sai chữ số kiểm tra).`, `Card number "${card}" is not valid (characters or check digit).`);
      continue;
    }
    const uidRaw = get('uid');
    let uid: string | null = null;
    if (uidRaw) {
      try {
        uid = normaliseCardNumber(uidRaw, 'uid-hex');
      } catch (err) {
        if (!(err instanceof CardNumberError)) throw err;
        reject('BAD_UID', `UID thẻ "${uidRaw}" không hợp lệ: ${err.message}.`, `Card UID "${uidRaw}" is not valid: ${err.message}.`);
        continue;
      }
    }
    let textbookEligible: boolean | null = null;
    if (cols.textbook !== undefined) {
      const v = parseYesNo(get('textbook'));
      if (v === undefined) {
        reject('BAD_TEXTBOOK', `Cột "Mượn SGK" có giá trị "${get('textbook')}" không rõ (x / để trống).`, `Textbook column value "${get('textbook')}" is not understood (x or empty).`);
        continue;
      }
      textbookEligible = v;
    }
    const pin = get('pin') || null;
    if (pin && !isValidPin(pin)) {
      reject('BAD_PIN', 'Mã PIN phải có 4 đến 6 chữ số.', 'A PIN is 4 to 6 digits.');
      continue;
    }
    const dup = (map: Map<string, number>, key: string | null, what_vi: string, what_en: string): boolean => {
      if (!key) return false;
      const first = map.get(key);
      if (first !== undefined) {
        reject('DUPLICATE', `${what_vi} "${key}" trùng với dòng ${first}.`, `${what_en} "${key}" repeats row ${first}.`);
        return true;
      }
      return false;
    };
    if (dup(seenCode, pupilCode, 'Mã', 'Code') || dup(seenCard, card, 'Số thẻ', 'Card number') || dup(seenUid, uid, 'UID thẻ', 'Card UID')) continue;
    if (pupilCode) seenCode.set(pupilCode, row.rowNumber);
    if (card) seenCard.set(card, row.rowNumber);
    if (uid) seenUid.set(uid, row.rowNumber);
    entries.push({
      rowNumber: row.rowNumber,
      kind,
      fullName,
      className: cls?.name ?? null,
      grade: cls?.grade ?? null,
      dob,
      pupilCode,
      gender,
      card,
      uid,
      textbookEligible,
      pin,
    });
  }
  return { format, headerRow: headerRow.rowNumber, columns, ignoredColumns: header.ignored, entries, rejected };
}
