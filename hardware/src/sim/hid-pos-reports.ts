/** Encodes a code as the scanned-data reports a HID POS scanner sends (layout: hid-pos-decoder.ts). */
import { HID_POS_LAYOUT, type HidPosLayout } from '../hid/hid-pos-decoder.ts';

export interface HidPosReportOptions {
  /** AIM symbology identifier; default "]E0" for 13 digits (EAN-13 / ISBN), else "]C0" (Code 128). */
  aim?: string;
  /** Vendor code id byte; default "d" for EAN-13, "j" for Code 128 (Honeywell's ids). */
  codeId?: string;
  layout?: HidPosLayout;
}

/** The reports for one scan: as many as the data needs, all but the last flagged "continued". */
export function hidPosReports(code: string | Uint8Array, opts: HidPosReportOptions = {}): Buffer[] {
  const L = opts.layout ?? HID_POS_LAYOUT;
  const data = typeof code === 'string' ? Buffer.from(code, 'utf8') : Buffer.from(code);
  const ean = typeof code === 'string' && /^\d{13}$/.test(code);
  const aim = opts.aim ?? (ean ? ']E0' : ']C0');
  const codeId = opts.codeId ?? (ean ? 'd' : 'j');
  if (aim.length !== 3) throw new RangeError(`an AIM identifier has 3 characters, got ${JSON.stringify(aim)}`);
  const reports: Buffer[] = [];
  for (let at = 0; at === 0 || at < data.length; at += L.dataMax) {
    const chunk = data.subarray(at, at + L.dataMax);
    const r = Buffer.alloc(L.reportLength);
    r[0] = L.reportId;
    r[L.lengthOffset] = chunk.length;
    r.write(aim, L.symbologyOffset, 'latin1');
    chunk.copy(r, L.dataOffset);
    if (L.codeIdOffset !== undefined && codeId) r[L.codeIdOffset] = codeId.charCodeAt(0);
    if (at + L.dataMax < data.length) r[L.continuedOffset] = (r[L.continuedOffset] ?? 0) | L.continuedMask;
    reports.push(r);
  }
  return reports;
}
