/**
 * Decodes the scanned-data input report of a HID Point-of-Sale barcode scanner (HID POS Usage
 * Tables, Bar Code Scanner page 0x8C: Scanned Data Report 0x12 holding Symbology Identifier 1–3
 * 0xFB–0xFD, Decoded Data 0xFE and Decode Data Continued 0xFF). The usage table names the fields;
 * where they sit in the report is the device's report descriptor. Scanners in "HID POS" mode
 * (Honeywell, Zebra, Datalogic, Access-IS document it) send one 64-byte report with id 2:
 *
 *   byte 0      report id (2)
 *   byte 1      number of data bytes in this report (0–56)
 *   bytes 2–4   AIM symbology identifier, "]" + 2 characters (e.g. "]E0" EAN-13, "]C0" Code 128)
 *   bytes 5–60  decoded data, zero padded
 *   byte 61     vendor code id (Honeywell "d" EAN-13, "j" Code 128; 0 when absent)
 *   byte 62     reserved
 *   byte 63     bit 0: decode data continued (more reports follow for a longer code)
 *
 * A device with another descriptor gets its own HidPosLayout.
 */

export interface HidPosLayout {
  /** Report id in byte 0 of the scanned-data report; other report ids are ignored. */
  reportId: number;
  /** Smallest report accepted (the fixed report size); default 64. */
  reportLength: number;
  lengthOffset: number;
  /** Three bytes of AIM identifier start here. */
  symbologyOffset: number;
  dataOffset: number;
  /** Data bytes one report can carry. */
  dataMax: number;
  /** Vendor code id byte, if the layout has one. */
  codeIdOffset?: number;
  continuedOffset: number;
  continuedMask: number;
}

/** The 64-byte, report id 2 layout documented by the scanner makers (see the file comment). */
export const HID_POS_LAYOUT: Readonly<HidPosLayout> = Object.freeze({
  reportId: 0x02,
  reportLength: 64,
  lengthOffset: 1,
  symbologyOffset: 2,
  dataOffset: 5,
  dataMax: 56,
  codeIdOffset: 61,
  continuedOffset: 63,
  continuedMask: 0x01,
});

export interface HidPosScan {
  /** Decoded data as sent, all reports joined. */
  data: Buffer;
  /** The data as text (UTF-8 when valid, else Latin-1) without a trailing CR, LF or Tab suffix. */
  text: string;
  /** AIM symbology identifier such as "]E0", when the scanner sends one. */
  aim?: string;
  /** Vendor code id such as "d", when the layout has one and the scanner sends it. */
  codeId?: string;
}

export interface HidPosDecoderOptions {
  layout?: HidPosLayout;
  /** Longest code in bytes; longer is dropped as noise. Default 4096. */
  maxLength?: number;
  /** Drop a code waiting for its continuation after this many ms; default 500, 0 disables. */
  interReportTimeoutMs?: number;
  /** Clock in ms; default Date.now. */
  now?: () => number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class HidPosDecoder {
  private readonly layout: HidPosLayout;
  private readonly maxLength: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private parts: Buffer[] = [];
  private partLength = 0;
  private first: { aim?: string; codeId?: string } | undefined;
  private overflowing = false;
  private lastReportAt: number | undefined;
  /** Reports too short or with an impossible length byte. */
  malformed = 0;
  /** Reports with another report id (status, trigger): not scanned data. */
  ignored = 0;
  /** Codes dropped because their continuation came too late. */
  stale = 0;
  /** Codes dropped for being longer than maxLength. */
  overlong = 0;

  constructor(opts: HidPosDecoderOptions = {}) {
    this.layout = opts.layout ?? HID_POS_LAYOUT;
    this.maxLength = opts.maxLength ?? 4096;
    this.timeoutMs = opts.interReportTimeoutMs ?? 500;
    this.now = opts.now ?? (() => Date.now());
  }

  /** Feeds one input report; returns the scans it completed (none or one). */
  push(report: Uint8Array): HidPosScan[] {
    const L = this.layout;
    const at = this.now();
    if (this.timeoutMs > 0 && this.pending && this.lastReportAt !== undefined && at - this.lastReportAt > this.timeoutMs) {
      this.stale++;
      this.reset();
    }
    this.lastReportAt = at;
    if (report.length < L.reportLength) {
      this.malformed++;
      return [];
    }
    if (report[0] !== L.reportId) {
      this.ignored++;
      return [];
    }
    const n = report[L.lengthOffset]!;
    if (n > L.dataMax) {
      this.malformed++;
      this.reset();
      return [];
    }
    if (!this.first) this.first = { aim: aimOf(report, L.symbologyOffset), codeId: L.codeIdOffset === undefined ? undefined : codeIdOf(report[L.codeIdOffset]!) };
    if (!this.overflowing) {
      if (this.partLength + n > this.maxLength) {
        this.overflowing = true;
        this.parts = [];
        this.partLength = 0;
      } else {
        this.parts.push(Buffer.from(report.subarray(L.dataOffset, L.dataOffset + n)));
        this.partLength += n;
      }
    }
    if ((report[L.continuedOffset]! & L.continuedMask) !== 0) return [];
    const overflowed = this.overflowing;
    const meta = this.first;
    const data = Buffer.concat(this.parts);
    this.reset();
    if (overflowed) {
      this.overlong++;
      return [];
    }
    if (data.length === 0) return [];
    const text = textOf(data).replace(/[\r\n\t]+$/, '');
    if (text.length === 0) return [];
    return [{ data, text, ...(meta.aim ? { aim: meta.aim } : {}), ...(meta.codeId ? { codeId: meta.codeId } : {}) }];
  }

  /** True while a code waits for its continuation report. */
  get pending(): boolean {
    return this.first !== undefined;
  }

  /** Drops a half-received code (after an error or a timeout). */
  reset(): void {
    this.parts = [];
    this.partLength = 0;
    this.first = undefined;
    this.overflowing = false;
  }
}

function aimOf(report: Uint8Array, at: number): string | undefined {
  const bytes = report.subarray(at, at + 3);
  // "]" followed by a symbology character and a modifier, all printable; zeros when not sent.
  if (bytes[0] !== 0x5d || !bytes.every((b) => b >= 0x21 && b <= 0x7e)) return undefined;
  return String.fromCharCode(...bytes);
}

function codeIdOf(b: number): string | undefined {
  return b >= 0x21 && b <= 0x7e ? String.fromCharCode(b) : undefined;
}

function textOf(data: Buffer): string {
  try {
    return utf8.decode(data);
  } catch {
    return data.toString('latin1');
  }
}
