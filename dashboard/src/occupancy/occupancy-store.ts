/**
 * Door counter readings in SQLite, and what they mean: occupancy (in − out since the last reset),
 * footfall (people in) per hour and per day, and the daily reset at closing time that starts the
 * count again at 0 and keeps the drift (in − out at that moment: people the counter believes are
 * still in a room that is empty by then, from shadows or two children passing abreast).
 *
 * Period membership is by reset_id, not by time: a reset claims every unclaimed reading made at or
 * before its closing instant, so a reading that arrives late is still counted in the next period.
 */
import type { Logger } from 'pino';
import { addDays, localDate, type SchoolCalendar } from '#core/calendar.ts';
import type { CounterEvent } from '#core/protocol/messages.ts';
import type { Db } from '#core/node/sqlite.ts';
import { readingDelta } from './reading-delta.ts';
import type { OccupancyReport } from './types.ts';

/** A counter clock further than this from the server's is not trusted for placing a reading in time. */
export const CLOCK_TOLERANCE_MS = 10 * 60_000;
/** Closing time when the calendar has no opening hours. */
export const DEFAULT_CLOSING_TIME = '17:00';

export interface OccupancyStoreOptions {
  db: Db;
  /** The school's time zone, and its opening hours when it has them (the close is the reset time). */
  calendar: Pick<SchoolCalendar, 'timeZoneOffsetMinutes'> & { openingHours?: { close: string } };
  clock: () => Date;
  /** Used when the calendar has no opening hours; 'HH:MM', default DEFAULT_CLOSING_TIME. */
  closingTime?: string;
  log?: Logger;
}

export type IngestResult = 'stored' | 'duplicate' | 'stale';

const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

export class OccupancyStore {
  constructor(private readonly o: OccupancyStoreOptions) {
    const close = this.closingTime;
    if (!TIME_RE.test(close)) throw new RangeError(`closing time must be HH:MM, not "${close}"`);
  }

  /** Read from the calendar each time: the librarian may change the opening hours while the server runs. */
  get closingTime(): string {
    return this.o.calendar.openingHours?.close ?? this.o.closingTime ?? DEFAULT_CLOSING_TIME;
  }

  private get offsetMs(): number {
    return this.o.calendar.timeZoneOffsetMinutes * 60_000;
  }

  /** Stores one validated reading; 'duplicate' and 'stale' (older than one already stored) change nothing. */
  ingest(e: CounterEvent, receivedAt: Date): IngestResult {
    const db = this.o.db;
    return db.transaction((): IngestResult => {
      const prev = db
        .prepare(`SELECT boot, seq, in_total AS "in", out_total AS "out" FROM counter_readings WHERE device = ? ORDER BY id DESC LIMIT 1`)
        .get(e.device) as { boot: string; seq: number; in: number; out: number } | undefined;
      // A late reading of an earlier boot (the counter has rebooted since) would look like another
      // restart and count its people twice.
      if (prev && prev.boot !== e.boot && db.prepare(`SELECT 1 FROM counter_readings WHERE device = ? AND boot = ? LIMIT 1`).get(e.device, e.boot)) {
        return 'stale';
      }
      const delta = readingDelta(prev ?? null, e);
      if (!delta) return prev && prev.boot === e.boot && prev.seq === e.seq ? 'duplicate' : 'stale';
      const deviceAt = Date.parse(e.at);
      const at = Math.abs(deviceAt - receivedAt.getTime()) > CLOCK_TOLERANCE_MS ? receivedAt : new Date(deviceAt);
      const info = db
        .prepare(
          `INSERT OR IGNORE INTO counter_readings (device, boot, seq, at, received_at, in_total, out_total, in_delta, out_delta)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(e.device, e.boot, e.seq, at.toISOString(), receivedAt.toISOString(), e.in, e.out, delta.in, delta.out);
      if (info.changes === 0) return 'duplicate';
      if (delta.restarted) this.o.log?.info({ device: e.device, boot: e.boot }, 'counter restarted: counts from 0 again');
      return 'stored';
    })();
  }

  /** The UTC instant of closing time on a school-local date. */
  closingInstant(date: string): Date {
    return new Date(Date.parse(`${date}T${this.closingTime}:00Z`) - this.offsetMs);
  }

  /** Makes every daily reset due by `now` (closing instants since the last reset); returns how many it made. */
  applyResets(now: Date = this.o.clock()): number {
    const db = this.o.db;
    return db.transaction(() => {
      const last = (db.prepare(`SELECT MAX(at) AS at FROM occupancy_resets`).get() as { at: string | null }).at;
      const first = (db.prepare(`SELECT MIN(at) AS at FROM counter_readings`).get() as { at: string | null }).at;
      if (!first) return 0;
      const from = last ?? first;
      let made = 0;
      for (let date = localDate(new Date(from), this.o.calendar); ; date = addDays(date, 1)) {
        const close = this.closingInstant(date);
        if (close > now) break;
        const iso = close.toISOString();
        if (last && iso <= last) continue;
        if (!last && iso < first) continue;
        this.recordReset(iso);
        made++;
      }
      return made;
    })();
  }

  /** Ends the open period at `iso`: its in/out totals and drift become a reset row, its readings point at it. */
  private recordReset(iso: string): { i: number; o: number } {
    const db = this.o.db;
    const sums = db
      .prepare(`SELECT COALESCE(SUM(in_delta), 0) AS i, COALESCE(SUM(out_delta), 0) AS o FROM counter_readings WHERE reset_id IS NULL AND at <= ?`)
      .get(iso) as { i: number; o: number };
    const id = db
      .prepare(`INSERT INTO occupancy_resets (at, kind, in_count, out_count, drift) VALUES (?, 'closing', ?, ?, ?)`)
      .run(iso, sums.i, sums.o, sums.i - sums.o).lastInsertRowid;
    db.prepare(`UPDATE counter_readings SET reset_id = ? WHERE reset_id IS NULL AND at <= ?`).run(id, iso);
    return sums;
  }

  /**
   * A librarian's "reset now": occupancy starts again at 0 at `now` (the closings due before it are
   * made first), keeping the drift of the period it ends. Null when a reset is already recorded at
   * or after `now` (a second click in the same instant, or a clock set back).
   *
   * Stored with kind 'closing' (the table's only kind, and a reset like any other for the periods
   * and the drift); the later closing of the same day still runs and ends the next period.
   */
  resetNow(now: Date = this.o.clock()): { at: string; in: number; out: number; drift: number } | null {
    const db = this.o.db;
    return db.transaction(() => {
      this.applyResets(now);
      const iso = now.toISOString();
      const last = (db.prepare(`SELECT MAX(at) AS at FROM occupancy_resets`).get() as { at: string | null }).at;
      if (last && iso <= last) return null;
      const sums = this.recordReset(iso);
      this.o.log?.info({ at: iso, drift: sums.i - sums.o }, 'occupancy reset by hand');
      return { at: iso, in: sums.i, out: sums.o, drift: sums.i - sums.o };
    })();
  }

  /** Runs applyResets every `everyMs` (default 60 s); returns the function that stops it. */
  startDailyReset(everyMs = 60_000): () => void {
    const run = () => {
      try {
        this.applyResets(this.o.clock());
      } catch (err) {
        this.o.log?.error({ err }, 'occupancy reset failed');
      }
    };
    run();
    const t = setInterval(run, everyMs);
    t.unref();
    return () => clearInterval(t);
  }

  /** Occupancy now, today's footfall per hour and the last 7 days' footfall, visits and drift. */
  report(now: Date = this.o.clock()): OccupancyReport {
    this.applyResets(now);
    const db = this.o.db;
    const period = db
      .prepare(`SELECT COALESCE(SUM(in_delta), 0) AS i, COALESCE(SUM(out_delta), 0) AS o FROM counter_readings WHERE reset_id IS NULL`)
      .get() as { i: number; o: number };
    const lastReset = db.prepare(`SELECT at, in_count AS "in", out_count AS "out", drift FROM occupancy_resets ORDER BY at DESC LIMIT 1`).get() as
      | OccupancyReport['lastReset']
      | undefined;
    const counters = db
      .prepare(
        `SELECT r.device, r.boot, r.at, r.received_at AS receivedAt, r.in_total AS "in", r.out_total AS "out"
         FROM counter_readings r JOIN (SELECT device, MAX(id) AS id FROM counter_readings GROUP BY device) m ON m.id = r.id
         ORDER BY r.device`,
      )
      .all() as OccupancyReport['counters'];

    const today = localDate(now, this.o.calendar);
    const shift = `${this.o.calendar.timeZoneOffsetMinutes >= 0 ? '+' : ''}${this.o.calendar.timeZoneOffsetMinutes} minutes`;
    const dayStart = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - this.offsetMs).toISOString();
    const hourRows = db
      .prepare(
        `SELECT CAST(strftime('%H', at, ?) AS INTEGER) AS hour, SUM(in_delta) AS "in", SUM(out_delta) AS "out"
         FROM counter_readings WHERE at >= ? AND at < ? GROUP BY hour`,
      )
      .all(shift, dayStart(today), dayStart(addDays(today, 1))) as { hour: number; in: number; out: number }[];
    const hours = Array.from({ length: 24 }, (_, hour) => {
      const r = hourRows.find((x) => x.hour === hour);
      return { hour, in: r?.in ?? 0, out: r?.out ?? 0 };
    });

    const first = addDays(today, -6);
    const range = [dayStart(first), dayStart(addDays(today, 1))];
    const dayIO = db
      .prepare(`SELECT date(at, ?) AS date, SUM(in_delta) AS "in", SUM(out_delta) AS "out" FROM counter_readings WHERE at >= ? AND at < ? GROUP BY date`)
      .all(shift, ...range) as { date: string; in: number; out: number }[];
    const visits = db
      .prepare(`SELECT date(at, ?) AS date, COUNT(DISTINCT patron_id) AS n FROM visits WHERE at >= ? AND at < ? GROUP BY date`)
      .all(shift, ...range) as { date: string; n: number }[];
    const drifts = db
      .prepare(`SELECT date(at, ?) AS date, SUM(drift) AS drift FROM occupancy_resets WHERE at >= ? AND at < ? GROUP BY date`)
      .all(shift, ...range) as { date: string; drift: number }[];
    const days = Array.from({ length: 7 }, (_, i) => {
      const date = addDays(first, i);
      const io = dayIO.find((d) => d.date === date);
      return {
        date,
        in: io?.in ?? 0,
        out: io?.out ?? 0,
        visits: visits.find((v) => v.date === date)?.n ?? 0,
        drift: drifts.find((d) => d.date === date)?.drift ?? null,
      };
    });
    const todayIO = days[6]!;

    const net = period.i - period.o;
    return {
      at: now.toISOString(),
      closingTime: this.closingTime,
      occupancy: Math.max(0, net),
      net,
      periodStart: lastReset?.at ?? null,
      periodIn: period.i,
      periodOut: period.o,
      counters,
      today: { date: today, in: todayIO.in, out: todayIO.out, hours },
      days,
      lastReset: lastReset ?? null,
    };
  }
}
