/**
 * The HF RFID reader seen by the rest of the station: ISO 15693 commands a library needs, behind
 * one small promise-based interface that every protocol driver (FEIG ISO-Host today) implements.
 * Drivers receive a ByteTransport, so the same driver runs over a real serial port, a
 * SerialPortMock or an in-process simulator.
 */
import type { DeviceHealth } from '../interfaces.ts';

/** Moves bytes to and from a serial device: serialport's SerialPort, SerialPortMock or a simulator. */
export interface ByteTransport {
  /** Resolves once the bytes were handed to the port. */
  write(bytes: Uint8Array): Promise<void>;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  /** The port closed; `err.disconnected` is true when the device went away. */
  on(event: 'close', listener: (err?: Error) => void): this;
  off(event: 'data', listener: (chunk: Buffer) => void): this;
  off(event: 'close', listener: (err?: Error) => void): this;
  close(): Promise<void>;
}

/** One tag answering an inventory. */
export interface TagInfo {
  /** The 8-byte UID as 16 upper-case hex digits, most significant byte first ("E004…"), as ISO-Host sends it. */
  uid: string;
  /** Data Storage Format Identifier. */
  dsfid: number;
  /** The reader's transponder type code (FEIG TR-TYPE; 0x03 = ISO 15693). */
  trType: number;
}

/** What [0x2B] Get System Information tells about a tag. */
export interface TagSystemInfo {
  uid: string;
  dsfid: number;
  afi: number;
  /** Bytes per block (4 on ICODE SLI/SLIX). */
  blockSize: number;
  /** Number of user blocks (28 on ICODE SLI). */
  blockCount: number;
  icReference: number;
}

export interface RfidHealth extends DeviceHealth {
  connected: boolean;
  /** Last error message, kept until a command succeeds again. */
  lastError?: string;
  /** Bytes of line noise the frame decoder skipped. */
  garbageBytes?: number;
}

export interface RfidReader {
  /** All ISO 15693 tags in the field (anticollision), in the order the reader lists them. */
  inventory(): Promise<TagInfo[]>;
  systemInfo(uid: string): Promise<TagSystemInfo>;
  /** Reads `count` blocks from block `first`; the bytes come back in tag memory order. */
  readBlocks(uid: string, first: number, count: number): Promise<Uint8Array>;
  /** Writes whole blocks from block `first` (data.length must be a multiple of blockSize, 4 by default). */
  writeBlocks(uid: string, first: number, data: Uint8Array, blockSize?: number): Promise<void>;
  writeAfi(uid: string, afi: number): Promise<void>;
  /** NXP ICODE SLI(X) EAS bit on / off. */
  setEas(uid: string): Promise<void>;
  resetEas(uid: string): Promise<void>;
  health(): RfidHealth;
  close(): Promise<void>;
}

/** The reader did not answer in time (it stays silent on a frame with a bad CRC or another bus address). */
export class RfidTimeoutError extends Error {
  override name = 'RfidTimeoutError';
  readonly timeout = true;
}

/** The reader answered with a STATUS other than OK. */
export class RfidStatusError extends Error {
  override name = 'RfidStatusError';
  constructor(
    message: string,
    readonly status: number,
    readonly detail: {
      command: string;
      uid?: string;
      /** ISO 15693 error code from the tag, when STATUS is 0x95. */
      isoError?: number;
      /** DB-ADR-E: the block where a write failed. */
      blockAddress?: number;
    },
  ) {
    super(message);
  }
  /** The tag was not (or no longer) in the field. */
  get noTransponder(): boolean {
    return this.status === 0x01;
  }
  /** Writing to the tag failed (write error, or the tag said so through an ISO error). */
  get writeFailed(): boolean {
    return this.status === 0x03 || (this.status === 0x95 && (this.detail.isoError === 0x13 || this.detail.isoError === 0x12));
  }
}

/** The reader's answer does not have the shape the command expects. */
export class RfidProtocolError extends Error {
  override name = 'RfidProtocolError';
}

/** "E004010012345678" → bytes; throws RangeError unless 16 hex digits. */
export function uidBytes(uid: string): Uint8Array {
  if (!/^[0-9A-Fa-f]{16}$/.test(uid)) throw new RangeError(`UID must be 16 hex digits, got "${uid}"`);
  return Uint8Array.from(Buffer.from(uid, 'hex'));
}

/** Bytes → "E004010012345678". */
export function uidHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}
