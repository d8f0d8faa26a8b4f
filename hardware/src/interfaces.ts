/**
 * Device interfaces. Real drivers and simulators implement the same interface, and every driver
 * takes its transport (the thing that moves bytes) as an argument, so a simulator's bytes go
 * through the same decoder as a real device's.
 */
import type { EventEmitter } from 'node:events';

export interface DeviceHealth {
  driver: string;
  ok: boolean;
  detail?: string;
}

/** A device that yields whole codes: a barcode scanner or a student-card reader in keyboard mode. */
export interface CodeReader {
  readonly kind: 'card' | 'scanner';
  /** Called with each complete code (terminator stripped). */
  onCode(listener: (code: string) => void): void;
  health(): DeviceHealth;
  close(): Promise<void>;
}

/** Moves HID input reports from a device (node-hid in production, a simulator in tests). */
export interface HidTransport extends EventEmitter {
  on(event: 'data', listener: (report: Buffer) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  close(): Promise<void>;
}

export interface Slip {
  /** Lines of text, already laid out for the printer's width. */
  lines: string[];
}

export type PrintResult = { ok: true; jobId: string } | { ok: false; reason: 'paper_out' | 'offline'; detail: string };

export interface ReceiptPrinter {
  print(slip: Slip): Promise<PrintResult>;
  health(): DeviceHealth;
  close(): Promise<void>;
}

export class DeviceDisconnectedError extends Error {
  override name = 'DeviceDisconnectedError';
  readonly disconnected = true;
}
