/**
 * The school calendar as the school keeps it: one JSON row under the key 'calendar' in the
 * `settings` table, seeded once from a default (the demo calendar) and edited from the dashboard.
 *
 * `live` is the calendar every consumer holds (authority and policy due dates, statistics periods,
 * occupancy closing time, station sync): an object whose fields always read the calendar saved
 * last, so a change applies without a restart. A save also records a replica change, so the
 * stations resync (mqtt-service announces the new change number) and decide offline with it.
 */
import type { Db } from '#core/node/sqlite.ts';
import { validateCalendar, type CalendarIssue, type SchoolCalendar } from '#core/calendar.ts';

export const CALENDAR_KEY = 'calendar';

export interface CalendarState {
  calendar: SchoolCalendar;
  /** Seeded from the built-in demo calendar in production: the librarian should check it. */
  needsReview: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface CalendarStoreOptions {
  /** Stored at the first start, when the database has no calendar yet. */
  initial: SchoolCalendar;
  /** Flag the seeded calendar as "needs review" (production: it is the demo school's). */
  initialNeedsReview: boolean;
  clock: () => Date;
  /** Called inside the saving transaction: records the replica change. */
  onSaved?: (calendar: SchoolCalendar) => void;
}

export type CalendarUpdate = { ok: true; state: CalendarState } | { ok: false; issues: CalendarIssue[] };

export class CalendarStore {
  private state: CalendarState;
  readonly live: SchoolCalendar;

  constructor(
    private readonly db: Db,
    private readonly o: CalendarStoreOptions,
  ) {
    const row = db.prepare(`SELECT value FROM settings WHERE key = ?`).get(CALENDAR_KEY) as { value: string } | undefined;
    const stored = row ? this.read(row.value) : null;
    if (stored) this.state = stored;
    else {
      this.state = { calendar: o.initial, needsReview: o.initialNeedsReview, updatedAt: null, updatedBy: null };
      // Not over an unreadable row: that stays for someone to look at; the default serves meanwhile.
      if (!row) this.write(this.state);
      else this.state.needsReview = true;
    }
    const cur = () => this.state.calendar;
    this.live = {
      get timeZoneOffsetMinutes() {
        return cur().timeZoneOffsetMinutes;
      },
      get schoolYear() {
        return cur().schoolYear;
      },
      get semesters() {
        return cur().semesters;
      },
      get holidays() {
        return cur().holidays;
      },
      get openWeekdays() {
        return cur().openWeekdays;
      },
      get closedDates() {
        return cur().closedDates;
      },
      get openingHours() {
        return cur().openingHours;
      },
      get readingSchedule() {
        return cur().readingSchedule;
      },
    };
  }

  private read(json: string): CalendarState | null {
    try {
      const v = JSON.parse(json) as Partial<CalendarState>;
      const c = validateCalendar(v.calendar);
      if (!c.ok) return null;
      return { calendar: c.calendar, needsReview: v.needsReview === true, updatedAt: v.updatedAt ?? null, updatedBy: v.updatedBy ?? null };
    } catch {
      return null;
    }
  }

  private write(s: CalendarState): void {
    this.db
      .prepare(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
      .run(CALENDAR_KEY, JSON.stringify(s));
  }

  /** The current calendar and whether it still needs the librarian's review. */
  get(): CalendarState {
    return structuredClone(this.state);
  }

  /**
   * Validates and saves a whole new calendar; refused with every reason and nothing changed when it
   * is invalid. The school year's name is not changed here: classes and rates are kept per school
   * year, and a new year starts with the year-end promotion (a restart loads its name).
   */
  update(input: unknown, by: string): CalendarUpdate {
    const v = validateCalendar(input);
    if (!v.ok) return v;
    if (v.calendar.schoolYear.name !== this.state.calendar.schoolYear.name) {
      return {
        ok: false,
        issues: [
          {
            path: 'schoolYear.name',
            message_vi: `Không đổi tên năm học ở đây (đang là ${this.state.calendar.schoolYear.name}).`,
            message_en: `The school year's name cannot be changed here (it is ${this.state.calendar.schoolYear.name}).`,
          },
        ],
      };
    }
    const next: CalendarState = { calendar: v.calendar, needsReview: false, updatedAt: this.o.clock().toISOString(), updatedBy: by };
    this.db.transaction(() => {
      this.write(next);
      this.o.onSaved?.(next.calendar);
    })();
    this.state = next;
    return { ok: true, state: this.get() };
  }
}
