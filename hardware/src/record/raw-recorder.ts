/**
 * Appends raw device input to a file as JSON lines ({t, hex}), for support: a school sends the
 * file, and a developer replays it through the same decoder. Recording never stops the device:
 * a write error or the size cap ends the recording, not the reader.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { formatRecord } from './recording-format.ts';

export interface RawRecorderOptions {
  /** Stop recording after this many bytes written; default 10 MB. */
  maxBytes?: number;
  /** Clock in ms since the epoch; default Date.now. */
  now?: () => number;
  log?: Logger;
}

export class RawRecorder {
  private readonly out: WriteStream;
  private readonly maxBytes: number;
  private readonly now: () => number;
  private stopped = false;
  /** Bytes written to the file so far. */
  written = 0;
  /** Why recording stopped early, if it did. */
  stoppedBecause: string | undefined;

  constructor(
    readonly file: string,
    private readonly opts: RawRecorderOptions = {},
  ) {
    this.maxBytes = opts.maxBytes ?? 10 * 1024 * 1024;
    this.now = opts.now ?? (() => Date.now());
    mkdirSync(dirname(file), { recursive: true });
    this.out = createWriteStream(file, { flags: 'a' });
    this.out.on('error', (err) => this.stop(`write failed: ${err.message}`));
  }

  /** Records one report or chunk as it arrived. */
  write(bytes: Uint8Array): void {
    if (this.stopped) return;
    const line = formatRecord(this.now(), bytes);
    if (this.written + line.length > this.maxBytes) {
      this.stop(`size limit of ${this.maxBytes} bytes reached`);
      return;
    }
    this.written += line.length;
    this.out.write(line);
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.out.closed) return;
    await new Promise<void>((resolve) => {
      this.out.once('close', () => resolve());
      if (!this.out.writableEnded) this.out.end();
    });
  }

  private stop(reason: string): void {
    this.stopped = true;
    if (this.stoppedBecause !== undefined) return;
    this.stoppedBecause = reason;
    this.opts.log?.warn({ file: this.file }, `raw input recording stopped: ${reason}`);
    if (!this.out.writableEnded) this.out.end();
  }
}
