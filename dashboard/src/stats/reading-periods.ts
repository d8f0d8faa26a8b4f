/**
 * A class's reading period at the library: recorded once per class and day, and a visit for each of
 * the class's active pupils that day (source 'reading_period'), so it counts in the visit rate.
 */
import type { Db } from '#core/node/sqlite.ts';
import { isLocalDate, type LocalDate, type SchoolCalendar } from '#core/calendar.ts';

export class ReadingPeriodError extends Error {
  override name = 'ReadingPeriodError';
  constructor(
    readonly code: 'NO_SUCH_CLASS' | 'BAD_DATE' | 'ALREADY_RECORDED',
    readonly message_vi: string,
    readonly message_en: string,
  ) {
    super(message_en);
  }
}

/** Records the period; returns how many pupils got a visit. Throws ReadingPeriodError. */
export function recordReadingPeriod(
  db: Db,
  cal: SchoolCalendar,
  a: { classId: string; date: LocalDate; today: LocalDate; by: string; now: Date },
): { id: number; pupils: number } {
  if (!isLocalDate(a.date) || a.date > a.today || a.date < cal.schoolYear.start) {
    throw new ReadingPeriodError('BAD_DATE', 'Ngày không hợp lệ (trong năm học, không sau hôm nay).', 'Not a valid date (within the school year, not after today).');
  }
  const cls = db.prepare(`SELECT id, school_year AS year FROM classes WHERE id = ?`).get(a.classId) as { id: string; year: string } | undefined;
  if (!cls) throw new ReadingPeriodError('NO_SUCH_CLASS', 'Không có lớp này.', 'No such class.');
  return db.transaction(() => {
    const ins = db
      .prepare(`INSERT OR IGNORE INTO reading_periods (class_id, school_year, day, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?)`)
      .run(cls.id, cls.year, a.date, a.by, a.now.toISOString());
    if (ins.changes === 0) throw new ReadingPeriodError('ALREADY_RECORDED', 'Tiết đọc của lớp ngày này đã được ghi.', "This class's reading period on that day is already recorded.");
    // Noon school time of that day (or now, for today): inside the day whatever the offset.
    const at =
      a.date === a.today ? a.now.toISOString() : new Date(Date.parse(`${a.date}T12:00:00Z`) - cal.timeZoneOffsetMinutes * 60_000).toISOString();
    const visits = db
      .prepare(
        `INSERT INTO visits (patron_id, at, source)
         SELECT m.patron_id, ?, 'reading_period' FROM class_members m JOIN patrons p ON p.id = m.patron_id
         WHERE m.class_id = ? AND m.school_year = ? AND p.active = 1 AND p.kind = 'pupil'`,
      )
      .run(at, cls.id, cls.year);
    return { id: Number(ins.lastInsertRowid), pupils: visits.changes };
  })();
}

/** Reading periods held per class of a school year within [from, to], against the target. */
export function readingPeriodsHeld(db: Db, schoolYear: string, from: LocalDate, to: LocalDate) {
  return db
    .prepare(
      `SELECT c.id AS classId, c.name, c.grade, COUNT(r.id) AS held, GROUP_CONCAT(r.day) AS days
       FROM classes c LEFT JOIN reading_periods r ON r.class_id = c.id AND r.day BETWEEN ? AND ?
       WHERE c.school_year = ? GROUP BY c.id ORDER BY c.grade, c.name`,
    )
    .all(from, to, schoolYear)
    .map((r) => {
      const x = r as { classId: string; name: string; grade: number; held: number; days: string | null };
      return { ...x, days: x.days ? x.days.split(',').sort() : [] };
    });
}
