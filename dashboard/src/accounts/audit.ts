/** The audit log: who did what to whom, and when. Every view of a pupil's loan history lands here. */
import type { Db } from '#core/node/sqlite.ts';

export interface AuditEntry {
  id: number;
  at: string;
  account: string;
  action: string;
  patronId: string | null;
  detail: string | null;
}

export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date,
  ) {}

  write(account: string, action: string, patronId: string | null = null, detail: unknown = null): void {
    this.db
      .prepare(`INSERT INTO audit_log (at, account, action, patron_id, detail) VALUES (?, ?, ?, ?, ?)`)
      .run(this.clock().toISOString(), account, action, patronId, detail === null ? null : JSON.stringify(detail));
  }

  /** Newest first; filtered by patron when given. */
  list(o: { patronId?: string; limit?: number } = {}): AuditEntry[] {
    const limit = Math.min(Math.max(o.limit ?? 200, 1), 1000);
    const rows = o.patronId
      ? this.db.prepare(`SELECT id, at, account, action, patron_id AS patronId, detail FROM audit_log WHERE patron_id = ? ORDER BY id DESC LIMIT ?`).all(o.patronId, limit)
      : this.db.prepare(`SELECT id, at, account, action, patron_id AS patronId, detail FROM audit_log ORDER BY id DESC LIMIT ?`).all(limit);
    return rows as AuditEntry[];
  }
}
