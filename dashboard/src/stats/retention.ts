/**
 * Privacy retention: a returned loan older than the school's limit loses its pupil. The loan keeps
 * the copy, the dates, and the class, grade and kind the patron had when borrowing (for statistics
 * by class), and its patron becomes the 'anonymous' placeholder. Visits older than the limit are
 * anonymised the same way; event payloads lose their patron id; old idempotency records (which
 * carry card codes) are dropped.
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

export interface RetentionResult {
  cutoff: string;
  loans: number;
  visits: number;
  events: number;
  transactions: number;
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
    const transactions = db.prepare(`DELETE FROM transactions WHERE received_at < ?`).run(cutoff).changes;
    return { cutoff, loans: loans.length, visits, events, transactions };
  })();
}
