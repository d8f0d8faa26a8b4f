/**
 * FEIG OBID i-scan "ISO-Host" protocol frames (System-Manual ID ISC.MR/PR/PRH101, H60301-3e-ID-B,
 * §2.1 "Data Format and Protocol Frames"; Manual ID ISC.MR102, H01113-4e-ID-B, §3.3 "CRC16
 * Calculation Algorithm").
 *
 * Standard frame (up to 255 bytes):
 *   host → reader   LENGTH | COM-ADR | CONTROL-BYTE | DATA… | CRC16 (LSB, MSB)
 *   reader → host   LENGTH | COM-ADR | CONTROL-BYTE | STATUS | DATA… | CRC16 (LSB, MSB)
 * Advanced frame (the host may always use it; the reader uses it for answers over 255 bytes):
 *   STX 0x02 | ALENGTH (MSB, LSB) | COM-ADR | CONTROL-BYTE | [STATUS] | DATA… | CRC16 (LSB, MSB)
 * LENGTH/ALENGTH count the whole frame. The CRC runs over every byte before it. The PR101 manual
 * draws the advanced frame's CRC as MSB-then-LSB while the MR102/MU02 manuals and the standard
 * frame put the LSB first; we follow the later manuals. A standard frame never starts with 0x02
 * (its minimum length is 5), so the first byte tells the two apart.
 */

export const STX = 0x02;

/** Control bytes (commands) used here. */
export const Control = {
  baudRateDetection: 0x52,
  getSoftwareVersion: 0x65,
  rfReset: 0x69,
  iso15693: 0xb0,
  iso15693Custom: 0xb1,
} as const;

/** [0xB0] sub-commands (ISO 15693 mandatory and optional commands, §6.1). */
export const IsoCommand = {
  inventory: 0x01,
  readMultipleBlocks: 0x23,
  writeMultipleBlocks: 0x24,
  writeAfi: 0x27,
  getSystemInformation: 0x2b,
} as const;

/** [0xB1] NXP I-CODE SLI custom commands (§8.3), sent with manufacturer code 0x04. */
export const NxpCommand = { manufacturer: 0x04, setEas: 0xa2, resetEas: 0xa3 } as const;

/** STATUS byte values (ANNEX D "Index of Status Bytes"). */
export const Status = {
  ok: 0x00,
  noTransponder: 0x01,
  dataFalse: 0x02,
  writeError: 0x03,
  addressError: 0x04,
  wrongTransponderType: 0x05,
  unknownCommand: 0x80,
  lengthError: 0x81,
  commandNotAvailable: 0x82,
  rfCommunicationError: 0x83,
  rfWarning: 0x84,
  dataBufferOverflow: 0x93,
  moreData: 0x94,
  isoError: 0x95,
} as const;

const STATUS_NAMES: Record<number, string> = {
  0x00: 'OK',
  0x01: 'no transponder',
  0x02: 'data false (CRC error in the transponder answer)',
  0x03: 'write error',
  0x04: 'address error',
  0x05: 'wrong transponder type',
  0x80: 'unknown command',
  0x81: 'length error',
  0x82: 'command not available',
  0x83: 'RF communication error',
  0x84: 'RF warning',
  0x93: 'data buffer overflow',
  0x94: 'more data',
  0x95: 'ISO 15693 error',
};

/** A human name for a STATUS byte, e.g. 0x01 → "no transponder". */
export function statusName(status: number): string {
  return STATUS_NAMES[status] ?? `status 0x${status.toString(16).padStart(2, '0')}`;
}

/** CRC16 of the manual: polynomial 0x8408 (CCITT reflected), preset 0xFFFF, LSB first, no final XOR (CRC-16/MCRF4XX, check 0x6F91). */
export function crc16IsoHost(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i]!;
    for (let j = 0; j < 8; j++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return crc;
}

export interface IsoHostFrame {
  advanced: boolean;
  address: number;
  control: number;
  /** Everything between CONTROL-BYTE and the CRC: STATUS + DATA for a reader answer, DATA for a host request. */
  body: Uint8Array;
}

/** Encodes a frame; a standard frame unless `advanced` is set or the frame would exceed 255 bytes. */
export function encodeFrame(frame: { address: number; control: number; body?: Uint8Array; advanced?: boolean }): Buffer {
  const body = frame.body ?? new Uint8Array(0);
  const advanced = frame.advanced === true || body.length + 5 > 255;
  const head = advanced ? 5 : 3;
  const n = head + body.length + 2;
  if (n > 0xffff) throw new RangeError(`frame of ${n} bytes is longer than an advanced frame can be`);
  const out = Buffer.alloc(n);
  if (advanced) {
    out[0] = STX;
    out.writeUInt16BE(n, 1);
  } else {
    out[0] = n;
  }
  out[head - 2] = frame.address;
  out[head - 1] = frame.control;
  out.set(body, head);
  const crc = crc16IsoHost(out, 0, n - 2);
  out[n - 2] = crc & 0xff;
  out[n - 1] = crc >>> 8;
  return out;
}

export interface FrameDecoderOptions {
  /** 'response' (reader → host, a STATUS byte follows CONTROL) or 'request' (host → reader). */
  direction: 'response' | 'request';
  /** Bytes kept while waiting for a frame to complete before the oldest is dropped; 4096 by default. */
  maxBuffer?: number;
}

/**
 * Streaming decoder: push bytes as they arrive, get whole frames back. Garbage on the line is
 * skipped by resynchronising on length + CRC: a candidate whose CRC fails loses its first byte;
 * a candidate that claims more bytes than have arrived is abandoned as soon as a complete,
 * CRC-valid frame ends exactly at the newest byte (the reader is silent after an answer, so a
 * real answer ends where the line goes quiet; a false match inside garbage needs 24 lucky bits).
 */
export class IsoHostFrameDecoder {
  private buf: Buffer = Buffer.alloc(0);
  private readonly minStandard: number;
  private readonly minAdvanced: number;
  private readonly maxBuffer: number;
  /** Bytes thrown away as garbage since construction (for health and tests). */
  discarded = 0;

  constructor(opts: FrameDecoderOptions) {
    const statusByte = opts.direction === 'response' ? 1 : 0;
    this.minStandard = 5 + statusByte;
    this.minAdvanced = 7 + statusByte;
    this.maxBuffer = opts.maxBuffer ?? 4096;
  }

  /** Bytes held while a frame is incomplete. */
  get pending(): number {
    return this.buf.length;
  }

  /** Drops everything buffered (e.g. before a new request, when a late answer must not be taken for the next). */
  reset(): void {
    this.discarded += this.buf.length;
    this.buf = Buffer.alloc(0);
  }

  /** Adds bytes; returns the frames completed by them, oldest first. */
  push(chunk: Uint8Array): IsoHostFrame[] {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const out: IsoHostFrame[] = [];
    for (;;) {
      if (this.buf.length === 0) break;
      const r = this.candidateAt(0);
      if (r.kind === 'frame') {
        out.push(r.frame);
        this.buf = this.buf.subarray(r.length);
        continue;
      }
      if (r.kind === 'invalid') {
        this.drop(1);
        continue;
      }
      // Incomplete: wait for more bytes, unless a whole frame already ends at the newest byte.
      const later = this.completeFrameAtEnd();
      if (later > 0) {
        this.drop(later);
        continue;
      }
      if (this.buf.length > this.maxBuffer) {
        this.drop(1);
        continue;
      }
      break;
    }
    return out;
  }

  private drop(n: number): void {
    this.discarded += n;
    this.buf = this.buf.subarray(n);
  }

  private completeFrameAtEnd(): number {
    for (let i = 1; i < this.buf.length; i++) {
      // Only a candidate whose claimed length ends exactly at the newest byte is worth a CRC.
      if (i + this.claimedLength(i) !== this.buf.length) continue;
      if (this.candidateAt(i).kind === 'frame') return i;
    }
    return 0;
  }

  /** The frame length the bytes at i claim; -1 if they cannot start a frame or the length is not in yet. */
  private claimedLength(i: number): number {
    const b = this.buf;
    if (b[i] === STX) {
      if (b.length - i < 3) return -1;
      const n = b.readUInt16BE(i + 1);
      return n < this.minAdvanced ? -1 : n;
    }
    const n = b[i]!;
    return n < this.minStandard ? -1 : n;
  }

  private candidateAt(i: number): { kind: 'frame'; frame: IsoHostFrame; length: number } | { kind: 'invalid' } | { kind: 'incomplete' } {
    const b = this.buf;
    const advanced = b[i] === STX;
    if (advanced && b.length - i < 3) return { kind: 'incomplete' };
    const n = this.claimedLength(i);
    if (n < 0) return { kind: 'invalid' };
    if (b.length - i < n) return { kind: 'incomplete' };
    const crc = crc16IsoHost(b, i, i + n - 2);
    if ((b[i + n - 2]! | (b[i + n - 1]! << 8)) !== crc) return { kind: 'invalid' };
    const head = advanced ? 5 : 3;
    return {
      kind: 'frame',
      length: n,
      frame: { advanced, address: b[i + head - 2]!, control: b[i + head - 1]!, body: Uint8Array.from(b.subarray(i + head, i + n - 2)) },
    };
  }
}
