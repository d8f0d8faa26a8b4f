/**
 * Rates against a small school whose figures were worked out by hand (the comments show the sums),
 * the fast path and the naive GROUP BY agreeing, promotions not rewriting last year, reading
 * periods, overdue by class, top readers, and the retention job keeping every rate while loans lose
 * their pupil.
 */
import assert from 'node:assert/strict';
import { DEMO_CALENDAR } from '#core/demo-calendar.ts';
import { groupCounts, naiveGroupCounts, ratesReport, topReaders, TEACHERS, type GroupCounts } from '#server/stats/rates.ts';
import { periodOf, type PeriodKind } from '#server/stats/periods.ts';
import { DEFAULT_SETTINGS } from '#server/stats/settings.ts';
import { readingPeriodsHeld, recordReadingPeriod, ReadingPeriodError } from '#server/stats/reading-periods.ts';
import { overdueByClass } from '#server/stats/overdue.ts';
import { applyRetention } from '#server/stats/retention.ts';
import { Client, errorCode, startDashboard, type TestDashboard } from './auth-helpers.ts';

const YEAR = '2026-2027';
const cal = DEMO_CALENDAR;

/**
 * 2026-2027: 4A = a1 a2 a3 (+ a4, who left: inactive), 4B = b1 b2, 5A = c1…c4 (+ c5, inactive).
 * 2025-2026: c1…c5 were in 4X (promoted since). Teachers t1 t2 t3 (+ t4 inactive), staff s1.
 * Times are UTC; the school is UTC+7, so 17:30Z is 00:30 the next school day.
 */
function seed(d: TestDashboard): void {
  d.db.exec(`
    INSERT INTO patrons (id, kind, full_name, active) VALUES
      ('a1','pupil','Nguyễn Văn An',1), ('a2','pupil','Lê Thị Bình',1), ('a3','pupil','Phạm Minh Châu',1), ('a4','pupil','Đỗ Văn Dũng',0),
      ('b1','pupil','Hoàng Thị Em',1), ('b2','pupil','Vũ Văn Giang',1),
      ('c1','pupil','Trần Thị Cúc',1), ('c2','pupil','Bùi Văn Hải',1), ('c3','pupil','Đặng Thị Hoa',1), ('c4','pupil','Ngô Văn Khánh',1), ('c5','pupil','Lý Thị Lan',0),
      ('t1','teacher','Cô Mai',1), ('t2','teacher','Thầy Nam',1), ('t3','teacher','Cô Oanh',1), ('t4','teacher','Thầy Phúc',0),
      ('s1','staff','Bác Quang',1);
    INSERT INTO classes (id, name, grade, school_year, homeroom_teacher_id) VALUES
      ('4A','4A',4,'${YEAR}','t1'), ('4B','4B',4,'${YEAR}','t2'), ('5A','5A',5,'${YEAR}','t3'), ('4X','4X',4,'2025-2026','t3');
    INSERT INTO class_members (school_year, class_id, patron_id) VALUES
      ('${YEAR}','4A','a1'), ('${YEAR}','4A','a2'), ('${YEAR}','4A','a3'), ('${YEAR}','4A','a4'),
      ('${YEAR}','4B','b1'), ('${YEAR}','4B','b2'),
      ('${YEAR}','5A','c1'), ('${YEAR}','5A','c2'), ('${YEAR}','5A','c3'), ('${YEAR}','5A','c4'), ('${YEAR}','5A','c5'),
      ('2025-2026','4X','c1'), ('2025-2026','4X','c2'), ('2025-2026','4X','c3'), ('2025-2026','4X','c4'), ('2025-2026','4X','c5');
    INSERT INTO records (id, title) VALUES (1, 'Dế Mèn phiêu lưu ký'), (2, 'Hoàng tử bé');
    INSERT INTO copies (id, record_id, barcode, accession, collection) VALUES
      (1,1,'30001000000101','A1','children'), (2,1,'30001000000119','A2','children'), (3,2,'30001000000804','A3','children'),
      (4,2,'30001000000812','A4','children'), (5,2,'30001000000820','A5','children'), (6,1,'30001000000127','A6','children'),
      (7,1,'30001000000135','A7','children');
    INSERT INTO visits (patron_id, at, source) VALUES
      ('a1','2026-10-14T01:00:00.000Z','kiosk'),
      ('a2','2026-10-05T02:00:00.000Z','kiosk'),
      ('a2','2026-10-13T17:30:00.000Z','kiosk'),  -- 14 Oct, 00:30 school time
      ('a4','2026-10-14T02:00:00.000Z','kiosk'),  -- inactive: counted nowhere
      ('b1','2026-09-30T17:30:00.000Z','kiosk'),  -- 1 Oct school time
      ('b2','2026-10-13T03:00:00.000Z','circulation'),
      ('t1','2026-10-02T02:00:00.000Z','circulation'),
      ('t3','2026-10-14T09:00:00.000Z','kiosk'),
      ('t4','2026-10-14T09:00:00.000Z','kiosk'),
      ('s1','2026-10-14T09:00:00.000Z','kiosk'),
      ('c2','2025-10-10T02:00:00.000Z','kiosk');  -- last school year, in 4X
    INSERT INTO loans (copy_id, patron_id, station, loaned_at, due_date, returned_at) VALUES
      (1,'a1','kiosk-1','2026-10-14T01:05:00.000Z','2026-10-21','2026-10-20T02:00:00.000Z'),
      (2,'a3','kiosk-1','2026-09-20T02:00:00.000Z','2026-09-27','2026-10-01T02:00:00.000Z'),
      (3,'b1','kiosk-1','2026-10-31T18:00:00.000Z','2026-11-08','2026-12-15T02:00:00.000Z'),  -- 1 Nov school time
      (4,'b2','kiosk-1','2026-10-13T03:00:00.000Z','2026-10-20',NULL),                       -- still out: overdue
      (5,'b2','kiosk-1','2026-10-13T03:01:00.000Z','2026-10-20','2026-10-19T02:00:00.000Z'),
      (6,'c1','kiosk-1','2026-10-20T02:00:00.000Z','2026-10-27','2026-11-01T02:00:00.000Z'),
      (7,'t1','kiosk-1','2026-10-02T02:00:00.000Z','2026-11-01','2026-10-30T02:00:00.000Z');
  `);
  // 5A's reading period on Thursday 15 October: a visit for c1…c4 (c5 has left).
  const rp = recordReadingPeriod(d.db, cal, { classId: '5A', date: '2026-10-15', today: '2026-10-25', by: 'thuthu', now: new Date('2026-10-25T03:00:00Z') });
  assert.equal(rp.pupils, 4);
}

type Row = Pick<GroupCounts, 'members' | 'visited' | 'borrowed' | 'loans'>;
const c = (members: number, visited: number, borrowed: number, loans: number): Row => ({ members, visited, borrowed, loans });

/** What each period must give, summed by hand from the fixture above. */
const EXPECTED: Record<string, { date: string; kind: PeriodKind; rows: Record<string, Row> }> = {
  // October: 4A a1 (visit+loan), a2 (visits), a3 nothing (her loan was in September).
  // 4B b1 visited 1 Oct (his loan is 1 Nov school time), b2 two loans. 5A all four by the reading period, c1 borrowed.
  // Teachers: t1 visit+loan, t3 visit, t2 nothing.
  month: { date: '2026-10-14', kind: 'month', rows: { '4A': c(3, 2, 1, 1), '4B': c(2, 2, 1, 2), '5A': c(4, 4, 1, 1), [TEACHERS]: c(3, 2, 1, 1) } },
  // Week 12–18 Oct: a1 (14th), a2 (14th at 00:30); b2 (13th, two loans); 5A reading period (15th); t3 (14th).
  week: { date: '2026-10-14', kind: 'week', rows: { '4A': c(3, 2, 1, 1), '4B': c(2, 1, 1, 2), '5A': c(4, 4, 0, 0), [TEACHERS]: c(3, 1, 0, 0) } },
  // 14 Oct alone: a1 and a2, t3.
  day: { date: '2026-10-14', kind: 'day', rows: { '4A': c(3, 2, 1, 1), '4B': c(2, 0, 0, 0), '5A': c(4, 0, 0, 0), [TEACHERS]: c(3, 1, 0, 0) } },
  // The year: a3's September loan is a visit and a loan; b1's 1 Nov loan counts.
  year: { date: '2026-10-14', kind: 'year', rows: { '4A': c(3, 3, 2, 2), '4B': c(2, 2, 2, 3), '5A': c(4, 4, 1, 1), [TEACHERS]: c(3, 2, 1, 1) } },
  // Semester 1 holds all of it too.
  semester: { date: '2026-12-01', kind: 'semester', rows: { '4A': c(3, 3, 2, 2), '4B': c(2, 2, 2, 3), '5A': c(4, 4, 1, 1), [TEACHERS]: c(3, 2, 1, 1) } },
};

function asMap(rows: GroupCounts[]): Record<string, Row> {
  return Object.fromEntries(rows.map((r) => [r.key, { members: r.members, visited: r.visited, borrowed: r.borrowed, loans: r.loans }]));
}

describe('rates (hand-computed fixture)', function () {
  this.timeout(30000);
  let d: TestDashboard;
  before(async () => {
    d = await startDashboard({ now: '2026-10-25T03:00:00Z' });
    seed(d);
  });
  after(async () => d.stop());

  for (const [name, e] of Object.entries(EXPECTED)) {
    it(`counts each class and the teachers for the ${name}, the fast way and the naive way alike`, () => {
      const p = periodOf(cal, e.kind, e.date);
      assert.deepEqual(asMap(groupCounts(d.db, YEAR, p.from, p.to)), e.rows);
      assert.deepEqual(asMap(naiveGroupCounts(d.db, YEAR, p.from, p.to)), e.rows);
    });
  }

  it('sums grades and the whole school, and reads them against the targets', () => {
    const r = ratesReport(d.db, YEAR, periodOf(cal, 'month', '2026-10-14'), DEFAULT_SETTINGS.targets);
    const by = (group: string, name: string) => r.rows.find((x) => x.group === group && x.name === name)!;
    // Grade 4 = 4A + 4B: 5 pupils, 4 visited, 2 borrowed, 3 loans.
    assert.deepEqual([by('grade', 'Khối 4').members, by('grade', 'Khối 4').visited, by('grade', 'Khối 4').borrowed, by('grade', 'Khối 4').loans], [5, 4, 2, 3]);
    const school = r.rows.find((x) => x.group === 'school')!;
    // 9 pupils, 8 visited (a3 did not): 88.9 % < 90 %; 3 borrowed: 33.3 % < 80 %; 4 loans / 9.
    assert.deepEqual([school.members, school.visited, school.borrowed, school.loans], [9, 8, 3, 4]);
    assert.equal(school.visitMet, false);
    assert.equal(school.loanMet, false);
    assert.ok(Math.abs(school.loansPerMember! - 4 / 9) < 1e-12);
    const fiveA = by('class', '5A');
    assert.equal(fiveA.visitRate, 1);
    assert.equal(fiveA.visitMet, true);
    assert.equal(fiveA.homeroomTeacher, 'Cô Oanh');
    const teachers = r.rows.find((x) => x.group === 'teachers')!;
    assert.equal(teachers.visitTarget, 100);
    assert.equal(teachers.visitMet, false, '2 of 3 teachers against 100 %');
    // 4X belongs to last year: not in this year's report.
    assert.equal(r.rows.some((x) => x.name === '4X'), false);
    // A school-year report counts 9 of 9 visiting: 100 % ≥ 90 %.
    const y = ratesReport(d.db, YEAR, periodOf(cal, 'year', '2026-10-14'), DEFAULT_SETTINGS.targets).rows.find((x) => x.group === 'school')!;
    assert.deepEqual([y.visited, y.visitMet, y.borrowed, y.loanMet], [9, true, 5, false]);
  });

  it('keeps last year by last year’s classes: promotion does not move c2’s visit to 5A', () => {
    const rows = asMap(groupCounts(d.db, '2025-2026', '2025-10-01', '2025-10-31'));
    // 4X had c1…c4 active (c5 has left); only c2 visited.
    assert.deepEqual(rows['4X'], c(4, 1, 0, 0));
    assert.equal(rows['5A'], undefined);
  });

  it('lists top readers of a month, pupils only', () => {
    const p = periodOf(cal, 'month', '2026-10-01');
    // b2 two loans; a1 and c1 one each, ties by name; the teacher t1 is not a pupil.
    assert.deepEqual(
      topReaders(d.db, YEAR, p.from, p.to).map((r) => [r.patronId, r.className, r.loans]),
      [
        ['b2', '4B', 2],
        ['a1', '4A', 1],
        ['c1', '5A', 1],
      ],
    );
  });

  it('counts reading periods per class in the semester, once per day', () => {
    const p = periodOf(cal, 'semester', '2026-10-15');
    assert.deepEqual(
      readingPeriodsHeld(d.db, YEAR, p.from, p.to).map((r) => [r.classId, r.held, r.days]),
      [
        ['4A', 0, []],
        ['4B', 0, []],
        ['5A', 1, ['2026-10-15']],
      ],
    );
    assert.throws(
      () => recordReadingPeriod(d.db, cal, { classId: '5A', date: '2026-10-15', today: '2026-10-25', by: 'x', now: new Date() }),
      (e: unknown) => e instanceof ReadingPeriodError && e.code === 'ALREADY_RECORDED',
    );
    assert.throws(
      () => recordReadingPeriod(d.db, cal, { classId: '5A', date: '2026-10-26', today: '2026-10-25', by: 'x', now: new Date() }),
      (e: unknown) => e instanceof ReadingPeriodError && e.code === 'BAD_DATE',
    );
  });

  it('lists overdue loans by class with the homeroom teacher, and prints the class notice', async () => {
    // Today 25 Oct: b2's copy 4 was due 20 Oct.
    const groups = overdueByClass(d.db, YEAR, '2026-10-25');
    assert.deepEqual(
      groups.map((g) => [g.className, g.homeroomTeacher, g.loans.map((l) => [l.patronId, l.barcode, l.daysOverdue])]),
      [['4B', 'Thầy Nam', [['b2', '30001000000812', 5]]]],
    );
    const lib = new Client(d.url);
    await lib.login('thuthu', 'thuvien');
    const notice = await lib.get('/api/stats/overdue/4B/notice');
    assert.equal(notice.status, 200);
    assert.match(notice.headers.get('content-type')!, /text\/html/);
    const html = await notice.text();
    assert.match(html, /Thông báo sách quá hạn — Lớp 4B/);
    assert.match(html, /Vũ Văn Giang/);
    assert.match(html, /Thầy Nam/);
    assert.equal((await lib.get('/api/stats/overdue/4A/notice')).status, 404);
  });

  it('serves the same rates over HTTP and records a reading period as visits', async () => {
    const lib = new Client(d.url);
    await lib.login('thuthu', 'thuvien');
    const before = (await (await lib.get('/api/stats/rates?period=day&date=2026-10-22')).json()) as { rows: { name: string; visited: number }[] };
    assert.equal(before.rows.find((r) => r.name === '4B')!.visited, 0);
    const rec = await lib.send('POST', '/api/stats/reading-periods', { classId: '4B', date: '2026-10-22' });
    assert.equal(rec.status, 201);
    assert.deepEqual(await rec.json(), { id: 2, pupils: 2 });
    const after = (await (await lib.get('/api/stats/rates?period=day&date=2026-10-22')).json()) as { rows: { name: string; visited: number; members: number }[] };
    assert.deepEqual([after.rows.find((r) => r.name === '4B')!.visited, after.rows.find((r) => r.name === '4B')!.members], [2, 2]);
    assert.equal(await errorCode(await lib.send('POST', '/api/stats/reading-periods', { classId: '4B', date: '2026-10-22' })), 'ALREADY_RECORDED');
    assert.equal(await errorCode(await lib.send('POST', '/api/stats/reading-periods', { classId: 'nope' })), 'NO_SUCH_CLASS');
    assert.equal((await lib.get('/api/stats/rates?period=fortnight')).status, 400);
    assert.equal((await lib.get('/api/stats/rates?period=day&date=2026-13-01')).status, 400);
    // Undo for the tests after this one, which count October as above.
    d.db.exec(`DELETE FROM reading_periods WHERE class_id = '4B'; DELETE FROM visits WHERE source = 'reading_period' AND patron_id IN ('b1','b2');
               UPDATE patron_activity SET visits = visits - 1 WHERE patron_id IN ('b1','b2') AND day = '2026-10-22';
               DELETE FROM patron_activity WHERE visits = 0 AND loans = 0;`);
  });

  it('anonymises old returned loans and keeps every rate', () => {
    const before = Object.fromEntries(Object.values(EXPECTED).map((e) => {
      const p = periodOf(cal, e.kind, e.date);
      return [e.kind, groupCounts(d.db, YEAR, p.from, p.to)];
    }));
    // A year later with a 365-day limit: loans returned before 2026-12-01 lose their pupil.
    const out = applyRetention(d.db, cal, new Date('2027-12-01T00:00:00Z'), 365);
    // a1, a3, b2 (returned one), c1, t1 — not b1 (returned 15 Dec) nor b2's open loan.
    assert.equal(out.loans, 5);
    const loans = d.db.prepare(`SELECT copy_id AS copy, patron_id AS patron, stat_class_id AS cls, stat_grade AS grade, stat_kind AS kind FROM loans ORDER BY copy_id`).all();
    assert.deepEqual(loans, [
      { copy: 1, patron: 'anonymous', cls: '4A', grade: 4, kind: 'pupil' },
      { copy: 2, patron: 'anonymous', cls: '4A', grade: 4, kind: 'pupil' },
      { copy: 3, patron: 'b1', cls: null, grade: null, kind: null },
      { copy: 4, patron: 'b2', cls: null, grade: null, kind: null },
      { copy: 5, patron: 'anonymous', cls: '4B', grade: 4, kind: 'pupil' },
      { copy: 6, patron: 'anonymous', cls: '5A', grade: 5, kind: 'pupil' },
      { copy: 7, patron: 'anonymous', cls: null, grade: null, kind: 'teacher' },
    ]);
    for (const e of Object.values(EXPECTED)) {
      const p = periodOf(cal, e.kind, e.date);
      assert.deepEqual(groupCounts(d.db, YEAR, p.from, p.to), before[e.kind], e.kind);
      assert.deepEqual(asMap(groupCounts(d.db, YEAR, p.from, p.to)), e.rows, e.kind);
    }
    // The raw tables alone have forgotten who borrowed: the naive count drops, the rates do not.
    const oct = periodOf(cal, 'month', '2026-10-14');
    assert.notDeepEqual(asMap(naiveGroupCounts(d.db, YEAR, oct.from, oct.to)), EXPECTED.month!.rows);
    // Running it again changes nothing.
    assert.equal(applyRetention(d.db, cal, new Date('2027-12-01T00:00:00Z'), 365).loans, 0);
  });
});
