/**
 * GPIO lines through the kernel's GPIO character device (/dev/gpiochipN), with the command-line
 * tools of Debian's `gpiod` package (libgpiod v1 on Raspberry Pi OS Bookworm: `apt install gpiod`).
 * No native module: the tools are spawned.
 *
 * Outputs: a line driven over the character device keeps its value only while the process that
 * requested it is alive (gpioset(1): it "reverts to default when the last process referencing the
 * file descriptor ... exits"), so `gpioset --mode=signal <chip> <offset>=<value> ...` runs for as
 * long as the values hold, and a change of values ends it (SIGTERM) and starts the next one.
 * Inputs: `gpioget <chip> <offset>` prints 0 or 1.
 *
 * The stations user needs read/write access to /dev/gpiochip* (group `gpio` on Raspberry Pi OS).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { GpioError } from './gpio.ts';

export interface GpiodOptions {
  /** Chip name or number, e.g. 'gpiochip0'. */
  chip: string;
  /** PATH used to find gpioset/gpioget (default: the process's own). */
  path?: string;
}

const env = (o: GpiodOptions) => (o.path === undefined ? process.env : { ...process.env, PATH: o.path });

const missing = (tool: string) => `${tool} not found: install Debian's gpiod package (sudo apt install gpiod)`;

/** Output lines held by one running gpioset; set() replaces the values of every line at once. */
export class GpiodOutputs {
  private child: ChildProcess | null = null;
  private current: string | null = null;
  private chain: Promise<void> = Promise.resolve();
  /** Why the last gpioset ended by itself (not stopped by us), if it did. */
  lastError: string | undefined;

  constructor(private readonly o: GpiodOptions) {}

  /** Drives the lines: offset → physical level (true = 1). Serialised; throws GpioError. */
  set(levels: ReadonlyMap<number, boolean>): Promise<void> {
    const run = this.chain.then(() => this.apply(levels));
    this.chain = run.catch(() => {});
    return run;
  }

  private async apply(levels: ReadonlyMap<number, boolean>): Promise<void> {
    const values = [...levels].map(([offset, high]) => `${offset}=${high ? 1 : 0}`);
    const key = values.join(' ');
    if (key === this.current && this.child) return;
    await this.stopChild();
    if (values.length === 0) return;
    const args = ['--mode=signal', this.o.chip, ...values];
    const child = spawn('gpioset', args, { env: env(this.o), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err: NodeJS.ErrnoException) => reject(new GpioError(err.code === 'ENOENT' ? missing('gpioset') : `gpioset: ${err.message}`)));
    });
    this.child = child;
    this.current = key;
    this.lastError = undefined;
    child.once('exit', (code, signal) => {
      if (this.child !== child) return; // stopped by us
      this.child = null;
      this.current = null;
      this.lastError = `gpioset ${args.join(' ')} ended (${signal ?? `exit ${code}`})${stderr.trim() ? `: ${stderr.trim()}` : ''}`;
    });
  }

  private async stopChild(): Promise<void> {
    const child = this.child;
    this.child = null;
    this.current = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    // The lines are free for the next request only once this process has exited.
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  /** Ends the running gpioset: the lines go back to the kernel's default. */
  close(): Promise<void> {
    const run = this.chain.then(() => this.stopChild());
    this.chain = run.catch(() => {});
    return run;
  }
}

/** Reads one input line with gpioget: true = the line reads 1. Throws GpioError. */
export function gpiodGet(o: GpiodOptions, offset: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    execFile('gpioget', [o.chip, String(offset)], { env: env(o), timeout: 5000 }, (err, stdout, stderr) => {
      if (err) {
        const e = err as NodeJS.ErrnoException;
        return reject(new GpioError(e.code === 'ENOENT' ? missing('gpioget') : `gpioget ${o.chip} ${offset}: ${String(stderr).trim() || e.message}`));
      }
      const v = String(stdout).trim();
      if (v !== '0' && v !== '1') return reject(new GpioError(`gpioget ${o.chip} ${offset} printed "${v}", not 0 or 1`));
      resolve(v === '1');
    });
  });
}
