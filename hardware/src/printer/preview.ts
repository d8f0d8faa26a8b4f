/**
 * Draws decoded ESC/POS operations as the paper would look: raster bands dot for dot, CODE128 bars
 * from their symbol patterns, and for a QR code a placeholder of the right size (finder patterns,
 * a hatched body and the data in text below: the simulator has no QR encoder). The result is a pure
 * black-and-white image `widthDots` wide, as a bitmap and as a PNG.
 */
import { createCanvas, loadImage, type SKRSContext2D } from '@napi-rs/canvas';
import { code128Widths } from '#core/barcode/code128.ts';
import { code128FromCommandData } from './code128.ts';
import type { EscPosOp } from './decode.ts';
import { registerSlipFonts } from './fonts.ts';
import { blankBitmap, threshold, type MonoBitmap } from './raster.ts';

/** Line advance for LF and ESC d, in dots (the common default of 30/203 inch at 203 dpi). */
const LINE_DOTS = 30;
const HRI_DOTS = 28;
const CUT_TAIL_DOTS = 16;

// Byte-mode capacity of QR versions 1–10 per error correction level (ISO/IEC 18004 table 7).
const QR_BYTES: Record<'L' | 'M' | 'Q' | 'H', number[]> = {
  L: [17, 32, 53, 78, 106, 134, 154, 192, 230, 271],
  M: [14, 26, 42, 62, 84, 106, 122, 152, 180, 213],
  Q: [11, 20, 32, 46, 60, 74, 86, 108, 130, 151],
  H: [7, 14, 24, 34, 44, 58, 64, 84, 98, 119],
};

type Item =
  | { kind: 'raster'; y: number; x: number; op: Extract<EscPosOp, { op: 'raster' }> }
  | { kind: 'bars'; x: number; y: number; module: number; height: number; elements: number[] }
  | { kind: 'text'; x: number; y: number; text: string; align: 'left' | 'center'; size: number }
  | { kind: 'box'; x: number; y: number; size: number; module: number }
  | { kind: 'cut'; y: number };

export interface Preview {
  bitmap: MonoBitmap;
  png: Buffer;
}

/** Lays out and draws `ops` on paper `widthDots` wide. */
export function renderPreview(ops: EscPosOp[], widthDots: number): Preview {
  const items: Item[] = [];
  let y = 0;
  let alignment: 0 | 1 | 2 = 0;
  let barHeight = 162;
  let barModule = 3;
  let hri = 0;
  let qrModule = 3;
  let qrLevel: 'L' | 'M' | 'Q' | 'H' = 'L';
  let qrData: Uint8Array | null = null;
  let line = '';
  const xFor = (w: number) => (alignment === 1 ? Math.floor((widthDots - w) / 2) : alignment === 2 ? widthDots - w : 0);
  const flushLine = () => {
    if (!line) return;
    items.push({ kind: 'text', x: xFor(0), y, text: line, align: 'left', size: 22 });
    line = '';
    y += LINE_DOTS;
  };

  for (const op of ops) {
    switch (op.op) {
      case 'init':
        alignment = 0;
        barHeight = 162;
        barModule = 3;
        hri = 0;
        qrModule = 3;
        qrLevel = 'L';
        qrData = null;
        line = '';
        break;
      case 'align':
        alignment = op.align;
        break;
      case 'text':
        line += op.text;
        break;
      case 'lf':
        if (line) flushLine();
        else y += LINE_DOTS;
        break;
      case 'feed-lines':
        flushLine();
        y += op.n * LINE_DOTS;
        break;
      case 'feed-dots':
        flushLine();
        y += op.n;
        break;
      case 'raster': {
        flushLine();
        const sx = op.mode & 1 ? 2 : 1;
        const sy = op.mode & 2 ? 2 : 1;
        items.push({ kind: 'raster', x: xFor(op.widthBytes * 8 * sx), y, op });
        y += op.height * sy;
        break;
      }
      case 'barcode-height':
        barHeight = op.n;
        break;
      case 'barcode-module':
        barModule = op.n;
        break;
      case 'hri-position':
        hri = op.n;
        break;
      case 'barcode': {
        flushLine();
        let elements: number[] = [];
        let text = Buffer.from(op.data).toString('latin1');
        if (op.system === 73) {
          const sym = code128FromCommandData(op.data);
          elements = code128Widths(sym.values);
          text = sym.text;
        }
        const w = elements.length > 0 ? elements.reduce((a, b) => a + b, 0) * barModule : widthDots / 2;
        const x = xFor(w);
        if (hri === 1 || hri === 3) {
          items.push({ kind: 'text', x: x + w / 2, y, text, align: 'center', size: 20 });
          y += HRI_DOTS;
        }
        items.push({ kind: 'bars', x, y, module: barModule, height: barHeight, elements });
        y += barHeight;
        if (hri === 2 || hri === 3) {
          items.push({ kind: 'text', x: x + w / 2, y: y + 4, text, align: 'center', size: 20 });
          y += HRI_DOTS + 4;
        }
        break;
      }
      case 'qr-module':
        qrModule = op.n;
        break;
      case 'qr-level':
        qrLevel = op.level;
        break;
      case 'qr-store':
        qrData = op.data;
        break;
      case 'qr-print': {
        flushLine();
        if (!qrData) break;
        const caps = QR_BYTES[qrLevel];
        const version = caps.findIndex((c) => c >= qrData!.length) + 1 || 10;
        const modules = 17 + 4 * version;
        const size = modules * qrModule;
        const x = xFor(size);
        items.push({ kind: 'box', x, y, size, module: qrModule });
        y += size + 4;
        items.push({ kind: 'text', x: widthDots / 2, y, text: Buffer.from(qrData).toString('latin1'), align: 'center', size: 18 });
        y += HRI_DOTS;
        break;
      }
      case 'cut':
        flushLine();
        y += CUT_TAIL_DOTS + op.feed;
        items.push({ kind: 'cut', y });
        y += 2;
        break;
      case 'status':
      case 'codepage':
      case 'qr-model':
      case 'hri-font':
        break;
    }
  }
  flushLine();

  const height = Math.max(1, y);
  const canvas = createCanvas(widthDots, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, widthDots, height);
  ctx.fillStyle = '#000000';
  const family = registerSlipFonts();
  for (const it of items) drawItem(ctx, it, family, widthDots);
  const bitmap = threshold(canvas.data(), widthDots, height, 128); // opaque canvas: raw pixels = image data
  return { bitmap, png: bitmapToPng(bitmap) };
}

function drawItem(ctx: SKRSContext2D, it: Item, family: string, widthDots: number): void {
  switch (it.kind) {
    case 'raster': {
      const { op } = it;
      const sx = op.mode & 1 ? 2 : 1;
      const sy = op.mode & 2 ? 2 : 1;
      const w = Math.min(op.widthBytes * 8 * sx, widthDots - it.x);
      const img = ctx.createImageData(w, op.height * sy);
      img.data.fill(255);
      for (let row = 0; row < op.height; row++)
        for (let px = 0; px < w; px++) {
          const sxPx = Math.floor(px / sx);
          if ((op.data[row * op.widthBytes + (sxPx >> 3)]! & (0x80 >> (sxPx & 7))) === 0) continue;
          for (let k = 0; k < sy; k++) {
            const i = ((row * sy + k) * w + px) * 4;
            img.data[i] = img.data[i + 1] = img.data[i + 2] = 0;
          }
        }
      ctx.putImageData(img, it.x, it.y);
      break;
    }
    case 'bars': {
      if (it.elements.length === 0) {
        ctx.strokeRect(it.x + 0.5, it.y + 0.5, widthDots / 2 - 1, it.height - 1);
        break;
      }
      let x = it.x;
      it.elements.forEach((e, i) => {
        if (i % 2 === 0) ctx.fillRect(x, it.y, e * it.module, it.height);
        x += e * it.module;
      });
      break;
    }
    case 'text':
      ctx.font = `500 ${it.size}px "${family}"`;
      ctx.textAlign = it.align;
      ctx.textBaseline = 'top';
      ctx.fillText(it.text, it.x, it.y);
      ctx.textAlign = 'left';
      break;
    case 'box': {
      const { x, y, size, module: m } = it;
      const finder = (fx: number, fy: number) => {
        ctx.fillRect(fx, fy, 7 * m, 7 * m);
        ctx.fillStyle = '#ffffff';
        ctx.fillRect(fx + m, fy + m, 5 * m, 5 * m);
        ctx.fillStyle = '#000000';
        ctx.fillRect(fx + 2 * m, fy + 2 * m, 3 * m, 3 * m);
      };
      finder(x, y);
      finder(x + size - 7 * m, y);
      finder(x, y + size - 7 * m);
      // Hatch the body so nobody mistakes the placeholder for a scannable code.
      for (let i = 9 * m; i < size - 9 * m; i += 2 * m) ctx.fillRect(x + 9 * m, y + i, size - 18 * m, m);
      break;
    }
    case 'cut':
      for (let x = 0; x < widthDots; x += 8) ctx.fillRect(x, it.y, 4, 1);
      break;
  }
}

/** A MonoBitmap as a black-on-white PNG. */
export function bitmapToPng(bm: MonoBitmap): Buffer {
  const canvas = createCanvas(bm.width, bm.height);
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(bm.width, bm.height);
  for (let y = 0; y < bm.height; y++)
    for (let x = 0; x < bm.width; x++) {
      const black = (bm.bits[y * bm.widthBytes + (x >> 3)]! & (0x80 >> (x & 7))) !== 0;
      const i = (y * bm.width + x) * 4;
      img.data[i] = img.data[i + 1] = img.data[i + 2] = black ? 0 : 255;
      img.data[i + 3] = 255;
    }
  ctx.putImageData(img, 0, 0);
  return canvas.toBuffer('image/png');
}

/** Reads a PNG (as written by bitmapToPng) back into a MonoBitmap, for golden comparisons. */
export async function pngToBitmap(png: Buffer): Promise<MonoBitmap> {
  const img = await loadImage(png);
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return img.width > 0 ? threshold(ctx.getImageData(0, 0, img.width, img.height).data, img.width, img.height, 128) : blankBitmap(0, 0);
}
