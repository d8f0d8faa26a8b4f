/**
 * Identifier rules: ISBN-10/13 and EAN-13 check digits, the 14-digit library Codabar barcode
 * (type + institution + serial + Luhn) and UUIDv7 transaction ids. Pure: no I/O, no clock, no
 * randomness of its own (callers pass time and random bytes in).
 */

/** The patron/item type digit that opens a 14-digit library barcode. */
export type LibraryBarcodeType = 'patron' | 'item';

export interface ParsedLibraryBarcode {
  type: LibraryBarcodeType;
  /** 4-digit institution code, e.g. "0001"; kept as a string so leading zeros survive. */
  institution: string;
  serial: number;
}

const TYPE_DIGIT: Record<LibraryBarcodeType, string> = { patron: '2', item: '3' };

/** Removes the hyphens (ASCII or typographic, from copy-paste) and whitespace people and MARC records put inside ISBNs. */
function compact(s: string): string {
  return s.replace(/[\s\u2010-\u2015-]/g, '');
}

/** Check digit (0–9) of the first 12 digits of an EAN-13/ISBN-13: weights 1,3,1,3… mod 10. Throws RangeError if not 12 digits. */
export function isbn13CheckDigit(first12: string): number {
  if (!/^\d{12}$/.test(first12)) throw new RangeError(`isbn13CheckDigit needs 12 digits, got "${first12}"`);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

/** True for 13 digits whose last digit is the EAN-13 check digit (no hyphens allowed: it is a scan). */
export function isValidEan13(code: string): boolean {
  return /^\d{13}$/.test(code) && isbn13CheckDigit(code.slice(0, 12)) === Number(code[12]);
}

/** True for a valid ISBN-13 (978/979 prefix, EAN-13 check digit); hyphens and spaces are ignored. */
export function isValidIsbn13(isbn: string): boolean {
  const s = compact(isbn);
  return /^97[89]\d{10}$/.test(s) && isValidEan13(s);
}

/** True for a valid ISBN-10 (weights 10..2 mod 11, check "X" = 10, either case); hyphens and spaces are ignored. */
export function isValidIsbn10(isbn: string): boolean {
  const s = compact(isbn).toUpperCase();
  if (!/^\d{9}[\dX]$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const ch = s[i]!;
    sum += (ch === 'X' ? 10 : Number(ch)) * (10 - i);
  }
  return sum % 11 === 0;
}

/**
 * The canonical ISBN-13 (13 digits, no hyphens) of an ISBN-10 or ISBN-13 string, or null when it is
 * not a valid ISBN. Strips hyphens, spaces and a leading "ISBN"/"ISBN-13:" label.
 */
export function normalizeIsbn(isbn: string): string | null {
  const s = compact(isbn.trim().replace(/^ISBN(?:-?1[03])?:?/i, '')).toUpperCase();
  if (isValidIsbn13(s)) return s;
  if (isValidIsbn10(s)) {
    const first12 = `978${s.slice(0, 9)}`;
    return `${first12}${isbn13CheckDigit(first12)}`;
  }
  return null;
}

/** Luhn (mod 10) check digit for a payload of digits, i.e. the digit to append. Throws RangeError on non-digits. */
export function luhnCheckDigit(digits: string): number {
  if (!/^\d+$/.test(digits)) throw new RangeError(`luhnCheckDigit needs digits, got "${digits}"`);
  let sum = 0;
  // The check digit will sit to the right, so the payload's rightmost digit is the first one doubled.
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** True for a 14-digit library Codabar: type 2 (patron) or 3 (item) + 4-digit institution + 8-digit serial + Luhn check. */
export function isValidLibraryBarcode(code: string): boolean {
  return /^[23]\d{13}$/.test(code) && luhnCheckDigit(code.slice(0, 13)) === Number(code[13]);
}

/** Builds a 14-digit library barcode; institution is exactly 4 digits, serial an integer 0..99 999 999. Throws RangeError otherwise. */
export function makeLibraryBarcode(type: LibraryBarcodeType, institution: string, serial: number): string {
  if (!/^\d{4}$/.test(institution)) throw new RangeError(`institution must be 4 digits, got "${institution}"`);
  if (!Number.isSafeInteger(serial) || serial < 0 || serial > 99_999_999) {
    throw new RangeError(`serial must be an integer 0..99999999, got ${serial}`);
  }
  const payload = `${TYPE_DIGIT[type]}${institution}${String(serial).padStart(8, '0')}`;
  return `${payload}${luhnCheckDigit(payload)}`;
}

/** Splits a valid 14-digit library barcode into type, institution and serial; null when invalid (surrounding whitespace is ignored). */
export function parseLibraryBarcode(code: string): ParsedLibraryBarcode | null {
  const s = code.trim();
  if (!isValidLibraryBarcode(s)) return null;
  return {
    type: s[0] === '2' ? 'patron' : 'item',
    institution: s.slice(1, 5),
    serial: Number(s.slice(5, 13)),
  };
}

const UUID_MAX_MS = 2 ** 48 - 1;

/**
 * A UUIDv7 (RFC 9562) from a Unix time in milliseconds and 10 random bytes: 48-bit big-endian
 * time, version 7, 12 random bits, variant 10, 62 random bits. Lower-case, hyphenated. Ids made in
 * later milliseconds sort after earlier ones as plain strings. Throws RangeError on bad input.
 */
export function uuidv7(nowMs: number, random: Uint8Array): string {
  if (!Number.isSafeInteger(nowMs) || nowMs < 0 || nowMs > UUID_MAX_MS) {
    throw new RangeError(`uuidv7 time must be an integer 0..2^48-1 ms, got ${nowMs}`);
  }
  if (random.length < 10) throw new RangeError(`uuidv7 needs 10 random bytes, got ${random.length}`);
  const b = new Uint8Array(16);
  // Bit operators are 32-bit, so split the 48-bit time arithmetically.
  let t = nowMs;
  for (let i = 5; i >= 0; i--) {
    b[i] = t % 256;
    t = Math.floor(t / 256);
  }
  b[6] = 0x70 | (random[0]! & 0x0f);
  b[7] = random[1]!;
  b[8] = 0x80 | (random[2]! & 0x3f);
  for (let i = 9; i < 16; i++) b[i] = random[i - 6]!;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
