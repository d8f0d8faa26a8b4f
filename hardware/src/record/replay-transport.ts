/**
 * Plays a recording (recording-format.ts) back as a transport: each record becomes one 'data'
 * event, with the recorded gaps between them (scaled by `speed`) or as fast as possible. It serves
 * as a HidTransport (records are reports) and as a SerialLink (records are chunks); 'end' follows
 * the last record.
 */
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import type { HidTransport } from '../interfaces.ts';
import { pause } from '../sim/code-reader-sim.ts';
import { parseRecording, type RecordedInput } from './recording-format.ts';

export interface ReplayOptions {
  /** 1 plays in real time, 2 twice as fast; 'fast' does not wait at all. Default 1. */
  speed?: number | 'fast';
  /** Longest wait between two records in ms, so a recording spanning a day replays in minutes; default 10 000. */
  maxGapMs?: number;
}

export class ReplayTransport extends EventEmitter implements HidTransport {
  private closed = false;
  private playing: Promise<number> | undefined;

  constructor(
    readonly records: readonly RecordedInput[],
    private readonly opts: ReplayOptions = {},
  ) {
    super();
  }

  /** Reads a recording file; `skipped` counts lines that were not records. */
  static async fromFile(file: string, opts: ReplayOptions = {}): Promise<{ transport: ReplayTransport; skipped: number }> {
    const { records, skipped } = parseRecording(await readFile(file, 'utf8'));
    return { transport: new ReplayTransport(records, opts), skipped };
  }

  /** Plays the records once; resolves with how many were emitted (fewer if closed meanwhile). */
  play(): Promise<number> {
    this.playing ??= this.run();
    return this.playing;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.removeAllListeners('data');
  }

  private async run(): Promise<number> {
    const speed = this.opts.speed ?? 1;
    const maxGap = this.opts.maxGapMs ?? 10_000;
    let emitted = 0;
    let prev: number | undefined;
    for (const r of this.records) {
      if (speed !== 'fast' && prev !== undefined) await pause(Math.min(maxGap, Math.max(0, r.t - prev)) / speed);
      prev = r.t;
      if (this.closed) break;
      this.emit('data', Buffer.from(r.hex, 'hex'));
      emitted++;
    }
    if (!this.closed) this.emit('end');
    return emitted;
  }
}
