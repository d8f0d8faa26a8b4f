/**
 * Year-end promotion: every class of the old year moves up one grade into the new year ("4A" of
 * 2026-2027 becomes "5A" of 2027-2028) with its active pupils; the last grade graduates (leavers,
 * deactivated, flagged when books are still out). Only new rows are written for the new year:
 * the old year's classes and memberships, and so its rates, stay exactly as they were.
 */
import type { Db } from '#core/node/sqlite.ts';
import { classIdFor, isSchoolYear, nextSchoolYear } from './school-year.ts';
import { RosterError, type Leaver, type OpenLoanNote } from './roster.ts';
import { recordPatronChanges } from './replica.ts';
import { compareNames } from './sort.ts';

export interface PromoteOptions {
  from: string;
  /** Default: the year after from. */
  to?: string;
  /** The grade that leaves the school; default the highest grade of the old year. */
  lastGrade?: number;
  currentYear: string;
  now: Date;
}

export interface PromoteResult {
  from: string;
  to: string;
  classes: { from: string; to: string; classId: string; pupils: number }[];
  promoted: number;
  graduates: Leaver[];
}

/** Promotes every class in one transaction; refuses when the new year already has pupils. */
export function promoteSchoolYear(db: Db, o: PromoteOptions): PromoteResult {
  const from = o.from;
  const to = o.to ?? (isSchoolYear(from) ? nextSchoolYear(from) : '');
  if (!isSchoolYear(from) || !isSchoolYear(to) || to !== nextSchoolYear(from)) {
    throw new RosterError('BAD_YEAR', `Chỉ lên lớp từ một năm học sang năm học kế tiếp (ví dụ 2026-2027 → 2027-2028).`, `Promotion goes from one school year to the next (e.g. 2026-2027 → 2027-2028).`);
  }
  return db.transaction((): PromoteResult => {
    const done = db.prepare(`SELECT promoted_from AS f FROM school_years WHERE name = ? AND promoted_from IS NOT NULL`).get(to);
    const already = (db.prepare(`SELECT COUNT(*) AS n FROM class_members WHERE school_year = ?`).get(to) as { n: number }).n;
    if (done || already > 0) {
      throw new RosterError(
        'ALREADY_PROMOTED',
        `Năm học ${to} đã có lớp và học sinh: không lên lớp lần nữa.`,
        `School year ${to} already has classes and pupils: promotion is not run twice.`,
      );
    }
    const classes = db.prepare(`SELECT id, name, grade FROM classes WHERE school_year = ? ORDER BY grade, name`).all(from) as { id: string; name: string; grade: number }[];
    if (classes.length === 0) throw new RosterError('NO_CLASSES', `Năm học ${from} chưa có lớp nào.`, `School year ${from} has no classes.`);
    const lastGrade = o.lastGrade ?? Math.max(...classes.map((c) => c.grade));
    const at = o.now.toISOString();
    const members = db.prepare(
      `SELECT p.id, p.full_name AS fullName FROM class_members m JOIN patrons p ON p.id = m.patron_id
       WHERE m.school_year = ? AND m.class_id = ? AND p.active = 1 AND p.kind = 'pupil'`,
    );
    const insClass = db.prepare(`INSERT INTO classes (id, name, grade, school_year, homeroom_teacher_id) VALUES (?, ?, ?, ?, NULL)`);
    const insMember = db.prepare(`INSERT INTO class_members (school_year, class_id, patron_id) VALUES (?, ?, ?)`);
    const leave = db.prepare(`UPDATE patrons SET active = 0, left_at = ? WHERE id = ?`);
    const loansOf = db.prepare(
      `SELECT c.barcode, r.title, l.due_date AS dueDate FROM loans l JOIN copies c ON c.id = l.copy_id JOIN records r ON r.id = c.record_id
       WHERE l.patron_id = ? AND l.returned_at IS NULL ORDER BY l.due_date, c.barcode`,
    );
    const result: PromoteResult = { from, to, classes: [], promoted: 0, graduates: [] };
    const touched: string[] = [];
    for (const c of classes) {
      const pupils = members.all(from, c.id) as { id: string; fullName: string }[];
      if (c.grade >= lastGrade) {
        for (const p of pupils) {
          leave.run(at, p.id);
          touched.push(p.id);
          result.graduates.push({ patronId: p.id, fullName: p.fullName, className: c.name, loans: loansOf.all(p.id) as OpenLoanNote[] });
        }
        continue;
      }
      const name = c.name.replace(/^\d+/, String(c.grade + 1));
      let id = (db.prepare(`SELECT id FROM classes WHERE school_year = ? AND name = ?`).get(to, name) as { id: string } | undefined)?.id;
      if (!id) {
        id = classIdFor(to, name);
        for (let k = 2; db.prepare(`SELECT 1 FROM classes WHERE id = ?`).get(id); k++) id = `${classIdFor(to, name)}-${k}`;
        insClass.run(id, name, c.grade + 1, to);
      }
      for (const p of pupils) {
        insMember.run(to, id, p.id);
        touched.push(p.id);
      }
      result.classes.push({ from: c.name, to: name, classId: id, pupils: pupils.length });
      result.promoted += pupils.length;
    }
    result.graduates.sort((a, b) => (a.className ?? '').localeCompare(b.className ?? '') || compareNames(a.fullName, b.fullName));
    db.prepare(
      `INSERT INTO school_years (name, promoted_from, promoted_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET promoted_from = excluded.promoted_from, promoted_at = excluded.promoted_at`,
    ).run(to, from, at);
    recordPatronChanges(db, o.currentYear, touched);
    return result;
  })();
}
