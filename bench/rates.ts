/**
 * Rate query for a whole school year (issue 6 budget: p99 < 50 ms for 600 pupils, ~100k loans,
 * ~300k visits), beside the naive GROUP BY / COUNT(DISTINCT) over the raw loans and visits on the
 * same database. Both must give the same counts, or the bench fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '#core/node/sqlite.ts';
import { addDays, isOpenDay } from '#core/calendar.ts';
import { DEMO_CALENDAR } from '#core/demo-calendar.ts';
import { MIGRATIONS } from '#server/db/migrations.ts';
import { groupCounts, naiveGroupCounts, ratesReport } from '#server/stats/rates.ts';
import { periodOf } from '#server/stats/periods.ts';
import { DEFAULT_SETTINGS } from '#server/stats/settings.ts';

export interface Timing {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export interface RatesBench {
  pupils: number;
  teachers: number;
  loans: number;
  visits: number;
  activityRows: number;
  seedMs: number;
  fast: Timing;
  report: Timing;
  /** CPU time of the whole report (not wall clock). */
  reportCpu: Timing;
  naive: Timing;
  same: boolean;
}

function timing(samples: number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
  return { n: s.length, p50: q(0.5), p99: q(0.99), max: s[s.length - 1]! };
}

function measure(n: number, fn: () => unknown): Timing {
  fn(); // warm the page cache and the statement cache
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    fn();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return timing(out);
}

/**
 * Wall-clock timings of a and b, interleaved; plus b's CPU time (user + system of this process),
 * which a busy machine's scheduler does not inflate: it shows how much of a slow p99 was waiting.
 */
function measureBoth(n: number, a: () => unknown, b: () => unknown): [Timing, Timing, Timing] {
  a();
  b();
  const ta: number[] = [];
  const tb: number[] = [];
  const cb: number[] = [];
  for (let i = 0; i < n; i++) {
    let t = process.hrtime.bigint();
    a();
    ta.push(Number(process.hrtime.bigint() - t) / 1e6);
    const c = process.cpuUsage();
    t = process.hrtime.bigint();
    b();
    tb.push(Number(process.hrtime.bigint() - t) / 1e6);
    const d = process.cpuUsage(c);
    cb.push((d.user + d.system) / 1000);
  }
  return [timing(ta), timing(tb), timing(cb)];
}

/**
 * Seeds a school year into db: 20 classes of 30 pupils, 30 teachers, `loans` loans and `visits`
 * visits on random open days, through the ordinary inserts (so the triggers keep the activity table).
 */
export function seedSchoolYear(db: Db, LOANS: number, VISITS: number): void {
  const cal = DEMO_CALENDAR;
  const year = cal.schoolYear.name;
  {
    let seed = 42;
    const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const days: string[] = [];
    for (let d = cal.schoolYear.start; d <= cal.schoolYear.end; d = addDays(d, 1)) if (isOpenDay(cal, d)) days.push(d);
    const at = (day: string) => new Date(Date.parse(`${day}T00:30:00Z`) + Math.floor(rnd() * 8 * 3600_000)).toISOString();

    const t0 = performance.now();
    const patrons: string[] = [];
    db.transaction(() => {
      db.prepare(`INSERT INTO records (id, title) VALUES (1, 'Bench')`).run();
      const copy = db.prepare(`INSERT INTO copies (id, record_id, barcode, accession, collection) VALUES (?, 1, ?, ?, 'children')`);
      for (let i = 1; i <= 5000; i++) copy.run(i, `3${String(i).padStart(13, '0')}`, `A${i}`);
      const patron = db.prepare(`INSERT INTO patrons (id, kind, full_name) VALUES (?, ?, ?)`);
      const cls = db.prepare(`INSERT INTO classes (id, name, grade, school_year, homeroom_teacher_id) VALUES (?, ?, ?, ?, ?)`);
      const member = db.prepare(`INSERT INTO class_members (school_year, class_id, patron_id) VALUES (?, ?, ?)`);
      for (let t = 0; t < 30; t++) {
        patron.run(`t${t}`, 'teacher', `Teacher ${t}`);
        patrons.push(`t${t}`);
      }
      for (let c = 0; c < 20; c++) {
        const grade = 1 + Math.floor(c / 2.3);
        const id = `${grade}${String.fromCharCode(65 + (c % 3))}-${c}`;
        cls.run(id, id, grade, year, `t${c}`);
        for (let k = 0; k < 30; k++) {
          const p = `p${c * 30 + k}`;
          patron.run(p, 'pupil', `Pupil ${p}`);
          member.run(year, id, p);
          patrons.push(p);
        }
      }
      // A few pupils never come (so rates are not all 100 %): the first 25 get nothing.
      const active = patrons.filter((p) => !/^p([0-9]|1[0-9]|2[0-4])$/.test(p));
      const loan = db.prepare(`INSERT INTO loans (copy_id, patron_id, station, loaned_at, due_date, returned_at) VALUES (?, ?, 'kiosk-1', ?, ?, ?)`);
      for (let i = 0; i < LOANS; i++) {
        const day = days[Math.floor(rnd() * days.length)]!;
        const when = at(day);
        loan.run(1 + (i % 5000), active[Math.floor(rnd() * active.length)]!, when, addDays(day, 7), when);
      }
      const visit = db.prepare(`INSERT INTO visits (patron_id, at, source) VALUES (?, ?, 'kiosk')`);
      for (let i = 0; i < VISITS; i++) visit.run(active[Math.floor(rnd() * active.length)]!, at(days[Math.floor(rnd() * days.length)]!));
    })();
    db.pragma('optimize');
    void t0;
  }
}

/** Seeds a school year (20 classes of 30 pupils, 30 teachers) and times the year's rates. */
export function benchRates(o: { loans?: number; visits?: number; fastRuns?: number; naiveRuns?: number } = {}): RatesBench {
  const LOANS = o.loans ?? 100_000;
  const VISITS = o.visits ?? 300_000;
  const cal = DEMO_CALENDAR;
  const year = cal.schoolYear.name;
  const dir = mkdtempSync(join(tmpdir(), 'openshelf-bench-rates-'));
  const db = openDatabase(join(dir, 'library.sqlite'), MIGRATIONS);
  // Seeding is not what is measured: no fsync per page while it runs.
  db.pragma('synchronous = OFF');
  try {
    const t0 = performance.now();
    seedSchoolYear(db, LOANS, VISITS);
    db.pragma('synchronous = FULL');
    const seedMs = performance.now() - t0;
    const activityRows = (db.prepare(`SELECT COUNT(*) AS n FROM patron_activity`).get() as { n: number }).n;

    const p = periodOf(cal, 'year', cal.schoolYear.start);
    const fastOut = groupCounts(db, year, p.from, p.to);
    const naiveOut = naiveGroupCounts(db, year, p.from, p.to);
    const same = JSON.stringify(fastOut) === JSON.stringify(naiveOut);
    // Interleaved, so both see the same machine (other processes come and go).
    const [fast, report, reportCpu] = measureBoth(o.fastRuns ?? 300, () => groupCounts(db, year, p.from, p.to), () => ratesReport(db, year, p, DEFAULT_SETTINGS.targets));
    const naive = measure(o.naiveRuns ?? 10, () => naiveGroupCounts(db, year, p.from, p.to));
    return { pupils: 600, teachers: 30, loans: LOANS, visits: VISITS, activityRows, seedMs, fast, report, reportCpu, naive, same };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
