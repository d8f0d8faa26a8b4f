/**
 * ISO 2709 (MARC 21 transmission format) writer, in UTF-8 or (for old systems) MARC-8.
 *
 * Lossless: a valid UTF-8 record in NFC read by readIso2709() and written back here is
 * byte-identical to the original. The writer recomputes what depends on the bytes (record length,
 * base address, the directory) and keeps the rest of the leader, except that it writes leader/09
 * as the encoding it produces ("a" UTF-8, blank MARC-8), "22" at 10–11 and "4500" at 20–23.
 * Text is written as given; the readers already hand out NFC.
 */
import { isControlField, type MarcRecord, type Reason } from './iso2709.ts';
import { encodeMarc8 } from './marc8.ts';

const RT = 0x1d;
const FT = 0x1e;
const SD = 0x1f;
const enc = new TextEncoder();

/** A record the writer cannot represent in ISO 2709, with the reason in both languages. */
export class MarcWriteError extends Error {
  constructor(readonly reason: Reason) {
    super(reason.en);
    this.name = 'MarcWriteError';
  }
}

const fail = (vi: string, en: string): never => {
  throw new MarcWriteError({ vi, en });
};

function checkText(s: string, where: string): void {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === RT || c === FT || c === SD) {
      fail(
        `${where} chứa ký tự điều khiển 0x${c.toString(16).toUpperCase()} của định dạng ISO 2709`,
        `${where} contains the ISO 2709 delimiter 0x${c.toString(16).toUpperCase()}`,
      );
    }
  }
}

/** Normalises a leader to 24 characters (padding with blanks, cutting extra) for writing. */
function leaderTemplate(leader: string, scheme: string): string {
  let l = leader.length >= 24 ? leader.slice(0, 24) : leader.padEnd(24, ' ');
  // Only ASCII can stand in a leader; anything else becomes a blank.
  l = l.replace(/[^\x20-\x7e]/g, ' ');
  return l.slice(0, 9) + scheme + '22' + l.slice(12, 20) + '4500';
}

export interface WriteOptions {
  /**
   * 'utf8' (default; leader/09 = "a") or 'marc8' (leader/09 blank) for systems that read only
   * MARC-8: characters MARC-8 lacks become numeric character references ("&#x2019;").
   */
  encoding?: 'utf8' | 'marc8';
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
  let p = 0;
  for (const b of parts) {
    out.set(b, p);
    p += b.length;
  }
  return out;
}

/** Encodes one record as ISO 2709 bytes. Throws MarcWriteError for what ISO 2709 cannot hold. */
export function writeIso2709(rec: MarcRecord, o: WriteOptions = {}): Uint8Array {
  const marc8 = o.encoding === 'marc8';
  const encode = (s: string): Uint8Array => (marc8 ? encodeMarc8(s) : enc.encode(s));
  const bodies: Uint8Array[] = [];
  const tags: string[] = [];
  for (const f of rec.fields) {
    if (!/^[\x21-\x7e]{3}$/.test(f.tag)) {
      fail(`nhãn trường "${f.tag}" không hợp lệ (phải là 3 ký tự ASCII)`, `the tag "${f.tag}" is not 3 ASCII characters`);
    }
    let bytes: Uint8Array;
    if (isControlField(f)) {
      checkText(f.value, `trường ${f.tag} / field ${f.tag}`);
      bytes = encode(f.value);
    } else {
      if (f.ind1.length !== 1 || f.ind2.length !== 1) {
        fail(`chỉ thị của trường ${f.tag} phải là một ký tự`, `the indicators of field ${f.tag} must be one character each`);
      }
      checkText(f.ind1 + f.ind2, `chỉ thị trường ${f.tag} / indicators of ${f.tag}`);
      const parts: Uint8Array[] = [encode(f.ind1 + f.ind2)];
      for (const s of f.subfields) {
        if (s.code.length !== 1 || s.code.charCodeAt(0) === SD || s.code.charCodeAt(0) === FT || s.code.charCodeAt(0) === RT) {
          fail(`mã trường con "${s.code}" của trường ${f.tag} không hợp lệ`, `subfield code "${s.code}" of field ${f.tag} is not valid`);
        }
        checkText(s.value, `${f.tag} $${s.code}`);
        parts.push(Uint8Array.of(SD), encode(s.code), encode(s.value));
      }
      bytes = concatBytes(parts);
    }
    if (bytes.length + 1 > 9999) {
      fail(
        `trường ${f.tag} dài ${bytes.length + 1} byte, quá giới hạn 9 999 byte của ISO 2709`,
        `field ${f.tag} is ${bytes.length + 1} bytes long, over the ISO 2709 limit of 9,999`,
      );
    }
    bodies.push(bytes);
    tags.push(f.tag);
  }
  const dirLength = 12 * bodies.length;
  const base = 24 + dirLength + 1;
  const dataLength = bodies.reduce((n, b) => n + b.length + 1, 0);
  const total = base + dataLength + 1;
  if (total > 99999) {
    fail(
      `biểu ghi dài ${total} byte, quá giới hạn 99 999 byte của ISO 2709`,
      `the record is ${total} bytes long, over the ISO 2709 limit of 99,999`,
    );
  }
  if (dataLength > 99999) fail('dữ liệu biểu ghi quá dài', 'the record data is too long');
  const out = new Uint8Array(total);
  const l = leaderTemplate(rec.leader, marc8 ? ' ' : 'a');
  const leader = String(total).padStart(5, '0') + l.slice(5, 12) + String(base).padStart(5, '0') + l.slice(17);
  let p = 0;
  for (let k = 0; k < 24; k++) out[p++] = leader.charCodeAt(k);
  let start = 0;
  bodies.forEach((b, i) => {
    const entry = tags[i]! + String(b.length + 1).padStart(4, '0') + String(start).padStart(5, '0');
    for (let k = 0; k < 12; k++) out[p++] = entry.charCodeAt(k);
    start += b.length + 1;
  });
  out[p++] = FT;
  for (const b of bodies) {
    out.set(b, p);
    p += b.length;
    out[p++] = FT;
  }
  out[p++] = RT;
  return out;
}

/** Concatenates the records of a file; the order is kept. */
export function writeIso2709File(records: MarcRecord[], o: WriteOptions = {}): Uint8Array {
  return concatBytes(records.map((r) => writeIso2709(r, o)));
}
