/**
 * Station credentials: each station's broker login (its device id), role and password, kept in the
 * school database as hashes only. The config's `server.devices` seed it (a device not yet known is
 * added); from then on the dashboard adds, replaces and revokes, and this store is what the embedded
 * broker and the server's role checks follow, live.
 */
import { EventEmitter } from 'node:events';
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { Db } from '#core/node/sqlite.ts';
import { hashPassword } from '../accounts/password.ts';
import { mosquittoPasswordLine } from '../../../scripts/mosquitto-acl.ts';

/** Roles a station login may have (the broker access table decides what each may do). */
export const STATION_ROLES = ['kiosk', 'dropbox', 'counter', 'desk'] as const;
export type StationRole = (typeof STATION_ROLES)[number];

export interface StationCredential {
  device: string;
  role: StationRole;
  /** Bumped by every replace: a broker session opened with an older generation is closed. */
  generation: number;
  source: 'config' | 'dashboard';
  createdAt: string;
  replacedAt: string | null;
  revokedAt: string | null;
}

export type StationChange = 'added' | 'replaced' | 'revoked';

export class StationError extends Error {
  override name = 'StationError';
  constructor(
    readonly code: 'BAD_DEVICE' | 'BAD_ROLE' | 'DEVICE_TAKEN' | 'NOT_FOUND' | 'REVOKED',
    readonly message_vi: string,
    readonly message_en: string,
  ) {
    super(message_en);
  }
}

const DEVICE = /^[A-Za-z0-9_-]{1,64}$/;
/** Logins the server itself and the sim monitor use: never a station's. */
const RESERVED = new Set(['server', 'monitor']);

interface Row {
  device: string;
  role: StationRole;
  password_hash: string;
  mosquitto_hash: string;
  generation: number;
  source: 'config' | 'dashboard';
  created_at: string;
  replaced_at: string | null;
  revoked_at: string | null;
}

const toCredential = (r: Row): StationCredential => ({
  device: r.device,
  role: r.role,
  generation: r.generation,
  source: r.source,
  createdAt: r.created_at,
  replacedAt: r.replaced_at,
  revokedAt: r.revoked_at,
});

/** A station password: 24 characters from 144 random bits, no look-alikes, typed rarely (it rides in the config file). */
export function stationPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(24);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** Async scrypt check of a "scrypt$N$r$p$salt$hash" string (accounts/password.ts format); never throws. */
function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !n || !r || !p || !salt || !hash) return Promise.resolve(false);
  const expected = Buffer.from(hash, 'base64url');
  return new Promise((resolve) => {
    scrypt(password.normalize('NFC'), Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 }, (err, got) => {
      resolve(!err && got.length === expected.length && timingSafeEqual(got, expected));
    });
  });
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export class StationStore extends EventEmitter<{ changed: [StationCredential, StationChange] }> {
  /** Active stations' roles, kept current: hand it to whoever needs the live map (MqttService). */
  readonly roles = new Map<string, StationRole>();
  /** Active drop boxes, kept current (DropboxBins). */
  readonly dropboxes = new Set<string>();
  /** Active stations' current generation, in memory: checked on every publish. */
  private readonly generations = new Map<string, number>();
  /** A password verified once is not run through scrypt again at every reconnect (until replaced or revoked). */
  private readonly verified = new Map<string, { generation: number; digest: Buffer }>();

  constructor(
    private readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
  ) {
    super();
    this.refresh();
  }

  private row(device: string): Row | undefined {
    return this.db.prepare(`SELECT * FROM station_credentials WHERE device = ?`).get(device) as Row | undefined;
  }

  private refresh(): void {
    this.roles.clear();
    this.dropboxes.clear();
    this.generations.clear();
    for (const r of this.db.prepare(`SELECT device, role, generation FROM station_credentials WHERE revoked_at IS NULL`).all() as { device: string; role: StationRole; generation: number }[]) {
      this.roles.set(r.device, r.role);
      this.generations.set(r.device, r.generation);
      if (r.role === 'dropbox') this.dropboxes.add(r.device);
    }
  }

  /**
   * Adds each config device the store has never had (a revoked one stays revoked; a known one keeps
   * the store's password). Returns the devices added.
   */
  seed(devices: readonly { username: string; password: string; role: string }[]): string[] {
    const added: string[] = [];
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO station_credentials (device, role, password_hash, mosquitto_hash, generation, source, created_at) VALUES (?, ?, ?, ?, 1, 'config', ?)`,
    );
    for (const d of devices) {
      if (this.row(d.username)) continue;
      insert.run(d.username, d.role, hashPassword(d.password), mosquittoPasswordLine(d.username, d.password), this.clock().toISOString());
      added.push(d.username);
    }
    this.refresh();
    return added;
  }

  list(): StationCredential[] {
    return (this.db.prepare(`SELECT * FROM station_credentials ORDER BY revoked_at IS NOT NULL, device`).all() as Row[]).map(toCredential);
  }

  get(device: string): StationCredential | null {
    const r = this.row(device);
    return r ? toCredential(r) : null;
  }

  /** A new station with a generated password, returned once and never stored in the clear. */
  add(device: string, role: string): { station: StationCredential; password: string } {
    if (!DEVICE.test(device) || RESERVED.has(device)) {
      throw new StationError('BAD_DEVICE', 'Mã trạm chỉ gồm chữ, số, _ hoặc - (tối đa 64 ký tự), không được là "server" hay "monitor".', 'A device id is letters, digits, _ or - (up to 64), and not "server" or "monitor".');
    }
    if (!(STATION_ROLES as readonly string[]).includes(role)) throw new StationError('BAD_ROLE', 'Vai trò trạm không hợp lệ.', `Unknown station role "${role}".`);
    const old = this.row(device);
    if (old) {
      throw new StationError('DEVICE_TAKEN', `Mã trạm "${device}" đã có (kể cả trạm đã thu hồi).`, `Device id "${device}" is already used (revoked ones included).`);
    }
    const password = stationPassword();
    this.db
      .prepare(`INSERT INTO station_credentials (device, role, password_hash, mosquitto_hash, generation, source, created_at) VALUES (?, ?, ?, ?, 1, 'dashboard', ?)`)
      .run(device, role, hashPassword(password), mosquittoPasswordLine(device, password), this.clock().toISOString());
    return this.changed(device, 'added', password);
  }

  /** A new password for an active station: the old one stops working at once. */
  replace(device: string): { station: StationCredential; password: string } {
    const r = this.activeRow(device);
    const password = stationPassword();
    this.db
      .prepare(`UPDATE station_credentials SET password_hash = ?, mosquitto_hash = ?, generation = generation + 1, replaced_at = ? WHERE device = ?`)
      .run(hashPassword(password), mosquittoPasswordLine(r.device, password), this.clock().toISOString(), device);
    return this.changed(device, 'replaced', password);
  }

  /** The station may no longer log in; its broker sessions are closed by whoever listens. */
  revoke(device: string): StationCredential {
    this.activeRow(device);
    this.db.prepare(`UPDATE station_credentials SET revoked_at = ? WHERE device = ?`).run(this.clock().toISOString(), device);
    return this.changed(device, 'revoked', '').station;
  }

  private activeRow(device: string): Row {
    const r = this.row(device);
    if (!r) throw new StationError('NOT_FOUND', `Không có trạm "${device}".`, `No station "${device}".`);
    if (r.revoked_at) throw new StationError('REVOKED', `Trạm "${device}" đã bị thu hồi.`, `Station "${device}" is revoked.`);
    return r;
  }

  private changed(device: string, change: StationChange, password: string): { station: StationCredential; password: string } {
    this.verified.delete(device);
    this.refresh();
    const station = this.get(device)!;
    this.emit('changed', station, change);
    return { station, password };
  }

  /** The active station this login and password open, or null (unknown, revoked, wrong password). */
  async verify(device: string, password: string): Promise<StationCredential | null> {
    const r = this.row(device);
    if (!r || r.revoked_at) return null;
    const cached = this.verified.get(device);
    const d = digest(password);
    if (cached && cached.generation === r.generation && timingSafeEqual(cached.digest, d)) return toCredential(r);
    if (!(await verifyScrypt(password, r.password_hash))) return null;
    // Re-read: a replace or revoke may have landed while scrypt ran.
    const now = this.row(device);
    if (!now || now.revoked_at || now.generation !== r.generation) return null;
    this.verified.set(device, { generation: r.generation, digest: d });
    return toCredential(now);
  }

  /** True while the station is active and still at this generation (a broker session checks it on each publish). */
  isCurrent(device: string, generation: number): boolean {
    return this.generations.get(device) === generation;
  }

  /** The active stations' Mosquitto password_file lines (`device:$7$…`), made when each password was set. */
  mosquittoLines(): { device: string; role: StationRole; line: string }[] {
    return (this.db.prepare(`SELECT device, role, mosquitto_hash FROM station_credentials WHERE revoked_at IS NULL ORDER BY device`).all() as Row[]).map((r) => ({
      device: r.device,
      role: r.role,
      line: r.mosquitto_hash,
    }));
  }
}
