/**
 * Renders slip text to a 1-bit bitmap exactly as wide as the print head (384 dots for 58 mm paper,
 * 576 for 80 mm, at 203 dpi) and encodes it as GS v 0 raster bands. Vietnamese never reaches the
 * printer as code-page text: each diacritic is drawn by Be Vietnam Pro here, so a printer without a
 * usable Vietnamese code page (most 58 mm clones) prints it right.
 */
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { rasterBand } from './escpos-commands.ts';
import { registerSlipFonts } from './fonts.ts';
import type { SlipAlign, SlipBlock, SlipTextSize } from './slip-document.ts';

export type PaperWidthDots = 384 | 576;

/** Print-head width in dots for a paper width in millimetres (203 dpi heads). */
export function dotsForPaper(mm: 58 | 80): PaperWidthDots {
  return mm === 80 ? 576 : 384;
}

/** A 1-bit image: rows of `widthBytes` bytes, most significant bit leftmost, 1 = black dot. */
export interface MonoBitmap {
  width: number;
  height: number;
  widthBytes: number;
  bits: Uint8Array;
}

export function blankBitmap(width: number, height: number): MonoBitmap {
  const widthBytes = Math.ceil(width / 8);
  return { width, height, widthBytes, bits: new Uint8Array(widthBytes * height) };
}

export function getDot(bm: MonoBitmap, x: number, y: number): boolean {
  return (bm.bits[y * bm.widthBytes + (x >> 3)]! & (0x80 >> (x & 7))) !== 0;
}

/** The blocks the raster renders (barcodes and QR codes go natively, see slip-job.ts). */
export type RasterBlock = Extract<SlipBlock, { type: 'text' | 'pair' | 'rule' | 'space' }>;

export interface RenderOptions {
  widthDots: PaperWidthDots;
  /** Blank dots kept at the left and right edge; default 8 (58 mm) or 12 (80 mm). */
  marginDots?: number;
  /** A pixel darker than this (0–255 luminance) prints; default 160, which keeps thin strokes of diacritics. */
  threshold?: number;
}

/** Font size in dots per size name (a printer's own Font A is 24 dots tall). */
export const TEXT_SIZE_DOTS: Record<SlipTextSize, number> = { small: 19, normal: 22, large: 26, title: 32 };
const BODY_WEIGHT = 500;
const BOLD_WEIGHT = 700;
const RULE_DOTS = 2;
const RULE_PAD = 6;

interface Metrics {
  ascent: number;
  lineHeight: number;
}

type Draw =
  | { kind: 'text'; text: string; font: string; x: number; y: number }
  | { kind: 'rule'; y: number; dashed: boolean };

/** Renders raster blocks to a bitmap `widthDots` wide and as tall as the text needs. */
export function renderBlocks(blocks: RasterBlock[], o: RenderOptions): MonoBitmap {
  const family = registerSlipFonts();
  const width = o.widthDots;
  const margin = o.marginDots ?? (width >= 576 ? 12 : 8);
  const content = width - 2 * margin;
  const measureCtx = createCanvas(8, 8).getContext('2d');
  const metricsCache = new Map<string, Metrics>();
  const fontOf = (size: SlipTextSize | undefined, bold: boolean | undefined) =>
    `${bold ? BOLD_WEIGHT : BODY_WEIGHT} ${TEXT_SIZE_DOTS[size ?? 'normal']}px "${family}"`;
  const metrics = (font: string): Metrics => {
    let m = metricsCache.get(font);
    if (!m) {
      measureCtx.font = font;
      // Reserve room for stacked Vietnamese marks (Ễ, Ẫ) and descenders (g, ỵ) on every line, so
      // lines never touch whatever they contain.
      const ascent = Math.ceil(measureCtx.measureText('ỄẪỖÁ').actualBoundingBoxAscent);
      const descent = Math.ceil(measureCtx.measureText('gjpqyỵ').actualBoundingBoxDescent);
      m = { ascent, lineHeight: ascent + descent + 2 };
      metricsCache.set(font, m);
    }
    return m;
  };
  const textWidth = (font: string, s: string) => {
    measureCtx.font = font;
    return measureCtx.measureText(s).width;
  };

  const draws: Draw[] = [];
  let y = 0;
  const place = (s: string, font: string, x: number) => {
    const m = metrics(font);
    draws.push({ kind: 'text', text: s, font, x: Math.round(x), y: y + m.ascent });
    y += m.lineHeight;
  };
  const xFor = (align: SlipAlign | undefined, font: string, s: string, left: number, avail: number) => {
    if (align === 'center') return left + (avail - textWidth(font, s)) / 2;
    if (align === 'right') return left + avail - textWidth(font, s);
    return left;
  };

  for (const b of blocks) {
    switch (b.type) {
      case 'space':
        y += Math.max(0, Math.round(b.dots));
        break;
      case 'rule':
        y += RULE_PAD;
        draws.push({ kind: 'rule', y, dashed: b.dashed ?? false });
        y += RULE_DOTS + RULE_PAD;
        break;
      case 'text': {
        const font = fontOf(b.size, b.bold);
        const indent = Math.min(Math.max(0, b.indent ?? 0), content / 2);
        for (const para of normalize(b.text).split('\n')) {
          const lines = wrap(para, content - indent, (s) => textWidth(font, s));
          for (const line of lines) place(line, font, margin + xFor(b.align, font, line, indent, content - indent));
        }
        break;
      }
      case 'pair': {
        const leftFont = fontOf(b.size, b.bold === 'left' || b.bold === 'both');
        const rightFont = fontOf(b.size, b.bold === 'right' || b.bold === 'both');
        const indent = Math.min(Math.max(0, b.indent ?? 0), content / 2);
        const right = normalize(b.right);
        const rightW = Math.ceil(textWidth(rightFont, right));
        const gap = 12;
        const left = normalize(b.left);
        const rightX = margin + Math.max(indent, content - rightW);
        if (textWidth(leftFont, left) <= content - indent - rightW - gap) {
          draws.push({ kind: 'text', text: right, font: rightFont, x: rightX, y: y + metrics(leftFont).ascent });
          place(left, leftFont, margin + indent);
        } else {
          // Too narrow for both on one line (58 mm, long codes): left first, right on its own line,
          // never a code broken in the middle to make room.
          for (const line of wrap(left, content - indent, (s) => textWidth(leftFont, s))) place(line, leftFont, margin + indent);
          place(right, rightFont, rightX);
        }
        break;
      }
    }
  }

  const height = Math.max(1, y);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000000';
  ctx.textBaseline = 'alphabetic';
  for (const d of draws) {
    if (d.kind === 'text') {
      ctx.font = d.font;
      ctx.fillText(d.text, d.x, d.y);
    } else drawRule(ctx, margin, d.y, content, d.dashed);
  }
  // canvas.data() is the surface's own pixels (premultiplied): the same as getImageData on an
  // opaque canvas like this one, at a third of the cost.
  return threshold(canvas.data(), width, height, o.threshold ?? 160);
}

function drawRule(ctx: SKRSContext2D, x: number, y: number, w: number, dashed: boolean): void {
  if (!dashed) {
    ctx.fillRect(x, y, w, RULE_DOTS);
    return;
  }
  for (let i = 0; i < w; i += 12) ctx.fillRect(x + i, y, Math.min(6, w - i), RULE_DOTS);
}

/** NFC (precomposed letters are in the font's Vietnamese subset), tabs and odd spaces to plain spaces. */
function normalize(s: string): string {
  return s.normalize('NFC').replace(/[\t\u00a0\u2007\u202f]/g, ' ');
}

/** Greedy word wrap by measured width; a word wider than the line is broken between characters. */
export function wrap(text: string, maxWidth: number, measure: (s: string) => number): string[] {
  const words = text.split(/ +/).filter(Boolean);
  if (words.length === 0) return [''];
  const out: string[] = [];
  let line = '';
  for (const word of words) {
    const candidate = line ? `${line} ${word}` : word;
    if (measure(candidate) <= maxWidth) {
      line = candidate;
      continue;
    }
    if (line) out.push(line);
    line = '';
    let rest = word;
    while (measure(rest) > maxWidth && rest.length > 1) {
      let cut = rest.length - 1;
      while (cut > 1 && measure(rest.slice(0, cut)) > maxWidth) cut--;
      out.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    line = rest;
  }
  if (line) out.push(line);
  return out;
}

/** RGBA to 1-bit: a dot is black when its luminance is below `level`. */
export function threshold(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number, level: number): MonoBitmap {
  const bm = blankBitmap(width, height);
  const limit = level * 1000;
  for (let y = 0; y < height; y++) {
    const row = y * bm.widthBytes;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const lum = rgba[i]! * 299 + rgba[i + 1]! * 587 + rgba[i + 2]! * 114;
      if (rgba[i + 3]! >= 128 && lum < limit) bm.bits[row + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return bm;
}

/**
 * The bitmap as GS v 0 commands of at most `bandRows` rows each (default 128: 6 KB per band at
 * 58 mm, 9 KB at 80 mm), so printers with a small receive buffer print band by band.
 */
export function encodeRaster(bm: MonoBitmap, bandRows = 128): Uint8Array[] {
  const rows = Math.max(1, Math.min(255, Math.floor(bandRows)));
  const out: Uint8Array[] = [];
  for (let y = 0; y < bm.height; y += rows) {
    const h = Math.min(rows, bm.height - y);
    out.push(rasterBand(bm.widthBytes, h, bm.bits.subarray(y * bm.widthBytes, (y + h) * bm.widthBytes)));
  }
  return out;
}
