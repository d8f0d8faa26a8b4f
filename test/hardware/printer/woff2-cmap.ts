/**
 * Reads the character map of a WOFF2 font (W3C WOFF2 §4–5; OpenType cmap formats 4 and 12), so a
 * test can check that the committed slip fonts themselves cover every Vietnamese letter, instead of
 * trusting whatever system font the renderer would fall back to.
 */
import { brotliDecompressSync } from 'node:zlib';

const GLYF = 10;
const LOCA = 11;

/** The code points the font maps to a glyph other than .notdef. */
export function woff2CodePoints(file: Buffer): Set<number> {
  if (file.toString('latin1', 0, 4) !== 'wOF2') throw new Error('not a WOFF2 file');
  const numTables = file.readUInt16BE(12);
  const compressedSize = file.readUInt32BE(20);
  let at = 48;
  const base128 = () => {
    let v = 0;
    for (let i = 0; i < 5; i++) {
      const b = file[at++]!;
      v = v * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) return v;
    }
    throw new Error('bad UIntBase128');
  };
  let offset = 0;
  let cmap: { offset: number; length: number } | null = null;
  for (let t = 0; t < numTables; t++) {
    const flags = file[at++]!;
    const tagIndex = flags & 0x3f;
    if (tagIndex === 63) at += 4;
    const version = flags >> 6;
    const origLength = base128();
    const transformed = tagIndex === GLYF || tagIndex === LOCA ? version !== 3 : version !== 0;
    const length = transformed ? base128() : origLength;
    if (tagIndex === 0) cmap = { offset, length };
    offset += length;
  }
  if (!cmap) throw new Error('no cmap table');
  const data = brotliDecompressSync(file.subarray(at, at + compressedSize));
  return cmapCodePoints(data.subarray(cmap.offset, cmap.offset + cmap.length));
}

function cmapCodePoints(c: Buffer): Set<number> {
  const out = new Set<number>();
  const n = c.readUInt16BE(2);
  for (let i = 0; i < n; i++) {
    const rec = 4 + i * 8;
    const platform = c.readUInt16BE(rec);
    const encoding = c.readUInt16BE(rec + 2);
    if (!((platform === 3 && (encoding === 1 || encoding === 10)) || platform === 0)) continue;
    const sub = c.readUInt32BE(rec + 4);
    const format = c.readUInt16BE(sub);
    if (format === 4) format4(c, sub, out);
    else if (format === 12) format12(c, sub, out);
  }
  return out;
}

function format4(c: Buffer, s: number, out: Set<number>): void {
  const segs = c.readUInt16BE(s + 6) / 2;
  const ends = s + 14;
  const starts = ends + segs * 2 + 2;
  const deltas = starts + segs * 2;
  const ranges = deltas + segs * 2;
  for (let i = 0; i < segs; i++) {
    const end = c.readUInt16BE(ends + i * 2);
    const start = c.readUInt16BE(starts + i * 2);
    const delta = c.readUInt16BE(deltas + i * 2);
    const rangeAt = ranges + i * 2;
    const rangeOffset = c.readUInt16BE(rangeAt);
    for (let cp = start; cp <= end && cp !== 0xffff; cp++) {
      let glyph: number;
      if (rangeOffset === 0) glyph = (cp + delta) & 0xffff;
      else {
        const g = c.readUInt16BE(rangeAt + rangeOffset + (cp - start) * 2);
        glyph = g === 0 ? 0 : (g + delta) & 0xffff;
      }
      if (glyph !== 0) out.add(cp);
    }
  }
}

function format12(c: Buffer, s: number, out: Set<number>): void {
  const groups = c.readUInt32BE(s + 12);
  for (let i = 0; i < groups; i++) {
    const g = s + 16 + i * 12;
    const start = c.readUInt32BE(g);
    const end = c.readUInt32BE(g + 4);
    const glyph = c.readUInt32BE(g + 8);
    for (let cp = start; cp <= end; cp++) if (glyph + (cp - start) !== 0) out.add(cp);
  }
}
