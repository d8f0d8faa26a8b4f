/**
 * Visit and loan rates (design brief): for a group over a period, the distinct patrons of the group
 * with at least one visit (a card tap, any circulation transaction, a class reading period) ÷ its
 * active patrons; the loan rate the same with at least one loan.
 *
 * Groups: each class and each grade (pupils who are members of the class that school year, from
 * `class_members`, so promotions never rewrite an earlier year), the teachers, and the whole school's
 * pupils (the group the pupil targets are set for; teachers have their own targets).
 *
 * Read from `patron_activity` (one row per patron and day with a visit or a loan, kept by triggers):
 * a row in the range means a visit (a loan is a circulation transaction, hence a visit too); the
 * difference of the patron's running loan total at the range's ends is their loans in it. `naiveGroupCounts` computes the same from the raw tables, for the bench
 * and as the test's second opinion.
 */
import type { Db } from '#core/node/sqlite.ts';
import type { Statement } from 'better-sqlite3';
import type { LocalDate } from '#core/calendar.ts';
import type { Period } from './periods.ts';
import type { Targets } from './settings.ts';

/** Raw counts of one class (key = class id) or of the teachers (key = TEACHERS). */
export interface GroupCounts {
  key: string;
  /** Active patrons of the group. */
  members: number;
  /** Of them, with ≥ 1 visit in the range. */
  visited: number;
  /** Of them, with ≥ 1 loan in the range. */
  borrowed: number;
  /** Loans they made in the range. */
  loans: number;
}

export const TEACHERS = '~teachers';

// Prepared once per database: the rates are asked for on every live update of the page.
const cache = new WeakMap<Db, Map<string, Statement>>();
function prepared(db: Db, sql: string): Statement {
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  let st = m.get(sql);
  if (!st) m.set(sql, (st = db.prepare(sql)));
  return st;
}

const MEMBERS = `
  SELECT m.class_id AS key, m.patron_id AS patron_id
  FROM class_members m JOIN patrons p ON p.id = m.patron_id
  WHERE m.school_year = @year AND p.active = 1 AND p.kind = 'pupil'
  UNION ALL
  SELECT '${TEACHERS}', id FROM patrons WHERE kind = 'teacher' AND active = 1`;

/**
 * Counts per class and for the teachers from the daily activity table (the fast path): per member,
 * one seek for any activity in the range and two for the running loan total at its ends.
 */
export function groupCounts(db: Db, schoolYear: string, from: LocalDate, to: LocalDate): GroupCounts[] {
  return prepared(
    db,
    `WITH members AS (${MEMBERS}),
       per AS (
         SELECT key,
                EXISTS (SELECT 1 FROM patron_activity a WHERE a.patron_id = m.patron_id AND a.day BETWEEN @from AND @to) AS visited,
                COALESCE((SELECT a.loans_cum FROM patron_activity a WHERE a.patron_id = m.patron_id AND a.day <= @to ORDER BY a.day DESC LIMIT 1), 0)
                - COALESCE((SELECT a.loans_cum FROM patron_activity a WHERE a.patron_id = m.patron_id AND a.day < @from ORDER BY a.day DESC LIMIT 1), 0) AS loans
         FROM members m
       )
       SELECT key, COUNT(*) AS members, SUM(visited) AS visited, SUM(loans > 0) AS borrowed, SUM(loans) AS loans
       FROM per GROUP BY key ORDER BY key`,
  ).all({ year: schoolYear, from, to }) as GroupCounts[];
}

/**
 * The same counts straight from `visits` and `loans` with GROUP BY and COUNT(DISTINCT): what one
 * would write first. Anonymised loans are no longer anyone's, so after the retention job this
 * undercounts while `groupCounts` stays right; before it both agree.
 */
export function naiveGroupCounts(db: Db, schoolYear: string, from: LocalDate, to: LocalDate): GroupCounts[] {
  return db
    .prepare(
      `WITH members AS (${MEMBERS}),
       v AS (
         SELECT patron_id FROM visits WHERE date(at, '+420 minutes') BETWEEN @from AND @to
         UNION
         SELECT patron_id FROM loans WHERE date(loaned_at, '+420 minutes') BETWEEN @from AND @to
       ),
       l AS (
         SELECT patron_id, COUNT(*) AS n FROM loans WHERE date(loaned_at, '+420 minutes') BETWEEN @from AND @to GROUP BY patron_id
       )
       SELECT m.key, COUNT(*) AS members, COUNT(v.patron_id) AS visited, COUNT(l.patron_id) AS borrowed, COALESCE(SUM(l.n), 0) AS loans
       FROM members m LEFT JOIN v ON v.patron_id = m.patron_id LEFT JOIN l ON l.patron_id = m.patron_id
       GROUP BY m.key ORDER BY m.key`,
    )
    .all({ year: schoolYear, from, to }) as GroupCounts[];
}

export interface RateRow extends GroupCounts {
  group: 'class' | 'grade' | 'teachers' | 'school';
  name: string;
  grade: number | null;
  homeroomTeacher: string | null;
  /** 0…1, null when the group has nobody. */
  visitRate: number | null;
  loanRate: number | null;
  loansPerMember: number | null;
  /** Targets in % (pupils: the lower end of the visiting range). */
  visitTarget: number;
  loanTarget: number;
  visitMet: boolean | null;
  loanMet: boolean | null;
}

export interface RatesReport {
  period: Period;
  schoolYear: string;
  targets: Targets;
  rows: RateRow[];
}

/** Rates of every class, grade, the teachers and the whole school over `period`, against `targets`. */
export function ratesReport(db: Db, schoolYear: string, period: Period, targets: Targets): RatesReport {
  const counts = new Map(groupCounts(db, schoolYear, period.from, period.to).map((c) => [c.key, c]));
  const classes = prepared(
    db,
    `SELECT c.id, c.name, c.grade, t.full_name AS teacher FROM classes c LEFT JOIN patrons t ON t.id = c.homeroom_teacher_id
     WHERE c.school_year = ? ORDER BY c.grade, c.name`,
  ).all(schoolYear) as { id: string; name: string; grade: number; teacher: string | null }[];

  const row = (group: RateRow['group'], c: GroupCounts, name: string, grade: number | null, teacher: string | null): RateRow => {
    const pupils = group !== 'teachers';
    const visitTarget = pupils ? targets.pupilVisitMin : targets.teacherVisit;
    const loanTarget = pupils ? targets.pupilLoan : targets.teacherLoan;
    const visitRate = c.members ? c.visited / c.members : null;
    const loanRate = c.members ? c.borrowed / c.members : null;
    // Compared in whole percent points of the exact fraction, so 9/10 meets a 90 % target exactly.
    return {
      ...c,
      group,
      name,
      grade,
      homeroomTeacher: teacher,
      visitRate,
      loanRate,
      loansPerMember: c.members ? c.loans / c.members : null,
      visitTarget,
      loanTarget,
      visitMet: c.members ? c.visited * 100 >= visitTarget * c.members : null,
      loanMet: c.members ? c.borrowed * 100 >= loanTarget * c.members : null,
    };
  };
  const zero = (key: string): GroupCounts => ({ key, members: 0, visited: 0, borrowed: 0, loans: 0 });
  const add = (a: GroupCounts, b: GroupCounts): GroupCounts => ({
    key: a.key,
    members: a.members + b.members,
    visited: a.visited + b.visited,
    borrowed: a.borrowed + b.borrowed,
    loans: a.loans + b.loans,
  });

  const rows: RateRow[] = [];
  const grades = new Map<number, GroupCounts>();
  let school = zero('school');
  for (const c of classes) {
    const k = counts.get(c.id) ?? zero(c.id);
    rows.push(row('class', k, c.name, c.grade, c.teacher));
    grades.set(c.grade, add(grades.get(c.grade) ?? zero(`grade-${c.grade}`), k));
    school = add(school, k);
  }
  for (const [g, k] of [...grades].sort((a, b) => a[0] - b[0])) rows.push(row('grade', k, `Khối ${g}`, g, null));
  rows.push(row('teachers', counts.get(TEACHERS) ?? zero(TEACHERS), 'Giáo viên', null, null));
  rows.push(row('school', school, 'Toàn trường (học sinh)', null, null));
  return { period, schoolYear, targets, rows };
}

/** Pupils who borrowed most in a range (ties by name), with their class that school year. */
export function topReaders(db: Db, schoolYear: string, from: LocalDate, to: LocalDate, limit = 10) {
  return db
    .prepare(
      `SELECT a.patron_id AS patronId, p.full_name AS fullName, c.name AS className, SUM(a.loans) AS loans
       FROM patron_activity a JOIN patrons p ON p.id = a.patron_id
       LEFT JOIN class_members m ON m.patron_id = p.id AND m.school_year = @year
       LEFT JOIN classes c ON c.id = m.class_id
       WHERE a.day BETWEEN @from AND @to AND a.loans > 0 AND p.kind = 'pupil'
       GROUP BY a.patron_id ORDER BY loans DESC, p.full_name LIMIT @limit`,
    )
    .all({ year: schoolYear, from, to, limit }) as { patronId: string; fullName: string; className: string | null; loans: number }[];
}
