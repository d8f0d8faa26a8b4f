/**
 * What the drop box shows at the slot: a green light for "returned", a red light and the buzzer for
 * "give this book to the librarian", and a steady red light while the bin is full. One small
 * interface with a simulator that records what it signalled, a GPIO character-device driver
 * (gpioset from Debian's gpiod package) and the older sysfs-GPIO driver.
 */
import type { Logger } from 'pino';
import type { StationConfig } from '#core/config.ts';
import type { DeviceHealth } from '#hardware/interfaces.ts';
import { SysfsGpioLine } from './gpio.ts';
import { GpiodOutputs } from './gpiod.ts';

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

/** Which lights are on: the whole state, written at once. */
export interface LightState {
  ok: boolean;
  problem: boolean;
  buzzer: boolean;
}

/**
 * LEDs and a buzzer on output lines: ok and problem pulse for pulseMs; full keeps the red LED on.
 * Subclasses say how a state reaches the lines.
 */
export abstract class GpioSignalOutput implements SignalOutput {
  private lastError: string | undefined;
  private full = false;
  private timer: NodeJS.Timeout | null = null;
  private touched = false;

  constructor(
    private readonly driver: string,
    private readonly base: { pulseMs: number; log?: Logger },
  ) {}

  /** Puts `state` on the lines; throws on failure. Never called while a previous call runs. */
  protected abstract write(state: LightState): Promise<void>;

  private chain: Promise<void> = Promise.resolve();
  /** Writes one after the other: a pulse's end never lands after the next signal's start. */
  private put(state: LightState): Promise<void> {
    const run = this.chain.then(() => this.write(state));
    this.chain = run.catch(() => {});
    return run;
  }
  /** A failure the driver noticed after the last write (e.g. its helper process died). */
  protected laterError(): string | undefined {
    return undefined;
  }
  protected async release(): Promise<void> {}

  async signal(kind: SignalKind): Promise<void> {
    try {
      this.touched = true;
      if (kind === 'full' || kind === 'clear') {
        this.full = kind === 'full';
        if (!this.timer) await this.put({ ok: false, problem: this.full, buzzer: false });
        else await this.put({ ...this.pulse, problem: this.pulse.problem || this.full });
      } else {
        if (this.timer) clearTimeout(this.timer);
        this.pulse = { ok: kind === 'ok', problem: kind === 'problem', buzzer: kind === 'problem' };
        await this.put({ ...this.pulse, problem: this.pulse.problem || this.full });
        this.timer = setTimeout(() => void this.rest(), this.base.pulseMs);
        this.timer.unref();
      }
      this.lastError = undefined;
    } catch (err) {
      this.lastError = (err as Error).message;
      this.base.log?.warn({ err: this.lastError, kind }, 'drop box signal failed');
    }
  }

  private pulse: LightState = { ok: false, problem: false, buzzer: false };

  /** Back to the resting state after a pulse: everything off except a full bin's red light. */
  private async rest(): Promise<void> {
    this.timer = null;
    this.pulse = { ok: false, problem: false, buzzer: false };
    try {
      await this.put({ ok: false, problem: this.full, buzzer: false });
    } catch (err) {
      this.lastError = (err as Error).message;
    }
  }

  health(): DeviceHealth {
    const detail = this.lastError ?? this.laterError();
    return { driver: this.driver, ok: detail === undefined, ...(detail ? { detail } : {}) };
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.touched) await this.rest();
    await this.release();
  }
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

/** The lights on sysfs GPIO lines (/sys/class/gpio; deprecated by the kernel, kept for older systems). */
export class SysfsGpioSignalOutput extends GpioSignalOutput {
  private readonly lines: { ok?: SysfsGpioLine; problem?: SysfsGpioLine; buzzer?: SysfsGpioLine } = {};
  private opened: Promise<void> | null = null;

  constructor(o: SysfsSignalOptions) {
    super('sysfs-gpio', o);
    if (o.okPin !== undefined) this.lines.ok = new SysfsGpioLine(o.root, o.okPin, o.activeLow);
    if (o.problemPin !== undefined) this.lines.problem = new SysfsGpioLine(o.root, o.problemPin, o.activeLow);
    if (o.buzzerPin !== undefined) this.lines.buzzer = new SysfsGpioLine(o.root, o.buzzerPin, o.activeLow);
  }

  private open(): Promise<void> {
    this.opened ??= (async () => {
      this.written = {};
      for (const [k, l] of Object.entries(this.lines) as [keyof LightState, SysfsGpioLine][]) {
        await l.open('out');
        await l.set(false);
        this.written[k] = false;
      }
    })().catch((err: unknown) => {
      this.opened = null; // try again on the next signal
      throw err;
    });
    return this.opened;
  }

  /** What each line was last set to: only changes are written. */
  private written: Partial<LightState> = {};

  protected async write(state: LightState): Promise<void> {
    await this.open();
    for (const k of ['ok', 'problem', 'buzzer'] as const) {
      const line = this.lines[k];
      if (!line || this.written[k] === state[k]) continue;
      delete this.written[k]; // unknown until the write succeeds
      await line.set(state[k]);
      this.written[k] = state[k];
    }
  }
}

export interface GpiodSignalOptions extends Omit<SysfsSignalOptions, 'root'> {
  /** Chip name or number, e.g. 'gpiochip0'. */
  chip: string;
  /** PATH to find gpioset in (tests); default the process's. */
  path?: string;
}

/** The lights on the GPIO character device, held by one running gpioset (gpiod.ts). */
export class GpiodSignalOutput extends GpioSignalOutput {
  private readonly outputs: GpiodOutputs;

  constructor(private readonly g: GpiodSignalOptions) {
    super('gpiod', g);
    this.outputs = new GpiodOutputs({ chip: g.chip, ...(g.path !== undefined ? { path: g.path } : {}) });
  }

  protected async write(state: LightState): Promise<void> {
    const levels = new Map<number, boolean>();
    const put = (pin: number | undefined, on: boolean) => {
      if (pin !== undefined) levels.set(pin, on !== this.g.activeLow);
    };
    put(this.g.okPin, state.ok);
    put(this.g.problemPin, state.problem);
    put(this.g.buzzerPin, state.buzzer);
    await this.outputs.set(levels);
  }

  protected override laterError(): string | undefined {
    return this.outputs.lastError;
  }

  protected override async release(): Promise<void> {
    await this.outputs.close();
  }
}

export type SignalConfig = StationConfig['dropbox']['signal'];

/** The signal output the config names. */
export function createSignalOutput(cfg: SignalConfig, log: Logger): SignalOutput {
  if (cfg.driver === 'none') return new NoSignalOutput();
  if (cfg.driver === 'sim') return new SimSignalOutput();
  if (cfg.okPin === undefined && cfg.problemPin === undefined && cfg.buzzerPin === undefined) {
    throw new Error(`dropbox.signal: name at least one of okPin, problemPin, buzzerPin for the ${cfg.driver} driver`);
  }
  const pins = [cfg.okPin, cfg.problemPin, cfg.buzzerPin].filter((p) => p !== undefined);
  if (new Set(pins).size !== pins.length) throw new Error('dropbox.signal: okPin, problemPin and buzzerPin must be different lines');
  if (cfg.driver === 'gpiod') {
    return new GpiodSignalOutput({ chip: cfg.gpioChip, okPin: cfg.okPin, problemPin: cfg.problemPin, buzzerPin: cfg.buzzerPin, activeLow: cfg.activeLow, pulseMs: cfg.pulseMs, log });
  }
  return new SysfsGpioSignalOutput({ root: cfg.gpioRoot, okPin: cfg.okPin, problemPin: cfg.problemPin, buzzerPin: cfg.buzzerPin, activeLow: cfg.activeLow, pulseMs: cfg.pulseMs, log });
}
