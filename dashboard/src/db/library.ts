/**
 * Reads and writes of the system of record that circulation and the dashboard need. Each method is
 * one statement or one small group; transactions are opened by the callers that need them.
 */
import type { Db } from '#core/node/sqlite.ts';
import type { Collection } from '#core/policy.ts';
import type { CopyStatus } from '#core/types.ts';
import type { Change } from '#core/protocol/messages.ts';
import { CatalogueSearch, type SearchHit } from '../catalogue/search.ts';

export interface PatronRow {
  id: string;
  kind: 'pupil' | 'teacher' | 'staff';
  fullName: string;
  active: boolean;
  blockedReason: string | null;
  textbookEligible: boolean;
  className: string | null;
  classId: string | null;
  homeroomClass: string | null;
  homeroomClassId: string | null;
  /** scrypt hash of the patron's PIN; null when none is set. */
  pinHash: string | null;
}

export interface ItemRow {
  copyId: number;
  barcode: string;
  title: string;
  collection: Collection;
  referenceOnly: boolean;
  status: CopyStatus;
  onLoanTo: string | null;
  loanId: number | null;
}

export interface OpenLoanRow {
  loanId: number;
  barcode: string;
  title: string;
  collection: Collection;
  dueDate: string;
  renewals: number;
  patronId: string;
  classId: string | null;
}

export class Library {
  constructor(
    readonly db: Db,
    /** The current school year, e.g. "2026-2027": class membership is per year. */
    readonly schoolYear: string,
  ) {}

  private patronSelect = `
    SELECT p.id, p.kind, p.full_name AS fullName, p.active, p.blocked_reason AS blockedReason,
           p.textbook_eligible AS textbookEligible, c.name AS className, c.id AS classId,
           h.name AS homeroomClass, h.id AS homeroomClassId, p.pin_hash AS pinHash
    FROM patrons p
    LEFT JOIN class_members m ON m.patron_id = p.id AND m.school_year = @year
    LEFT JOIN classes c ON c.id = m.class_id
    LEFT JOIN classes h ON h.homeroom_teacher_id = p.id AND h.school_year = @year`;

  private toPatron(r: Record<string, unknown> | undefined): PatronRow | null {
    if (!r) return null;
    return {
      ...(r as unknown as PatronRow),
      active: r.active === 1,
      textbookEligible: r.textbookEligible === 1,
    };
  }

  /** The patron a card code (barcode, QR content or RFID UID) belongs to. */
  patronByIdentifier(code: string): PatronRow | null {
    const r = this.db
      .prepare(`${this.patronSelect} JOIN patron_identifiers i ON i.patron_id = p.id WHERE i.value = @code`)
      .get({ year: this.schoolYear, code }) as Record<string, unknown> | undefined;
    return this.toPatron(r);
  }

  patronById(id: string): PatronRow | null {
    const r = this.db.prepare(`${this.patronSelect} WHERE p.id = @id`).get({ year: this.schoolYear, id }) as
      | Record<string, unknown>
      | undefined;
    return this.toPatron(r);
  }

  /** Open loans held by a patron in their own name (class-set loans excluded). */
  openLoansOf(patronId: string): OpenLoanRow[] {
    return this.db
      .prepare(
        `SELECT l.id AS loanId, c.barcode, r.title, c.collection, l.due_date AS dueDate, l.renewals,
                l.patron_id AS patronId, l.class_id AS classId
         FROM loans l JOIN copies c ON c.id = l.copy_id JOIN records r ON r.id = c.record_id
         WHERE l.patron_id = ? AND l.class_id IS NULL AND l.returned_at IS NULL ORDER BY l.due_date, c.barcode`,
      )
      .all(patronId) as OpenLoanRow[];
  }

  /** Open class-set loans of a class. */
  openLoansOfClass(classId: string): OpenLoanRow[] {
    return this.db
      .prepare(
        `SELECT l.id AS loanId, c.barcode, r.title, c.collection, l.due_date AS dueDate, l.renewals,
                l.patron_id AS patronId, l.class_id AS classId
         FROM loans l JOIN copies c ON c.id = l.copy_id JOIN records r ON r.id = c.record_id
         WHERE l.class_id = ? AND l.returned_at IS NULL ORDER BY l.due_date`,
      )
      .all(classId) as OpenLoanRow[];
  }

  itemByBarcode(barcode: string): ItemRow | null {
    const r = this.db
      .prepare(
        `SELECT c.id AS copyId, c.barcode, r.title, c.collection, c.reference_only AS referenceOnly, c.status,
                l.patron_id AS onLoanTo, l.id AS loanId
         FROM copies c JOIN records r ON r.id = c.record_id
         LEFT JOIN loans l ON l.copy_id = c.id AND l.returned_at IS NULL
         WHERE c.barcode = ?`,
      )
      .get(barcode) as (Omit<ItemRow, 'referenceOnly'> & { referenceOnly: number }) | undefined;
    return r ? { ...r, referenceOnly: r.referenceOnly === 1 } : null;
  }

  openLoan(a: {
    txId: string;
    copyId: number;
    patronId: string;
    classId: string | null;
    station: string;
    at: string;
    dueDate: string;
    offline: boolean;
  }): number {
    const info = this.db
      .prepare(
        `INSERT INTO loans (tx_id, copy_id, patron_id, class_id, station, loaned_at, due_date, offline)
         VALUES (@txId, @copyId, @patronId, @classId, @station, @at, @dueDate, @offline)`,
      )
      .run({ ...a, offline: a.offline ? 1 : 0 });
    this.db.prepare(`UPDATE copies SET status = 'on_loan' WHERE id = ?`).run(a.copyId);
    return Number(info.lastInsertRowid);
  }

  closeLoan(loanId: number, copyId: number, txId: string, at: string): void {
    this.db.prepare(`UPDATE loans SET returned_at = ?, return_tx = ? WHERE id = ?`).run(at, txId, loanId);
    this.db.prepare(`UPDATE copies SET status = 'on_shelf' WHERE id = ?`).run(copyId);
  }

  renewLoan(loanId: number, dueDate: string): void {
    this.db.prepare(`UPDATE loans SET due_date = ?, renewals = renewals + 1 WHERE id = ?`).run(dueDate, loanId);
  }

  recordVisit(patronId: string, at: string, source: string, txId: string | null): void {
    this.db.prepare(`INSERT OR IGNORE INTO visits (patron_id, at, source, tx_id) VALUES (?, ?, ?, ?)`).run(patronId, at, source, txId);
  }

  // ---- replica changes ------------------------------------------------------------------------

  /** Appends a numbered change for station replicas; data null means "deleted". */
  recordChange(entity: Change['entity'], key: string, data: unknown): void {
    this.db.prepare(`INSERT INTO changes (entity, key, data) VALUES (?, ?, ?)`).run(entity, key, data === null ? null : JSON.stringify(data));
  }

  changeSeq(): number {
    return (this.db.prepare(`SELECT COALESCE(MAX(seq), 0) AS s FROM changes`).get() as { s: number }).s;
  }

  changesSince(since: number, limit: number): Change[] {
    const rows = this.db
      .prepare(`SELECT seq, entity, key, data FROM changes WHERE seq > ? ORDER BY seq LIMIT ?`)
      .all(since, limit) as { seq: number; entity: string; key: string; data: string | null }[];
    return rows.map((r) => ({ seq: r.seq, entity: r.entity, key: r.key, data: r.data === null ? null : JSON.parse(r.data) }) as Change);
  }

  /** The whole replica as change rows: active patrons, every copy, every open loan. */
  snapshot(): Change[] {
    const patrons = this.db
      .prepare(
        `${this.patronSelect} WHERE p.active = 1`,
      )
      .all({ year: this.schoolYear }) as Record<string, unknown>[];
    const ids = this.db.prepare(`SELECT patron_id AS id, value FROM patron_identifiers`).all() as { id: string; value: string }[];
    const byPatron = new Map<string, string[]>();
    for (const i of ids) byPatron.set(i.id, [...(byPatron.get(i.id) ?? []), i.value]);
    const out: Change[] = [];
    for (const r of patrons) {
      const p = this.toPatron(r)!;
      out.push({ seq: 0, entity: 'patron', key: p.id, data: replicaPatron(p, byPatron.get(p.id) ?? []) });
    }
    const items = this.db
      .prepare(
        `SELECT c.barcode, r.title, c.collection, c.reference_only AS referenceOnly, c.status
         FROM copies c JOIN records r ON r.id = c.record_id`,
      )
      .all() as { barcode: string; title: string; collection: string; referenceOnly: number; status: string }[];
    for (const i of items) out.push({ seq: 0, entity: 'item', key: i.barcode, data: { ...i, referenceOnly: i.referenceOnly === 1 } });
    const loans = this.db
      .prepare(
        `SELECT c.barcode, l.patron_id AS patronId, l.class_id AS classId, l.due_date AS dueDate, l.renewals
         FROM loans l JOIN copies c ON c.id = l.copy_id WHERE l.returned_at IS NULL`,
      )
      .all() as { barcode: string; patronId: string; classId: string | null; dueDate: string; renewals: number }[];
    for (const l of loans) out.push({ seq: 0, entity: 'loan', key: l.barcode, data: l });
    return out;
  }

  /** Records the item and loan changes after a copy's loan state changed. */
  recordCopyChanged(barcode: string): void {
    const item = this.itemByBarcode(barcode);
    if (!item) return;
    this.recordChange('item', barcode, {
      barcode,
      title: item.title,
      collection: item.collection,
      referenceOnly: item.referenceOnly,
      status: item.status,
    });
    const loan = item.loanId
      ? (this.db.prepare(`SELECT patron_id AS patronId, class_id AS classId, due_date AS dueDate, renewals FROM loans WHERE id = ?`).get(item.loanId) as {
          patronId: string;
          classId: string | null;
          dueDate: string;
          renewals: number;
        })
      : null;
    this.recordChange('loan', barcode, loan ? { barcode, ...loan } : null);
  }

  private catalogue: CatalogueSearch | null = null;

  /** Catalogue search (dashboard/src/catalogue/search.ts): barcode, accession, ISBN, then word prefixes, diacritic-insensitive (đ too). */
  search(query: string, limit = 20): SearchHit[] {
    this.catalogue ??= new CatalogueSearch(this.db);
    return this.catalogue.search(query, limit).hits;
  }
}

export function replicaPatron(p: PatronRow, identifiers: string[]) {
  return {
    id: p.id,
    kind: p.kind,
    fullName: p.fullName,
    className: p.className,
    homeroomClass: p.homeroomClass,
    active: p.active,
    blockedReason: p.blockedReason,
    textbookEligible: p.textbookEligible,
    identifiers,
    pinHash: p.pinHash,
  };
}
