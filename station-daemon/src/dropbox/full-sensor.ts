/**
 * The optional "bin full" sensor (a switch or light barrier near the top of the bin): read on a
 * GPIO input (character device through gpioget, or sysfs), or set by hand in simulation. Without one, the book count alone warns.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { StationConfig } from '#core/config.ts';
import type { DeviceHealth } from '#hardware/interfaces.ts';
import { SysfsGpioLine } from './gpio.ts';
import { gpiodGet } from './gpiod.ts';

export interface FullSensor extends EventEmitter<{ change: [boolean] }> {
  /** The last reading; null until the first one. */
  readonly full: boolean | null;
  start(): void;
  health(): DeviceHealth;
  close(): Promise<void>;
}

/** Simulated sensor: /api/sim/bin-full sets it. */
export class SimFullSensor extends EventEmitter<{ change: [boolean] }> implements FullSensor {
  full: boolean | null = false;
  start(): void {}
  set(full: boolean): void {
    if (full === this.full) return;
    this.full = full;
    this.emit('change', full);
  }
  health(): DeviceHealth {
    return { driver: 'sim', ok: true };
  }
  async close(): Promise<void> {}
}

/** A GPIO input polled every pollMs; emits 'change' when the reading changes. */
export abstract class PolledFullSensor extends EventEmitter<{ change: [boolean] }> implements FullSensor {
  full: boolean | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastError: string | undefined;

  constructor(
    private readonly driver: string,
    private readonly base: { pollMs: number; log?: Logger },
  ) {
    super();
  }

  /** One reading: true = full. Throws on failure. */
  protected abstract read(): Promise<boolean>;

  start(): void {
    if (this.timer) return;
    const tick = async () => {
      try {
        const now = await this.read();
        this.lastError = undefined;
        if (now !== this.full) {
          this.full = now;
          this.emit('change', now);
        }
      } catch (err) {
        this.lastError = (err as Error).message;
        this.base.log?.debug({ err: this.lastError }, 'bin sensor unreadable');
      }
    };
    void tick();
    this.timer = setInterval(() => void tick(), this.base.pollMs);
    this.timer.unref();
  }

  health(): DeviceHealth {
    return { driver: this.driver, ok: this.lastError === undefined, ...(this.lastError ? { detail: this.lastError } : {}) };
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** The sensor on a sysfs GPIO input (/sys/class/gpio). */
export class SysfsFullSensor extends PolledFullSensor {
  private readonly line: SysfsGpioLine;
  private opened = false;

  constructor(o: { root: string; pin: number; activeLow: boolean; pollMs: number; log?: Logger }) {
    super('sysfs-gpio', o);
    this.line = new SysfsGpioLine(o.root, o.pin, o.activeLow);
  }

  protected async read(): Promise<boolean> {
    if (!this.opened) {
      await this.line.open('in');
      this.opened = true;
    }
    return this.line.get();
  }
}

/** The sensor on a GPIO character-device input, read with gpioget (Debian package gpiod). */
export class GpiodFullSensor extends PolledFullSensor {
  constructor(private readonly g: { chip: string; pin: number; activeLow: boolean; pollMs: number; path?: string; log?: Logger }) {
    super('gpiod', g);
  }

  protected async read(): Promise<boolean> {
    const high = await gpiodGet({ chip: this.g.chip, ...(this.g.path !== undefined ? { path: this.g.path } : {}) }, this.g.pin);
    return high !== this.g.activeLow;
  }
}

export type FullSensorConfig = StationConfig['dropbox']['fullSensor'];

/** The sensor the config names, or null for none. */
export function createFullSensor(cfg: FullSensorConfig, log: Logger): FullSensor | null {
  if (cfg.driver === 'none') return null;
  if (cfg.driver === 'sim') return new SimFullSensor();
  if (cfg.pin === undefined) throw new Error(`dropbox.fullSensor.pin must name the GPIO input when the driver is "${cfg.driver}"`);
  if (cfg.driver === 'gpiod') return new GpiodFullSensor({ chip: cfg.gpioChip, pin: cfg.pin, activeLow: cfg.activeLow, pollMs: cfg.pollMs, log });
  return new SysfsFullSensor({ root: cfg.gpioRoot, pin: cfg.pin, activeLow: cfg.activeLow, pollMs: cfg.pollMs, log });
}
