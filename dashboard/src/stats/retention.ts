/**
 * Privacy retention: a returned loan older than the school's limit loses its pupil. The loan keeps
 * the copy, the dates, and the class, grade and kind the patron had when borrowing (for statistics
 * by class), and its patron becomes the 'anonymous' placeholder. Visits older than the limit are
 * anonymised the same way; event payloads lose their patron id; old idempotency records (which
 * carry card codes, names and loans) are stripped to their outcome, and dropped much later (below).
 *
 * The rates do not move: they read `patron_activity` (per patron and day, counts only, no titles),
 * which the triggers filled when the loan and the visit were written and this job does not touch.
 */
import type { Db } from '#core/node/sqlite.ts';
import { localDate, type SchoolCalendar } from '#core/calendar.ts';

export const ANONYMOUS = 'anonymous';

/** "2026-2027" for any date from August 2026 to July 2027 (Vietnamese school years start in September). */
export function schoolYearOf(date: string): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  return m >= 8 ? `${y}-${y + 1}` : `${y - 1}-${y}`;
}

/**
 * Days a transaction id is kept for idempotency. A station's journal keeps a transaction until the
 * server answers it, however long the station stays off (a kiosk unplugged over the summer holidays
 * with an answer it never received), and replays it with the same id when it comes back: if the id
 * were gone, the server would apply the transaction a second time. So past the privacy limit a row
 * keeps only its id, device, type, time and outcome (the request's card code, patron id and items and
 * the answer's names and loans go; item results stay, as an offline replay compares them), and the
 * row itself is deleted only after max(retentionDays, IDEMPOTENCY_DAYS): two school years.
 */
export const IDEMPOTENCY_DAYS = 730;

export interface RetentionResult {
  cutoff: string;
  loans: number;
  visits: number;
  events: number;
  /** Idempotency records stripped to their outcome in this run. */
  transactions: number;
  /** Idempotency records deleted (older than max(retentionDays, IDEMPOTENCY_DAYS)). */
  transactionsDeleted: number;
}

/** What an idempotency record keeps past the privacy limit. No serverTime: a replay answered from it must not set a station's clock back. */
function strippedTransaction(row: { id: string; device: string; type: string; at: string; response: string }): { request: string; response: string } {
  let r: { status?: unknown; error?: unknown; data?: { items?: unknown } } = {};
  try {
    r = JSON.parse(row.response) as typeof r;
  } catch {
    /* an unreadable answer keeps nothing */
  }
  const items = row.type !== 'identify' && Array.isArray(r.data?.items) ? r.data.items : null;
  const response =
    r.status === 'error'
      ? { id: row.id, status: 'error', error: r.error }
      : { id: row.id, status: 'ok', data: items ? { items } : null };
  return { request: JSON.stringify({ id: row.id, type: row.type, device: row.device, at: row.at, stripped: true }), response: JSON.stringify(response) };
}

/** Anonymises what is older than `retentionDays` before `now`; idempotent, one transaction. */
export function applyRetention(db: Db, cal: SchoolCalendar, now: Date, retentionDays: number): RetentionResult {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
  return db.transaction(() => {
    const loans = db
      .prepare(
        `SELECT l.id, l.patron_id AS patronId, l.class_id AS classId, l.loaned_at AS loanedAt, p.kind
         FROM loans l JOIN patrons p ON p.id = l.patron_id
         WHERE l.returned_at IS NOT NULL AND l.anonymised_at IS NULL AND l.returned_at < ? AND l.patron_id != '${ANONYMOUS}'`,
      )
      .all(cutoff) as { id: number; patronId: string; classId: string | null; loanedAt: string; kind: string }[];
    const member = db.prepare(
      `SELECT m.class_id AS classId, c.grade FROM class_members m JOIN classes c ON c.id = m.class_id WHERE m.patron_id = ? AND m.school_year = ?`,
    );
    const gradeOf = db.prepare(`SELECT grade FROM classes WHERE id = ?`);
    const upd = db.prepare(
      `UPDATE loans SET patron_id = '${ANONYMOUS}', anonymised_at = ?, stat_class_id = ?, stat_grade = ?, stat_kind = ? WHERE id = ?`,
    );
    const at = now.toISOString();
    for (const l of loans) {
      const m = l.classId
        ? { classId: l.classId, grade: (gradeOf.get(l.classId) as { grade: number } | undefined)?.grade ?? null }
        : ((member.get(l.patronId, schoolYearOf(localDate(new Date(l.loanedAt), cal))) as { classId: string; grade: number } | undefined) ?? {
            classId: null,
            grade: null,
          });
      upd.run(at, m.classId, m.grade, l.kind, l.id);
    }
    const visits = db.prepare(`UPDATE visits SET patron_id = '${ANONYMOUS}' WHERE at < ? AND patron_id != '${ANONYMOUS}'`).run(cutoff).changes;
    const events = db
      .prepare(
        `UPDATE events SET payload = json_set(payload, '$.patronId', '${ANONYMOUS}')
         WHERE at < ? AND json_extract(payload, '$.patronId') IS NOT NULL AND json_extract(payload, '$.patronId') != '${ANONYMOUS}'`,
      )
      .run(cutoff).changes;
    const idCutoff = new Date(now.getTime() - Math.max(retentionDays, IDEMPOTENCY_DAYS) * 86_400_000).toISOString();
    const transactionsDeleted = db.prepare(`DELETE FROM transactions WHERE received_at < ?`).run(idCutoff).changes;
    const old = db
      .prepare(`SELECT id, device, type, at, response FROM transactions WHERE received_at < ? AND json_extract(request, '$.stripped') IS NULL`)
      .all(cutoff) as { id: string; device: string; type: string; at: string; response: string }[];
    const strip = db.prepare(`UPDATE transactions SET request = ?, response = ? WHERE id = ?`);
    for (const row of old) {
      const s = strippedTransaction(row);
      strip.run(s.request, s.response, row.id);
    }
    return { cutoff, loans: loans.length, visits, events, transactions: old.length, transactionsDeleted };
  })();
}
