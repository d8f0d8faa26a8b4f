/**
 * A plausible school year of loans and visits for the demo, so the dashboard's rates, overdue
 * lists and top readers have something to show from the first start.
 *
 * The shape follows the school plans' targets: about 85 % of pupils visit at least once and about
 * 70 % borrow; every teacher visits and nearly all borrow. Pupils borrow up to 2 items for 7 days
 * and, as the policy says, borrow nothing while they hold an overdue item; teachers up to 5 for 30
 * days. Grades visit more on their weekly reading day. Some books are much more popular than others.
 *
 * Invariants the tests check: no copy is lent twice at the same time; loans end before `to` unless
 * still open; the protected patrons (by default the two documented fixture cards) never hold an
 * open loan at the end and are never late, so the demo starts from a clean card.
 */
import type { Collection } from '#core/policy.ts';
import { dueDateFor, gradesReadingToday, isOpenDay, lastOpenDayOfSchoolYear, type SchoolCalendar } from '#core/calendar.ts';
import { createRng, type Rng } from './prng.ts';
import { FIXTURE_PUPIL_CARD, FIXTURE_TEACHER_CARD, type Roster, type RosterPatron } from './roster.ts';

export interface HistoryCopy {
  barcode: string;
  collection: Collection;
  /** Reference-only copies never leave; they are skipped (absent means false). */
  referenceOnly?: boolean;
}

export interface HistoryOptions {
  roster: Pick<Roster, 'classes' | 'patrons'>;
  /** Copies that may appear in the history (the demo passes only the generated lul_fre copies). */
  copies: readonly HistoryCopy[];
  /** First day, YYYY-MM-DD (inclusive). */
  from: string;
  /** End, YYYY-MM-DD (exclusive): the history stops before this day, typically "today". */
  to: string;
  /**
   * The school calendar: open days, reading days by grade and due dates (the policy's own
   * dueDateFor) all come from it. The options below override it, or stand in for it.
   */
  calendar?: SchoolCalendar;
  /** The library's open days: a predicate or the list of open dates. Default: Monday to Friday. */
  openDay?: ((date: string) => boolean) | readonly string[];
  /** Grades with their library reading period on a date (they visit more that day). */
  gradesReadingOn?: (date: string) => readonly number[];
  seed?: number;
  /** Card barcodes of patrons who must end with no open loan; default: the two fixture cards. */
  cleanCards?: readonly string[];
  /** School-local UTC offset in minutes (Vietnam: 420). */
  utcOffsetMinutes?: number;
}

export interface HistoryLoan {
  patronId: string;
  barcode: string;
  /** ISO 8601 instant (UTC). */
  loanedAt: string;
  /** School-local date YYYY-MM-DD. */
  dueDate: string;
  returnedAt: string | null;
}

export interface HistoryVisit {
  patronId: string;
  at: string;
  /** 'circulation' when the visit lent or returned something, 'kiosk' for a card tap only. */
  source: 'kiosk' | 'circulation';
}

export interface History {
  loans: HistoryLoan[];
  visits: HistoryVisit[];
}

// ---- dates (school-local YYYY-MM-DD, computed in UTC to stay clear of the host's time zone) ------

const DAY_MS = 86_400_000;

function dateToDay(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`expected a date YYYY-MM-DD, got "${date}"`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
}

function dayToDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

// ---- patron behaviour -------------------------------------------------------------------------------

interface Profile {
  patron: RosterPatron;
  grade: number | null;
  /** Chance of an unprompted visit on an open day. */
  visitRate: number;
  borrower: boolean;
  /**
   * Comes once early in the period whatever the rate: at the start of the year every class is
   * shown the library, and most pupils get their card then.
   */
  firstVisit: boolean;
  /** Chance of borrowing on a visit (when allowed). */
  borrowChance: number;
  /** Chance of borrowing again on a visit made to bring books back. */
  borrowAgainChance: number;
  maxItems: number;
  loanDays: number;
  lateChance: number;
  clean: boolean;
}

function profileFor(p: RosterPatron, grade: number | null, rng: Rng, clean: boolean): Profile {
  if (p.kind === 'pupil') {
    // 15 % never come, 15 % come but never borrow, 70 % borrow (the school plans' ≥ 80 % target
    // is a target: the demo shows a school slightly below it).
    const r = rng.next();
    const visits = clean || r >= 0.15;
    const borrower = clean || r >= 0.28;
    // A long tail of keen readers: most pupils come once or twice a month, a few every week.
    const rate = visits ? 0.006 + 0.022 * rng.next() ** 2 + (rng.chance(0.03) ? 0.1 : 0) : 0;
    return {
      patron: p,
      grade,
      visitRate: rate,
      firstVisit: visits,
      borrower,
      borrowChance: 0.6,
      borrowAgainChance: 0.3,
      maxItems: 2,
      loanDays: 7,
      lateChance: 0.1,
      clean,
    };
  }
  const teacher = p.kind === 'teacher';
  return {
    patron: p,
    grade: null,
    visitRate: 0.015 + 0.03 * rng.next(),
    firstVisit: clean || rng.chance(teacher ? 1 : 0.85),
    borrower: clean || rng.chance(teacher ? 0.95 : 0.7),
    borrowChance: 0.7,
    borrowAgainChance: 0.4,
    maxItems: 5,
    loanDays: 30,
    lateChance: 0.1,
    clean,
  };
}

interface OpenLoan {
  loan: HistoryLoan;
  copy: number;
  /** Day the patron brings it back. */
  returnDay: number;
  dueDay: number;
}

export function generateHistory(options: HistoryOptions): History {
  const rng = createRng(options.seed ?? 2026).fork('history');
  const offsetMs = (options.utcOffsetMinutes ?? 420) * 60_000;
  const fromDay = dateToDay(options.from);
  const toDay = dateToDay(options.to);
  const cal = options.calendar;
  const openList = options.openDay;
  const openSet = Array.isArray(openList) ? new Set<string>(openList as readonly string[]) : null;
  const isOpen = (day: number): boolean => {
    const date = dayToDate(day);
    if (openSet) return openSet.has(date);
    if (typeof openList === 'function') return openList(date);
    if (cal) return isOpenDay(cal, date);
    const wd = new Date(day * DAY_MS).getUTCDay();
    return wd >= 1 && wd <= 5;
  };
  const gradesReadingOn = options.gradesReadingOn ?? (cal ? (date: string) => gradesReadingToday(cal, date) : undefined);
  /**
   * The first open day on or after `day` (a date in a holiday moves past it); when none follows
   * within two months (the summer), the last open day before it, but never before `floor`.
   */
  const rollToOpen = (day: number, floor = day): number => {
    for (let d = day; d < day + 60; d++) if (isOpen(d)) return d;
    for (let d = day - 1; d > floor; d--) if (isOpen(d)) return d;
    return floor;
  };
  const yearEnd = cal ? dateToDay(lastOpenDayOfSchoolYear(cal)) : null;
  const dueDayFor = (loanDay: number, days: number): number =>
    cal ? dateToDay(dueDateFor(cal, dayToDate(loanDay), days)) : rollToOpen(loanDay + days, loanDay);
  const instant = (day: number, minuteOfDay: number, second: number): string =>
    new Date(day * DAY_MS + minuteOfDay * 60_000 + second * 1000 - offsetMs).toISOString();

  let lastOpenDay = -Infinity;
  for (let d = toDay - 1; d >= fromDay; d--) {
    if (isOpen(d)) {
      lastOpenDay = d;
      break;
    }
  }

  const gradeOfClass = new Map(options.roster.classes.map((c) => [c.id, c.grade]));
  const cleanCards = new Set(options.cleanCards ?? [FIXTURE_PUPIL_CARD, FIXTURE_TEACHER_CARD]);
  const profileRng = rng.fork('profiles');
  const profiles = options.roster.patrons.map((p) =>
    profileFor(p, p.classId ? (gradeOfClass.get(p.classId) ?? null) : null, profileRng, cleanCards.has(p.cardBarcode)),
  );

  // Only copies that may go home: never textbooks (the cabinet's own process) or reference-only.
  const copies = options.copies.filter((c) => !c.referenceOnly && c.collection !== 'textbook');
  // Popularity: a Zipf-like weight per copy, in a random order, so some titles top the charts.
  const popularity = rng.shuffle(copies.map((_, i) => i)).reduce<number[]>((w, copyIndex, rank) => {
    w[copyIndex] = 1 / (rank + 3) ** 0.8;
    return w;
  }, []);
  /** Day from which each copy is on the shelf again. */
  const freeFrom = copies.map(() => -Infinity);

  const loans: HistoryLoan[] = [];
  const visits: HistoryVisit[] = [];
  const open = new Map<string, OpenLoan[]>();

  const pickCopy = (day: number, teacher: boolean): number | null => {
    // Pupils mostly take general books, teachers reach for reference more often; both collections
    // are loanable to both under the default policy.
    const wantReference = rng.chance(teacher ? 0.4 : 0.1);
    let total = 0;
    const candidates: number[] = [];
    for (let i = 0; i < copies.length; i++) {
      if (freeFrom[i]! > day) continue;
      if ((copies[i]!.collection === 'reference') !== wantReference) continue;
      candidates.push(i);
      total += popularity[i]!;
    }
    if (candidates.length === 0) return null;
    let r = rng.next() * total;
    for (const i of candidates) {
      r -= popularity[i]!;
      if (r < 0) return i;
    }
    return candidates[candidates.length - 1]!;
  };

  /** Minute of the day a pupil comes: before class, at break, at lunch, after class. */
  const pupilMinute = (): number => {
    const [start, end] = rng.weighted<[number, number]>([
      [[7 * 60, 7 * 60 + 25], 2],
      [[9 * 60 + 20, 9 * 60 + 45], 4],
      [[11 * 60 + 15, 13 * 60 + 15], 3],
      [[16 * 60, 16 * 60 + 25], 2],
    ]);
    return rng.int(start, end);
  };

  // First visits fall on one of the first 25 open days (or of all of them, in a shorter period).
  const openDays: number[] = [];
  for (let d = fromDay; d < toDay; d++) if (isOpen(d)) openDays.push(d);
  const introDays = openDays.slice(0, 25);
  const firstVisitDay = new Map<string, number>();
  const introRng = rng.fork('first-visits');
  for (const pr of profiles) {
    if (pr.firstVisit && introDays.length > 0) firstVisitDay.set(pr.patron.id, introRng.pick(introDays));
  }

  for (const day of openDays) {
    const date = dayToDate(day);
    const reading = new Set(gradesReadingOn?.(date) ?? []);
    const comers: Profile[] = [];
    for (const pr of profiles) {
      const returning = (open.get(pr.patron.id) ?? []).some((l) => l.returnDay <= day);
      const boost = pr.grade !== null && reading.has(pr.grade) ? 3 : 1;
      const first = firstVisitDay.get(pr.patron.id) === day;
      if (returning || first || (pr.visitRate > 0 && rng.chance(pr.visitRate * boost))) comers.push(pr);
    }
    for (const pr of rng.shuffle(comers)) {
      const teacherLike = pr.patron.kind !== 'pupil';
      const isFirst = firstVisitDay.get(pr.patron.id) === day;
      const minute = teacherLike ? rng.int(7 * 60, 16 * 60 + 20) : pupilMinute();
      const second = rng.int(0, 59);
      let busy = false;

      // Returns first (at the kiosk or through the drop box on the way in).
      const held = open.get(pr.patron.id) ?? [];
      const cameToReturn = held.some((l) => l.returnDay <= day);
      const kept: OpenLoan[] = [];
      for (const l of held) {
        if (l.returnDay <= day) {
          l.loan.returnedAt = instant(day, minute, second);
          freeFrom[l.copy] = day + 1;
          busy = true;
        } else {
          kept.push(l);
        }
      }
      open.set(pr.patron.id, kept);

      // Then borrowing, within the limit, and for pupils only with nothing overdue.
      const overdue = kept.some((l) => l.dueDay < day);
      const room = pr.maxItems - kept.length;
      // The last week before stock-taking is for bringing books back, not for taking them out.
      const stockTaking = yearEnd !== null && day > yearEnd - 7;
      if (pr.borrower && room > 0 && !stockTaking && !(overdue && !teacherLike) && rng.chance(cameToReturn ? pr.borrowAgainChance : isFirst ? 0.85 : pr.borrowChance)) {
        const want = Math.min(room, teacherLike ? rng.weighted([[1, 5], [2, 3], [3, 2]]) : rng.chance(0.3) ? 2 : 1);
        for (let k = 0; k < want; k++) {
          const copy = pickCopy(day, teacherLike);
          if (copy === null) break;
          const dueDay = dueDayFor(day, pr.loanDays);
          const late = !pr.clean && rng.chance(pr.lateChance);
          let returnDay = late
            ? rollToOpen(dueDay + rng.int(1, teacherLike ? 20 : 21), dueDay + 1)
            : rollToOpen(day + rng.int(Math.min(2, pr.loanDays), pr.loanDays), day);
          if (returnDay > dueDay && !late) returnDay = dueDay;
          // Stock-taking on 31 May: the librarian chases every book before the summer, and about
          // half of the late ones come back by the year's last open day.
          if (yearEnd !== null && returnDay > yearEnd && rng.chance(0.5)) returnDay = yearEnd;
          // Nothing comes back on the day it went out (and the last open day has no "later").
          returnDay = Math.max(returnDay, day + 1);
          // A clean patron only takes what they will have brought back before the demo starts.
          if (pr.clean && returnDay > lastOpenDay) break;
          const loan: HistoryLoan = {
            patronId: pr.patron.id,
            barcode: copies[copy]!.barcode,
            // Each item scanned a few seconds after the card tap (the visit's time).
            loanedAt: instant(day, minute, second + 15 + 6 * k),
            dueDate: dayToDate(dueDay),
            returnedAt: null,
          };
          loans.push(loan);
          kept.push({ loan, copy, returnDay, dueDay });
          freeFrom[copy] = Infinity;
          busy = true;
        }
      }
      visits.push({ patronId: pr.patron.id, at: instant(day, minute, second), source: busy ? 'circulation' : 'kiosk' });
    }
  }

  loans.sort((a, b) => (a.loanedAt < b.loanedAt ? -1 : a.loanedAt > b.loanedAt ? 1 : 0));
  visits.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { loans, visits };
}
