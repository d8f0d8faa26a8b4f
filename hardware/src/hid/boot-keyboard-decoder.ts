/**
 * Decodes 8-byte USB boot-keyboard input reports (modifiers, reserved, six key slots) into codes.
 * A key counts when it appears in a report and was not down in the previous one, so a key held
 * across reports types once, and a scanner that repeats a digit must release it in between.
 * The HID spec gives the slots' order no meaning; keys new in the same report are taken in slot
 * order, which is how scanners that pack several characters into one report send them.
 */
import { SHIFT_BITS, USAGE_ENTER, USAGE_KEYPAD_ENTER, USAGE_LEFT_SHIFT, USAGE_RIGHT_SHIFT, USAGE_TAB, isErrorUsage, usageToChar } from './keyboard-usage.ts';

export interface DecoderOptions {
  /** The key that ends one code; default Enter. */
  terminator?: 'enter' | 'tab';
  /** Longest code accepted; longer input is dropped as noise. Default 128 characters. */
  maxLength?: number;
  /**
   * A half-read code is dropped when the next report comes more than this many ms after the
   * previous one (a scanner sends a whole code within a few ms per character; a gap means the
   * device was unplugged mid-code or someone pressed a key). Default 500 ms; 0 disables.
   */
  interReportTimeoutMs?: number;
  /** Clock in ms; default Date.now (so sinon fake timers control it). */
  now?: () => number;
}

export class BootKeyboardDecoder {
  private down = new Set<number>();
  private buffer = '';
  /** Set when input ran past maxLength: the rest, up to the terminator, is dropped as noise. */
  private overflowed = false;
  private readonly terminator: 'enter' | 'tab';
  private readonly maxLength: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private lastReportAt: number | undefined;
  /** Reports that were not 8 bytes long, kept for the device's health line. */
  malformed = 0;
  /** Half-read codes dropped because the next report came too late. */
  stale = 0;

  constructor(opts: DecoderOptions = {}) {
    this.terminator = opts.terminator ?? 'enter';
    this.maxLength = opts.maxLength ?? 128;
    this.timeoutMs = opts.interReportTimeoutMs ?? 500;
    this.now = opts.now ?? (() => Date.now());
  }

  /** Feeds one report; returns the codes it completed (usually none or one). */
  push(report: Uint8Array): string[] {
    // Some hidraw stacks prefix a report id byte: accept 9 bytes with id 0 or 1.
    if (report.length === 9 && (report[0] === 0 || report[0] === 1)) report = report.subarray(1);
    if (report.length !== 8) {
      this.malformed++;
      return [];
    }
    const at = this.now();
    if (this.timeoutMs > 0 && this.pending && this.lastReportAt !== undefined && at - this.lastReportAt > this.timeoutMs) {
      this.stale++;
      this.buffer = '';
      this.overflowed = false;
    }
    this.lastReportAt = at;
    const modifiers = report[0]!;
    const keys = Array.from(report.subarray(2)).filter((k) => k !== 0);
    if (keys.some(isErrorUsage)) return []; // rollover or POST error: state unknown, wait for the next report
    const shift = (modifiers & SHIFT_BITS) !== 0 || keys.includes(USAGE_LEFT_SHIFT) || keys.includes(USAGE_RIGHT_SHIFT);
    const out: string[] = [];
    for (const key of keys) {
      if (this.down.has(key)) continue;
      const code = this.press(key, shift);
      if (code !== undefined) out.push(code);
    }
    this.down = new Set(keys);
    return out;
  }

  /** Drops a half-read code (e.g. after a timeout between reports). */
  reset(): void {
    this.buffer = '';
    this.overflowed = false;
    this.down.clear();
    this.lastReportAt = undefined;
  }

  /** True while part of a code has been read and its terminator has not. */
  get pending(): boolean {
    return this.buffer.length > 0 || this.overflowed;
  }

  private press(key: number, shift: boolean): string | undefined {
    const isEnter = key === USAGE_ENTER || key === USAGE_KEYPAD_ENTER;
    const isTerminator = this.terminator === 'enter' ? isEnter : key === USAGE_TAB;
    if (isTerminator) {
      const code = this.buffer;
      const dropped = this.overflowed;
      this.buffer = '';
      this.overflowed = false;
      return code.length > 0 && !dropped ? code : undefined;
    }
    const ch = usageToChar(key, shift);
    if (ch === undefined) return undefined;
    if (this.overflowed) return undefined;
    if (this.buffer.length >= this.maxLength) {
      this.overflowed = true;
      this.buffer = '';
      return undefined;
    }
    this.buffer += ch;
    return undefined;
  }
}
