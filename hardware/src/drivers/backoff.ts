/**
 * Retry delays for devices that come and go: short at first so a replugged scanner is back
 * within a fraction of a second, doubling up to a ceiling so an absent device costs little.
 */
export interface BackoffOptions {
  /** First delay in ms; default 200. */
  minMs?: number;
  /** Ceiling in ms; default 2000 (a device plugged in is noticed within 2 s). */
  maxMs?: number;
}

export class Backoff {
  private readonly minMs: number;
  private readonly maxMs: number;
  private current: number;

  constructor(opts: BackoffOptions = {}) {
    this.minMs = Math.max(1, opts.minMs ?? 200);
    this.maxMs = Math.max(this.minMs, opts.maxMs ?? 2000);
    this.current = this.minMs;
  }

  /** The delay to wait now, in ms; each call doubles the next one up to the ceiling. */
  next(): number {
    const d = this.current;
    this.current = Math.min(this.maxMs, this.current * 2);
    return d;
  }

  /** Back to the first delay (after a successful open). */
  reset(): void {
    this.current = this.minMs;
  }
}
