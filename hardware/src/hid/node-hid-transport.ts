/**
 * A real USB HID device as a HidTransport, over node-hid's HIDAsync, with hot-plug: it starts
 * without the device, polls the bus (with backoff) until the vendor/product id appears, opens it,
 * and when a read fails (unplugged) emits 'error', closes, and polls again. 'connect' is emitted
 * on every open. See docs/hardware.md for the backend choice and the udev rule.
 */
import { EventEmitter } from 'node:events';
import { realpathSync } from 'node:fs';
import type { Logger } from 'pino';
import { Backoff, type BackoffOptions } from '../drivers/backoff.ts';
import type { TransportHealth } from '../drivers/reader-health.ts';
import { DeviceDisconnectedError, type HidTransport } from '../interfaces.ts';
import { loadNodeHid, type HidBackend, type HidDeviceInfo, type HidHandle, type NodeHidModule } from './node-hid-module.ts';

export interface NodeHidTransportOptions {
  vendorId: number;
  productId: number;
  /** hidraw node or its udev symlink (/dev/openshelf-scanner), for two identical devices (hidraw backend). */
  path?: string;
  /** Interface to prefer on a composite device: 0x01 keyboard, 0x8C HID POS (hidraw reports it). */
  usagePage?: number;
  /** USB interface number to open (libusb lists no usage pages); default the lowest. */
  interface?: number;
  /** Default libusb: see node-hid-module.ts. */
  backend?: HidBackend;
  retry?: BackoffOptions;
  /** Loads node-hid; tests and the simulator pass a SimHidBus. */
  load?: (backend: HidBackend) => Promise<NodeHidModule>;
  /** Name in messages and logs, e.g. "scanner". */
  label?: string;
  log?: Logger;
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

export class NodeHidTransport extends EventEmitter implements HidTransport {
  private handle: HidHandle | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private started = false;
  private readonly backoff: Backoff;
  private readonly id: string;
  private lastError: string | undefined;
  private connects = 0;
  /** Resolves when the attempt in flight finishes (close() waits for it). */
  private attempt: Promise<void> = Promise.resolve();

  constructor(private readonly opts: NodeHidTransportOptions) {
    super();
    this.backoff = new Backoff(opts.retry);
    this.id = `${opts.label ?? 'hid'} ${hex4(opts.vendorId)}:${hex4(opts.productId)}`;
  }

  /** Starts looking for the device; returns at once (the device may come later). */
  start(): this {
    if (!this.started && !this.closed) {
      this.started = true;
      this.attempt = this.connect();
    }
    return this;
  }

  get present(): boolean {
    return this.handle !== undefined;
  }

  health(): TransportHealth {
    return { present: this.present, connects: this.connects, ...(this.lastError ? { lastError: this.lastError } : {}) };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.attempt;
    const h = this.handle;
    this.handle = undefined;
    if (h) await h.close().catch(() => undefined);
    this.removeAllListeners('data');
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    try {
      const hid = await (this.opts.load ?? loadNodeHid)(this.opts.backend ?? 'libusb');
      const list = await hid.devicesAsync(this.opts.vendorId, this.opts.productId);
      const info = this.pick(list);
      if (!info) return this.retry(list.length > 0 ? this.wrongInterface(list) : undefined);
      if (!info.path) throw new Error('node-hid listed the device without a path');
      const handle = await hid.openPath(info.path);
      if (this.closed) {
        await handle.close().catch(() => undefined);
        return;
      }
      this.handle = handle;
      this.connects++;
      this.backoff.reset();
      handle.on('data', (report: Buffer) => this.emit('data', report));
      handle.on('error', (err: Error) => this.lost(handle, err));
      this.opts.log?.info({ device: this.id, path: info.path, interface: info.interface }, 'HID device connected');
      this.emit('connect');
    } catch (err) {
      this.retry(`cannot open ${this.id}: ${(err as Error).message}`);
    }
  }

  /** The read failed: the device was unplugged (or reset). Report it and look for it again. */
  private lost(handle: HidHandle, err: Error): void {
    if (this.handle !== handle) return;
    this.handle = undefined;
    void handle.close().catch(() => undefined);
    const e = new DeviceDisconnectedError(`${this.id} disconnected: ${err.message}`);
    this.lastError = e.message;
    this.opts.log?.warn({ device: this.id, err: err.message }, 'HID device lost');
    // An 'error' without a listener would throw and stop the daemon.
    if (this.listenerCount('error') > 0) this.emit('error', e);
    if (!this.closed) this.schedule(this.backoff.next());
  }

  private retry(error: string | undefined): void {
    if (error && error !== this.lastError) this.opts.log?.warn({ device: this.id }, error);
    if (error) this.lastError = error;
    this.schedule(this.backoff.next());
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.attempt = this.connect();
    }, ms);
    this.timer.unref?.();
  }

  /** The interface to open: the configured path, else the wanted usage page or interface, else the lowest. */
  private pick(list: HidDeviceInfo[]): HidDeviceInfo | undefined {
    const o = this.opts;
    if (o.path) {
      const want = new Set([o.path, safeRealpath(o.path)]);
      return list.find((d) => d.path !== undefined && want.has(d.path));
    }
    let candidates = list;
    if (o.interface !== undefined) candidates = candidates.filter((d) => d.interface === o.interface);
    if (o.usagePage !== undefined && candidates.some((d) => d.usagePage)) candidates = candidates.filter((d) => d.usagePage === o.usagePage);
    return [...candidates].sort((a, b) => a.interface - b.interface)[0];
  }

  private wrongInterface(list: HidDeviceInfo[]): string {
    const o = this.opts;
    if (o.path) return `${this.id} is attached but not at ${o.path}`;
    if (o.interface !== undefined && !list.some((d) => d.interface === o.interface)) return `${this.id} is attached but has no USB interface ${o.interface}`;
    const pages = [...new Set(list.map((d) => `0x${(d.usagePage ?? 0).toString(16)}`))].join(', ');
    return `${this.id} is attached but offers no interface with usage page 0x${(o.usagePage ?? 0).toString(16)} (it has ${pages}): set the device to the matching USB mode`;
  }
}

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
