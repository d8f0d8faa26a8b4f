/**
 * The optional "bin full" sensor (a switch or light barrier near the top of the bin): read on a
 * GPIO input, or set by hand in simulation. Without one, the book count alone warns.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { StationConfig } from '#core/config.ts';
import type { DeviceHealth } from '#hardware/interfaces.ts';
import { SysfsGpioLine } from './gpio.ts';

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
export class SysfsFullSensor extends EventEmitter<{ change: [boolean] }> implements FullSensor {
  full: boolean | null = null;
  private readonly line: SysfsGpioLine;
  private timer: NodeJS.Timeout | null = null;
  private opened = false;
  private lastError: string | undefined;

  constructor(private readonly o: { root: string; pin: number; activeLow: boolean; pollMs: number; log?: Logger }) {
    super();
    this.line = new SysfsGpioLine(o.root, o.pin, o.activeLow);
  }

  start(): void {
    if (this.timer) return;
    const tick = async () => {
      try {
        if (!this.opened) {
          await this.line.open('in');
          this.opened = true;
        }
        const now = await this.line.get();
        this.lastError = undefined;
        if (now !== this.full) {
          this.full = now;
          this.emit('change', now);
        }
      } catch (err) {
        this.lastError = (err as Error).message;
        this.o.log?.debug({ err: this.lastError }, 'bin sensor unreadable');
      }
    };
    void tick();
    this.timer = setInterval(() => void tick(), this.o.pollMs);
    this.timer.unref();
  }

  health(): DeviceHealth {
    return { driver: 'sysfs-gpio', ok: this.lastError === undefined, ...(this.lastError ? { detail: this.lastError } : {}) };
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

export type FullSensorConfig = StationConfig['dropbox']['fullSensor'];

/** The sensor the config names, or null for none. */
export function createFullSensor(cfg: FullSensorConfig, log: Logger): FullSensor | null {
  if (cfg.driver === 'none') return null;
  if (cfg.driver === 'sim') return new SimFullSensor();
  if (cfg.pin === undefined) throw new Error('dropbox.fullSensor.pin must name the GPIO input when the driver is "sysfs-gpio"');
  return new SysfsFullSensor({ root: cfg.gpioRoot, pin: cfg.pin, activeLow: cfg.activeLow, pollMs: cfg.pollMs, log });
}
