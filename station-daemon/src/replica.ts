/**
 * The station's replica of the server's data: active patrons, copies, open loans, the loan policy
 * and the calendar. Kept as a snapshot plus numbered changes (seq), so the station knows what it
 * missed. It holds no loan history: only what an offline decision needs.
 */
import type { Db } from '#core/node/sqlite.ts';
import type { Change, SyncData } from '#core/protocol/messages.ts';
import type { z } from 'zod';
import type { replicaItem, replicaLoan, replicaPatron } from '#core/protocol/messages.ts';
import { DEFAULT_POLICY, type LoanPolicy } from '#core/policy.ts';
import { DEMO_CALENDAR } from '#core/demo-calendar.ts';
import { schoolCalendarSchema, type SchoolCalendar } from '#core/calendar.ts';

export type ReplicaPatron = z.infer<typeof replicaPatron>;
export type ReplicaItem = z.infer<typeof replicaItem>;
export type ReplicaLoan = z.infer<typeof replicaLoan>;

export class Replica {
  constructor(private readonly db: Db) {}

  get seq(): number {
    const r = this.db.prepare(`SELECT value FROM replica_meta WHERE key = 'seq'`).get() as { value: string } | undefined;
    return r ? Number(r.value) : 0;
  }

  private setMeta(key: string, value: string): void {
    this.db.prepare(`INSERT INTO replica_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(key, value);
  }

  /** Applies a sync answer in one transaction: a snapshot replaces everything, changes apply in order. */
  applySync(s: SyncData): void {
    this.db.transaction(() => {
      if (s.mode === 'snapshot') {
        for (const t of ['replica_patrons', 'replica_identifiers', 'replica_items', 'replica_loans']) this.db.exec(`DELETE FROM ${t}`);
      }
      for (const c of s.changes) this.applyChange(c);
      if (s.policy) this.setMeta('policy', JSON.stringify(s.policy));
      this.setCalendar(s.calendar);
      this.setMeta('seq', String(s.seq));
    })();
  }

  applyChange(c: Change): void {
    switch (c.entity) {
      case 'patron':
        this.db.prepare(`DELETE FROM replica_identifiers WHERE patron_id = ?`).run(c.key);
        if (c.data === null) {
          this.db.prepare(`DELETE FROM replica_patrons WHERE id = ?`).run(c.key);
          return;
        }
        this.db.prepare(`INSERT OR REPLACE INTO replica_patrons (id, data) VALUES (?, ?)`).run(c.key, JSON.stringify(c.data));
        for (const v of c.data.identifiers) this.db.prepare(`INSERT OR REPLACE INTO replica_identifiers (value, patron_id) VALUES (?, ?)`).run(v, c.key);
        return;
      case 'item':
        if (c.data === null) this.db.prepare(`DELETE FROM replica_items WHERE barcode = ?`).run(c.key);
        else this.db.prepare(`INSERT OR REPLACE INTO replica_items (barcode, data) VALUES (?, ?)`).run(c.key, JSON.stringify(c.data));
        return;
      case 'loan':
        if (c.data === null) this.db.prepare(`DELETE FROM replica_loans WHERE barcode = ?`).run(c.key);
        else this.db.prepare(`INSERT OR REPLACE INTO replica_loans (barcode, patron_id, data) VALUES (?, ?, ?)`).run(c.key, c.data.patronId, JSON.stringify(c.data));
        return;
      case 'calendar':
        this.setCalendar(c.data);
        return;
    }
  }

  /** Stores a calendar from the server when it is a valid one; a broken one keeps the calendar the station had. */
  private setCalendar(data: unknown): void {
    if (data === undefined || data === null) return;
    const ok = schoolCalendarSchema.safeParse(data);
    if (ok.success) this.setMeta('calendar', JSON.stringify(ok.data));
  }

  patronByIdentifier(code: string): ReplicaPatron | null {
    const r = this.db
      .prepare(`SELECT p.data FROM replica_identifiers i JOIN replica_patrons p ON p.id = i.patron_id WHERE i.value = ?`)
      .get(code) as { data: string } | undefined;
    return r ? (JSON.parse(r.data) as ReplicaPatron) : null;
  }

  patronById(id: string): ReplicaPatron | null {
    const r = this.db.prepare(`SELECT data FROM replica_patrons WHERE id = ?`).get(id) as { data: string } | undefined;
    return r ? (JSON.parse(r.data) as ReplicaPatron) : null;
  }

  item(barcode: string): ReplicaItem | null {
    const r = this.db.prepare(`SELECT data FROM replica_items WHERE barcode = ?`).get(barcode) as { data: string } | undefined;
    return r ? (JSON.parse(r.data) as ReplicaItem) : null;
  }

  loan(barcode: string): ReplicaLoan | null {
    const r = this.db.prepare(`SELECT data FROM replica_loans WHERE barcode = ?`).get(barcode) as { data: string } | undefined;
    return r ? (JSON.parse(r.data) as ReplicaLoan) : null;
  }

  /** A patron's own open loans (class-set loans they are responsible for are the class's, not theirs). */
  loansOf(patronId: string): ReplicaLoan[] {
    return (this.db.prepare(`SELECT data FROM replica_loans WHERE patron_id = ?`).all(patronId) as { data: string }[])
      .map((r) => JSON.parse(r.data) as ReplicaLoan)
      .filter((l) => !l.classId);
  }

  /** Records a loan or return the station made itself, so its next offline decision sees it. */
  noteLoan(barcode: string, loan: ReplicaLoan | null): void {
    this.applyChange({ seq: 0, entity: 'loan', key: barcode, data: loan });
    const item = this.item(barcode);
    if (item) this.applyChange({ seq: 0, entity: 'item', key: barcode, data: { ...item, status: loan ? 'on_loan' : 'on_shelf' } });
  }

  policy(): LoanPolicy {
    const r = this.db.prepare(`SELECT value FROM replica_meta WHERE key = 'policy'`).get() as { value: string } | undefined;
    return r ? (JSON.parse(r.value) as LoanPolicy) : DEFAULT_POLICY;
  }

  calendar(): SchoolCalendar {
    const r = this.db.prepare(`SELECT value FROM replica_meta WHERE key = 'calendar'`).get() as { value: string } | undefined;
    return r ? (JSON.parse(r.value) as SchoolCalendar) : DEMO_CALENDAR;
  }

  counts(): { patrons: number; items: number; loans: number } {
    const n = (t: string) => (this.db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
    return { patrons: n('replica_patrons'), items: n('replica_items'), loans: n('replica_loans') };
  }
}
