/** The statistics periods: a school-local date range for day / week / month / semester / school year. */
import { addDays, isLocalDate, isoWeekday, type LocalDate, type SchoolCalendar } from '#core/calendar.ts';

export const PERIODS = ['day', 'week', 'month', 'semester', 'year'] as const;
export type PeriodKind = (typeof PERIODS)[number];

export interface Period {
  kind: PeriodKind;
  /** Inclusive school-local dates. */
  from: LocalDate;
  to: LocalDate;
  label_vi: string;
  label_en: string;
}

export class PeriodError extends Error {
  override name = 'PeriodError';
}

/** The period of `kind` containing `date` (ISO weeks, Monday to Sunday; semesters from the calendar). */
export function periodOf(cal: SchoolCalendar, kind: PeriodKind, date: LocalDate): Period {
  if (!isLocalDate(date)) throw new PeriodError(`not a YYYY-MM-DD date: "${date}"`);
  const dmy = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
  switch (kind) {
    case 'day':
      return { kind, from: date, to: date, label_vi: `Ngày ${dmy(date)}`, label_en: `Day ${date}` };
    case 'week': {
      const from = addDays(date, 1 - isoWeekday(date));
      const to = addDays(from, 6);
      return { kind, from, to, label_vi: `Tuần ${dmy(from)}–${dmy(to)}`, label_en: `Week ${from} – ${to}` };
    }
    case 'month': {
      const from = `${date.slice(0, 7)}-01`;
      const y = Number(date.slice(0, 4));
      const m = Number(date.slice(5, 7));
      const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
      return { kind, from, to: addDays(next, -1), label_vi: `Tháng ${m}/${y}`, label_en: `Month ${date.slice(0, 7)}` };
    }
    case 'semester': {
      const s = cal.semesters.find((x) => x.start <= date && date <= x.end);
      if (!s) throw new PeriodError(`${date} is in no semester of the school year ${cal.schoolYear.name}`);
      return { kind, from: s.start, to: s.end, label_vi: `${s.name_vi} ${cal.schoolYear.name}`, label_en: `${s.name_en} ${cal.schoolYear.name}` };
    }
    case 'year':
      return {
        kind,
        from: cal.schoolYear.start,
        to: cal.schoolYear.end,
        label_vi: `Năm học ${cal.schoolYear.name}`,
        label_en: `School year ${cal.schoolYear.name}`,
      };
  }
}
