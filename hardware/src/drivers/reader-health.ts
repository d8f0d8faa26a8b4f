/**
 * Health of a code reader and of the transport under it. A transport that can be absent (a USB
 * device that is unplugged, a serial port that closed) says so through `present` and emits
 * 'connect' each time it (re)opens the device; the reader turns that into the station's status.
 */
import type { EventEmitter } from 'node:events';
import type { DeviceHealth, HidTransport } from '../interfaces.ts';

/** What a hot-pluggable transport knows about its device. */
export interface TransportHealth {
  /** The device is open and reading. */
  present: boolean;
  /** The last open or read failure, kept after recovery for support. */
  lastError?: string;
  /** How many times the device was opened (1 after the first open). */
  connects: number;
}

/** A transport that reports presence: NodeHidTransport, the simulators, the serial link. */
export interface PresenceAware {
  health(): TransportHealth;
}

export function isPresenceAware(t: unknown): t is PresenceAware {
  return typeof (t as { health?: unknown }).health === 'function';
}

/** DeviceHealth plus presence; extra fields a status schema that does not know them drops. */
export interface ReaderHealth extends DeviceHealth {
  present: boolean;
  lastError?: string;
  /** Times the device came back after it had been open. */
  reconnects: number;
}

/** Tracks errors between connects; `ok` means present and no error since the last (re)connect. */
export class ReaderStatus {
  private lastError: string | undefined;
  private errorSinceConnect = false;

  constructor(private readonly driver: string) {}

  error(err: Error): void {
    this.lastError = err.message;
    this.errorSinceConnect = true;
  }

  connected(): void {
    this.errorSinceConnect = false;
  }

  /** Health for the status line; `notes` are decode counters worth showing while all is well. */
  health(transport: TransportHealth | undefined, notes: string[] = []): ReaderHealth {
    const present = transport?.present ?? true;
    const lastError = (this.errorSinceConnect ? this.lastError : undefined) ?? transport?.lastError ?? this.lastError;
    const ok = present && !this.errorSinceConnect;
    let detail: string | undefined;
    if (!present) detail = lastError ? `not connected: ${lastError}` : 'not connected';
    else if (!ok) detail = lastError;
    else if (notes.length > 0) detail = notes.join(', ');
    return {
      driver: this.driver,
      ok,
      ...(detail ? { detail } : {}),
      present,
      ...(lastError ? { lastError } : {}),
      reconnects: Math.max(0, (transport?.connects ?? 1) - 1),
    };
  }
}

/** "1 malformed report", "3 malformed reports": a counter for a health note. */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Feeds a HID transport's reports to a decoder and keeps the reader's status: an error or a
 * (re)connect drops any half-read code. 'connect' is not part of HidTransport: hot-plug transports
 * add it, others never emit it.
 */
export function followHidTransport(
  transport: HidTransport,
  status: ReaderStatus,
  decoder: { reset(): void },
  onReport: (report: Buffer) => void,
): void {
  transport.on('data', onReport);
  transport.on('error', (err) => {
    status.error(err);
    decoder.reset();
  });
  (transport as EventEmitter).on('connect', () => {
    status.connected();
    decoder.reset();
  });
}
