/**
 * A slip as one ESC/POS job: ESC @, the text as GS v 0 raster bands, barcodes (GS k) and QR codes
 * (GS ( k) natively between them, then feed and cut. The only text bytes that leave here are the
 * ASCII data of barcodes and QR codes.
 */
import { align, code128, code128Modules, feedAndCut, feedLines, INIT, qrCode } from './escpos-commands.ts';
import { dotsForPaper, encodeRaster, renderBlocks, type RasterBlock } from './raster.ts';
import { blocksOf, isPrintableAscii, type RichSlip } from './slip-document.ts';

export interface JobOptions {
  paperMm: 58 | 80;
  /** Send GS V (feed to the cutter and cut). Default true; printers without a cutter only feed. */
  cut?: boolean;
  /** The printer understands GS ( k QR codes (most 58 mm clones do not); otherwise the data prints as text. Default true. */
  qr?: boolean;
  /** Rows per GS v 0 band, default 128. */
  bandRows?: number;
  /** Lines fed after the slip when not cutting, so it clears the tear bar. Default 4. */
  tailFeedLines?: number;
  /** Luminance threshold for the raster, default 160. */
  threshold?: number;
}

export interface EncodedJob {
  bytes: Buffer;
  widthDots: number;
  /** Raster rows sent, over all bands. */
  rasterRows: number;
  bands: number;
}

/** Encodes a slip (its blocks, or its lines) as the bytes of one print job. */
export function encodeSlip(slip: RichSlip, o: JobOptions): EncodedJob {
  const widthDots = dotsForPaper(o.paperMm);
  const margin = widthDots >= 576 ? 12 : 8;
  const parts: Uint8Array[] = [INIT];
  let pending: RasterBlock[] = [];
  let rasterRows = 0;
  let bands = 0;
  const flushRaster = () => {
    if (pending.length === 0) return;
    const bm = renderBlocks(pending, { widthDots, marginDots: margin, threshold: o.threshold });
    const enc = encodeRaster(bm, o.bandRows);
    parts.push(...enc);
    rasterRows += bm.height;
    bands += enc.length;
    pending = [];
  };
  for (const b of blocksOf(slip)) {
    if (b.type === 'barcode') {
      // A code that is not ASCII or too wide for the paper at the narrowest module every printer
      // accepts (2 dots) is printed as text instead of being cut off.
      if (isPrintableAscii(b.data) && code128Modules(b.data) * 2 <= widthDots - 2 * margin) {
        flushRaster();
        parts.push(align(1), code128(b.data, { hri: b.hri ?? true, heightDots: b.heightDots ?? 64 }), align(0));
      } else pending.push({ type: 'text', text: b.data, align: 'center' });
    } else if (b.type === 'qr') {
      if ((o.qr ?? true) && isPrintableAscii(b.data)) {
        flushRaster();
        parts.push(align(1), qrCode(b.data, b.moduleDots ?? 6), align(0));
      } else pending.push({ type: 'text', text: b.data, align: 'center', size: 'small' });
    } else pending.push(b);
  }
  flushRaster();
  parts.push((o.cut ?? true) ? feedAndCut(0) : feedLines(o.tailFeedLines ?? 4));
  return { bytes: Buffer.concat(parts), widthDots, rasterRows, bands };
}
