/**
 * A QR Code encoder (ISO/IEC 18004) for short payloads such as a 14-digit card barcode: byte or
 * numeric mode, versions 1–4, error correction L/M/Q/H (cards use M), Reed–Solomon over GF(256),
 * block interleaving, the eight masks with the standard penalty score, format information
 * BCH-coded. Pure: returns the module matrix; qrSvg() draws it.
 */

export type EcLevel = 'L' | 'M' | 'Q' | 'H';
export type QrMode = 'byte' | 'numeric';

export interface QrCode {
  version: number;
  ecLevel: EcLevel;
  mask: number;
  /** modules[row][col], true = dark; size 17 + 4·version, no quiet zone. */
  modules: boolean[][];
}

export class QrError extends Error {
  override name = 'QrError';
}

/** Blocks per version (index 1..4) and level: [block count, data codewords per block, EC codewords per block]. */
const BLOCKS: Record<EcLevel, [number, number, number][]> = {
  L: [[0, 0, 0], [1, 19, 7], [1, 34, 10], [1, 55, 15], [1, 80, 20]],
  M: [[0, 0, 0], [1, 16, 10], [1, 28, 16], [1, 44, 26], [2, 32, 18]],
  Q: [[0, 0, 0], [1, 13, 13], [1, 22, 22], [2, 17, 18], [2, 24, 26]],
  H: [[0, 0, 0], [1, 9, 17], [1, 16, 28], [2, 13, 22], [4, 9, 16]],
};
const MAX_VERSION = 4;
/** Format-information bits of each level (M is 00 on purpose: the spec's order is M L H Q). */
const EC_BITS: Record<EcLevel, number> = { L: 1, M: 0, Q: 3, H: 2 };

// ---- GF(256), primitive polynomial x^8 + x^4 + x^3 + x^2 + 1 -------------------------------------------
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255]!;
}
const mul = (a: number, b: number) => (a === 0 || b === 0 ? 0 : EXP[LOG[a]! + LOG[b]!]!);

/** The generator polynomial ∏(x − α^i), i < degree, highest coefficient first (the leading 1 dropped). */
function generator(degree: number): number[] {
  let g = [1];
  for (let i = 0; i < degree; i++) {
    const next = new Array<number>(g.length + 1).fill(0);
    for (let k = 0; k < g.length; k++) {
      next[k] = next[k]! ^ g[k]!;
      next[k + 1] = next[k + 1]! ^ mul(g[k]!, EXP[i]!);
    }
    g = next;
  }
  return g.slice(1);
}

/** Reed–Solomon error-correction codewords of data (the remainder of data·x^n divided by the generator). */
export function reedSolomon(data: readonly number[], ecCount: number): number[] {
  const g = generator(ecCount);
  const rem = new Array<number>(ecCount).fill(0);
  for (const d of data) {
    const factor = d ^ rem.shift()!;
    rem.push(0);
    for (let i = 0; i < ecCount; i++) rem[i] = rem[i]! ^ mul(g[i]!, factor);
  }
  return rem;
}

// ---- data bits ---------------------------------------------------------------------------------------
class Bits {
  readonly bits: number[] = [];
  put(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) this.bits.push((value >>> i) & 1);
  }
}

function segmentBits(data: Uint8Array, mode: QrMode): Bits {
  const b = new Bits();
  if (mode === 'numeric') {
    const digits = new TextDecoder().decode(data);
    if (!/^\d*$/.test(digits)) throw new QrError('numeric mode takes digits only');
    b.put(0b0001, 4);
    b.put(digits.length, 10); // versions 1–9
    for (let i = 0; i < digits.length; i += 3) {
      const group = digits.slice(i, i + 3);
      b.put(Number(group), group.length * 3 + 1);
    }
  } else {
    b.put(0b0100, 4);
    b.put(data.length, 8); // versions 1–9
    for (const byte of data) b.put(byte, 8);
  }
  return b;
}

function dataCapacityBits(version: number, ec: EcLevel): number {
  const [blocks, data] = BLOCKS[ec][version]!;
  return blocks * data * 8;
}

/** Data codewords followed by EC codewords, interleaved across blocks. */
function codewords(bits: Bits, version: number, ec: EcLevel): number[] {
  const capacity = dataCapacityBits(version, ec);
  const b = bits.bits;
  b.push(...new Array<number>(Math.min(4, capacity - b.length)).fill(0)); // terminator
  while (b.length % 8) b.push(0);
  const bytes: number[] = [];
  for (let i = 0; i < b.length; i += 8) bytes.push(b.slice(i, i + 8).reduce((acc, bit) => (acc << 1) | bit, 0));
  for (let pad = 0xec; bytes.length < capacity / 8; pad ^= 0xec ^ 0x11) bytes.push(pad);
  const [count, per, ecPer] = BLOCKS[ec][version]!;
  const blocks: number[][] = [];
  const ecBlocks: number[][] = [];
  for (let k = 0; k < count; k++) {
    const blk = bytes.slice(k * per, (k + 1) * per);
    blocks.push(blk);
    ecBlocks.push(reedSolomon(blk, ecPer));
  }
  const out: number[] = [];
  for (let i = 0; i < per; i++) for (const blk of blocks) out.push(blk[i]!);
  for (let i = 0; i < ecPer; i++) for (const blk of ecBlocks) out.push(blk[i]!);
  return out;
}

// ---- matrix ------------------------------------------------------------------------------------------
interface Grid {
  size: number;
  dark: boolean[][];
  fixed: boolean[][];
}

function newGrid(version: number): Grid {
  const size = 17 + 4 * version;
  const make = () => Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  return { size, dark: make(), fixed: make() };
}

function setFixed(g: Grid, row: number, col: number, dark: boolean): void {
  if (row < 0 || col < 0 || row >= g.size || col >= g.size) return;
  g.dark[row]![col] = dark;
  g.fixed[row]![col] = true;
}

function drawFunctionPatterns(g: Grid, version: number): void {
  const n = g.size;
  // Finder patterns with their light separators.
  for (const [r0, c0] of [
    [0, 0],
    [0, n - 7],
    [n - 7, 0],
  ] as const) {
    for (let dr = -1; dr <= 7; dr++) {
      for (let dc = -1; dc <= 7; dc++) {
        const ring = Math.max(Math.abs(dr - 3), Math.abs(dc - 3));
        setFixed(g, r0 + dr, c0 + dc, ring !== 2 && ring !== 4);
      }
    }
  }
  // Timing patterns.
  for (let i = 8; i < n - 8; i++) {
    setFixed(g, 6, i, i % 2 === 0);
    setFixed(g, i, 6, i % 2 === 0);
  }
  // Versions 2–6 have one alignment pattern, centred at (n − 7, n − 7).
  if (version >= 2) {
    const c = n - 7;
    for (let dr = -2; dr <= 2; dr++) for (let dc = -2; dc <= 2; dc++) setFixed(g, c + dr, c + dc, Math.max(Math.abs(dr), Math.abs(dc)) !== 1);
  }
  // Reserve the format areas (written after masking) and set the dark module.
  drawFormat(g, 'M', 0);
  setFixed(g, n - 8, 8, true);
}

/** The 15 format bits: level and mask, BCH(15,5) with generator 0x537, XOR 0x5412. */
export function formatBits(ec: EcLevel, mask: number): number {
  const data = (EC_BITS[ec] << 3) | mask;
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  return ((data << 10) | (rem & 0x3ff)) ^ 0x5412;
}

function drawFormat(g: Grid, ec: EcLevel, mask: number): void {
  const bits = formatBits(ec, mask);
  const bit = (i: number) => ((bits >>> i) & 1) === 1;
  const n = g.size;
  // Around the top-left finder: bits 0–7 down column 8 (skipping the timing row), 8–14 along row 8 leftwards.
  for (let i = 0; i <= 5; i++) setFixed(g, i, 8, bit(i));
  setFixed(g, 7, 8, bit(6));
  setFixed(g, 8, 8, bit(7));
  setFixed(g, 8, 7, bit(8));
  for (let i = 9; i < 15; i++) setFixed(g, 8, 14 - i, bit(i));
  // The copy: bits 0–7 along row 8 from the right edge, 8–14 up column 8 from the bottom.
  for (let i = 0; i < 8; i++) setFixed(g, 8, n - 1 - i, bit(i));
  for (let i = 8; i < 15; i++) setFixed(g, n - 15 + i, 8, bit(i));
}

/** Places codeword bits in the two-column zigzag from the bottom-right corner. */
function placeData(g: Grid, cws: number[]): void {
  const n = g.size;
  let bitIndex = 0;
  const total = cws.length * 8;
  let upward = true;
  for (let right = n - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5; // the vertical timing column is skipped
    for (let k = 0; k < n; k++) {
      const row = upward ? n - 1 - k : k;
      for (const col of [right, right - 1]) {
        if (g.fixed[row]![col]) continue;
        // Remainder bits after the last codeword are light.
        g.dark[row]![col] = bitIndex < total && ((cws[bitIndex >>> 3]! >>> (7 - (bitIndex & 7))) & 1) === 1;
        bitIndex++;
      }
    }
    upward = !upward;
  }
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

function applyMask(g: Grid, mask: number): boolean[][] {
  return g.dark.map((row, r) => row.map((d, c) => (g.fixed[r]![c] ? d : d !== MASKS[mask]!(r, c))));
}

/** The standard penalty score of a finished symbol (lower is better). */
export function penalty(m: boolean[][]): number {
  const n = m.length;
  let score = 0;
  const line = (get: (i: number) => boolean) => {
    // Rule 1: runs of five or more of one colour.
    let run = 1;
    for (let i = 1; i <= n; i++) {
      if (i < n && get(i) === get(i - 1)) run++;
      else {
        if (run >= 5) score += 3 + (run - 5);
        run = 1;
      }
    }
    // Rule 3: a finder-like 1011101 with four light modules on one side.
    for (let i = 0; i + 11 <= n; i++) {
      const p = Array.from({ length: 11 }, (_, k) => get(i + k));
      const core = (o: number) => p[o] && !p[o + 1] && p[o + 2] && p[o + 3] && p[o + 4] && !p[o + 5] && p[o + 6];
      if (core(0) && !p[7] && !p[8] && !p[9] && !p[10]) score += 40;
      if (!p[0] && !p[1] && !p[2] && !p[3] && core(4)) score += 40;
    }
  };
  for (let r = 0; r < n; r++) line((i) => m[r]![i]!);
  for (let c = 0; c < n; c++) line((i) => m[i]![c]!);
  // Rule 2: 2×2 blocks of one colour.
  for (let r = 0; r + 1 < n; r++) {
    for (let c = 0; c + 1 < n; c++) {
      const v = m[r]![c];
      if (m[r]![c + 1] === v && m[r + 1]![c] === v && m[r + 1]![c + 1] === v) score += 3;
    }
  }
  // Rule 4: balance of dark and light, 10 points per 5 % away from half.
  let dark = 0;
  for (const row of m) for (const d of row) if (d) dark++;
  score += Math.floor(Math.abs((dark * 100) / (n * n) - 50) / 5) * 10;
  return score;
}

export interface QrOptions {
  ecLevel?: EcLevel;
  mode?: QrMode;
  /** Force a mask 0–7 instead of the one with the lowest penalty. */
  mask?: number;
  /** Smallest version to use; default 1. */
  minVersion?: number;
}

/** Encodes data (a string is taken as UTF-8 bytes) in the smallest version 1–4 that holds it. */
export function encodeQr(data: string | Uint8Array, o: QrOptions = {}): QrCode {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const ec = o.ecLevel ?? 'M';
  const mode = o.mode ?? 'byte';
  const bits = segmentBits(bytes, mode);
  let version = o.minVersion ?? 1;
  while (version <= MAX_VERSION && bits.bits.length > dataCapacityBits(version, ec)) version++;
  if (version > MAX_VERSION) throw new QrError(`${bytes.length} bytes do not fit a version ${MAX_VERSION} QR code at level ${ec}`);
  const g = newGrid(version);
  drawFunctionPatterns(g, version);
  placeData(g, codewords(bits, version, ec));
  let best: { mask: number; modules: boolean[][]; score: number } | null = null;
  for (let mask = 0; mask < 8; mask++) {
    if (o.mask !== undefined && mask !== o.mask) continue;
    drawFormat(g, ec, mask);
    const modules = applyMask(g, mask);
    const score = penalty(modules);
    if (!best || score < best.score) best = { mask, modules, score };
  }
  return { version, ecLevel: ec, mask: best!.mask, modules: best!.modules };
}

/** An SVG of the code with a 4-module quiet zone; size in SVG user units (default 1 per module). */
export function qrSvg(code: QrCode, o: { size?: number; title?: string } = {}): string {
  const quiet = 4;
  const n = code.modules.length + 2 * quiet;
  let path = '';
  code.modules.forEach((row, r) => {
    for (let c = 0; c < row.length; ) {
      if (!row[c]) {
        c++;
        continue;
      }
      let w = 0;
      while (c + w < row.length && row[c + w]) w++;
      path += `M${c + quiet} ${r + quiet}h${w}v1h-${w}z`;
      c += w;
    }
  });
  const size = o.size ?? n;
  const title = o.title ? `<title>${o.title.replace(/[<&>]/g, '')}</title>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n} ${n}" width="${size}" height="${size}" shape-rendering="crispEdges" role="img">${title}<rect width="${n}" height="${n}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`;
}
