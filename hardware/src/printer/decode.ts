/**
 * An ESC/POS decoder for the commands a slip uses: it turns a byte stream back into operations, so
 * the simulated printer and the tests see what a real printer would do with the bytes. Anything it
 * does not know is refused with an EscPosDecodeError (offset, byte) instead of being skipped: a
 * stray byte is a bug in the encoder, and a real printer would print it as a character.
 */

/** One decoded command. */
export type EscPosCommand =
  | { op: 'init' }
  /** DLE EOT n: real-time status query. */
  | { op: 'status'; n: 1 | 2 | 3 | 4 }
  | { op: 'align'; align: 0 | 1 | 2 }
  /** ESC t n: code page selection (known so a capture can be checked for it; slips never send it). */
  | { op: 'codepage'; n: number }
  | { op: 'lf' }
  | { op: 'feed-lines'; n: number }
  | { op: 'feed-dots'; n: number }
  /** GS v 0: `widthBytes` × `height` raster, `data` rows MSB-left; mode 0 normal, 1 double width, 2 double height, 3 both. */
  | { op: 'raster'; mode: number; widthBytes: number; height: number; data: Uint8Array }
  | { op: 'barcode-height'; n: number }
  | { op: 'barcode-module'; n: number }
  | { op: 'hri-position'; n: number }
  | { op: 'hri-font'; n: number }
  /** GS k m n d… (m 65–73) or GS k m d… NUL (m 0–6). */
  | { op: 'barcode'; system: number; data: Uint8Array }
  | { op: 'qr-model'; model: number }
  | { op: 'qr-module'; n: number }
  | { op: 'qr-level'; level: 'L' | 'M' | 'Q' | 'H' }
  | { op: 'qr-store'; data: Uint8Array }
  | { op: 'qr-print' }
  /** GS V: m 0/48 full, 1/49 partial; 65/66 feed `feed` units first. */
  | { op: 'cut'; partial: boolean; feed: number }
  /** Printable ASCII sent as text (slips never do; a capture from another program may). */
  | { op: 'text'; text: string };

/** A command and where it sits in the byte stream. */
export type EscPosOp = EscPosCommand & { at: number; length: number };

export type EscPosDecodeReason = 'unknown_command' | 'bad_parameter' | 'truncated' | 'non_ascii_text';

export class EscPosDecodeError extends Error {
  override name = 'EscPosDecodeError';
  constructor(
    readonly reason: EscPosDecodeReason,
    readonly offset: number,
    readonly byte: number | undefined,
    detail: string,
  ) {
    super(`${detail} at byte ${offset}${byte === undefined ? '' : ` (0x${byte.toString(16).padStart(2, '0')})`}`);
  }
}

type Step = { op: EscPosOp; length: number } | null;

/**
 * Decodes one operation at `at`. Returns null when the buffer ends inside it (a stream decoder waits
 * for more bytes); throws EscPosDecodeError on bytes no supported command starts with.
 */
export function decodeOne(b: Uint8Array, at: number): Step {
  const need = (n: number) => at + n <= b.length;
  const byte = (i: number) => b[at + i]!;
  const bad = (i: number, what: string) => new EscPosDecodeError('bad_parameter', at + i, b[at + i], what);
  const ok = (length: number, op: EscPosCommand): Step => ({ op: { ...op, at, length }, length });
  const c0 = byte(0);

  if (c0 === 0x0a) return ok(1, { op: 'lf' });
  if (c0 >= 0x20 && c0 <= 0x7e) {
    let end = at;
    while (end < b.length && b[end]! >= 0x20 && b[end]! <= 0x7e) end++;
    return ok(end - at, { op: 'text', text: Buffer.from(b.subarray(at, end)).toString('latin1') });
  }
  if (c0 >= 0x80) throw new EscPosDecodeError('non_ascii_text', at, c0, 'byte above 0x7F outside any command (code-page text)');

  if (c0 === 0x10) {
    if (!need(3)) return null;
    if (byte(1) !== 0x04) throw new EscPosDecodeError('unknown_command', at, c0, 'unknown DLE command');
    const n = byte(2);
    if (n < 1 || n > 4) throw bad(2, 'DLE EOT n out of range');
    return ok(3, { op: 'status', n: n as 1 | 2 | 3 | 4 });
  }

  if (c0 === 0x1b) {
    if (!need(2)) return null;
    const c1 = byte(1);
    if (c1 === 0x40) return ok(2, { op: 'init' });
    if (!need(3)) return null;
    const n = byte(2);
    switch (c1) {
      case 0x61: {
        const a = n >= 48 ? n - 48 : n;
        if (a > 2) throw bad(2, 'ESC a n out of range');
        return ok(3, { op: 'align', align: a as 0 | 1 | 2 });
      }
      case 0x64:
        return ok(3, { op: 'feed-lines', n });
      case 0x4a:
        return ok(3, { op: 'feed-dots', n });
      case 0x74:
        return ok(3, { op: 'codepage', n });
    }
    throw new EscPosDecodeError('unknown_command', at, c0, `unknown command ESC 0x${c1.toString(16)}`);
  }

  if (c0 === 0x1d) {
    if (!need(2)) return null;
    const c1 = byte(1);
    switch (c1) {
      case 0x76: {
        // GS v 0 m xL xH yL yH d1…dk
        if (!need(8)) return null;
        if (byte(2) !== 0x30) throw bad(2, 'GS v: only GS v 0 is supported');
        const mode = byte(3) >= 48 ? byte(3) - 48 : byte(3);
        if (mode > 3) throw bad(3, 'GS v 0 mode out of range');
        const widthBytes = byte(4) | (byte(5) << 8);
        const height = byte(6) | (byte(7) << 8);
        if (widthBytes === 0 || height === 0) throw bad(4, 'GS v 0 with an empty image');
        const len = 8 + widthBytes * height;
        if (!need(len)) return null;
        return ok(len, { op: 'raster', mode, widthBytes, height, data: b.slice(at + 8, at + len) });
      }
      case 0x68:
      case 0x77:
      case 0x48:
      case 0x66: {
        if (!need(3)) return null;
        const n = byte(2);
        if (c1 === 0x68) {
          if (n < 1) throw bad(2, 'GS h: height 0');
          return ok(3, { op: 'barcode-height', n });
        }
        if (c1 === 0x77) {
          if (n < 1 || n > 6) throw bad(2, 'GS w out of range');
          return ok(3, { op: 'barcode-module', n });
        }
        if (c1 === 0x48) {
          const p = n >= 48 ? n - 48 : n;
          if (p > 3) throw bad(2, 'GS H out of range');
          return ok(3, { op: 'hri-position', n: p });
        }
        return ok(3, { op: 'hri-font', n: n >= 48 ? n - 48 : n });
      }
      case 0x6b: {
        if (!need(3)) return null;
        const m = byte(2);
        if (m >= 65 && m <= 73) {
          if (!need(4)) return null;
          const n = byte(3);
          if (!need(4 + n)) return null;
          return ok(4 + n, { op: 'barcode', system: m, data: b.slice(at + 4, at + 4 + n) });
        }
        if (m <= 6) {
          let end = at + 3;
          while (end < b.length && b[end] !== 0) end++;
          if (end >= b.length) return null;
          return ok(end + 1 - at, { op: 'barcode', system: m, data: b.slice(at + 3, end) });
        }
        throw bad(2, 'GS k: unknown barcode system');
      }
      case 0x28: {
        // GS ( k pL pH cn fn …
        if (!need(3)) return null;
        if (byte(2) !== 0x6b) throw bad(2, 'GS ( : only GS ( k is supported');
        if (!need(5)) return null;
        const p = byte(3) | (byte(4) << 8);
        const len = 5 + p;
        if (p < 2) throw bad(3, 'GS ( k: parameter length < 2');
        if (!need(len)) return null;
        const cn = byte(5);
        const fn = byte(6);
        if (cn !== 49) throw bad(5, 'GS ( k: only QR Code (cn 49) is supported');
        const arg = (i: number) => {
          if (7 + i >= len) throw bad(3, 'GS ( k: parameter missing');
          return byte(7 + i);
        };
        switch (fn) {
          case 65:
            return ok(len, { op: 'qr-model', model: arg(0) - 48 });
          case 67:
            return ok(len, { op: 'qr-module', n: arg(0) });
          case 69: {
            const l = arg(0) - 48;
            if (l < 0 || l > 3) throw bad(7, 'QR error correction level out of range');
            return ok(len, { op: 'qr-level', level: 'LMQH'[l] as 'L' | 'M' | 'Q' | 'H' });
          }
          case 80:
            if (arg(0) !== 48) throw bad(7, 'QR store: m must be 48');
            return ok(len, { op: 'qr-store', data: b.slice(at + 8, at + len) });
          case 81:
            return ok(len, { op: 'qr-print' });
        }
        throw bad(6, `GS ( k: unsupported QR function ${fn}`);
      }
      case 0x56: {
        if (!need(3)) return null;
        const m = byte(2);
        if (m === 0 || m === 48 || m === 1 || m === 49) return ok(3, { op: 'cut', partial: m === 1 || m === 49, feed: 0 });
        if (m === 65 || m === 66) {
          if (!need(4)) return null;
          return ok(4, { op: 'cut', partial: m === 66, feed: byte(3) });
        }
        throw bad(2, 'GS V: unknown cut mode');
      }
    }
    throw new EscPosDecodeError('unknown_command', at, c0, `unknown command GS 0x${c1.toString(16)}`);
  }

  throw new EscPosDecodeError('unknown_command', at, c0, 'unknown control byte');
}

/** Decodes a whole job; throws EscPosDecodeError on unknown bytes or a command cut off at the end. */
export function decodeEscPos(bytes: Uint8Array): EscPosOp[] {
  const ops: EscPosOp[] = [];
  let at = 0;
  while (at < bytes.length) {
    const step = decodeOne(bytes, at);
    if (!step) throw new EscPosDecodeError('truncated', at, bytes[at], 'command cut off by the end of the data');
    ops.push(step.op);
    at += step.length;
  }
  return ops;
}
