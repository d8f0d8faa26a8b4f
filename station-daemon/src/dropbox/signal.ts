/**
 * What the drop box shows at the slot: a green light for "returned", a red light and the buzzer for
 * "give this book to the librarian", and a steady red light while the bin is full. One small
 * interface with a simulator that records what it signalled and a sysfs-GPIO driver.
 */
import type { Logger } from 'pino';
import type { StationConfig } from '#core/config.ts';
import type { DeviceHealth } from '#hardware/interfaces.ts';
import { SysfsGpioLine } from './gpio.ts';

/** ok: book returned; problem: an alert was raised for it; full: the bin is full (steady until cleared). */
export type SignalKind = 'ok' | 'problem' | 'full' | 'clear';

export interface SignalOutput {
  /** Shows the signal; never throws (a broken LED must not stop check-ins). */
  signal(kind: SignalKind): Promise<void>;
  health(): DeviceHealth;
  close(): Promise<void>;
}

export interface RecordedSignal {
  kind: SignalKind;
  at: string;
}

/** The simulator: keeps every signal (the newest 200) for the drop box page and the tests. */
export class SimSignalOutput implements SignalOutput {
  readonly recorded: RecordedSignal[] = [];

  constructor(private readonly clock: () => Date = () => new Date()) {}

  async signal(kind: SignalKind): Promise<void> {
    this.recorded.push({ kind, at: this.clock().toISOString() });
    if (this.recorded.length > 200) this.recorded.shift();
  }

  health(): DeviceHealth {
    return { driver: 'sim', ok: true };
  }

  async close(): Promise<void> {}
}

/** No lights fitted. */
export class NoSignalOutput implements SignalOutput {
  async signal(): Promise<void> {}
  health(): DeviceHealth {
    return { driver: 'none', ok: true };
  }
  async close(): Promise<void> {}
}

export interface SysfsSignalOptions {
  root: string;
  okPin?: number;
  problemPin?: number;
  buzzerPin?: number;
  activeLow: boolean;
  /** How long ok/problem stay on, ms. */
  pulseMs: number;
  log?: Logger;
}

/** LEDs and a buzzer on GPIO lines: ok and problem pulse for pulseMs; full keeps the red LED on. */
export class SysfsGpioSignalOutput implements SignalOutput {
  private readonly lines: { ok?: SysfsGpioLine; problem?: SysfsGpioLine; buzzer?: SysfsGpioLine } = {};
  private opened: Promise<void> | null = null;
  private lastError: string | undefined;
  private full = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: SysfsSignalOptions) {
    if (o.okPin !== undefined) this.lines.ok = new SysfsGpioLine(o.root, o.okPin, o.activeLow);
    if (o.problemPin !== undefined) this.lines.problem = new SysfsGpioLine(o.root, o.problemPin, o.activeLow);
    if (o.buzzerPin !== undefined) this.lines.buzzer = new SysfsGpioLine(o.root, o.buzzerPin, o.activeLow);
  }

  private open(): Promise<void> {
    this.opened ??= (async () => {
      for (const l of Object.values(this.lines)) {
        await l.open('out');
        await l.set(false);
      }
    })().catch((err: unknown) => {
      this.opened = null; // try again on the next signal
      throw err;
    });
    return this.opened;
  }

  async signal(kind: SignalKind): Promise<void> {
    try {
      await this.open();
      if (kind === 'full' || kind === 'clear') {
        this.full = kind === 'full';
        await this.lines.problem?.set(this.full);
      } else {
        if (this.timer) clearTimeout(this.timer);
        await this.lines.ok?.set(kind === 'ok');
        await this.lines.problem?.set(kind === 'problem' || this.full);
        if (kind === 'problem') await this.lines.buzzer?.set(true);
        this.timer = setTimeout(() => void this.rest(), this.o.pulseMs);
        this.timer.unref();
      }
      this.lastError = undefined;
    } catch (err) {
      this.lastError = (err as Error).message;
      this.o.log?.warn({ err: this.lastError, kind }, 'drop box signal failed');
    }
  }

  /** Back to the resting state after a pulse: everything off except a full bin's red light. */
  private async rest(): Promise<void> {
    this.timer = null;
    try {
      await this.lines.ok?.set(false);
      await this.lines.buzzer?.set(false);
      await this.lines.problem?.set(this.full);
    } catch (err) {
      this.lastError = (err as Error).message;
    }
  }

  health(): DeviceHealth {
    return { driver: 'sysfs-gpio', ok: this.lastError === undefined, ...(this.lastError ? { detail: this.lastError } : {}) };
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.opened) await this.rest();
  }
}

export type SignalConfig = StationConfig['dropbox']['signal'];

/** The signal output the config names. */
export function createSignalOutput(cfg: SignalConfig, log: Logger): SignalOutput {
  if (cfg.driver === 'none') return new NoSignalOutput();
  if (cfg.driver === 'sim') return new SimSignalOutput();
  if (cfg.okPin === undefined && cfg.problemPin === undefined && cfg.buzzerPin === undefined) {
    throw new Error('dropbox.signal: name at least one of okPin, problemPin, buzzerPin for the sysfs-gpio driver');
  }
  return new SysfsGpioSignalOutput({ root: cfg.gpioRoot, okPin: cfg.okPin, problemPin: cfg.problemPin, buzzerPin: cfg.buzzerPin, activeLow: cfg.activeLow, pulseMs: cfg.pulseMs, log });
}
