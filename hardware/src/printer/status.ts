/**
 * Decoding of the one-byte answers to DLE EOT n (ESC/POS real-time status). Every answer has fixed
 * bits: bit 0 = 0, bit 1 = 1, bit 4 = 1, bit 7 = 0 (so a healthy printer answers 0x12); a byte
 * without them is not a status answer (line noise, a printer in another emulation).
 */

export type PaperState = 'ok' | 'near_end' | 'out' | 'unknown';

const FIXED_MASK = 0b1001_0011;
const FIXED_VALUE = 0b0001_0010;

/** True when `b` has the fixed bits every DLE EOT answer carries. */
export function isStatusByte(b: number): boolean {
  return (b & FIXED_MASK) === FIXED_VALUE;
}

/** DLE EOT 1 (printer status). */
export interface PrinterStatusBits {
  drawerPin3High: boolean; // bit 2
  offline: boolean; // bit 3
  waitingForRecovery: boolean; // bit 5
  feedButtonPressed: boolean; // bit 6
}

/** DLE EOT 2 (offline cause). */
export interface OfflineCauseBits {
  coverOpen: boolean; // bit 2
  feedingByButton: boolean; // bit 3
  stoppedByPaperEnd: boolean; // bit 5
  error: boolean; // bit 6
}

/** DLE EOT 3 (error cause). */
export interface ErrorCauseBits {
  recoverable: boolean; // bit 2
  autocutter: boolean; // bit 3
  unrecoverable: boolean; // bit 5
  autoRecoverable: boolean; // bit 6 (head temperature and the like)
}

/** DLE EOT 4 (roll paper sensor). */
export interface PaperSensorBits {
  /** Bits 2 and 3: the near-end sensor sees the roll getting thin. */
  nearEnd: boolean;
  /** Bits 5 and 6: the paper-end sensor sees no paper. */
  end: boolean;
}

const bit = (b: number, n: number) => (b & (1 << n)) !== 0;

export class StatusByteError extends Error {
  override name = 'StatusByteError';
  constructor(readonly query: number, readonly byte: number) {
    super(`DLE EOT ${query}: 0x${byte.toString(16).padStart(2, '0')} is not a status byte`);
  }
}

function check(query: number, b: number): void {
  if (!isStatusByte(b)) throw new StatusByteError(query, b);
}

export function decodePrinterStatus(b: number): PrinterStatusBits {
  check(1, b);
  return { drawerPin3High: bit(b, 2), offline: bit(b, 3), waitingForRecovery: bit(b, 5), feedButtonPressed: bit(b, 6) };
}

export function decodeOfflineCause(b: number): OfflineCauseBits {
  check(2, b);
  return { coverOpen: bit(b, 2), feedingByButton: bit(b, 3), stoppedByPaperEnd: bit(b, 5), error: bit(b, 6) };
}

export function decodeErrorCause(b: number): ErrorCauseBits {
  check(3, b);
  return { recoverable: bit(b, 2), autocutter: bit(b, 3), unrecoverable: bit(b, 5), autoRecoverable: bit(b, 6) };
}

/**
 * DLE EOT 4. The manual defines the sensors as bit pairs (2+3, 5+6) that are both set or both clear;
 * some clones set only one bit of a pair, so either bit counts.
 */
export function decodePaperSensor(b: number): PaperSensorBits {
  check(4, b);
  return { nearEnd: bit(b, 2) || bit(b, 3), end: bit(b, 5) || bit(b, 6) };
}

/** The paper state a DLE EOT 4 answer means: out wins over near end. */
export function paperStateOf(b: number): PaperState {
  const s = decodePaperSensor(b);
  return s.end ? 'out' : s.nearEnd ? 'near_end' : 'ok';
}

/** Encodes a paper state as a printer would answer DLE EOT 4 (for the simulator). */
export function paperSensorByte(state: PaperState): number {
  return FIXED_VALUE | (state === 'near_end' || state === 'out' ? 0x0c : 0) | (state === 'out' ? 0x60 : 0);
}
