import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DEMO_CALENDAR } from '#core/demo-calendar.ts';
import { gradesReadingToday, isOpenDay, lastOpenDayOfSchoolYear } from '#core/calendar.ts';
import { demoCatalogue } from '#server/seed/catalogue.ts';
import { generateHistory, type History, type HistoryOptions } from '#server/seed/history.ts';
import { FIXTURE_PUPIL_CARD, FIXTURE_TEACHER_CARD, generateRoster } from '#server/seed/roster.ts';

const load = (p: string): Buffer => readFileSync(new URL(`../../../dashboard/seed-data/marc/${p}`, import.meta.url));

const DAY = 86_400_000;
/** School-local (UTC+7) date of an ISO instant. */
const localDate = (iso: string): string => new Date(Date.parse(iso) + 7 * 3_600_000).toISOString().slice(0, 10);

describe('dashboard/seed/history generateHistory', () => {
  const roster = generateRoster();
  const cat = demoCatalogue(load('vn-school/vn-school-utf8.mrc'), load('evergreen/lul_fre_500.mrc'));
  const lulCopies = cat.copies.filter((c) => cat.records[c.recordIndex]!.sourceFile === 'lul_fre_500.mrc');
  const vnBarcodes = new Set(
    cat.copies.filter((c) => cat.records[c.recordIndex]!.sourceFile === 'vn-school-utf8.mrc').map((c) => c.barcode),
  );
  const base: HistoryOptions = {
    roster,
    copies: lulCopies,
    from: '2026-09-07',
    to: '2027-06-01',
    calendar: DEMO_CALENDAR,
    seed: 2026,
  };
  const year = generateHistory(base);
  // The demo seeds "up to today"; 22 November is a typical first start, early in the school year.
  const autumn = generateHistory({ ...base, to: '2026-11-23' });
  const pupils = roster.patrons.filter((p) => p.kind === 'pupil');
  const teachers = roster.patrons.filter((p) => p.kind === 'teacher');
  const kindOf = new Map(roster.patrons.map((p) => [p.id, p.kind]));
  const clean = new Set(
    roster.patrons.filter((p) => p.cardBarcode === FIXTURE_PUPIL_CARD || p.cardBarcode === FIXTURE_TEACHER_CARD).map((p) => p.id),
  );

  const share = (group: { id: string }[], ids: Set<string>): number => group.filter((p) => ids.has(p.id)).length / group.length;

  function checkInvariants(h: History, to: string): void {
    const toMs = Date.parse(`${to}T00:00:00+07:00`);
    const fromMs = Date.parse('2026-09-07T00:00:00+07:00');
    // Dates and order.
    for (const l of h.loans) {
      const at = Date.parse(l.loanedAt);
      assert.ok(at >= fromMs && at < toMs, l.loanedAt);
      assert.ok(isOpenDay(DEMO_CALENDAR, localDate(l.loanedAt)), `loan on a closed day ${l.loanedAt}`);
      // Due after the loan day; on the year's last open day, due that day (the calendar clamps it).
      assert.ok(l.dueDate > localDate(l.loanedAt) || l.dueDate === lastOpenDayOfSchoolYear(DEMO_CALENDAR), `${l.loanedAt} due ${l.dueDate}`);
      assert.ok(isOpenDay(DEMO_CALENDAR, l.dueDate), `due on a closed day ${l.dueDate}`);
      if (l.returnedAt !== null) {
        assert.ok(Date.parse(l.returnedAt) > at && Date.parse(l.returnedAt) < toMs);
      }
      assert.ok(!vnBarcodes.has(l.barcode), 'vn-school copies stay on the shelf');
    }
    // No copy lent twice at the same time.
    const byCopy = new Map<string, typeof h.loans>();
    for (const l of h.loans) byCopy.set(l.barcode, [...(byCopy.get(l.barcode) ?? []), l]);
    for (const [barcode, ls] of byCopy) {
      ls.sort((a, b) => a.loanedAt.localeCompare(b.loanedAt));
      for (let i = 1; i < ls.length; i++) {
        const prev = ls[i - 1]!;
        assert.ok(prev.returnedAt !== null && prev.returnedAt < ls[i]!.loanedAt, `${barcode} lent twice`);
      }
    }
    // Limits: pupils ≤ 2 items at once, teachers and staff ≤ 5; pupils borrow nothing while overdue.
    const byPatron = new Map<string, typeof h.loans>();
    for (const l of h.loans) byPatron.set(l.patronId, [...(byPatron.get(l.patronId) ?? []), l]);
    for (const [patronId, ls] of byPatron) {
      const max = kindOf.get(patronId) === 'pupil' ? 2 : 5;
      for (const l of ls) {
        const held = ls.filter((o) => o.loanedAt <= l.loanedAt && (o.returnedAt === null || o.returnedAt > l.loanedAt));
        assert.ok(held.length <= max, `${patronId} holds ${held.length}`);
        if (kindOf.get(patronId) === 'pupil') {
          const overdue = held.filter((o) => o !== l && o.dueDate < localDate(l.loanedAt));
          assert.equal(overdue.length, 0, `${patronId} borrowed while overdue`);
        }
      }
    }
    // Every loan is part of a visit by its patron that day; visits fall on open days.
    const visitKeys = new Set(h.visits.map((v) => `${v.patronId} ${localDate(v.at)}`));
    for (const l of h.loans) assert.ok(visitKeys.has(`${l.patronId} ${localDate(l.loanedAt)}`));
    for (const v of h.visits) assert.ok(isOpenDay(DEMO_CALENDAR, localDate(v.at)));
    assert.ok(h.visits.every((v) => v.source === 'kiosk' || v.source === 'circulation'));
    // The fixtures start clean: nothing open, never late.
    for (const l of h.loans.filter((x) => clean.has(x.patronId))) {
      assert.notEqual(l.returnedAt, null, 'a fixture patron holds a loan');
      assert.ok(localDate(l.returnedAt!) <= l.dueDate, 'a fixture patron returned late');
    }
  }

  it('keeps its invariants over a whole school year and over the first weeks', () => {
    checkInvariants(year, '2027-06-01');
    checkInvariants(autumn, '2026-11-23');
  });

  it('reaches the school plans’ shape: ~85 % of pupils visit, ~70 % borrow, teachers more', () => {
    const visited = new Set(year.visits.map((v) => v.patronId));
    const borrowed = new Set(year.loans.map((l) => l.patronId));
    const pv = share(pupils, visited);
    const pb = share(pupils, borrowed);
    assert.ok(pv >= 0.78 && pv <= 0.92, `pupil visit rate ${pv}`);
    assert.ok(pb >= 0.62 && pb <= 0.78, `pupil loan rate ${pb}`);
    assert.equal(share(teachers, visited), 1);
    assert.ok(share(teachers, borrowed) >= 0.85);
  });

  it('stays a few thousand rows, with a few loans open and a handful overdue at the end', () => {
    // In the autumn plenty of books are out; at the end of May nearly all are back for stock-taking.
    for (const [h, to, minOpen, maxOpen] of [
      [year, '2027-06-01', 1, 30],
      [autumn, '2026-11-23', 10, 200],
    ] as const) {
      const rows = h.loans.length + h.visits.length;
      assert.ok(rows >= 1000 && rows <= 10000, `${rows} rows`);
      const open = h.loans.filter((l) => l.returnedAt === null);
      const overdue = open.filter((l) => l.dueDate < to);
      assert.ok(open.length >= minOpen && open.length <= maxOpen, `${open.length} open`);
      assert.ok(overdue.length >= 1 && overdue.length <= 25, `${overdue.length} overdue`);
    }
  });

  it('is deterministic for a seed', () => {
    assert.deepEqual(generateHistory({ ...base, to: '2026-11-23' }), autumn);
    assert.notDeepEqual(generateHistory({ ...base, to: '2026-11-23', seed: 1 }).loans, autumn.loans);
  });

  it('takes open days and reading days from the calendar when given one', () => {
    const viaPredicates = generateHistory({
      ...base,
      calendar: undefined,
      to: '2026-11-23',
      openDay: (d) => isOpenDay(DEMO_CALENDAR, d),
      gradesReadingOn: (d) => gradesReadingToday(DEMO_CALENDAR, d),
    });
    assert.deepEqual(viaPredicates.visits, autumn.visits);
  });

  it('accepts a list of open dates and returns nothing for an empty period', () => {
    const days: string[] = [];
    for (let t = Date.parse('2026-09-07'); t < Date.parse('2026-10-07'); t += DAY) {
      const d = new Date(t).toISOString().slice(0, 10);
      if (new Date(t).getUTCDay() === 3) days.push(d); // Wednesdays only
    }
    const h = generateHistory({ ...base, calendar: undefined, to: '2026-10-07', openDay: days });
    assert.ok(h.visits.length > 0);
    assert.ok(h.visits.every((v) => days.includes(localDate(v.at))));
    assert.deepEqual(generateHistory({ ...base, from: '2026-09-07', to: '2026-09-07' }), { loans: [], visits: [] });
  });

  it('never lends textbooks or reference-only copies even if given them', () => {
    const all = cat.copies;
    const h = generateHistory({ ...base, copies: all, to: '2026-12-01' });
    const barred = new Set(all.filter((c) => c.referenceOnly || c.collection === 'textbook').map((c) => c.barcode));
    assert.ok(h.loans.every((l) => !barred.has(l.barcode)));
  });
});
