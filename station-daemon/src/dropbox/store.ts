/**
 * The drop box's durable state in the station's own database: every drop (written before anything
 * else happens to it, so a power cut cannot lose or double it), the bin's meta data, and the
 * outbox of alerts waiting for the broker. The tables are the drop box's own, created here.
 */
import type { Db } from '#core/node/sqlite.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS dropbox_drops (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  -- "owner/itemId" for a library tag (the parts of a set share it), "uid:UID" for an unreadable one.
  key TEXT NOT NULL,
  uids TEXT NOT NULL,
  barcode TEXT,
  owner TEXT,
  at TEXT NOT NULL,
  -- pending: recorded, not yet sent; sent: check-in journaled (tx); done: outcome known.
  state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'done')),
  tx TEXT,
  -- RETURNED, REPLAYED (checked in by a journal replay after a restart) or an alert code.
  outcome TEXT,
  title TEXT,
  offline INTEGER NOT NULL DEFAULT 0,
  -- ok / failed / null (not ours, or the tag had left the field).
  security TEXT
);
CREATE INDEX IF NOT EXISTS dropbox_drops_key ON dropbox_drops(key, at);
CREATE INDEX IF NOT EXISTS dropbox_drops_state ON dropbox_drops(state);
CREATE TABLE IF NOT EXISTS dropbox_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dropbox_outbox (
  id TEXT PRIMARY KEY,
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL
);
`;

export type DropState = 'pending' | 'sent' | 'done';

export interface DropRow {
  seq: number;
  key: string;
  uids: string[];
  barcode: string | null;
  owner: string | null;
  at: string;
  state: DropState;
  tx: string | null;
  outcome: string | null;
  title: string | null;
  offline: boolean;
  security: 'ok' | 'failed' | null;
}

interface RawRow extends Omit<DropRow, 'uids' | 'offline'> {
  uids: string;
  offline: number;
}

const toRow = (r: RawRow): DropRow => ({ ...r, uids: JSON.parse(r.uids) as string[], offline: r.offline === 1 });

export interface NewDrop {
  key: string;
  uid: string;
  barcode: string | null;
  owner: string | null;
}

export class DropStore {
  constructor(private readonly db: Db) {
    db.exec(SCHEMA);
  }

  /**
   * Records the drops that are new: a key already recorded at or after `since` is the same drop
   * (a tag read again, the second part of a set), so only its UID is remembered. One transaction.
   * Returns the new rows and, for repeats, the UIDs that were not known yet.
   */
  record(drops: readonly NewDrop[], at: string, since: string): { fresh: DropRow[]; extraUids: { row: DropRow; uid: string }[] } {
    const fresh: DropRow[] = [];
    const extraUids: { row: DropRow; uid: string }[] = [];
    this.db.transaction(() => {
      for (const d of drops) {
        const seen = this.db.prepare(`SELECT * FROM dropbox_drops WHERE key = ? AND at >= ? ORDER BY seq DESC LIMIT 1`).get(d.key, since) as RawRow | undefined;
        if (seen) {
          const row = toRow(seen);
          if (!row.uids.includes(d.uid)) {
            row.uids.push(d.uid);
            this.db.prepare(`UPDATE dropbox_drops SET uids = ? WHERE seq = ?`).run(JSON.stringify(row.uids), row.seq);
            extraUids.push({ row, uid: d.uid });
          }
          continue;
        }
        const info = this.db
          .prepare(`INSERT INTO dropbox_drops (key, uids, barcode, owner, at, state) VALUES (?, ?, ?, ?, ?, 'pending')`)
          .run(d.key, JSON.stringify([d.uid]), d.barcode, d.owner, at);
        fresh.push(this.get(Number(info.lastInsertRowid))!);
      }
    })();
    return { fresh, extraUids };
  }

  get(seq: number): DropRow | null {
    const r = this.db.prepare(`SELECT * FROM dropbox_drops WHERE seq = ?`).get(seq) as RawRow | undefined;
    return r ? toRow(r) : null;
  }

  inState(state: DropState): DropRow[] {
    return (this.db.prepare(`SELECT * FROM dropbox_drops WHERE state = ? ORDER BY seq`).all(state) as RawRow[]).map(toRow);
  }

  markSent(seqs: readonly number[], tx: string): void {
    const st = this.db.prepare(`UPDATE dropbox_drops SET state = 'sent', tx = ? WHERE seq = ?`);
    this.db.transaction(() => seqs.forEach((s) => st.run(tx, s)))();
  }

  finish(seq: number, f: { outcome: string; title?: string | null; offline?: boolean; security?: 'ok' | 'failed' | null }): void {
    this.db
      .prepare(`UPDATE dropbox_drops SET state = 'done', outcome = ?, title = COALESCE(?, title), offline = ?, security = COALESCE(?, security) WHERE seq = ?`)
      .run(f.outcome, f.title ?? null, f.offline ? 1 : 0, f.security ?? null, seq);
  }

  setSecurity(seq: number, security: 'ok' | 'failed'): void {
    this.db.prepare(`UPDATE dropbox_drops SET security = ? WHERE seq = ?`).run(security, seq);
  }

  /** Newest first. */
  latest(limit: number): DropRow[] {
    return (this.db.prepare(`SELECT * FROM dropbox_drops ORDER BY seq DESC LIMIT ?`).all(limit) as RawRow[]).map(toRow);
  }

  /** Drops after the bin was last emptied (all of them when it never was). */
  countSince(emptiedAt: string | null): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM dropbox_drops WHERE at > ?`).get(emptiedAt ?? '') as { n: number }).n;
  }

  lastDropAt(): string | null {
    return (this.db.prepare(`SELECT MAX(at) AS at FROM dropbox_drops`).get() as { at: string | null }).at;
  }

  meta(key: string): string | null {
    return (this.db.prepare(`SELECT value FROM dropbox_meta WHERE key = ?`).get(key) as { value: string } | undefined)?.value ?? null;
  }

  setMeta(key: string, value: string | null): void {
    if (value === null) this.db.prepare(`DELETE FROM dropbox_meta WHERE key = ?`).run(key);
    else this.db.prepare(`INSERT INTO dropbox_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(key, value);
  }

  queueAlert(id: string, payload: string, at: string): void {
    this.db.prepare(`INSERT OR IGNORE INTO dropbox_outbox (id, payload, created_at) VALUES (?, ?, ?)`).run(id, payload, at);
  }

  /** Oldest first. */
  outbox(): { id: string; payload: string }[] {
    return this.db.prepare(`SELECT id, payload FROM dropbox_outbox ORDER BY rowid`).all() as { id: string; payload: string }[];
  }

  clearAlert(id: string): void {
    this.db.prepare(`DELETE FROM dropbox_outbox WHERE id = ?`).run(id);
  }
}
