import assert from 'node:assert/strict';
import {
  addDays,
  daysBetween,
  dueDateFor,
  gradesReadingToday,
  holidayOn,
  isLocalDate,
  isOpenDay,
  isOpenNow,
  isoWeekday,
  lastOpenDayOfSchoolYear,
  localDate,
  nextOpenDay,
  schoolCalendarSchema,
  semesterEnd,
  semesterFor,
  type SchoolCalendar,
} from '#core/calendar.ts';
import { DEMO_CALENDAR } from '#core/demo-calendar.ts';

const cal = DEMO_CALENDAR;

describe('core/calendar', () => {
  describe('date arithmetic', () => {
    it('gives the school-local date of an instant (UTC+7)', () => {
      assert.equal(localDate(new Date('2026-09-06T16:59:59Z'), cal), '2026-09-06');
      assert.equal(localDate(new Date('2026-09-06T17:00:00Z'), cal), '2026-09-07', 'midnight in Hà Nội');
      assert.equal(localDate(new Date('2026-12-31T17:30:00Z'), cal), '2027-01-01');
    });

    it('adds days across months, years and backwards', () => {
      assert.equal(addDays('2026-12-28', 7), '2027-01-04');
      assert.equal(addDays('2027-02-27', 2), '2027-03-01');
      assert.equal(addDays('2027-03-01', -1), '2027-02-28');
      assert.equal(addDays('2028-02-28', 1), '2028-02-29', 'leap year');
      assert.equal(daysBetween('2027-01-01', '2027-01-08'), 7);
      assert.equal(daysBetween('2027-01-08', '2027-01-01'), -7);
      assert.throws(() => addDays('2027-02-30', 1), RangeError);
      assert.throws(() => addDays('27-1-1', 1), RangeError);
    });

    it('numbers weekdays the ISO way (1 = Monday … 7 = Sunday)', () => {
      assert.equal(isoWeekday('2026-09-07'), 1);
      assert.equal(isoWeekday('2026-09-05'), 6);
      assert.equal(isoWeekday('2026-09-06'), 7);
      assert.equal(isoWeekday('2027-02-06'), 6, 'Tết 2027 is a Saturday');
      assert.equal(isoWeekday('1969-12-31'), 3, 'before 1970 too');
    });

    it('recognizes real YYYY-MM-DD dates only', () => {
      assert.equal(isLocalDate('2027-02-28'), true);
      assert.equal(isLocalDate('2027-02-29'), false);
      assert.equal(isLocalDate('2027-2-28'), false);
      assert.equal(isLocalDate('2027-02-28T00:00'), false);
    });

    it('throws on a malformed date rather than calling it closed or after the year', () => {
      assert.throws(() => isOpenDay(cal, '2027-13-01'), RangeError);
      assert.throws(() => nextOpenDay(cal, 'tomorrow'), RangeError);
      assert.throws(() => semesterEnd(cal, '2027/01/15'), RangeError);
    });
  });

  describe('open days (demo calendar 2026-2027)', () => {
    it('opens Monday to Friday inside the school year', () => {
      assert.equal(isOpenDay(cal, '2026-09-05'), false, 'opening ceremony is a Saturday');
      assert.equal(isOpenDay(cal, '2026-09-07'), true);
      assert.equal(isOpenDay(cal, '2026-09-12'), false, 'Saturday closed');
      assert.equal(isOpenDay(cal, '2026-09-13'), false, 'Sunday closed');
      assert.equal(isOpenDay(cal, '2026-09-02'), false, 'before the school year');
      assert.equal(isOpenDay(cal, '2027-05-31'), true, 'last day of the year');
      assert.equal(isOpenDay(cal, '2027-06-01'), false, 'summer');
    });

    it('closes on every holiday', () => {
      for (const d of ['2027-01-01', '2027-02-01', '2027-02-05', '2027-02-12', '2027-04-16', '2027-04-30', '2027-05-03']) {
        assert.equal(isOpenDay(cal, d), false, d);
      }
      assert.equal(holidayOn(cal, '2027-02-08')?.name_vi, 'Nghỉ Tết Nguyên đán');
      assert.equal(holidayOn(cal, '2027-02-15'), null);
      assert.equal(isOpenDay(cal, '2027-02-15'), true, 'back after Tết');
    });

    it('closes on closedDates', () => {
      const stocktaking: SchoolCalendar = { ...cal, closedDates: ['2027-05-31'] };
      assert.equal(isOpenDay(stocktaking, '2027-05-31'), false);
      assert.equal(lastOpenDayOfSchoolYear(stocktaking), '2027-05-28');
      assert.equal(lastOpenDayOfSchoolYear(cal), '2027-05-31');
    });

    it('finds the next open day', () => {
      assert.equal(nextOpenDay(cal, '2026-09-07'), '2026-09-07', 'same day when open');
      assert.equal(nextOpenDay(cal, '2026-09-12'), '2026-09-14', 'over a weekend');
      assert.equal(nextOpenDay(cal, '2027-02-01'), '2027-02-15', 'over Tết');
      assert.equal(nextOpenDay(cal, '2027-04-30'), '2027-05-04', 'over 30/4–1/5');
      assert.equal(nextOpenDay(cal, '2026-08-20'), '2026-09-07', 'before the year: its first open day');
    });

    it('returns the last open day of the year when asked past its end (books come back before summer)', () => {
      assert.equal(nextOpenDay(cal, '2027-06-01'), '2027-05-31');
      assert.equal(nextOpenDay(cal, '2027-08-15'), '2027-05-31');
    });
  });

  describe('due dates', () => {
    it('keeps a due date that is already an open day', () => {
      assert.equal(dueDateFor(cal, '2026-10-05', 7), '2026-10-12');
    });

    it('moves a due date off a weekend', () => {
      assert.equal(dueDateFor(cal, '2026-10-06', 4), '2026-10-12', 'Saturday → Monday');
      assert.equal(dueDateFor(cal, '2026-10-07', 4), '2026-10-12', 'Sunday → Monday');
    });

    it('moves a due date across Tết and the other holidays', () => {
      assert.equal(dueDateFor(cal, '2027-01-28', 7), '2027-02-15', 'pupil loan into the Tết break');
      assert.equal(dueDateFor(cal, '2027-01-05', 30), '2027-02-15', 'teacher loan into the Tết break');
      assert.equal(dueDateFor(cal, '2026-12-25', 7), '2027-01-04', "New Year's Day is a Friday");
      assert.equal(dueDateFor(cal, '2027-04-09', 7), '2027-04-19', 'Giỗ Tổ Hùng Vương');
      assert.equal(dueDateFor(cal, '2027-04-23', 7), '2027-05-04', '30/4–1/5 and the day in lieu');
    });

    it('does not stop at the semester end (only the school-year end clamps)', () => {
      assert.equal(dueDateFor(cal, '2027-01-13', 7), '2027-01-20');
    });

    it('clamps to the last open day of the school year', () => {
      assert.equal(dueDateFor(cal, '2027-05-20', 30), '2027-05-31');
      assert.equal(dueDateFor(cal, '2027-05-27', 7), '2027-05-31');
      const stocktaking: SchoolCalendar = { ...cal, closedDates: ['2027-05-31'] };
      assert.equal(dueDateFor(stocktaking, '2027-05-27', 7), '2027-05-28');
    });

    it('is never before the loan date, even after the school year', () => {
      assert.equal(dueDateFor(cal, '2027-06-05', 7), '2027-06-05');
    });

    it('refuses a negative or fractional loan period', () => {
      assert.throws(() => dueDateFor(cal, '2026-10-05', -1), RangeError);
      assert.throws(() => dueDateFor(cal, '2026-10-05', 1.5), RangeError);
    });
  });

  describe('semesters', () => {
    it('gives the last open day of the semester containing the date', () => {
      assert.equal(semesterEnd(cal, '2026-10-05'), '2027-01-15', 'semester 1 ends on a Saturday');
      assert.equal(semesterEnd(cal, '2027-01-15'), '2027-01-15');
      assert.equal(semesterEnd(cal, '2027-01-16'), '2027-01-15', 'its own last day is closed');
      assert.equal(semesterEnd(cal, '2027-03-01'), '2027-05-31');
    });

    it('uses the next semester between two, and the year end after the last', () => {
      assert.equal(semesterFor(cal, '2027-01-17')?.name_en, 'Semester 2');
      assert.equal(semesterEnd(cal, '2027-01-17'), '2027-05-31');
      assert.equal(semesterEnd(cal, '2026-08-01'), '2027-01-15');
      assert.equal(semesterFor(cal, '2027-07-01'), null);
      assert.equal(semesterEnd(cal, '2027-07-01'), '2027-05-31');
    });
  });

  describe('reading schedule and opening hours', () => {
    it('lists the grades reading on each weekday, none on closed days', () => {
      assert.deepEqual(gradesReadingToday(cal, '2026-09-07'), [1, 2]);
      assert.deepEqual(gradesReadingToday(cal, '2026-09-08'), [3]);
      assert.deepEqual(gradesReadingToday(cal, '2026-09-09'), [4, 5]);
      assert.deepEqual(gradesReadingToday(cal, '2026-09-10'), [6, 7]);
      assert.deepEqual(gradesReadingToday(cal, '2026-09-11'), [8, 9]);
      assert.deepEqual(gradesReadingToday(cal, '2026-09-12'), []);
      assert.deepEqual(gradesReadingToday(cal, '2027-01-01'), [], "New Year's Day is a Friday holiday");
    });

    it('is open from 07:00 to 16:30 local time on open days', () => {
      assert.equal(isOpenNow(cal, new Date('2026-09-06T23:59:00Z')), false, '06:59');
      assert.equal(isOpenNow(cal, new Date('2026-09-07T00:00:00Z')), true, '07:00');
      assert.equal(isOpenNow(cal, new Date('2026-09-07T09:29:59Z')), true, '16:29');
      assert.equal(isOpenNow(cal, new Date('2026-09-07T09:30:00Z')), false, '16:30');
      assert.equal(isOpenNow(cal, new Date('2026-09-12T03:00:00Z')), false, 'Saturday 10:00');
      assert.equal(isOpenNow(cal, new Date('2027-02-03T03:00:00Z')), false, 'Tết');
    });
  });

  describe('schema', () => {
    it('accepts the demo calendar and rejects a broken one', () => {
      assert.equal(schoolCalendarSchema.safeParse(DEMO_CALENDAR).success, true);
      assert.equal(schoolCalendarSchema.safeParse({ ...cal, closedDates: ['2027-02-30'] }).success, false);
      assert.equal(schoolCalendarSchema.safeParse({ ...cal, openingHours: { open: '17:00', close: '07:00' } }).success, false);
      const outside = { ...cal, semesters: [{ name_vi: 'HK', name_en: 'S', start: '2026-08-01', end: '2026-12-31' }] };
      assert.equal(schoolCalendarSchema.safeParse(outside).success, false);
    });

    it('gives the demo calendar the dates of the brief', () => {
      assert.equal(cal.timeZoneOffsetMinutes, 420);
      assert.equal(nextOpenDay(cal, cal.schoolYear.start), '2026-09-07');
      assert.equal(cal.semesters.length, 2);
      assert.deepEqual(
        cal.holidays.map((h) => [h.start, h.end]),
        [
          ['2026-09-02', '2026-09-02'],
          ['2027-01-01', '2027-01-01'],
          ['2027-02-01', '2027-02-14'],
          ['2027-04-16', '2027-04-16'],
          ['2027-04-30', '2027-05-03'],
        ],
      );
    });
  });
});
