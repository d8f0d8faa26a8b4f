/**
 * GPIO lines through the kernel's sysfs interface (/sys/class/gpio): export, direction, value.
 * Plain file writes, so it needs no native module; the root folder is configurable so a test can
 * point it at a folder laid out like sysfs.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export class GpioError extends Error {
  override name = 'GpioError';
}

/** One sysfs GPIO line. */
export class SysfsGpioLine {
  private readonly dir: string;

  constructor(
    private readonly root: string,
    readonly pin: number,
    private readonly activeLow: boolean,
  ) {
    this.dir = join(root, `gpio${pin}`);
  }

  /** Exports the line (if the kernel has not yet) and sets its direction. Throws GpioError. */
  async open(direction: 'in' | 'out'): Promise<void> {
    try {
      if (!existsSync(this.dir)) await writeFile(join(this.root, 'export'), String(this.pin));
      // udev may need a moment to hand the new files to our group: retry briefly.
      for (let i = 0; ; i++) {
        try {
          await writeFile(join(this.dir, 'direction'), direction);
          break;
        } catch (err) {
          if (i >= 10) throw err;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    } catch (err) {
      throw new GpioError(`GPIO ${this.pin} under ${this.root}: ${(err as Error).message}`);
    }
  }

  /** Drives the output: true = active (LED on, buzzer sounding). */
  async set(active: boolean): Promise<void> {
    try {
      await writeFile(join(this.dir, 'value'), active !== this.activeLow ? '1' : '0');
    } catch (err) {
      throw new GpioError(`GPIO ${this.pin}: ${(err as Error).message}`);
    }
  }

  /** Reads the input: true = active. */
  async get(): Promise<boolean> {
    try {
      const v = (await readFile(join(this.dir, 'value'), 'utf8')).trim();
      return (v === '1') !== this.activeLow;
    } catch (err) {
      throw new GpioError(`GPIO ${this.pin}: ${(err as Error).message}`);
    }
  }
}
