/**
 * A simulated ESC/POS printer. It takes the bytes a real printer would, answers DLE EOT status
 * queries from its state (paper ok / near end / out, cover, plugged in), and keeps every job as its
 * raw bytes (`<dir>/<job>.bin`) beside the decoded picture of the paper (`<dir>/<job>.png`). A job
 * ends at a cut (GS V), at the next ESC @, or after `idleMs` without bytes, as a person tearing the
 * slip off would see it. Attach it to EscPosPrinter with `adapter()`, or serve it on a stream
 * (TCP, pty) with `serve()`; either way the whole encode → bytes → decode path runs.
 */
import { EventEmitter } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { DeviceDisconnectedError, type PrinterAdapter } from './adapter.ts';
import { RxBuffer } from './adapters/rx-buffer.ts';
import { decodeEscPos, decodeOne, EscPosDecodeError, type EscPosOp } from './decode.ts';
import { renderPreview } from './preview.ts';
import { dotsForPaper } from './raster.ts';
import { paperSensorByte, type PaperState } from './status.ts';

export interface SimPrinterOptions {
  /** Where jobs are kept (created on the first job). */
  dir: string;
  paperMm: 58 | 80;
  /** End a job after this long without bytes (ms), default 300; 0: only at a cut or ESC @. */
  idleMs?: number;
  log?: Logger;
  now?: () => Date;
}

export interface SimJob {
  id: string;
  binPath: string;
  /** Null when the bytes did not decode (see error). */
  pngPath: string | null;
  bytes: number;
  ops: EscPosOp[];
  error: string | null;
}

export class SimPrinter extends EventEmitter {
  /** Paper roll state, as the sensors would report it. */
  paper: Exclude<PaperState, 'unknown'> = 'ok';
  coverOpen = false;
  /** False: behaves like a printer that never answers status queries. */
  answersStatus = true;
  readonly jobs: SimJob[] = [];
  /** Bytes of print data thrown away because there was no paper or the cover was open. */
  dropped = 0;
  lastError: string | null = null;
  private pending = Buffer.alloc(0);
  private job: Uint8Array[] = [];
  /** Name for the job that starts next (from nameNextJob), and the name of the job in progress. */
  private nextName: string | null = null;
  private jobName: string | null = null;
  private seq = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  private plugged = true;
  private readonly adapters = new Set<SimPrinterAdapter>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: SimPrinterOptions) {
    super();
  }

  get widthDots(): number {
    return dotsForPaper(this.o.paperMm);
  }

  get isPlugged(): boolean {
    return this.plugged;
  }

  /** Sets the paper state (what DLE EOT 4 answers from now on). */
  setPaper(state: Exclude<PaperState, 'unknown'>): void {
    this.paper = state;
  }

  /** Pulls the cable: open adapters fail and report the loss, and new ones cannot open until replug(). */
  unplug(): void {
    this.plugged = false;
    this.pending = Buffer.alloc(0);
    this.job = [];
    for (const a of this.adapters) a.drop();
  }

  replug(): void {
    this.plugged = true;
  }

  /** An in-process adapter for EscPosPrinter. */
  adapter(): SimPrinterAdapter {
    return new SimPrinterAdapter(this);
  }

  /** Names the next job's files (EscPosPrinter passes its job id through the adapter). */
  nameNextJob(name: string): void {
    this.nextName = name.replace(/[^A-Za-z0-9._-]/g, '_');
  }

  /**
   * Takes bytes from the host; resolves with the bytes the printer sends back (status answers) once
   * every job they completed is on disk. Calls are processed in order.
   */
  receive(chunk: Uint8Array): Promise<Buffer> {
    const run = this.chain.then(() => this.process(chunk));
    this.chain = run.catch(() => {});
    return run;
  }

  /** Serves the printer on a byte stream (a TCP connection, a pty): what a network printer does. */
  serve(stream: Duplex): void {
    stream.on('data', (chunk: Buffer) => {
      void this.receive(chunk).then((reply) => {
        if (reply.length > 0 && !stream.destroyed) stream.write(reply);
      });
    });
    stream.on('error', () => {});
  }

  /** Ends the current job now (as if the idle time had passed) and waits for its files. */
  async flush(): Promise<void> {
    await this.chain;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    await this.finishJob();
  }

  private async process(chunk: Uint8Array): Promise<Buffer> {
    if (!this.plugged) return Buffer.alloc(0);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.pending = Buffer.concat([this.pending, chunk]);
    const replies: number[] = [];
    let at = 0;
    while (at < this.pending.length) {
      let step: ReturnType<typeof decodeOne>;
      try {
        step = decodeOne(this.pending, at);
      } catch (err) {
        // A real printer would print garbage; the simulator keeps the job's bytes for a look and
        // notes what it could not read.
        this.append(this.pending.subarray(at));
        this.pending = Buffer.alloc(0);
        await this.finishJob((err as EscPosDecodeError).message);
        return Buffer.from(replies);
      }
      if (!step) break;
      const bytes = this.pending.subarray(at, at + step.length);
      at += step.length;
      const op = step.op;
      if (op.op === 'status') {
        if (this.answersStatus) replies.push(this.statusByte(op.n));
        continue;
      }
      if (op.op === 'init' && this.job.length > 0) await this.finishJob();
      if (this.paper === 'out' || this.coverOpen) {
        this.dropped += bytes.length;
        continue;
      }
      this.append(bytes);
      if (op.op === 'cut') await this.finishJob();
    }
    this.pending = this.pending.subarray(at);
    const idle = this.o.idleMs ?? 300;
    if (idle > 0 && this.job.length > 0) {
      this.idleTimer = setTimeout(() => {
        this.idleTimer = null;
        this.chain = this.chain.then(() => this.finishJob()).catch(() => {});
      }, idle);
      this.idleTimer.unref();
    }
    return Buffer.from(replies);
  }

  private append(bytes: Uint8Array): void {
    if (this.job.length === 0) {
      this.jobName = this.nextName;
      this.nextName = null;
    }
    this.job.push(Buffer.from(bytes));
  }

  /** The answer to DLE EOT n from the current state (see status.ts for the bit layout). */
  private statusByte(n: 1 | 2 | 3 | 4): number {
    const base = 0x12;
    const paperOut = this.paper === 'out';
    const offline = paperOut || this.coverOpen;
    switch (n) {
      case 1:
        return base | (offline ? 0x08 : 0);
      case 2:
        return base | (this.coverOpen ? 0x04 : 0) | (paperOut ? 0x20 : 0);
      case 3:
        return base;
      case 4:
        return paperSensorByte(this.paper);
    }
  }

  private async finishJob(decodeError?: string): Promise<void> {
    if (this.job.length === 0) return;
    const bytes = Buffer.concat(this.job);
    this.job = [];
    const id = this.jobName ?? this.autoName();
    this.jobName = null;
    await mkdir(this.o.dir, { recursive: true });
    const binPath = join(this.o.dir, `${id}.bin`);
    await writeFile(binPath, bytes);
    let ops: EscPosOp[] = [];
    let pngPath: string | null = null;
    let error = decodeError ?? null;
    if (!error) {
      try {
        ops = decodeEscPos(bytes);
        pngPath = join(this.o.dir, `${id}.png`);
        await writeFile(pngPath, renderPreview(ops, this.widthDots).png);
      } catch (err) {
        error = (err as Error).message;
        pngPath = null;
      }
    }
    if (error) {
      this.lastError = error;
      this.o.log?.warn({ job: id, error }, 'simulated printer could not decode a job');
    }
    const job: SimJob = { id, binPath, pngPath, bytes: bytes.length, ops, error };
    this.jobs.push(job);
    this.emit('job', job);
  }

  private autoName(): string {
    const t = (this.o.now?.() ?? new Date()).toISOString().replace(/[-:]/g, '');
    return `sim-${t.slice(0, 8)}-${t.slice(9, 15)}-${String(++this.seq).padStart(3, '0')}`;
  }

  /** @internal adapters register so unplug() can drop them. */
  attach(a: SimPrinterAdapter): void {
    this.adapters.add(a);
  }

  /** @internal */
  detach(a: SimPrinterAdapter): void {
    this.adapters.delete(a);
  }
}

/** EscPosPrinter's adapter onto a SimPrinter in the same process (bytes in, status bytes out). */
export class SimPrinterAdapter implements PrinterAdapter {
  readonly description = 'sim';
  readonly bidirectional = true;
  private open_ = false;
  private readonly rx = new RxBuffer();
  private readonly listeners: ((err: Error) => void)[] = [];

  constructor(private readonly sim: SimPrinter) {}

  async open(): Promise<void> {
    if (!this.sim.isPlugged) throw new DeviceDisconnectedError('sim: printer unplugged');
    this.open_ = true;
    this.rx.clear();
    this.sim.attach(this);
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (!this.open_) throw new DeviceDisconnectedError('sim: not open');
    const reply = await this.sim.receive(bytes);
    if (reply.length > 0) this.rx.push(reply);
  }

  discardInput(): void {
    this.rx.clear();
  }

  read(n: number, timeoutMs: number): Promise<Buffer> {
    if (!this.open_) return Promise.reject(new DeviceDisconnectedError('sim: not open'));
    return this.rx.read(n, timeoutMs);
  }

  async close(): Promise<void> {
    this.open_ = false;
    this.sim.detach(this);
    this.rx.fail(new DeviceDisconnectedError('sim: closed'));
  }

  onDisconnect(listener: (err: Error) => void): void {
    this.listeners.push(listener);
  }

  nameNextJob(jobId: string): void {
    this.sim.nameNextJob(jobId);
  }

  /** @internal the cable was pulled. */
  drop(): void {
    if (!this.open_) return;
    this.open_ = false;
    this.sim.detach(this);
    const err = new DeviceDisconnectedError('sim: printer unplugged');
    this.rx.fail(err);
    for (const l of this.listeners) l(err);
  }
}
