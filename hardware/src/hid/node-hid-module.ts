/**
 * The part of node-hid the HID transport uses, and its lazy loader. node-hid's native binding is
 * loaded only when a hid or hid-pos device is configured, so a station with simulated devices (and
 * CI) never needs libusb. The backend is process-wide in node-hid: it is chosen when the binding
 * first loads, so every HID device of one process shares it.
 */
import type { EventEmitter } from 'node:events';

/**
 * libusb: reads the device through usbfs and detaches the kernel's driver (usbhid) while open, so
 * its keystrokes reach no window or IME; enumeration reports no usage page. hidraw: reads beside
 * the kernel's driver, which still turns a keyboard-mode device's reports into keystrokes.
 */
export type HidBackend = 'libusb' | 'hidraw';

/** One HID interface as node-hid's devicesAsync() lists it. */
export interface HidDeviceInfo {
  vendorId: number;
  productId: number;
  path?: string;
  serialNumber?: string;
  manufacturer?: string;
  product?: string;
  interface: number;
  /** 0 or absent under libusb, which does not read report descriptors while enumerating. */
  usagePage?: number;
  usage?: number;
}

/** An open device (node-hid's HIDAsync): 'data' with each input report, 'error' when reading fails. */
export interface HidHandle extends EventEmitter {
  close(): Promise<void>;
}

export interface NodeHidModule {
  devicesAsync(vendorId: number, productId: number): Promise<HidDeviceInfo[]>;
  openPath(path: string): Promise<HidHandle>;
}

/** Asked for one backend after node-hid was loaded with the other one. */
export class HidBackendConflictError extends Error {
  override name = 'HidBackendConflictError';
  readonly backendConflict = true;
}

/** node-hid could not be loaded (its binary needs libusb-1.0-0 on Debian). */
export class HidUnavailableError extends Error {
  override name = 'HidUnavailableError';
  readonly unavailable = true;
}

interface RawNodeHid {
  setDriverType(type: HidBackend): void;
  devicesAsync(vendorId: number, productId: number): Promise<HidDeviceInfo[]>;
  HIDAsync: { open(path: string): Promise<HidHandle> };
}

let loaded: { backend: HidBackend; module: NodeHidModule } | undefined;

/** Loads node-hid with the given backend (once per process); default libusb. */
export async function loadNodeHid(backend: HidBackend = 'libusb'): Promise<NodeHidModule> {
  if (loaded) {
    if (loaded.backend !== backend) {
      throw new HidBackendConflictError(`node-hid is already loaded with the ${loaded.backend} backend in this process; configure every HID device with the same backend`);
    }
    return loaded.module;
  }
  let raw: RawNodeHid;
  try {
    const imported = (await import('node-hid')) as unknown as RawNodeHid & { default?: RawNodeHid };
    raw = imported.default ?? imported;
    raw.setDriverType(backend);
    // The binding loads on first use: do it now so a missing libusb shows here, with advice.
    await raw.devicesAsync(0, 0);
  } catch (err) {
    throw new HidUnavailableError(`cannot load node-hid (${(err as Error).message}); on Debian install libusb-1.0-0`);
  }
  const module: NodeHidModule = {
    devicesAsync: (vid, pid) => raw.devicesAsync(vid, pid),
    openPath: (path) => raw.HIDAsync.open(path),
  };
  loaded = { backend, module };
  return module;
}
