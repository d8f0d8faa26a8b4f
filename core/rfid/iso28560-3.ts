/**
 * ISO 28560-3 ("fixed length encoding", the former Danish RFID data model DS/INF 163) basic block:
 * what a library writes into the user memory of an ISO 15693 tag.
 *
 *   byte  0      version (high nibble, 1) | type of usage (low nibble)
 *   byte  1      number of parts in the set (ISO 28560-1 element 4, first component)
 *   byte  2      ordinal part number        (element 4, second component)
 *   bytes 3–18   primary item identifier (element 1), UTF-8, NUL padded, 16 bytes
 *   bytes 19–20  CRC-16/CCITT-FALSE, least significant byte first
 *   bytes 21–22  country of the owner library (the ISIL prefix, e.g. "VN")
 *   bytes 23–33  owner library (the rest of the ISIL, element 3), NUL padded, 11 bytes
 *
 * The CRC covers bytes 0–18 and 21–33 (the 34 bytes less the CRC itself). A 32-byte tag (8 blocks)
 * keeps bytes 0–31 only; its CRC is computed as if bytes 32–33 were NUL, so the owner library is
 * at most 9 characters there. Some writers store each 4-byte block with its bytes reversed; a
 * reader cannot tell from the data alone, so decoding tries both orders and keeps the one whose
 * CRC checks. Pure: no I/O.
 */

/** Byte order inside each 4-byte block as stored on the tag. */
export type BlockOrder = 'forward' | 'block-reversed';
/** 34: the full basic block (tags larger than 32 bytes); 32: the truncated form for 32-byte tags. */
export type Layout = 32 | 34;

/** ISO 28560-3 type of usage (the low nibble of byte 0). */
export const TYPE_OF_USAGE = {
  acquisition: 0,
  circulating: 1,
  notForCirculation: 2,
  discarded: 7,
  patronCard: 8,
  libraryEquipment: 9,
} as const;

/** The only basic-block version the standard defines. */
export const BASIC_BLOCK_VERSION = 1;

export interface BasicBlock {
  version: number;
  /** Type of usage nibble, see TYPE_OF_USAGE. */
  usage: number;
  /** Set information: number of parts in the item (1 for a single-part item). */
  parts: number;
  /** Set information: this tag's ordinal part number, 1-based. */
  part: number;
  /** Primary item identifier (the barcode), '' when absent (acquisition tags). */
  itemId: string;
  /** Country of the owner library, '' when absent. */
  country: string;
  /** Owner library, the ISIL after its prefix, '' when absent. */
  library: string;
  /** Owner institution ISIL, `${country}-${library}`, or null when either part is absent. */
  owner: string | null;
  /** The CRC as stored (and verified). */
  crc: number;
  layout: Layout;
  order: BlockOrder;
}

export type Iso28560DecodeReason = 'truncated' | 'blank' | 'bad-crc' | 'unknown-version' | 'bad-text';

/** The only error decodeBasicBlock throws; `reason` says why the memory is not a readable basic block. */
export class Iso28560DecodeError extends Error {
  override name = 'Iso28560DecodeError';
  constructor(
    readonly reason: Iso28560DecodeReason,
    message: string,
  ) {
    super(message);
  }
}

export type Iso28560EncodeReason = 'bad-item-id' | 'bad-owner' | 'bad-set' | 'bad-usage';

export class Iso28560EncodeError extends Error {
  override name = 'Iso28560EncodeError';
  constructor(
    readonly reason: Iso28560EncodeReason,
    message: string,
  ) {
    super(message);
  }
}

const OFF_PARTS = 1;
const OFF_PART = 2;
const OFF_ITEM = 3;
const LEN_ITEM = 16;
const OFF_CRC = 19;
const OFF_COUNTRY = 21;
const OFF_LIBRARY = 23;
const LEN_LIBRARY: Record<Layout, number> = { 34: 11, 32: 9 };
const BASIC_LEN = 34;
const BLOCK = 4;

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, not reflected, no final XOR); check value "123456789" → 0x29B1. */
export function crc16CcittFalse(bytes: Uint8Array, init = 0xffff): number {
  let crc = init;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** Copy of `bytes` with the bytes of each `blockSize`-byte block reversed; a trailing partial block is copied as is. */
export function reverseBlocks(bytes: Uint8Array, blockSize = BLOCK): Uint8Array {
  const out = Uint8Array.from(bytes);
  const whole = bytes.length - (bytes.length % blockSize);
  for (let b = 0; b < whole; b += blockSize) {
    for (let i = 0; i < blockSize; i++) out[b + i] = bytes[b + blockSize - 1 - i]!;
  }
  return out;
}

/** The CRC of a basic block in forward order (`basic` holds at least 32 bytes; 32–33 count as NUL when missing). */
export function basicBlockCrc(basic: Uint8Array): number {
  const covered = new Uint8Array(BASIC_LEN - 2);
  covered.set(basic.subarray(0, OFF_CRC), 0);
  covered.set(basic.subarray(OFF_CRC + 2, Math.min(basic.length, BASIC_LEN)), OFF_CRC);
  return crc16CcittFalse(covered);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

function text(field: Uint8Array, what: string): string {
  const nul = field.indexOf(0);
  const used = nul < 0 ? field : field.subarray(0, nul);
  try {
    return utf8.decode(used);
  } catch {
    throw new Iso28560DecodeError('bad-text', `${what} is not valid UTF-8`);
  }
}

interface Candidate {
  order: BlockOrder;
  layout: Layout;
  bytes: Uint8Array;
}

function candidates(memory: Uint8Array): Candidate[] {
  const out: Candidate[] = [];
  // Reversing needs whole blocks: byte 33 of a reversed 34-byte block sits in the 9th block.
  const reversed = reverseBlocks(memory.subarray(0, memory.length - (memory.length % BLOCK)));
  if (memory.length >= BASIC_LEN) out.push({ order: 'forward', layout: 34, bytes: memory.subarray(0, BASIC_LEN) });
  if (reversed.length >= BASIC_LEN) out.push({ order: 'block-reversed', layout: 34, bytes: reversed.subarray(0, BASIC_LEN) });
  out.push({ order: 'forward', layout: 32, bytes: memory.subarray(0, 32) });
  out.push({ order: 'block-reversed', layout: 32, bytes: reversed.subarray(0, 32) });
  return out;
}

function storedCrc(basic: Uint8Array): number {
  return basic[OFF_CRC]! | (basic[OFF_CRC + 1]! << 8);
}

/**
 * Decodes the basic block from tag memory read from block 0 (at least 32 bytes; read 9 blocks of
 * 4 bytes to cover the 34-byte layout). Detects the block order and layout by the CRC. Throws
 * Iso28560DecodeError and nothing else.
 */
export function decodeBasicBlock(memory: Uint8Array): BasicBlock {
  if (memory.length < 32) throw new Iso28560DecodeError('truncated', `tag memory has ${memory.length} bytes, the basic block needs at least 32`);
  const head = memory.subarray(0, 32);
  if (head.every((b) => b === 0) || head.every((b) => b === 0xff)) throw new Iso28560DecodeError('blank', 'the tag holds no data (blank or erased)');
  let versionSeen = false;
  let crcOkButVersion: number | null = null;
  for (const c of candidates(memory)) {
    const version = c.bytes[0]! >> 4;
    // Only a plausible header makes a CRC mismatch "bad-crc" rather than "some other data model".
    if (version === BASIC_BLOCK_VERSION && c.bytes[OFF_PART]! >= 1 && c.bytes[OFF_PART]! <= c.bytes[OFF_PARTS]!) versionSeen = true;
    if (basicBlockCrc(c.bytes) !== storedCrc(c.bytes)) continue;
    if (version !== BASIC_BLOCK_VERSION) {
      crcOkButVersion ??= version;
      continue;
    }
    const b = c.bytes;
    const country = text(b.subarray(OFF_COUNTRY, OFF_COUNTRY + 2), 'country');
    const library = text(b.subarray(OFF_LIBRARY, OFF_LIBRARY + LEN_LIBRARY[c.layout]), 'owner library');
    return {
      version,
      usage: b[0]! & 0x0f,
      parts: b[OFF_PARTS]!,
      part: b[OFF_PART]!,
      itemId: text(b.subarray(OFF_ITEM, OFF_ITEM + LEN_ITEM), 'primary item identifier'),
      country,
      library,
      owner: country && library ? `${country}-${library}` : null,
      crc: storedCrc(b),
      layout: c.layout,
      order: c.order,
    };
  }
  if (crcOkButVersion !== null) throw new Iso28560DecodeError('unknown-version', `basic block version ${crcOkButVersion} is not supported (only ${BASIC_BLOCK_VERSION})`);
  if (!versionSeen) throw new Iso28560DecodeError('unknown-version', 'no ISO 28560-3 header (version 1, part ≤ parts) in either block order: another data model?');
  throw new Iso28560DecodeError('bad-crc', 'the basic block CRC does not match in either block order');
}

/** decodeBasicBlock without the throw. */
export function tryDecodeBasicBlock(memory: Uint8Array): { ok: true; block: BasicBlock } | { ok: false; error: Iso28560DecodeError } {
  try {
    return { ok: true, block: decodeBasicBlock(memory) };
  } catch (err) {
    if (err instanceof Iso28560DecodeError) return { ok: false, error: err };
    throw err;
  }
}

export interface BasicBlockInput {
  /** Primary item identifier: printable, no NUL, at most 16 bytes of UTF-8. */
  itemId: string;
  /** Owner ISIL such as "VN-THCS01" (2-letter country prefix, a hyphen, the library); null writes none. */
  owner?: string | null;
  /** Type of usage nibble; TYPE_OF_USAGE.circulating by default. */
  usage?: number;
  /** Number of parts in the set, 1–255; 1 by default. */
  parts?: number;
  /** Ordinal part number, 1..parts; 1 by default. */
  part?: number;
}

export interface EncodeOptions {
  /** 34 (default) for tags larger than 32 bytes, 32 for 8-block tags. */
  layout?: Layout;
  /** Byte order inside each 4-byte block; 'forward' by default. */
  order?: BlockOrder;
}

/** Splits an ISIL "VN-THCS01" into its 2-letter country prefix and library part; null if it has no such prefix. */
export function splitIsil(isil: string): { country: string; library: string } | null {
  const m = /^([A-Z]{2})-(.+)$/.exec(isil);
  return m ? { country: m[1]!, library: m[2]! } : null;
}

function putText(dst: Uint8Array, offset: number, max: number, value: string, reason: Iso28560EncodeReason, what: string): void {
  const bytes = utf8Encoder.encode(value);
  if (bytes.length > max) throw new Iso28560EncodeError(reason, `${what} "${value}" takes ${bytes.length} bytes, at most ${max} fit`);
  if (bytes.includes(0)) throw new Iso28560EncodeError(reason, `${what} must not contain NUL`);
  dst.set(bytes, offset);
}

/**
 * Encodes a basic block into tag memory from block 0: 36 bytes (9 blocks, the last 2 bytes NUL)
 * for the 34-byte layout, 32 bytes (8 blocks) for the 32-byte layout. Throws Iso28560EncodeError.
 */
export function encodeBasicBlock(input: BasicBlockInput, opts: EncodeOptions = {}): Uint8Array {
  const layout = opts.layout ?? 34;
  const usage = input.usage ?? TYPE_OF_USAGE.circulating;
  const parts = input.parts ?? 1;
  const part = input.part ?? 1;
  if (!Number.isInteger(usage) || usage < 0 || usage > 15) throw new Iso28560EncodeError('bad-usage', `type of usage must be 0–15, got ${usage}`);
  if (!Number.isInteger(parts) || parts < 1 || parts > 255) throw new Iso28560EncodeError('bad-set', `number of parts must be 1–255, got ${parts}`);
  if (!Number.isInteger(part) || part < 1 || part > parts) throw new Iso28560EncodeError('bad-set', `part number must be 1–${parts}, got ${part}`);
  if ([...input.itemId].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) throw new Iso28560EncodeError('bad-item-id', 'the primary item identifier must be printable');
  const out = new Uint8Array(layout === 34 ? 36 : 32);
  out[0] = (BASIC_BLOCK_VERSION << 4) | usage;
  out[OFF_PARTS] = parts;
  out[OFF_PART] = part;
  putText(out, OFF_ITEM, LEN_ITEM, input.itemId, 'bad-item-id', 'primary item identifier');
  if (input.owner != null) {
    const isil = splitIsil(input.owner);
    if (!isil) throw new Iso28560EncodeError('bad-owner', `owner "${input.owner}" is not an ISIL with a 2-letter country prefix (e.g. VN-THCS01)`);
    putText(out, OFF_COUNTRY, 2, isil.country, 'bad-owner', 'country');
    putText(out, OFF_LIBRARY, LEN_LIBRARY[layout], isil.library, 'bad-owner', `owner library (${layout}-byte layout)`);
  }
  const crc = basicBlockCrc(out);
  out[OFF_CRC] = crc & 0xff;
  out[OFF_CRC + 1] = crc >> 8;
  return opts.order === 'block-reversed' ? reverseBlocks(out) : out;
}
