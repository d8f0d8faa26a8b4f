/**
 * A simulated USB bus for NodeHidTransport: it answers devicesAsync() and opens devices like
 * node-hid, so a simulated scanner goes through the real transport's hot-plug code (poll, open,
 * read error on unplug, reopen), not around it. State is per instance.
 */
import { EventEmitter } from 'node:events';
import type { HidDeviceInfo, HidHandle, NodeHidModule } from '../hid/node-hid-module.ts';
import { DeviceDisconnectedError } from '../interfaces.ts';
import { pause, type CodeReaderSim } from './code-reader-sim.ts';
import { keyboardReports } from './keyboard-reports.ts';

export interface SimHidDeviceOptions {
  vendorId: number;
  productId: number;
  interface?: number;
  usagePage?: number;
  usage?: number;
  /** Default /dev/hidraw-sim-<vid>-<pid>-<interface>. */
  path?: string;
  /** The device's input reports for one code; default boot-keyboard reports ending in Enter. */
  encode?: (code: string) => Buffer[];
  /** ms between reports; a keyboard-mode scanner sends one every 1–8 ms. Default 0 (all at once). */
  reportIntervalMs?: number;
  /** Starts unplugged. */
  unplugged?: boolean;
}

class SimHidHandle extends EventEmitter implements HidHandle {
  closed = false;
  constructor(private readonly onClose: (h: SimHidHandle) => void) {
    super();
  }
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    this.removeAllListeners();
  }
}

export class SimHidDevice implements CodeReaderSim {
  readonly info: HidDeviceInfo;
  private plugged: boolean;
  private readonly handles = new Set<SimHidHandle>();
  /** Every report sent, for tests that assert on the bytes. */
  readonly sent: Buffer[] = [];

  constructor(private readonly opts: SimHidDeviceOptions) {
    const iface = opts.interface ?? 0;
    this.info = {
      vendorId: opts.vendorId,
      productId: opts.productId,
      interface: iface,
      path: opts.path ?? `/dev/hidraw-sim-${opts.vendorId.toString(16)}-${opts.productId.toString(16)}-${iface}`,
      product: 'OpenShelf simulated HID device',
      ...(opts.usagePage !== undefined ? { usagePage: opts.usagePage } : {}),
      ...(opts.usage !== undefined ? { usage: opts.usage } : {}),
    };
    this.plugged = !opts.unplugged;
  }

  get present(): boolean {
    return this.plugged;
  }

  /** Whether a driver has the device open now. */
  get opened(): boolean {
    return this.handles.size > 0;
  }

  async type(code: string): Promise<Buffer[]> {
    const reports = (this.opts.encode ?? ((c: string) => keyboardReports(c)))(code);
    for (const r of reports) {
      await pause(this.opts.reportIntervalMs ?? 0);
      if (!this.plugged) throw new DeviceDisconnectedError('simulated HID device is unplugged');
      this.sent.push(r);
      for (const h of this.handles) h.emit('data', Buffer.from(r));
    }
    return reports;
  }

  /** Sends one raw report (garbage, a report with a wrong id). */
  emitRaw(report: Buffer): void {
    for (const h of this.handles) h.emit('data', report);
  }

  unplug(): void {
    this.plugged = false;
    // node-hid's read loop fails when the device goes away; the handle stays until closed.
    for (const h of [...this.handles]) h.emit('error', new Error('could not read from HID device'));
  }

  replug(): void {
    this.plugged = true;
  }

  /** Used by SimHidBus. */
  open(): SimHidHandle {
    if (!this.plugged) throw new Error(`could not open ${this.info.path}: no such device`);
    const h = new SimHidHandle((x) => this.handles.delete(x));
    this.handles.add(h);
    return h;
  }
}

export class SimHidBus implements NodeHidModule {
  private readonly devices: SimHidDevice[] = [];
  /** devicesAsync() calls so far, for tests of the polling. */
  polls = 0;

  /** Adds a device (plugged in unless its options say otherwise). */
  add(opts: SimHidDeviceOptions): SimHidDevice {
    const d = new SimHidDevice(opts);
    this.devices.push(d);
    return d;
  }

  async devicesAsync(vendorId: number, productId: number): Promise<HidDeviceInfo[]> {
    this.polls++;
    return this.devices.filter((d) => d.present && (vendorId === 0 || d.info.vendorId === vendorId) && (productId === 0 || d.info.productId === productId)).map((d) => ({ ...d.info }));
  }

  async openPath(path: string): Promise<HidHandle> {
    const d = this.devices.find((x) => x.info.path === path);
    if (!d) throw new Error(`could not open ${path}: no such device`);
    return d.open();
  }

  /** For NodeHidTransport's `load` option. */
  readonly load = async (): Promise<NodeHidModule> => this;
}
