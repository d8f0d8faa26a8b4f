/**
 * Student card numbers as the school prints them, from whatever a keyboard-mode card reader types.
 *
 * 125 kHz EM4100 cards hold 40 bits: an 8-bit version/customer byte and 32 data bits. Schools print
 * the 32 data bits as 10 decimal digits with leading zeros ("0040856634"); readers type them as
 * 10 hex digits (all 40 bits), 8 hex digits, that 10-digit decimal, or the 40 bits in decimal
 * (12–13 digits). 13.56 MHz cards have a UID of 4, 7 or 10 bytes (ISO 14443) or 8 bytes
 * (ISO 15693) that readers type in hex, in either byte order, or (4-byte UIDs) as 10 decimal digits.
 * Pure: no I/O, so the station and the server normalise identically.
 */

export type CardFormat = 'as-read' | 'em4100-decimal10' | 'uid-hex' | 'uid-hex-reversed';

/**
 * How to read the reader's output. `auto` decides by its shape: any A–F means hex; a string of 10
 * or fewer digits is decimal (what decimal readers type), so a hex reader whose output happens to
 * be all digits is misread: set `hex` for such a reader.
 */
export type CardInput = 'auto' | 'hex' | 'decimal';

export type CardNumberErrorCode = 'empty' | 'bad-characters' | 'bad-length' | 'out-of-range' | 'lossy-format';

/** The reader's output cannot be a card number of the configured format. */
export class CardNumberError extends Error {
  override name = 'CardNumberError';
  readonly cardNumberError = true;
  constructor(
    readonly code: CardNumberErrorCode,
    readonly raw: string,
    message: string,
  ) {
    super(message);
  }
}

const UID_BYTES = new Set([4, 5, 7, 8, 10]); // 5: an EM4100 ID read as a "UID"
const MAX32 = 0xffff_ffffn;
const MAX40 = 0xff_ffff_ffffn;

/** Normalises one raw code typed by a card reader; throws CardNumberError for impossible input. */
export function normaliseCardNumber(raw: string, format: CardFormat, input: CardInput = 'auto'): string {
  const trimmed = raw.trim();
  if (trimmed.length === 0) throw new CardNumberError('empty', raw, 'the card reader sent an empty code');
  if (format === 'as-read') return trimmed;
  if (/^\d{1,3},\d{1,5}$/.test(trimmed)) {
    throw new CardNumberError('lossy-format', raw, `"${trimmed}" is the 3+5 digit (Wiegand 26) form, which drops the card's top byte: set the reader to 10-digit decimal or hex output`);
  }
  // Readers and people separate hex bytes with spaces, colons or dashes.
  const compact = trimmed.replace(/[\s:-]/g, '');
  if (!/^[0-9A-Fa-f]+$/.test(compact)) throw new CardNumberError('bad-characters', raw, `"${trimmed}" is neither decimal nor hex`);
  const looksHex = /[A-Fa-f]/.test(compact) || compact.length !== trimmed.length;
  if (input === 'decimal' && looksHex) throw new CardNumberError('bad-characters', raw, `"${trimmed}" is not decimal`);

  if (format === 'em4100-decimal10') {
    const value = input === 'hex' || (input === 'auto' && looksHex) ? em4100FromHex(compact, raw) : em4100FromDecimal(compact, raw);
    return value.toString().padStart(10, '0');
  }
  let bytes = input === 'hex' || (input === 'auto' && (looksHex || !decimalUidShape(compact))) ? uidFromHex(compact, raw) : uidFromDecimal(compact, raw);
  if (format === 'uid-hex-reversed') bytes = bytes.slice().reverse();
  return bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
}

/** The 32 data bits of an EM4100 ID typed in hex: 10 digits (with the version byte) or 8. */
function em4100FromHex(hex: string, raw: string): bigint {
  if (hex.length !== 10 && hex.length !== 8) {
    throw new CardNumberError('bad-length', raw, `an EM4100 ID in hex has 10 digits (or 8 without the version byte), got ${hex.length}`);
  }
  return BigInt(`0x${hex}`) & MAX32;
}

/** Decimal: up to 10 digits is the 32-bit number itself; 11–13 digits is all 40 bits. */
function em4100FromDecimal(digits: string, raw: string): bigint {
  if (!/^\d+$/.test(digits)) throw new CardNumberError('bad-characters', raw, `"${digits}" is not decimal`);
  if (digits.length > 13) throw new CardNumberError('bad-length', raw, `an EM4100 number has at most 13 decimal digits, got ${digits.length}`);
  const value = BigInt(digits);
  if (digits.length <= 10) {
    if (value > MAX32) throw new CardNumberError('out-of-range', raw, `${digits} is larger than 32 bits (4294967295)`);
    return value;
  }
  if (value > MAX40) throw new CardNumberError('out-of-range', raw, `${digits} is larger than 40 bits`);
  return value & MAX32;
}

/** A 10-digit number that fits in 32 bits is how readers type a 4-byte UID in decimal. */
function decimalUidShape(digits: string): boolean {
  return digits.length === 10 && BigInt(digits) <= MAX32;
}

function uidFromHex(hex: string, raw: string): number[] {
  if (hex.length % 2 !== 0 || !UID_BYTES.has(hex.length / 2)) {
    throw new CardNumberError('bad-length', raw, `a card UID has 4, 7, 8 or 10 bytes (5 for EM4100), got ${hex.length} hex digits`);
  }
  const bytes: number[] = [];
  for (let i = 0; i < hex.length; i += 2) bytes.push(parseInt(hex.slice(i, i + 2), 16));
  return bytes;
}

/** A 4-byte UID typed as a decimal number, most significant byte first. */
function uidFromDecimal(digits: string, raw: string): number[] {
  if (!/^\d+$/.test(digits)) throw new CardNumberError('bad-characters', raw, `"${digits}" is not decimal`);
  if (digits.length > 10) throw new CardNumberError('bad-length', raw, `a UID typed in decimal has at most 10 digits, got ${digits.length}`);
  const value = BigInt(digits);
  if (value > MAX32) throw new CardNumberError('out-of-range', raw, `${digits} is larger than a 4-byte UID`);
  const n = Number(value);
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}
