/**
 * The durable journal: a transaction is written before it is sent and removed only when the server
 * has answered it (never when the broker merely acknowledged it), so a power cut loses nothing.
 */
import type { Db } from '#core/node/sqlite.ts';
import type { StationRequest } from '#core/protocol/messages.ts';

export interface JournalEntry {
  id: string;
  request: StationRequest;
  offline: boolean;
  attempts: number;
}

export class Journal {
  constructor(private readonly db: Db) {}

  add(req: StationRequest): void {
    this.db
      .prepare(`INSERT OR IGNORE INTO journal (id, type, created_at, request) VALUES (?, ?, ?, ?)`)
      .run(req.id, req.type, req.at, JSON.stringify(req));
  }

  /** The station decided alone: the request is replayed later with offline = true. */
  markOffline(req: StationRequest): void {
    const stored = req.type === 'identify' ? { ...req, pin: undefined, offline: true } : { ...req, offline: true };
    this.db.prepare(`UPDATE journal SET offline = 1, request = ? WHERE id = ?`).run(JSON.stringify(stored), req.id);
  }

  noteAttempt(id: string, error: string | null): void {
    this.db.prepare(`UPDATE journal SET attempts = attempts + 1, last_error = ? WHERE id = ?`).run(error, id);
  }

  /** Removes an entry: only call once the server answered it. */
  clear(id: string): void {
    this.db.prepare(`DELETE FROM journal WHERE id = ?`).run(id);
  }

  /** Entries in the order they were written (ids follow a clock that may jump, so not by id). */
  pending(): JournalEntry[] {
    const rows = this.db.prepare(`SELECT id, request, offline, attempts FROM journal ORDER BY rowid`).all() as {
      id: string;
      request: string;
      offline: number;
      attempts: number;
    }[];
    return rows.map((r) => ({ id: r.id, request: JSON.parse(r.request) as StationRequest, offline: r.offline === 1, attempts: r.attempts }));
  }

  count(): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM journal`).get() as { n: number }).n;
  }
}
