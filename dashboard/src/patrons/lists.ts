/** Class and patron lists for the dashboard, in Vietnamese order. */
import type { Db } from '#core/node/sqlite.ts';
import { compareVietnamese, sortByName } from './sort.ts';

export interface ClassListRow {
  id: string;
  name: string;
  grade: number;
  schoolYear: string;
  homeroomTeacherId: string | null;
  homeroomTeacher: string | null;
  pupils: number;
}

/** The classes of a school year by grade, then name; with active pupil counts. */
export function listClasses(db: Db, year: string): ClassListRow[] {
  const rows = db
    .prepare(
      `SELECT c.id, c.name, c.grade, c.school_year AS schoolYear, c.homeroom_teacher_id AS homeroomTeacherId, t.full_name AS homeroomTeacher,
              (SELECT COUNT(*) FROM class_members m JOIN patrons p ON p.id = m.patron_id WHERE m.class_id = c.id AND m.school_year = c.school_year AND p.active = 1) AS pupils
       FROM classes c LEFT JOIN patrons t ON t.id = c.homeroom_teacher_id WHERE c.school_year = ?`,
    )
    .all(year) as ClassListRow[];
  return rows.sort((a, b) => a.grade - b.grade || compareVietnamese(a.name, b.name));
}

export interface PatronListRow {
  id: string;
  kind: 'pupil' | 'teacher' | 'staff';
  fullName: string;
  gender: string | null;
  dob: string | null;
  pupilCode: string | null;
  active: boolean;
  leftAt: string | null;
  className: string | null;
  classId: string | null;
  textbookEligible: boolean;
  cards: string[];
  uids: string[];
  openLoans: number;
}

export interface PatronQuery {
  year: string;
  classId?: string;
  kind?: 'pupil' | 'teacher' | 'staff';
  /** Leavers too; default false. */
  inactive?: boolean;
  ids?: string[];
}

/** Patrons (with their class that year, cards and open loans), sorted by given name then the rest. */
export function listPatrons(db: Db, q: PatronQuery): PatronListRow[] {
  const where: string[] = [];
  const params: unknown[] = [q.year];
  if (q.classId) {
    where.push('m.class_id = ?');
    params.push(q.classId);
  }
  if (q.kind) {
    where.push('p.kind = ?');
    params.push(q.kind);
  }
  if (!q.inactive) where.push('p.active = 1');
  if (q.ids) {
    where.push(`p.id IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(q.ids));
  }
  const rows = db
    .prepare(
      `SELECT p.id, p.kind, p.full_name AS fullName, p.gender, p.dob, p.pupil_code AS pupilCode, p.active, p.left_at AS leftAt,
              c.name AS className, c.id AS classId, p.textbook_eligible AS textbookEligible,
              (SELECT json_group_array(value) FROM patron_identifiers WHERE patron_id = p.id AND kind = 'barcode') AS cards,
              (SELECT json_group_array(value) FROM patron_identifiers WHERE patron_id = p.id AND kind = 'uid') AS uids,
              (SELECT COUNT(*) FROM loans l WHERE l.patron_id = p.id AND l.returned_at IS NULL) AS openLoans
       FROM patrons p
       LEFT JOIN class_members m ON m.patron_id = p.id AND m.school_year = ?
       LEFT JOIN classes c ON c.id = m.class_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
    )
    .all(...params) as (Omit<PatronListRow, 'active' | 'textbookEligible' | 'cards' | 'uids'> & { active: number; textbookEligible: number; cards: string; uids: string })[];
  return sortByName(
    rows.map((r) => ({
      ...r,
      active: r.active === 1,
      textbookEligible: r.textbookEligible === 1,
      cards: (JSON.parse(r.cards) as string[]).sort(),
      uids: (JSON.parse(r.uids) as string[]).sort(),
    })),
    (r) => r.fullName,
  );
}
