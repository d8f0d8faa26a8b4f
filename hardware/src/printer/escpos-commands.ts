/**
 * The ESC/POS commands OpenShelf sends, as bytes. Only commands that generic 58/80 mm printers and
 * Epson TM models share are used; no text command ever carries Vietnamese (that goes as raster).
 * The decoder (decode.ts) is the other half and accepts exactly these commands.
 */

export const ESC = 0x1b;
export const GS = 0x1d;
export const DLE = 0x10;
export const EOT = 0x04;
export const LF = 0x0a;

/** ESC @: reset modes to their power-on defaults (clears any code page another program selected). */
export const INIT = Uint8Array.of(ESC, 0x40);

/** DLE EOT n: real-time status; the printer answers one byte even while busy or offline. */
export type StatusQuery = 1 | 2 | 3 | 4;
export function statusQuery(n: StatusQuery): Uint8Array {
  return Uint8Array.of(DLE, EOT, n);
}

/** ESC a n: justification for native barcodes and QR codes (0 left, 1 centre, 2 right). */
export function align(n: 0 | 1 | 2): Uint8Array {
  return Uint8Array.of(ESC, 0x61, n);
}

/** ESC d n: print the buffer and feed n lines (n ≤ 255). */
export function feedLines(n: number): Uint8Array {
  return Uint8Array.of(ESC, 0x64, clampByte(n));
}

/**
 * GS V 66 n: feed to the cutter plus n motion units, then cut partially (the slip stays hanging, so
 * a child cannot pull the roll). Printers without a cutter only feed.
 */
export function feedAndCut(n = 0): Uint8Array {
  return Uint8Array.of(GS, 0x56, 66, clampByte(n));
}

/**
 * GS v 0 m xL xH yL yH d…: one raster band, `widthBytes` bytes per row (8 dots each, MSB left,
 * 1 = black), `rows` rows. m = 0: normal density (1 bit = 1 dot).
 */
export function rasterBand(widthBytes: number, rows: number, data: Uint8Array): Uint8Array {
  if (data.length !== widthBytes * rows) throw new RangeError(`raster band: ${data.length} bytes for ${widthBytes}×${rows}`);
  const out = new Uint8Array(8 + data.length);
  out.set([GS, 0x76, 0x30, 0, widthBytes & 0xff, widthBytes >> 8, rows & 0xff, rows >> 8]);
  out.set(data, 8);
  return out;
}

export interface Code128Options {
  /** Bar height in dots (GS h), default 80 (10 mm). */
  heightDots?: number;
  /** Narrowest module in dots (GS w, 2..6 on every model), default 2. */
  moduleDots?: number;
  /** Print the human-readable text below the bars (GS H 2), default true. */
  hri?: boolean;
}

/**
 * GS k 73 n d…: a CODE128 barcode of printable ASCII. Even-length all-digit data goes in code set C
 * (half as wide); anything else in code set B. Braces are escaped as "{{" as the command requires.
 */
export function code128(data: string, o: Code128Options = {}): Uint8Array {
  const payload = code128Payload(data);
  if (payload.length > 255) throw new RangeError('CODE128 data too long for GS k');
  const hri = o.hri ?? true;
  return Uint8Array.of(
    GS, 0x68, clampByte(o.heightDots ?? 80),
    GS, 0x77, Math.min(6, Math.max(2, o.moduleDots ?? 2)),
    GS, 0x48, hri ? 2 : 0,
    GS, 0x66, 0,
    GS, 0x6b, 73, payload.length, ...payload,
  );
}

/** The GS k 73 data bytes for `data`: "{C" + digit pairs, or "{B" + characters. */
export function code128Payload(data: string): number[] {
  if (!/^[\x20-\x7e]+$/.test(data)) throw new RangeError('CODE128 data must be printable ASCII');
  if (/^(\d\d)+$/.test(data)) {
    const out = [0x7b, 0x43];
    for (let i = 0; i < data.length; i += 2) out.push(Number(data.slice(i, i + 2)));
    return out;
  }
  const out = [0x7b, 0x42];
  for (const ch of data) {
    out.push(ch.charCodeAt(0));
    if (ch === '{') out.push(0x7b);
  }
  return out;
}

/** Width of a CODE128 symbol in modules, quiet zones excluded: start, data, check (11 each) and stop (13). */
export function code128Modules(data: string): number {
  const symbols = /^(\d\d)+$/.test(data) ? data.length / 2 : data.length;
  return 11 * (symbols + 2) + 13;
}

export type QrErrorLevel = 'L' | 'M' | 'Q' | 'H';

/**
 * GS ( k, cn = 49: QR Code model 2 with `moduleDots`-dot modules, stored then printed
 * (functions 165, 167, 169, 180, 181). ASCII data only.
 */
export function qrCode(data: string, moduleDots = 6, level: QrErrorLevel = 'M'): Uint8Array {
  if (!/^[\x20-\x7e]+$/.test(data)) throw new RangeError('QR data must be printable ASCII');
  const d = Buffer.from(data, 'ascii');
  const storeLen = d.length + 3;
  return Uint8Array.of(
    GS, 0x28, 0x6b, 4, 0, 49, 65, 50, 0,
    GS, 0x28, 0x6b, 3, 0, 49, 67, Math.min(16, Math.max(1, moduleDots)),
    GS, 0x28, 0x6b, 3, 0, 49, 69, 48 + 'LMQH'.indexOf(level),
    GS, 0x28, 0x6b, storeLen & 0xff, storeLen >> 8, 49, 80, 48, ...d,
    GS, 0x28, 0x6b, 3, 0, 49, 81, 48,
  );
}

function clampByte(n: number): number {
  return Math.min(255, Math.max(0, Math.round(n)));
}
