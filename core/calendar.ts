/**
 * The school calendar as data, and the pure date arithmetic that due dates, "until the end of the
 * semester", the kiosk's idle screen and the statistics periods share.
 *
 * Dates are school-local calendar dates as 'YYYY-MM-DD' strings: they compare correctly as
 * strings, and a due date is a day in the school, not an instant. Instants (Date) only enter through
 * localDate() and isOpenNow(), which apply the calendar's fixed UTC offset (Vietnam: +07:00, no DST).
 */
import { z } from 'zod';

/** A school-local date, 'YYYY-MM-DD'. */
export type LocalDate = string;

/** A named, inclusive date range (a semester or a holiday). */
export interface CalendarRange {
  name_vi: string;
  name_en: string;
  start: LocalDate;
  end: LocalDate;
}

export interface SchoolCalendar {
  /** Minutes east of UTC; 420 (UTC+7) for Vietnam, which has no daylight saving time. */
  timeZoneOffsetMinutes: number;
  schoolYear: { name: string; start: LocalDate; end: LocalDate };
  semesters: CalendarRange[];
  /** Inclusive ranges when the school (and its library) is closed. */
  holidays: CalendarRange[];
  /** ISO weekdays the library opens: 1 = Monday … 7 = Sunday. */
  openWeekdays: number[];
  /** Single days closed besides holidays (stock-taking, a teachers' training day …). */
  closedDates: LocalDate[];
  /** Local opening hours, 'HH:MM' 24-hour; close is exclusive. */
  openingHours: { open: string; close: string };
  /** ISO weekday ('1'…'7') → grades that have their library reading period that day. */
  readingSchedule: Record<string, number[]>;
}

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** True for a real calendar date written 'YYYY-MM-DD' (rejects 2027-02-30). */
export function isLocalDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(t).toISOString().slice(0, 10) === s;
}

/** Days since 1970-01-01 of a 'YYYY-MM-DD' date; throws RangeError on a malformed date. */
function dayNumber(date: LocalDate): number {
  const m = DATE_RE.exec(date);
  if (!m || !isLocalDate(date)) throw new RangeError(`not a YYYY-MM-DD date: "${date}"`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
}

/** Throws RangeError unless date is a real 'YYYY-MM-DD' date: a typo must not read as "closed" or "after the year". */
function checkDate(date: LocalDate): void {
  if (!isLocalDate(date)) throw new RangeError(`not a YYYY-MM-DD date: "${date}"`);
}

function fromDayNumber(n: number): LocalDate {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** Minutes after midnight of an 'HH:MM' time. */
function minutesOf(hhmm: string): number {
  const m = TIME_RE.exec(hhmm);
  if (!m) throw new RangeError(`not an HH:MM time: "${hhmm}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The school-local date ('YYYY-MM-DD') of an instant, using the calendar's UTC offset. */
export function localDate(at: Date, cal: Pick<SchoolCalendar, 'timeZoneOffsetMinutes'>): LocalDate {
  return new Date(at.getTime() + cal.timeZoneOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** The date n days after date (n may be negative). */
export function addDays(date: LocalDate, n: number): LocalDate {
  return fromDayNumber(dayNumber(date) + n);
}

/** Whole days from a to b (positive when b is later): daysBetween('2027-01-01', '2027-01-08') = 7. */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return dayNumber(b) - dayNumber(a);
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  // 1970-01-01 was a Thursday (ISO 4).
  return ((((dayNumber(date) + 3) % 7) + 7) % 7) + 1;
}

function inRange(date: LocalDate, r: { start: LocalDate; end: LocalDate }): boolean {
  return r.start <= date && date <= r.end;
}

/** The holiday covering date, or null. */
export function holidayOn(cal: SchoolCalendar, date: LocalDate): CalendarRange | null {
  return cal.holidays.find((h) => inRange(date, h)) ?? null;
}

/** True when the library opens on date: an open weekday inside the school year, not a holiday, not a closed date. */
export function isOpenDay(cal: SchoolCalendar, date: LocalDate): boolean {
  checkDate(date);
  return (
    inRange(date, cal.schoolYear) &&
    cal.openWeekdays.includes(isoWeekday(date)) &&
    holidayOn(cal, date) === null &&
    !cal.closedDates.includes(date)
  );
}

/** The last open day on or before date and not before floor, or null when there is none. */
function lastOpenDayBetween(cal: SchoolCalendar, floor: LocalDate, date: LocalDate): LocalDate | null {
  for (let d = date; d >= floor; d = addDays(d, -1)) {
    if (isOpenDay(cal, d)) return d;
  }
  return null;
}

/** The last open day of the school year (its end date when, absurdly, no day is open). */
export function lastOpenDayOfSchoolYear(cal: SchoolCalendar): LocalDate {
  return lastOpenDayBetween(cal, cal.schoolYear.start, cal.schoolYear.end) ?? cal.schoolYear.end;
}

/**
 * date itself when the library opens that day, else the next open day. Past the last open day of the
 * school year it returns that last open day instead (an earlier date): books come back before the
 * summer, when nobody is there to take them back and the stock-taking of 31 May needs them on the shelf.
 */
export function nextOpenDay(cal: SchoolCalendar, date: LocalDate): LocalDate {
  checkDate(date);
  const from = date < cal.schoolYear.start ? cal.schoolYear.start : date;
  for (let d = from; d <= cal.schoolYear.end; d = addDays(d, 1)) {
    if (isOpenDay(cal, d)) return d;
  }
  return lastOpenDayOfSchoolYear(cal);
}

/**
 * Due date of a loan of `days` days made on loanDate: moved forward to the next open day so it
 * never falls on a weekend, holiday or closed day, and clamped to the last open day of the school
 * year. Never earlier than loanDate itself: a loan made after the year's last open day (before the
 * next year's calendar is loaded) is due the same day rather than already overdue.
 */
export function dueDateFor(cal: SchoolCalendar, loanDate: LocalDate, days: number): LocalDate {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`loan days must be a whole number >= 0, got ${days}`);
  const due = nextOpenDay(cal, addDays(loanDate, days));
  return due < loanDate ? loanDate : due;
}

/** The semester containing date, else the next one to start after it, else null (after the last semester). */
export function semesterFor(cal: SchoolCalendar, date: LocalDate): CalendarRange | null {
  checkDate(date);
  const sorted = [...cal.semesters].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return sorted.find((s) => inRange(date, s)) ?? sorted.find((s) => s.start > date) ?? null;
}

/**
 * The last open day of the semester containing date (of the next semester when date falls between
 * two); after the last semester, the last open day of the school year.
 */
export function semesterEnd(cal: SchoolCalendar, date: LocalDate): LocalDate {
  const sem = semesterFor(cal, date);
  if (!sem) return lastOpenDayOfSchoolYear(cal);
  return lastOpenDayBetween(cal, sem.start, sem.end) ?? sem.end;
}

/** Grades with their library reading period on date, from the weekly schedule; [] when the library is closed that day. */
export function gradesReadingToday(cal: SchoolCalendar, date: LocalDate): number[] {
  if (!isOpenDay(cal, date)) return [];
  return [...(cal.readingSchedule[String(isoWeekday(date))] ?? [])];
}

/** True when the library is open at the instant `at`: an open day, and open <= local time < close. */
export function isOpenNow(cal: SchoolCalendar, at: Date): boolean {
  if (!isOpenDay(cal, localDate(at, cal))) return false;
  const localMs = at.getTime() + cal.timeZoneOffsetMinutes * 60_000;
  const minute = Math.floor((((localMs % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);
  return minutesOf(cal.openingHours.open) <= minute && minute < minutesOf(cal.openingHours.close);
}

// ---- schema: the calendar travels to stations in the sync payload and comes from the librarian ----

const localDateSchema = z.string().refine(isLocalDate, { message: 'expected a real date YYYY-MM-DD' });
const rangeSchema = z
  .object({ name_vi: z.string().min(1), name_en: z.string().min(1), start: localDateSchema, end: localDateSchema })
  .refine((r) => r.start <= r.end, { message: 'start must not be after end' });

/** Validates a SchoolCalendar received from outside (sync payload, librarian's settings). */
export const schoolCalendarSchema = z
  .object({
    timeZoneOffsetMinutes: z.number().int().min(-720).max(840),
    schoolYear: z
      .object({ name: z.string().min(1), start: localDateSchema, end: localDateSchema })
      .refine((r) => r.start <= r.end, { message: 'start must not be after end' }),
    semesters: z.array(rangeSchema).min(1),
    holidays: z.array(rangeSchema),
    openWeekdays: z.array(z.number().int().min(1).max(7)),
    closedDates: z.array(localDateSchema),
    openingHours: z
      .object({ open: z.string().regex(TIME_RE), close: z.string().regex(TIME_RE) })
      .refine((h) => h.open < h.close, { message: 'open must be before close' }),
    readingSchedule: z.record(z.string().regex(/^[1-7]$/), z.array(z.number().int().min(1).max(12))),
  })
  .refine(
    // Only once the year's own dates are real: a typo there is reported once, where it is.
    (c) => !isLocalDate(c.schoolYear.start) || !isLocalDate(c.schoolYear.end) || c.semesters.every((s) => s.start >= c.schoolYear.start && s.end <= c.schoolYear.end),
    { message: 'every semester must lie inside the school year', path: ['semesters'] },
  );

/** One reason a calendar was refused: where, in Vietnamese, then in English. */
export interface CalendarIssue {
  path: string;
  message_vi: string;
  message_en: string;
}

const CUSTOM_VI: Record<string, string> = {
  'expected a real date YYYY-MM-DD': 'cần một ngày có thật, dạng YYYY-MM-DD',
  'start must not be after end': 'ngày bắt đầu không được sau ngày kết thúc',
  'open must be before close': 'giờ mở cửa phải trước giờ đóng cửa',
  'every semester must lie inside the school year': 'mọi học kỳ phải nằm trong năm học',
};

/**
 * Validates a calendar from outside (the librarian's dashboard): the calendar, or every reason it
 * was refused, each in Vietnamese and English, so nothing is stored half-checked.
 */
export function validateCalendar(input: unknown): { ok: true; calendar: SchoolCalendar } | { ok: false; issues: CalendarIssue[] } {
  const r = schoolCalendarSchema.safeParse(input);
  if (r.success) return { ok: true, calendar: r.data };
  return {
    ok: false,
    issues: r.error.issues.map((i) => {
      const path = i.path.join('.');
      const vi =
        CUSTOM_VI[i.message] ??
        (i.code === 'invalid_type'
          ? 'thiếu hoặc sai kiểu dữ liệu'
          : i.code === 'too_small'
            ? 'giá trị quá nhỏ hoặc danh sách trống'
            : i.code === 'too_big'
              ? 'giá trị quá lớn'
              : i.code === 'invalid_format' || i.code === 'invalid_key'
                ? 'sai định dạng (giờ dạng HH:MM, thứ 1–7)'
                : 'giá trị không hợp lệ');
      return { path, message_vi: vi, message_en: i.message };
    }),
  };
}

// Compile-time check that what the schema accepts is a SchoolCalendar.
type AssertCalendar<T extends SchoolCalendar> = T;
type _SchemaMatchesCalendar = AssertCalendar<z.infer<typeof schoolCalendarSchema>>;

/** What the kiosk's idle screen says about today: open or closed (and why), the hours, whose reading day it is. */
export interface LibraryDay {
  /** The school-local date this describes. */
  date: LocalDate;
  /** ISO weekday of date: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** The library opens on this date at all. */
  openToday: boolean;
  /** Open at the instant asked about (an open day, inside the opening hours). */
  openNow: boolean;
  /** The holiday that closes the library today, if that is why it is closed. */
  holiday: Pick<CalendarRange, 'name_vi' | 'name_en'> | null;
  openingHours: { open: string; close: string };
  /** ISO weekdays the library opens, ascending. */
  openWeekdays: number[];
  /** Grades with their reading period today ([] when closed or nobody's day). */
  gradesToday: number[];
  /** The whole weekly schedule, ISO weekday → grades, for the open weekdays only. */
  week: { weekday: number; grades: number[] }[];
}

/** The library's day at the instant `at`, in the calendar's time zone. */
export function libraryDay(cal: SchoolCalendar, at: Date): LibraryDay {
  const date = localDate(at, cal);
  const openToday = isOpenDay(cal, date);
  const openWeekdays = [...new Set(cal.openWeekdays)].sort((a, b) => a - b);
  const holiday = holidayOn(cal, date);
  return {
    date,
    weekday: isoWeekday(date),
    openToday,
    openNow: isOpenNow(cal, at),
    holiday: holiday ? { name_vi: holiday.name_vi, name_en: holiday.name_en } : null,
    openingHours: { ...cal.openingHours },
    openWeekdays,
    gradesToday: gradesReadingToday(cal, date),
    week: openWeekdays.map((weekday) => ({ weekday, grades: [...(cal.readingSchedule[String(weekday)] ?? [])] })),
  };
}
