/**
 * GET /api/occupancy: what the dashboard's occupancy panel shows. Times are UTC ISO strings, dates
 * school-local 'YYYY-MM-DD', hours school-local 0-23.
 */
export interface OccupancyReport {
  at: string;
  /** The local closing time of the daily reset, 'HH:MM'. */
  closingTime: string;
  /** People in the reading room now: in − out since the last reset, never below 0. */
  occupancy: number;
  /** in − out since the last reset; below 0 when the counter missed people coming in. */
  net: number;
  /** The last reset (start of the current count), or null before the first one. */
  periodStart: string | null;
  periodIn: number;
  periodOut: number;
  /** Each counter's latest reading. */
  counters: { device: string; boot: string; at: string; receivedAt: string; in: number; out: number }[];
  /** Footfall (people in) and people out per local hour of today, 24 entries. */
  today: { date: string; in: number; out: number; hours: { hour: number; in: number; out: number }[] };
  /** The last 7 days, oldest first: footfall next to card visits (distinct patrons), and that day's drift at closing. */
  days: { date: string; in: number; out: number; visits: number; drift: number | null }[];
  lastReset: { at: string; in: number; out: number; drift: number } | null;
}
