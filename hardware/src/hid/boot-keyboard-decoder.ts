/**
 * Decodes 8-byte USB boot-keyboard input reports (modifiers, reserved, six key slots) into codes.
 * A key counts when it appears in a report and was not down in the previous one, so a key held
 * across reports types once, and a scanner that repeats a digit must release it in between.
 */
import { SHIFT_BITS, USAGE_ENTER, USAGE_KEYPAD_ENTER, USAGE_ROLLOVER, USAGE_TAB, usageToChar } from './keyboard-usage.ts';

export interface DecoderOptions {
  /** The key that ends one code; default Enter. */
  terminator?: 'enter' | 'tab';
  /** Longest code accepted; longer input is dropped as noise. Default 128 characters. */
  maxLength?: number;
}

export class BootKeyboardDecoder {
  private down = new Set<number>();
  private buffer = '';
  /** Set when input ran past maxLength: the rest, up to the terminator, is dropped as noise. */
  private overflowed = false;
  private readonly terminator: 'enter' | 'tab';
  private readonly maxLength: number;
  /** Reports that were not 8 bytes long, kept for the device's health line. */
  malformed = 0;

  constructor(opts: DecoderOptions = {}) {
    this.terminator = opts.terminator ?? 'enter';
    this.maxLength = opts.maxLength ?? 128;
  }

  /** Feeds one report; returns the codes it completed (usually none or one). */
  push(report: Uint8Array): string[] {
    // Some hidraw stacks prefix a report id byte: accept 9 bytes with id 0 or 1.
    if (report.length === 9 && (report[0] === 0 || report[0] === 1)) report = report.subarray(1);
    if (report.length !== 8) {
      this.malformed++;
      return [];
    }
    const modifiers = report[0]!;
    const keys = Array.from(report.subarray(2)).filter((k) => k !== 0);
    if (keys.some((k) => k === USAGE_ROLLOVER)) return []; // state unknown: wait for the next report
    const shift = (modifiers & SHIFT_BITS) !== 0;
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
