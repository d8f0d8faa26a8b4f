/**
 * Cuts a serial scanner's byte stream into codes. A scanner sends each code followed by a suffix
 * (CR by default on most, CRLF on others, sometimes ETX or Tab), possibly after a prefix (STX).
 * Noise (a baud-rate mismatch, a half line from before a reconnect, power-up bytes) must cost at
 * most the line it is in: a line with control bytes or invalid UTF-8 is dropped, an over-long one
 * is dropped up to its suffix, and a half line that waited too long is dropped when more comes.
 */

/** 'any': CR, LF or CRLF ends a line. Otherwise the exact byte sequence that ends one. */
export type LineSuffix = 'any' | 'cr' | 'lf' | 'crlf' | { custom: string };

export interface LineFramerOptions {
  /** Default 'any'. */
  suffix?: LineSuffix;
  /** Stripped from the start of a line when present (e.g. "\x02", STX). */
  prefix?: string;
  /** Longest line in bytes (without suffix); longer ones are dropped. Default 256. */
  maxLength?: number;
  /** A half line is dropped when the next bytes come more than this many ms later; default 500, 0 disables. */
  interByteTimeoutMs?: number;
  /** Clock in ms; default Date.now. */
  now?: () => number;
}

const CR = 0x0d;
const LF = 0x0a;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export class LineFramer {
  private readonly suffix: Buffer | null;
  private readonly prefix: Buffer;
  private readonly maxLength: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private line: number[] = [];
  private overflowing = false;
  private lastChunkAt: number | undefined;
  /** Lines dropped for control bytes or invalid UTF-8. */
  garbage = 0;
  /** Lines dropped for being longer than maxLength. */
  overlong = 0;
  /** Half lines dropped after a pause. */
  stale = 0;

  constructor(opts: LineFramerOptions = {}) {
    const s = opts.suffix ?? 'any';
    this.suffix = s === 'any' ? null : Buffer.from(s === 'cr' ? '\r' : s === 'lf' ? '\n' : s === 'crlf' ? '\r\n' : s.custom, 'latin1');
    if (this.suffix && this.suffix.length === 0) throw new RangeError('a line suffix needs at least one byte');
    this.prefix = Buffer.from(opts.prefix ?? '', 'latin1');
    this.maxLength = opts.maxLength ?? 256;
    this.timeoutMs = opts.interByteTimeoutMs ?? 500;
    this.now = opts.now ?? (() => Date.now());
  }

  /** Feeds bytes as they arrived; returns the complete lines among them. */
  push(chunk: Uint8Array): string[] {
    const at = this.now();
    if (this.timeoutMs > 0 && this.lastChunkAt !== undefined && at - this.lastChunkAt > this.timeoutMs && this.pending) {
      this.stale++;
      this.reset();
    }
    this.lastChunkAt = at;
    const out: string[] = [];
    for (const b of chunk) {
      // Line-end bytes before a line's first byte are left over from CRLF (or a mismatched suffix).
      if (this.line.length === 0 && !this.overflowing && (b === CR || b === LF)) continue;
      if (this.suffix === null) {
        if (b === CR || b === LF) this.end(0, out);
        else this.add(b);
        continue;
      }
      this.add(b);
      if (this.endsWithSuffix()) this.end(this.suffix.length, out);
    }
    return out;
  }

  /** True while part of a line has been received. */
  get pending(): boolean {
    return this.line.length > 0 || this.overflowing;
  }

  /** Drops a half-received line (after a reconnect). */
  reset(): void {
    this.line = [];
    this.overflowing = false;
  }

  private add(b: number): void {
    if (this.overflowing) {
      // Keep only enough to recognise the suffix.
      this.line.push(b);
      const keep = this.suffix?.length ?? 0;
      if (this.line.length > keep) this.line.splice(0, this.line.length - keep);
      return;
    }
    this.line.push(b);
    if (this.line.length > this.maxLength + (this.suffix?.length ?? 0)) {
      this.overflowing = true;
      // Keep the tail: the byte that overflowed may be the one that completes the suffix.
      this.line = this.line.slice(this.line.length - (this.suffix?.length ?? 0));
    }
  }

  private endsWithSuffix(): boolean {
    const s = this.suffix!;
    if (this.line.length < s.length) return false;
    for (let i = 0; i < s.length; i++) if (this.line[this.line.length - s.length + i] !== s[i]) return false;
    return true;
  }

  private end(suffixLength: number, out: string[]): void {
    const bytes = Buffer.from(this.line.slice(0, this.line.length - suffixLength));
    const overflowed = this.overflowing;
    this.reset();
    if (overflowed || bytes.length > this.maxLength) {
      this.overlong++;
      return;
    }
    const body = this.prefix.length > 0 && bytes.subarray(0, this.prefix.length).equals(this.prefix) ? bytes.subarray(this.prefix.length) : bytes;
    if (body.length === 0) return;
    if (body.some((b) => b < 0x20 || b === 0x7f)) {
      this.garbage++;
      return;
    }
    try {
      out.push(utf8.decode(body));
    } catch {
      this.garbage++;
    }
  }
}
