/**
 * Reads the entries of a ZIP file (what an .xlsx is) through its central directory: stored and
 * deflated entries, no ZIP64, no encryption. Enough for spreadsheets saved by Excel, LibreOffice,
 * Google Sheets and the ministry's export.
 */
import { inflateRawSync } from 'node:zlib';

/** A file that is not a ZIP archive this reader can open. */
export class ZipError extends Error {
  override name = 'ZipError';
}

/** Largest entry inflated (a roster's sheet is a few megabytes at most). */
const MAX_ENTRY_BYTES = 256 * 1024 * 1024;

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** The entries listed in the central directory. */
export function zipEntries(buf: Buffer): ZipEntry[] {
  // The end record is 22 bytes plus a comment of up to 65535 bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('not a ZIP archive (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || p === 0xffffffff) throw new ZipError('ZIP64 archives are not supported');
  const entries: ZipEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL) throw new ZipError(`central directory entry ${k} is damaged`);
    const flags = buf.readUInt16LE(p + 8);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString(flags & 0x800 ? 'utf8' : 'latin1');
    if (flags & 1) throw new ZipError(`${name} is encrypted`);
    entries.push({
      name,
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      localOffset: buf.readUInt32LE(p + 42),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The uncompressed bytes of one entry. */
export function zipRead(buf: Buffer, e: ZipEntry): Buffer {
  const p = e.localOffset;
  if (p + 30 > buf.length || buf.readUInt32LE(p) !== LOCAL) throw new ZipError(`${e.name}: local header is damaged`);
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  const data = buf.subarray(start, start + e.compressedSize);
  if (data.length !== e.compressedSize) throw new ZipError(`${e.name} is truncated`);
  let out: Buffer;
  if (e.method === 0) out = data;
  else if (e.method === 8) {
    // The directory's size bounds the output: a crafted entry cannot inflate without limit.
    if (e.size > MAX_ENTRY_BYTES) throw new ZipError(`${e.name} is larger than ${MAX_ENTRY_BYTES} bytes`);
    try {
      out = inflateRawSync(data, { maxOutputLength: Math.max(e.size, 1) });
    } catch (err) {
      throw new ZipError(`${e.name} cannot be inflated: ${(err as Error).message}`);
    }
  } else throw new ZipError(`${e.name} uses compression method ${e.method}, which is not supported`);
  if (out.length !== e.size) throw new ZipError(`${e.name} has ${out.length} bytes, the directory says ${e.size}`);
  return out;
}

/** All entries by name, read lazily. */
export function openZip(buf: Buffer): { names: string[]; read(name: string): Buffer | null } {
  const entries = zipEntries(buf);
  const byName = new Map(entries.map((e) => [e.name, e]));
  return {
    names: entries.map((e) => e.name),
    read: (name) => {
      const e = byName.get(name);
      return e ? zipRead(buf, e) : null;
    },
  };
}
