/**
 * The receipt printer of a station: renders a slip to ESC/POS (slip-job.ts) and sends it through an
 * injected adapter (USB, serial, TCP or the simulator). Before each job it asks the printer for its
 * paper sensor (DLE EOT 4) and, if it says it is offline, why (DLE EOT 1, then 2). Out of paper,
 * cover open, unplugged, no answer: each is a typed PrintResult, never an exception, so the daemon
 * and the pupil's session carry on. A lost device is reopened with exponential backoff, and the
 * paper state is polled while idle so the librarian sees "near end" before it runs out.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { DeviceHealth, PrintResult, ReceiptPrinter } from '../interfaces.ts';
import { DeviceDisconnectedError, PrinterTimeoutError, type PrinterAdapter } from './adapter.ts';
import { statusQuery, type StatusQuery } from './escpos-commands.ts';
import type { RichSlip } from './slip-document.ts';
import { encodeSlip, type JobOptions } from './slip-job.ts';
import { decodeOfflineCause, decodePrinterStatus, isStatusByte, paperStateOf, type PaperState } from './status.ts';

export interface EscPosPrinterOptions extends JobOptions {
  /** Driver name reported in health ("usb", "serial", "tcp", "sim"). */
  driver: string;
  /** Query DLE EOT status before each job; false for printers that never answer. Default true. */
  queryStatus?: boolean;
  /** Wait this long for each status byte (ms), default 1000. */
  statusTimeoutMs?: number;
  /** Give up on a job's bytes after this long (ms), default 60000 (a 40 KB slip at 9600 baud takes ~45 s). */
  writeTimeoutMs?: number;
  /** Reopen delays: first retry after initialMs (default 500), doubling up to maxMs (default 5000, so a replugged printer is back within 5 s). */
  reconnect?: { initialMs?: number; maxMs?: number };
  /** Poll the paper sensor every pollMs while idle (default 15000; 0 disables). */
  pollMs?: number;
  log?: Logger;
  now?: () => Date;
}

export interface PrinterHealth extends DeviceHealth {
  connected: boolean;
  paper: PaperState;
  /** The last fault seen (unplugged, no answer, cover open …), or null. */
  lastError: string | null;
  lastErrorAt: string | null;
  /** Jobs printed since start. */
  jobs: number;
}

/** PrintResult plus the paper state seen with the job ("near_end" on a successful job is a warning). */
export type PrinterJobResult = PrintResult & { paper: PaperState };

interface StatusReading {
  paper: PaperState;
  /** Why the printer says it is offline (cover open, error), or null when it is online. */
  offline: string | null;
}

export class EscPosPrinter extends EventEmitter implements ReceiptPrinter {
  private connected = false;
  private connecting: Promise<void> | null = null;
  private closed = false;
  private paper: PaperState = 'unknown';
  private offlineCause: string | null = null;
  private lastError: string | null = null;
  private lastErrorAt: string | null = null;
  private jobs = 0;
  private seq = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private backoffMs: number;
  private lastHealthKey = '';

  constructor(
    private readonly adapter: PrinterAdapter,
    private readonly o: EscPosPrinterOptions,
  ) {
    super();
    this.backoffMs = o.reconnect?.initialMs ?? 500;
    adapter.onDisconnect((err) => this.lost(err));
  }

  /**
   * Opens the device if it is there and reads its status, starts the idle poll; never throws (an
   * absent printer is retried in the background).
   */
  async start(): Promise<void> {
    const poll = this.o.pollMs ?? 15_000;
    if (poll > 0 && !this.pollTimer) {
      this.pollTimer = setInterval(() => void this.refresh(), poll);
      this.pollTimer.unref();
    }
    await this.connect(false);
    await this.refresh();
  }

  /** Prints a slip (its blocks, or its lines). Jobs run one at a time in call order. */
  print(slip: RichSlip): Promise<PrinterJobResult> {
    return this.enqueue(() => this.runJob(slip));
  }

  /** Asks the printer for its paper state now (also what the idle poll does). */
  refresh(): Promise<void> {
    return this.enqueue(async () => {
      if (!this.connected || this.closed) return;
      try {
        await this.readStatus();
      } catch (err) {
        await this.fault(err as Error); // silent or gone: health says so, the link is reopened
      }
    });
  }

  health(): PrinterHealth {
    const ok = this.connected && this.paper !== 'out' && this.offlineCause === null;
    const detail = !this.connected
      ? `disconnected: ${this.lastError ?? 'not opened yet'}`
      : this.paper === 'out'
        ? 'paper_out'
        : this.offlineCause !== null
          ? `offline: ${this.offlineCause}`
          : this.paper === 'near_end'
            ? 'paper_near_end'
            : undefined;
    return {
      driver: this.o.driver,
      ok,
      ...(detail ? { detail } : {}),
      connected: this.connected,
      paper: this.paper,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
      jobs: this.jobs,
    };
  }

  /** Registers a listener for health changes (connected, paper, offline cause, last error). */
  onHealth(listener: (h: PrinterHealth) => void): void {
    this.on('health', listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.reconnectTimer = this.pollTimer = null;
    // A slip being printed gets 2 s to finish; then the link is closed under it, so a printer
    // that takes no more data cannot hold the daemon's shutdown for the whole write timeout.
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([this.queue, new Promise((r) => (grace = setTimeout(r, 2000)))]);
    clearTimeout(grace);
    await this.connecting;
    this.connected = false;
    await this.adapter.close().catch(() => {});
    await this.queue;
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => {});
    return run;
  }

  private async runJob(slip: RichSlip): Promise<PrinterJobResult> {
    const fail = (reason: 'paper_out' | 'offline', detail: string): PrinterJobResult => ({ ok: false, reason, detail, paper: this.paper });
    if (this.closed) return fail('offline', 'printer closed');
    let bytes: Buffer;
    try {
      bytes = encodeSlip(slip, this.o).bytes;
    } catch (err) {
      this.o.log?.error({ err }, 'slip could not be rendered');
      return fail('offline', `slip could not be rendered: ${(err as Error).message}`);
    }
    if (!this.connected) await this.connect();
    if (!this.connected) return fail('offline', this.lastError ?? 'printer not connected');

    try {
      const before = await this.readStatus();
      if (before.paper === 'out') return fail('paper_out', 'the printer reports paper end');
      if (before.offline) return fail('offline', `the printer is offline: ${before.offline}`);
      const jobId = this.nextJobId();
      this.adapter.nameNextJob?.(jobId);
      await withTimeout(this.adapter.write(bytes), this.o.writeTimeoutMs ?? 60_000, 'the printer took no more data');
      this.jobs++;
      // Real-time status after the job: a roll that ran out during this slip shows now.
      const after = await this.readStatus().catch(() => null);
      if (after?.paper === 'out') return { ok: false, reason: 'paper_out', detail: 'paper ran out during the slip', paper: 'out' };
      this.o.log?.info({ jobId, bytes: bytes.length, paper: this.paper }, 'slip printed');
      this.emitHealth();
      return { ok: true, jobId, paper: this.paper };
    } catch (err) {
      return fail('offline', await this.fault(err as Error));
    }
  }

  /** Queries DLE EOT 4 (and 1, 2 when needed); updates the paper state and offline cause. */
  private async readStatus(): Promise<StatusReading> {
    if (!(this.o.queryStatus ?? true) || !this.adapter.bidirectional) return { paper: this.paper, offline: null };
    const b4 = await this.query(4);
    let paper: PaperState = isStatusByte(b4) ? paperStateOf(b4) : 'unknown';
    let offline: string | null = null;
    if (!isStatusByte(b4)) this.o.log?.warn({ byte: b4 }, 'DLE EOT 4 answer is not a status byte; printing without paper state');
    if (paper !== 'out') {
      const b1 = await this.query(1);
      if (isStatusByte(b1) && decodePrinterStatus(b1).offline) {
        const b2 = await this.query(2);
        if (isStatusByte(b2)) {
          const cause = decodeOfflineCause(b2);
          if (cause.stoppedByPaperEnd) paper = 'out';
          else if (cause.coverOpen) offline = 'cover open';
          else if (cause.error) offline = 'printer error (cutter jammed or head too hot)';
          else if (cause.feedingByButton) offline = 'paper being fed with the button';
          else offline = 'offline';
        } else offline = 'offline';
      }
    }
    this.paper = paper;
    this.offlineCause = offline;
    if (offline) this.noteError(`offline: ${offline}`);
    else if (paper === 'out') this.noteError('paper out');
    this.emitHealth();
    return { paper, offline };
  }

  private async query(n: StatusQuery): Promise<number> {
    this.adapter.discardInput();
    await this.adapter.write(statusQuery(n));
    const [b] = await this.adapter.read(1, this.o.statusTimeoutMs ?? 1000);
    return b!;
  }

  /** Records a failed job step; drops the link when the device is gone or stuck. Returns the detail. */
  private async fault(err: Error): Promise<string> {
    if (err instanceof DeviceDisconnectedError) {
      this.lost(err);
      return err.message;
    }
    if (err instanceof PrinterTimeoutError) {
      // The printer stopped answering or taking data: the link is in an unknown state (half a
      // job in flight), so start it over.
      this.noteError(err.message);
      this.connected = false;
      await this.adapter.close().catch(() => {});
      this.emitHealth();
      this.scheduleReconnect();
      return err.message;
    }
    this.o.log?.error({ err }, 'printer job failed');
    this.noteError(err.message);
    this.emitHealth();
    return err.message;
  }

  /** Opens the adapter (once, however many callers); `readStatus` queues a status query after. */
  private connect(readStatus = true): Promise<void> {
    if (this.connected || this.closed) return Promise.resolve();
    this.connecting ??= (async () => {
      try {
        await this.adapter.open();
        this.connected = true;
        this.backoffMs = this.o.reconnect?.initialMs ?? 500;
        this.o.log?.info({ device: this.adapter.description }, 'printer connected');
        this.emitHealth();
        if (readStatus) void this.refresh();
      } catch (err) {
        this.noteError((err as Error).message);
        this.emitHealth();
        this.scheduleReconnect();
      } finally {
        this.connecting = null;
      }
    })();
    return this.connecting;
  }

  private lost(err: Error): void {
    if (!this.connected) return;
    this.connected = false;
    this.noteError(err.message);
    this.o.log?.warn({ device: this.adapter.description, err: err.message }, 'printer lost');
    this.emitHealth();
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.o.reconnect?.maxMs ?? 5000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }

  private noteError(message: string): void {
    this.lastError = message;
    this.lastErrorAt = (this.o.now?.() ?? new Date()).toISOString();
  }

  private emitHealth(): void {
    const h = this.health();
    const key = JSON.stringify([h.ok, h.detail, h.connected, h.paper, h.lastError]);
    if (key === this.lastHealthKey) return;
    this.lastHealthKey = key;
    this.emit('health', h);
  }

  private nextJobId(): string {
    const t = (this.o.now?.() ?? new Date()).toISOString().replace(/[-:]/g, '');
    return `${t.slice(0, 8)}-${t.slice(9, 15)}-${String(++this.seq).padStart(3, '0')}`;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PrinterTimeoutError(`${what} within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
