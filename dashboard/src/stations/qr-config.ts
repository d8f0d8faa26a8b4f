/**
 * QR codes large enough for a station's config file (a few hundred bytes): byte mode, versions 1–25,
 * levels L and M. The card encoder (patrons/qr.ts) stops at version 4; this one adds what larger
 * symbols need (several alignment patterns, version information from version 7, the 16-bit count
 * from version 10, blocks of two lengths) and reuses its Reed–Solomon, format bits and penalty.
 * Block counts and EC lengths: ISO/IEC 18004:2015 Table 9.
 */
import { formatBits, penalty, reedSolomon, QrError, type QrCode } from '../patrons/qr.ts';

type Level = 'L' | 'M';
const MAX_VERSION = 25;
// Index = version (0 unused).
const EC_PER_BLOCK: Record<Level, number[]> = {
  L: [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26],
  M: [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28],
};
const BLOCKS: Record<Level, number[]> = {
  L: [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12],
  M: [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21],
};

/** Modules left for data and EC after the function patterns, in whole codewords. */
export function totalCodewords(version: number): number {
  let bits = (16 * version + 128) * version + 64;
  if (version >= 2) {
    const align = Math.floor(version / 7) + 2;
    bits -= (25 * align - 10) * align - 55;
    if (version >= 7) bits -= 36;
  }
  return Math.floor(bits / 8);
}

export function dataCodewords(version: number, ec: Level): number {
  return totalCodewords(version) - EC_PER_BLOCK[ec][version]! * BLOCKS[ec][version]!;
}

/** Centre coordinates of the alignment patterns on each axis. */
export function alignmentCentres(version: number): number[] {
  if (version === 1) return [];
  const n = Math.floor(version / 7) + 2;
  const step = Math.floor((version * 8 + n * 3 + 5) / (n * 4 - 4)) * 2;
  const out = [6];
  for (let pos = 17 + 4 * version - 7; out.length < n; pos -= step) out.splice(1, 0, pos);
  return out;
}

/** The 18 version-information bits: version, BCH(18,6) with generator 0x1F25. */
export function versionBits(version: number): number {
  let rem = version;
  for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
  return (version << 12) | (rem & 0xfff);
}

/** Data then EC codewords, interleaved; short blocks first, long blocks one data codeword longer. */
export function interleave(data: number[], version: number, ec: Level): number[] {
  const blocks = BLOCKS[ec][version]!;
  const ecLen = EC_PER_BLOCK[ec][version]!;
  const total = totalCodewords(version);
  const shortBlocks = blocks - (total % blocks);
  const shortLen = Math.floor(total / blocks) - ecLen;
  const parts: number[][] = [];
  const ecs: number[][] = [];
  for (let i = 0, k = 0; i < blocks; i++) {
    const len = shortLen + (i < shortBlocks ? 0 : 1);
    const blk = data.slice(k, k + len);
    k += len;
    parts.push(blk);
    ecs.push(reedSolomon(blk, ecLen));
  }
  const out: number[] = [];
  for (let i = 0; i <= shortLen; i++) for (const blk of parts) if (i < blk.length) out.push(blk[i]!);
  for (let i = 0; i < ecLen; i++) for (const e of ecs) out.push(e[i]!);
  return out;
}

const MASKS: ((r: number, c: number) => boolean)[] = [
  (r, c) => (r + c) % 2 === 0,
  (r) => r % 2 === 0,
  (_r, c) => c % 3 === 0,
  (r, c) => (r + c) % 3 === 0,
  (r, c) => (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0,
  (r, c) => ((r * c) % 2) + ((r * c) % 3) === 0,
  (r, c) => (((r * c) % 2) + ((r * c) % 3)) % 2 === 0,
  (r, c) => (((r + c) % 2) + ((r * c) % 3)) % 2 === 0,
];

class Grid {
  readonly dark: boolean[][];
  readonly fixed: boolean[][];
  constructor(readonly size: number) {
    const make = () => Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
    this.dark = make();
    this.fixed = make();
  }
  set(r: number, c: number, dark: boolean): void {
    if (r < 0 || c < 0 || r >= this.size || c >= this.size) return;
    this.dark[r]![c] = dark;
    this.fixed[r]![c] = true;
  }
}

function drawFormat(g: Grid, ec: Level, mask: number): void {
  const bits = formatBits(ec, mask);
  const bit = (i: number) => ((bits >>> i) & 1) === 1;
  const n = g.size;
  for (let i = 0; i <= 5; i++) g.set(i, 8, bit(i));
  g.set(7, 8, bit(6));
  g.set(8, 8, bit(7));
  g.set(8, 7, bit(8));
  for (let i = 9; i < 15; i++) g.set(8, 14 - i, bit(i));
  for (let i = 0; i < 8; i++) g.set(8, n - 1 - i, bit(i));
  for (let i = 8; i < 15; i++) g.set(n - 15 + i, 8, bit(i));
  g.set(n - 8, 8, true); // the dark module
}

function drawFunctionPatterns(g: Grid, version: number): void {
  const n = g.size;
  for (const [r0, c0] of [
    [0, 0],
    [0, n - 7],
    [n - 7, 0],
  ] as const) {
    for (let dr = -1; dr <= 7; dr++) {
      for (let dc = -1; dc <= 7; dc++) {
        const ring = Math.max(Math.abs(dr - 3), Math.abs(dc - 3));
        g.set(r0 + dr, c0 + dc, ring !== 2 && ring !== 4);
      }
    }
  }
  for (let i = 8; i < n - 8; i++) {
    g.set(6, i, i % 2 === 0);
    g.set(i, 6, i % 2 === 0);
  }
  const centres = alignmentCentres(version);
  const last = centres.length - 1;
  centres.forEach((r, i) =>
    centres.forEach((c, j) => {
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return; // the finders' corners
      for (let dr = -2; dr <= 2; dr++) for (let dc = -2; dc <= 2; dc++) g.set(r + dr, c + dc, Math.max(Math.abs(dr), Math.abs(dc)) !== 1);
    }),
  );
  if (version >= 7) {
    const bits = versionBits(version);
    for (let i = 0; i < 18; i++) {
      const dark = ((bits >>> i) & 1) === 1;
      const a = n - 11 + (i % 3);
      const b = Math.floor(i / 3);
      g.set(a, b, dark);
      g.set(b, a, dark);
    }
  }
  drawFormat(g, 'M', 0); // reserves the format areas; rewritten per mask
}

/** The zigzag order of the data modules, from the bottom-right corner, skipping function modules. */
export function dataPositions(fixed: boolean[][]): [number, number][] {
  const n = fixed.length;
  const out: [number, number][] = [];
  let upward = true;
  for (let right = n - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let k = 0; k < n; k++) {
      const row = upward ? n - 1 - k : k;
      for (const col of [right, right - 1]) if (!fixed[row]![col]) out.push([row, col]);
    }
    upward = !upward;
  }
  return out;
}

/** Encodes bytes (a string as UTF-8) in the smallest version 1–25 that holds them, byte mode. */
export function encodeLargeQr(data: string | Uint8Array, o: { ecLevel?: Level; mask?: number } = {}): QrCode & { functionModules: boolean[][] } {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const ec = o.ecLevel ?? 'L';
  let version = 1;
  const needBits = (v: number) => 4 + (v < 10 ? 8 : 16) + 8 * bytes.length;
  while (version <= MAX_VERSION && needBits(version) > dataCodewords(version, ec) * 8) version++;
  if (version > MAX_VERSION) throw new QrError(`${bytes.length} bytes do not fit a version ${MAX_VERSION} QR code at level ${ec}`);

  const bits: number[] = [];
  const put = (value: number, len: number) => {
    for (let i = len - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  put(0b0100, 4);
  put(bytes.length, version < 10 ? 8 : 16);
  for (const b of bytes) put(b, 8);
  const capacity = dataCodewords(version, ec) * 8;
  for (let i = 0; i < 4 && bits.length < capacity; i++) bits.push(0);
  while (bits.length % 8) bits.push(0);
  const cw: number[] = [];
  for (let i = 0; i < bits.length; i += 8) cw.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0));
  for (let pad = 0xec; cw.length < capacity / 8; pad ^= 0xec ^ 0x11) cw.push(pad);

  const g = new Grid(17 + 4 * version);
  drawFunctionPatterns(g, version);
  const all = interleave(cw, version, ec);
  const positions = dataPositions(g.fixed);
  positions.forEach(([r, c], i) => {
    g.dark[r]![c] = i < all.length * 8 && ((all[i >>> 3]! >>> (7 - (i & 7))) & 1) === 1;
  });
  let best: { mask: number; modules: boolean[][]; score: number } | null = null;
  for (let mask = 0; mask < 8; mask++) {
    if (o.mask !== undefined && mask !== o.mask) continue;
    drawFormat(g, ec, mask);
    const modules = g.dark.map((row, r) => row.map((d, c) => (g.fixed[r]![c] ? d : d !== MASKS[mask]!(r, c))));
    const score = penalty(modules);
    if (!best || score < best.score) best = { mask, modules, score };
  }
  return { version, ecLevel: ec, mask: best!.mask, modules: best!.modules, functionModules: g.fixed };
}
