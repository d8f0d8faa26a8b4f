/**
 * "Mark lost / damaged" at the desk, server-side (no station involved): the copy's status changes
 * and, when the copy is on loan, its loan is closed first.
 *
 * Decision: a copy declared lost or damaged while on loan ends that loan (returned_at = now,
 * return_tx = "desk-lost:{by}" / "desk-damaged:{by}"), so it leaves the patron's open loans, their
 * allowance and the overdue list; the copy's status (lost or damaged, with the note) says it did not
 * come back to the shelf. The loan row keeps the patron, so who lost it stays on record (and is
 * anonymised like any returned loan by the retention job). Stations learn the item and loan change
 * through the replica's change feed (Library.recordCopyChanged via CopyManager.updateCopy).
 */
import type { Db } from '#core/node/sqlite.ts';
import type { Library } from '../db/library.ts';
import { CatalogueError, CopyManager } from '../catalogue/copies.ts';

export type DeskCopyStatus = 'lost' | 'damaged';

export interface MarkedCopy {
  barcode: string;
  status: DeskCopyStatus;
  title: string;
  /** The loan this closed, if the copy was on loan. */
  closedLoan: { patronId: string; dueDate: string } | null;
}

export function markCopy(db: Db, library: Library, clock: () => Date, o: { barcode: string; status: DeskCopyStatus; note: string | null; by: string }): MarkedCopy {
  if (o.status !== 'lost' && o.status !== 'damaged') {
    throw new CatalogueError('BAD_STATUS', 400, 'Chỉ đánh dấu được "mất" hoặc "hỏng".', 'Only "lost" or "damaged" can be marked here.');
  }
  const copies = new CopyManager(db, library, clock);
  return db.transaction((): MarkedCopy => {
    const row = db.prepare(`SELECT c.id, r.title FROM copies c JOIN records r ON r.id = c.record_id WHERE c.barcode = ?`).get(o.barcode) as { id: number; title: string } | undefined;
    if (!row) throw new CatalogueError('NO_COPY', 404, `Không có bản sách mã ${o.barcode}.`, `No copy with barcode ${o.barcode}.`);
    const loan = db.prepare(`SELECT id, patron_id AS patronId, due_date AS dueDate FROM loans WHERE copy_id = ? AND returned_at IS NULL`).get(row.id) as
      | { id: number; patronId: string; dueDate: string }
      | undefined;
    if (loan) {
      db.prepare(`UPDATE loans SET returned_at = ?, return_tx = ? WHERE id = ?`).run(clock().toISOString(), `desk-${o.status}:${o.by}`.slice(0, 100), loan.id);
      // A status the catalogue may have kept as on_loan: back to a plain state before the change.
      db.prepare(`UPDATE copies SET status = 'on_shelf' WHERE id = ? AND status = 'on_loan'`).run(row.id);
    }
    copies.updateCopy(row.id, { status: o.status, statusNote: o.note });
    return { barcode: o.barcode, status: o.status, title: row.title, closedLoan: loan ? { patronId: loan.patronId, dueDate: loan.dueDate } : null };
  })();
}
