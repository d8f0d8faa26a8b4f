/**
 * A QR Code encoder (ISO/IEC 18004), pure, for card barcodes (a 14-digit number, version 1) and
 * station config files (a few hundred bytes, up to version 25): numeric or byte mode, versions
 * 1–25, error correction L/M/Q/H, Reed–Solomon over GF(256), blocks of two lengths interleaved,
 * alignment patterns, version information from version 7, the eight masks with the standard
 * penalty score, BCH-coded format information. Returns the module matrix; qrSvg() draws it.
 * Block counts and EC lengths: ISO/IEC 18004:2015 Table 9.
 */

export type EcLevel = 'L' | 'M' | 'Q' | 'H';
export type QrMode = 'byte' | 'numeric';

export interface QrCode {
  version: number;
  ecLevel: EcLevel;
  mask: number;
  /** modules[row][col], true = dark; size 17 + 4·version, no quiet zone. */
  modules: boolean[][];
  /** functionModules[row][col]: finder, timing, alignment, format and version modules (not data). */
  functionModules: boolean[][];
}

export class QrError extends Error {
  override name = 'QrError';
}

export const MAX_VERSION = 25;

// Index = version (0 unused).
const EC_PER_BLOCK: Record<EcLevel, readonly number[]> = {
  L: [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26],
  M: [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28],
  Q: [0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30],
  H: [0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30],
};
const BLOCKS: Record<EcLevel, readonly number[]> = {
  L: [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12],
  M: [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21],
  Q: [0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29],
  H: [0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35],
};
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

// ---- structure tables --------------------------------------------------------------------------------

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

export function dataCodewords(version: number, ec: EcLevel): number {
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

/** The 15 format bits: level and mask, BCH(15,5) with generator 0x537, XOR 0x5412. */
export function formatBits(ec: EcLevel, mask: number): number {
  const data = (EC_BITS[ec] << 3) | mask;
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  return ((data << 10) | (rem & 0x3ff)) ^ 0x5412;
}

// ---- data bits ---------------------------------------------------------------------------------------

/** The segment's bits (mode indicator, character count, data) for a version; the count's width depends on it. */
function segmentBits(data: Uint8Array, digits: string | null, version: number): number[] {
  const bits: number[] = [];
  const put = (value: number, length: number) => {
    for (let i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  if (digits !== null) {
    put(0b0001, 4);
    put(digits.length, version < 10 ? 10 : 12);
    for (let i = 0; i < digits.length; i += 3) {
      const group = digits.slice(i, i + 3);
      put(Number(group), group.length * 3 + 1);
    }
  } else {
    put(0b0100, 4);
    put(data.length, version < 10 ? 8 : 16);
    for (const byte of data) put(byte, 8);
  }
  return bits;
}

/** Data codewords: the segment, terminator, padding to a byte, then the 0xEC 0x11 pad codewords. */
function dataCodewordsOf(bits: number[], capacityBits: number): number[] {
  const b = [...bits];
  for (let i = 0; i < 4 && b.length < capacityBits; i++) b.push(0); // terminator
  while (b.length % 8) b.push(0);
  const cw: number[] = [];
  for (let i = 0; i < b.length; i += 8) cw.push(b.slice(i, i + 8).reduce((acc, bit) => (acc << 1) | bit, 0));
  for (let pad = 0xec; cw.length < capacityBits / 8; pad ^= 0xec ^ 0x11) cw.push(pad);
  return cw;
}

/** Data then EC codewords, interleaved; short blocks first, long blocks one data codeword longer. */
export function interleave(data: readonly number[], version: number, ec: EcLevel): number[] {
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

// ---- matrix ------------------------------------------------------------------------------------------

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

function drawFormat(g: Grid, ec: EcLevel, mask: number): void {
  const bits = formatBits(ec, mask);
  const bit = (i: number) => ((bits >>> i) & 1) === 1;
  const n = g.size;
  // Around the top-left finder: bits 0–7 down column 8 (skipping the timing row), 8–14 along row 8 leftwards.
  for (let i = 0; i <= 5; i++) g.set(i, 8, bit(i));
  g.set(7, 8, bit(6));
  g.set(8, 8, bit(7));
  g.set(8, 7, bit(8));
  for (let i = 9; i < 15; i++) g.set(8, 14 - i, bit(i));
  // The copy: bits 0–7 along row 8 from the right edge, 8–14 up column 8 from the bottom.
  for (let i = 0; i < 8; i++) g.set(8, n - 1 - i, bit(i));
  for (let i = 8; i < 15; i++) g.set(n - 15 + i, 8, bit(i));
  g.set(n - 8, 8, true); // the dark module
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
        g.set(r0 + dr, c0 + dc, ring !== 2 && ring !== 4);
      }
    }
  }
  // Timing patterns.
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
export function dataPositions(fixed: readonly (readonly boolean[])[]): [number, number][] {
  const n = fixed.length;
  const out: [number, number][] = [];
  let upward = true;
  for (let right = n - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5; // the vertical timing column is skipped
    for (let k = 0; k < n; k++) {
      const row = upward ? n - 1 - k : k;
      for (const col of [right, right - 1]) if (!fixed[row]![col]) out.push([row, col]);
    }
    upward = !upward;
  }
  return out;
}

/** The eight data masks: a module is flipped where the condition holds. */
const MASKS: readonly ((r: number, c: number) => boolean)[] = [
  (r, c) => (r + c) % 2 === 0,
  (r) => r % 2 === 0,
  (_r, c) => c % 3 === 0,
  (r, c) => (r + c) % 3 === 0,
  (r, c) => (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0,
  (r, c) => ((r * c) % 2) + ((r * c) % 3) === 0,
  (r, c) => (((r * c) % 2) + ((r * c) % 3)) % 2 === 0,
  (r, c) => (((r + c) % 2) + ((r * c) % 3)) % 2 === 0,
];

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
  /** Error correction level; default M. */
  ecLevel?: EcLevel;
  /** Default byte; numeric takes digits only. */
  mode?: QrMode;
  /** Force a mask 0–7 instead of the one with the lowest penalty. */
  mask?: number;
  /** Smallest version to use; default 1. */
  minVersion?: number;
}

/** Encodes data (a string is taken as UTF-8 bytes) in the smallest version 1–25 that holds it. */
export function encodeQr(data: string | Uint8Array, o: QrOptions = {}): QrCode {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const ec = o.ecLevel ?? 'M';
  let digits: string | null = null;
  if (o.mode === 'numeric') {
    digits = new TextDecoder().decode(bytes);
    if (!/^\d*$/.test(digits)) throw new QrError('numeric mode takes digits only');
  }
  let version = Math.max(1, o.minVersion ?? 1);
  let bits = segmentBits(bytes, digits, version);
  while (version <= MAX_VERSION && bits.length > dataCodewords(version, ec) * 8) {
    version++;
    if (version <= MAX_VERSION) bits = segmentBits(bytes, digits, version);
  }
  if (version > MAX_VERSION) throw new QrError(`${bytes.length} bytes do not fit a version ${MAX_VERSION} QR code at level ${ec}`);

  const g = new Grid(17 + 4 * version);
  drawFunctionPatterns(g, version);
  const all = interleave(dataCodewordsOf(bits, dataCodewords(version, ec) * 8), version, ec);
  dataPositions(g.fixed).forEach(([r, c], i) => {
    // Remainder bits after the last codeword are light.
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
  if (!best) throw new QrError(`no mask ${o.mask}: masks are 0–7`);
  return { version, ecLevel: ec, mask: best.mask, modules: best.modules, functionModules: g.fixed };
}

/** An SVG of the code with a 4-module quiet zone; size in SVG user units (default 1 per module). */
export function qrSvg(code: Pick<QrCode, 'modules'>, o: { size?: number; title?: string } = {}): string {
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
