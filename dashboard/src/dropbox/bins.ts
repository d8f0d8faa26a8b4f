/**
 * Drop box bins on the server: the latest state each drop box published (count since emptied,
 * sensor, nearly full), and "emptied" as the librarian records it. The command reaches the drop box
 * as a retained message on its command topic, so one that is offline learns it when it reconnects.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '#core/node/sqlite.ts';
import { uuidv7 } from '#core/ids.ts';
import { binStateSchema, type BinState, type DeviceCommand } from '#core/protocol/messages.ts';

export interface BinRow extends BinState {
  /** When the server last heard from this bin. */
  updatedAt: string;
  /** The last emptying recorded here (it may not have reached the drop box yet). */
  lastEmptied: { at: string; by: string } | null;
}

export class UnknownDropboxError extends Error {
  override name = 'UnknownDropboxError';
}

export class DropboxBins {
  /** Emptyings the broker has not taken yet, by device: retried every few seconds. */
  private readonly undelivered = new Map<string, DeviceCommand>();
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly o: {
      db: Db;
      clock: () => Date;
      /** Device ids configured with role "dropbox". */
      dropboxes: ReadonlySet<string>;
      /** Publishes the retained command to the drop box; false when the broker is not reachable now. */
      sendCommand: (device: string, command: DeviceCommand) => Promise<boolean>;
    },
  ) {}

  /** A bin state from the broker; returns an error text instead of storing a bad one. */
  receive(device: string, json: unknown): string | null {
    if (!this.o.dropboxes.has(device)) return `${device} is not a drop box`;
    const r = binStateSchema.safeParse(json);
    if (!r.success) return 'invalid bin state';
    if (r.data.device !== device) return 'bin state for another device';
    this.o.db
      .prepare(`INSERT INTO dropbox_bins (device, state, updated_at) VALUES (?, ?, ?) ON CONFLICT(device) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`)
      .run(device, JSON.stringify(r.data), this.o.clock().toISOString());
    return null;
  }

  list(): BinRow[] {
    const rows = this.o.db.prepare(`SELECT device, state, updated_at AS updatedAt FROM dropbox_bins ORDER BY device`).all() as { device: string; state: string; updatedAt: string }[];
    return rows
      .filter((r) => this.o.dropboxes.has(r.device))
      .map((r) => {
        const last = this.o.db.prepare(`SELECT at, by FROM dropbox_emptied WHERE device = ? ORDER BY at DESC LIMIT 1`).get(r.device) as { at: string; by: string } | undefined;
        return { ...(JSON.parse(r.state) as BinState), updatedAt: r.updatedAt, lastEmptied: last ?? null };
      });
  }

  /** Records that `by` emptied the bin now and tells the drop box (retained). Throws UnknownDropboxError. */
  async markEmptied(device: string, by: string): Promise<{ command: DeviceCommand; delivered: boolean }> {
    if (!this.o.dropboxes.has(device)) throw new UnknownDropboxError(`no drop box "${device}"`);
    const now = this.o.clock();
    const command: DeviceCommand = { id: uuidv7(now.getTime(), randomBytes(10)), type: 'bin-emptied', at: now.toISOString(), by: by.slice(0, 64) };
    const state = this.o.db.prepare(`SELECT state FROM dropbox_bins WHERE device = ?`).get(device) as { state: string } | undefined;
    const count = state ? (JSON.parse(state.state) as BinState).count : null;
    this.o.db.prepare(`INSERT INTO dropbox_emptied (id, device, at, by, count) VALUES (?, ?, ?, ?, ?)`).run(command.id, device, command.at, command.by, count);
    const delivered = await this.o.sendCommand(device, command);
    if (delivered) this.undelivered.delete(device);
    else this.queue(device, command);
    return { command, delivered };
  }

  private queue(device: string, command: DeviceCommand): void {
    this.undelivered.set(device, command);
    if (this.retryTimer) return;
    this.retryTimer = setInterval(() => void this.retry(), 5000);
    this.retryTimer.unref();
  }

  /** Sends the emptyings the broker did not take; stops retrying once none are left. */
  async retry(): Promise<void> {
    for (const [device, command] of [...this.undelivered]) {
      if (await this.o.sendCommand(device, command)) {
        if (this.undelivered.get(device) === command) this.undelivered.delete(device);
      }
    }
    if (this.undelivered.size === 0 && this.retryTimer) {
      clearInterval(this.retryTimer);
      this.retryTimer = null;
    }
  }

  close(): void {
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = null;
  }
}
