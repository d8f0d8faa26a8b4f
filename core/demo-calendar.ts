/**
 * The demo school's calendar for the 2026-2027 school year in Vietnam. Dates follow the usual
 * Ministry of Education framework (opening ceremony on 5 September, the year ends 31 May) and the
 * public holidays of the Labour Code; the Tết break is the school's own, around Tết on 2027-02-06.
 */
import type { SchoolCalendar } from './calendar.ts';

export const DEMO_CALENDAR: SchoolCalendar = {
  timeZoneOffsetMinutes: 420,
  // 2026-09-05 is a Saturday (the opening ceremony); lending starts on Monday 7 September.
  schoolYear: { name: '2026-2027', start: '2026-09-05', end: '2027-05-31' },
  semesters: [
    // Semester 1 ends on Saturday 16 January, so its last open day is Friday 15 January.
    { name_vi: 'Học kỳ I', name_en: 'Semester 1', start: '2026-09-05', end: '2027-01-16' },
    { name_vi: 'Học kỳ II', name_en: 'Semester 2', start: '2027-01-18', end: '2027-05-31' },
  ],
  holidays: [
    // Before the school year starts, so harmless; kept so the list reads like the school's own.
    { name_vi: 'Quốc khánh', name_en: 'National Day', start: '2026-09-02', end: '2026-09-02' },
    { name_vi: 'Tết Dương lịch', name_en: "New Year's Day", start: '2027-01-01', end: '2027-01-01' },
    { name_vi: 'Nghỉ Tết Nguyên đán', name_en: 'Lunar New Year (Tết) break', start: '2027-02-01', end: '2027-02-14' },
    // 10th day of the 3rd lunar month.
    { name_vi: 'Giỗ Tổ Hùng Vương', name_en: 'Hung Kings Commemoration Day', start: '2027-04-16', end: '2027-04-16' },
    // 30/4 and 1/5, with Monday 3 May as the day off in lieu of Saturday 1 May.
    {
      name_vi: 'Ngày Giải phóng miền Nam và Quốc tế Lao động',
      name_en: 'Reunification Day and Labour Day',
      start: '2027-04-30',
      end: '2027-05-03',
    },
  ],
  openWeekdays: [1, 2, 3, 4, 5],
  closedDates: [],
  openingHours: { open: '07:00', close: '16:30' },
  readingSchedule: {
    '1': [1, 2],
    '2': [3],
    '3': [4, 5],
    '4': [6, 7],
    '5': [8, 9],
  },
};
