import assert from 'node:assert/strict';
import {
  COLLECTIONS,
  DEFAULT_POLICY,
  PATRON_KINDS,
  REASON_CODES,
  REASONS,
  decide,
  decideRenewal,
  limitReachedReason,
  loanPolicySchema,
  policyRow,
  reasonFor,
  remainingAllowance,
  type BatchItem,
  type Collection,
  type DecideInput,
  type OpenLoan,
  type PatronKind,
  type PolicyPatron,
} from '#core/policy.ts';
import { DEMO_CALENDAR } from '#core/demo-calendar.ts';
import { dueDateFor, localDate } from '#core/calendar.ts';

/** Monday 5 October 2026, 10:00 in Vietnam. */
const MONDAY = new Date('2026-10-05T03:00:00Z');
const SEVEN_DAYS = '2026-10-12';
const THIRTY_DAYS = '2026-11-04';
const SEMESTER_1_END = '2027-01-15';

function patron(kind: PatronKind, over: Partial<PolicyPatron> = {}): PolicyPatron {
  return { id: `${kind}-1`, kind, active: true, blockedReason: null, textbookEligible: false, ...over };
}

function item(barcode: string, collection: Collection = 'children', over: Partial<BatchItem> = {}): BatchItem {
  return { barcode, collection, referenceOnly: false, status: 'on_shelf', onLoanTo: null, ...over };
}

function loan(barcode: string, dueDate: string, collection: Collection = 'children', renewals = 0): OpenLoan {
  return { barcode, dueDate, renewals, collection };
}

function run(over: Partial<DecideInput> & Pick<DecideInput, 'patron'>): ReturnType<typeof decide> {
  return decide({ policy: DEFAULT_POLICY, calendar: DEMO_CALENDAR, now: MONDAY, openLoans: [], items: [], ...over });
}

function codes(d: ReturnType<typeof decide>): (string | true)[] {
  return d.items.map((i) => (i.allowed ? true : i.reason.code));
}

describe('core/policy', () => {
  describe('DEFAULT_POLICY', () => {
    it('has one row per patron kind × collection and the limits of the brief', () => {
      assert.equal(DEFAULT_POLICY.rows.length, PATRON_KINDS.length * COLLECTIONS.length);
      assert.deepEqual(DEFAULT_POLICY.maxItems, { pupil: 2, teacher: 5, staff: 5, class: 40 });
      assert.deepEqual(DEFAULT_POLICY.blockWhenOverdue, { pupil: true, teacher: false, staff: false, class: false });
      assert.equal(policyRow(DEFAULT_POLICY, 'pupil', 'children')?.renewals, 1);
      assert.equal(policyRow(DEFAULT_POLICY, 'teacher', 'general')?.renewals, 2);
      assert.equal(policyRow(DEFAULT_POLICY, 'pupil', 'textbook')?.requiresEligibility, true);
      assert.equal(loanPolicySchema.safeParse(DEFAULT_POLICY).success, true);
    });

    it('rejects a policy missing a patron kind', () => {
      const { class: _class, ...maxItems } = DEFAULT_POLICY.maxItems;
      assert.equal(loanPolicySchema.safeParse({ ...DEFAULT_POLICY, maxItems }).success, false);
    });
  });

  describe('decide(): each patron kind × collection with the defaults', () => {
    const expected: Record<PatronKind, Record<Collection, string>> = {
      pupil: {
        textbook: SEMESTER_1_END,
        teacher: 'NOT_LOANABLE',
        reference: SEVEN_DAYS,
        children: SEVEN_DAYS,
        periodical: SEVEN_DAYS,
        general: SEVEN_DAYS,
      },
      teacher: {
        textbook: SEMESTER_1_END,
        teacher: THIRTY_DAYS,
        reference: THIRTY_DAYS,
        children: THIRTY_DAYS,
        periodical: THIRTY_DAYS,
        general: THIRTY_DAYS,
      },
      staff: {
        textbook: 'NOT_LOANABLE',
        teacher: THIRTY_DAYS,
        reference: THIRTY_DAYS,
        children: THIRTY_DAYS,
        periodical: THIRTY_DAYS,
        general: THIRTY_DAYS,
      },
      class: {
        textbook: 'NOT_LOANABLE',
        teacher: 'NOT_LOANABLE',
        reference: THIRTY_DAYS,
        children: THIRTY_DAYS,
        periodical: THIRTY_DAYS,
        general: THIRTY_DAYS,
      },
    };
    for (const kind of PATRON_KINDS) {
      for (const collection of COLLECTIONS) {
        const want = expected[kind][collection];
        it(`${kind} × ${collection} → ${want}`, () => {
          const d = run({ patron: patron(kind, { textbookEligible: true }), items: [item('B1', collection)] });
          const [only] = d.items;
          assert.ok(only);
          if (want === 'NOT_LOANABLE') {
            assert.equal(d.ok, false);
            assert.equal(only.allowed, false);
            assert.equal(!only.allowed && only.reason.code, 'NOT_LOANABLE');
            assert.equal(d.batchRefusal, null, 'one refused item does not refuse the batch');
          } else {
            assert.equal(d.ok, true);
            assert.deepEqual(only, { barcode: 'B1', allowed: true, dueDate: want });
          }
        });
      }
    }
  });

  describe('decide(): the limit refuses the whole batch', () => {
    it('lends exactly up to the limit', () => {
      const d = run({ patron: patron('pupil'), items: [item('B1'), item('B2')] });
      assert.equal(d.ok, true);
      assert.deepEqual(codes(d), [true, true]);
    });

    it('refuses all books when one too many is on the pad, saying how many to take off', () => {
      const d = run({ patron: patron('pupil'), openLoans: [loan('OLD', '2026-10-09')], items: [item('B1'), item('B2')] });
      assert.equal(d.ok, false);
      assert.equal(d.batchRefusal?.code, 'LIMIT_REACHED');
      assert.equal(d.batchRefusal?.message_vi, 'Em chỉ mượn thêm được 1 quyển. Em hãy bỏ bớt 1 quyển ra nhé.');
      assert.equal(d.batchRefusal?.message_en, 'You can borrow 1 book more. Please take 1 book off.');
      assert.deepEqual(codes(d), ['LIMIT_REACHED', 'LIMIT_REACHED']);
      for (const i of d.items) assert.deepEqual(!i.allowed && i.reason, d.batchRefusal);
    });

    it('counts what is on the pad against what may still be borrowed', () => {
      const d = run({ patron: patron('pupil'), items: [item('B1'), item('B2'), item('B3')] });
      assert.deepEqual(codes(d), ['LIMIT_REACHED', 'LIMIT_REACHED', 'LIMIT_REACHED']);
      assert.match(d.batchRefusal!.message_vi, /thêm được 2 quyển.*bỏ bớt 1 quyển/);
      assert.match(d.batchRefusal!.message_en, /2 books more.*take 1 book off/);
    });

    it('tells a pupil who already has the maximum to bring a book back', () => {
      const d = run({ patron: patron('pupil'), openLoans: [loan('A', '2026-10-09'), loan('B', '2026-10-09')], items: [item('B1')] });
      assert.equal(d.batchRefusal?.code, 'LIMIT_REACHED');
      assert.match(d.batchRefusal!.message_vi, /đủ 2 quyển/);
      assert.equal(remainingAllowance(DEFAULT_POLICY, patron('pupil'), [loan('A', '2026-10-09'), loan('B', '2026-10-09')]), 0);
    });

    it('keeps the own reason of a book refused anyway, and does not count it', () => {
      const taken = item('B3', 'children', { status: 'on_loan', onLoanTo: 'someone-else' });
      const over = run({ patron: patron('pupil'), openLoans: [loan('OLD', '2026-10-09')], items: [item('B1'), item('B2'), taken] });
      assert.deepEqual(codes(over), ['LIMIT_REACHED', 'LIMIT_REACHED', 'ON_LOAN']);
      const fits = run({ patron: patron('pupil'), items: [item('B1'), item('B2'), taken] });
      assert.equal(fits.batchRefusal, null);
      assert.equal(fits.ok, false, 'not every item allowed');
      assert.deepEqual(codes(fits), [true, true, 'ON_LOAN']);
    });

    it('gives a class set up to 40 books through the homeroom teacher', () => {
      const forty = Array.from({ length: 40 }, (_, i) => item(`C${i}`, i % 2 ? 'children' : 'general'));
      const ok = run({ patron: patron('class', { id: '4A' }), items: forty });
      assert.equal(ok.ok, true);
      assert.ok(ok.items.every((i) => i.allowed && i.dueDate === THIRTY_DAYS));
      const tooMany = run({ patron: patron('class', { id: '4A' }), items: [...forty, item('C40')] });
      assert.equal(tooMany.batchRefusal?.code, 'LIMIT_REACHED');
      assert.ok(tooMany.items.every((i) => !i.allowed));
      const open = Array.from({ length: 35 }, (_, i) => loan(`O${i}`, THIRTY_DAYS));
      const topUp = run({ patron: patron('class', { id: '4A' }), openLoans: open, items: forty.slice(0, 6) });
      assert.match(topUp.batchRefusal!.message_vi, /thêm được 5 quyển.*bỏ bớt 1 quyển/);
    });

    it('does not count a textbook set against a pupil’s two books', () => {
      const eligible = patron('pupil', { textbookEligible: true });
      const reading = [loan('A', '2026-10-09'), loan('B', '2026-10-09')];
      const set = ['T1', 'T2', 'T3', 'T4', 'T5'].map((b) => item(b, 'textbook'));
      const d = run({ patron: eligible, openLoans: reading, items: set });
      assert.equal(d.ok, true);
      assert.ok(d.items.every((i) => i.allowed && i.dueDate === SEMESTER_1_END));
      const withSet = [...reading.slice(1), ...set.map((s) => loan(s.barcode, SEMESTER_1_END, 'textbook'))];
      assert.equal(remainingAllowance(DEFAULT_POLICY, eligible, withSet), 1);
    });
  });

  describe('decide(): the patron', () => {
    it('refuses everything for an inactive card, even with an empty batch', () => {
      const d = run({ patron: patron('pupil', { active: false, blockedReason: 'lost card' }), items: [item('B1')], unknown: ['X'] });
      assert.equal(d.batchRefusal?.code, 'PATRON_INACTIVE');
      assert.deepEqual(codes(d), ['PATRON_INACTIVE', 'PATRON_INACTIVE']);
      assert.equal(run({ patron: patron('teacher', { active: false }) }).ok, false);
    });

    it('refuses a blocked patron without showing the librarian’s note', () => {
      const d = run({ patron: patron('teacher', { blockedReason: 'chưa trả sách năm trước' }), items: [item('B1')] });
      assert.equal(d.batchRefusal?.code, 'PATRON_BLOCKED');
      assert.doesNotMatch(d.batchRefusal!.message_vi, /năm trước/);
    });

    it('blocks a pupil while a loan is overdue, not on its due date', () => {
      const late = run({ patron: patron('pupil'), openLoans: [loan('OLD', '2026-10-02')], items: [item('B1')] });
      assert.equal(late.batchRefusal?.code, 'PATRON_OVERDUE');
      assert.deepEqual(codes(late), ['PATRON_OVERDUE']);
      const dueToday = run({ patron: patron('pupil'), openLoans: [loan('OLD', '2026-10-05')], items: [item('B1')] });
      assert.equal(dueToday.ok, true);
    });

    it('judges overdue by the school’s date, not UTC', () => {
      // 2026-10-05T17:30Z is already 00:30 on 6 October in Vietnam.
      const d = run({ patron: patron('pupil'), now: new Date('2026-10-05T17:30:00Z'), openLoans: [loan('OLD', '2026-10-05')] });
      assert.equal(d.batchRefusal?.code, 'PATRON_OVERDUE');
    });

    it('does not block a teacher for an overdue loan', () => {
      const d = run({ patron: patron('teacher'), openLoans: [loan('OLD', '2026-09-01', 'teacher')], items: [item('B1', 'teacher')] });
      assert.equal(d.ok, true);
    });
  });

  describe('decide(): the items', () => {
    it('never lends a reference-only copy, whatever the row says', () => {
      for (const kind of PATRON_KINDS) {
        const d = run({ patron: patron(kind), items: [item('R1', 'reference', { referenceOnly: true }), item('R2', 'children', { referenceOnly: true })] });
        assert.deepEqual(codes(d), ['REFERENCE_ONLY', 'REFERENCE_ONLY'], kind);
      }
    });

    it('lends a textbook to a pupil only when eligible; teachers need no eligibility', () => {
      assert.deepEqual(codes(run({ patron: patron('pupil'), items: [item('T1', 'textbook')] })), ['TEXTBOOK_NOT_ELIGIBLE']);
      assert.deepEqual(codes(run({ patron: patron('pupil', { textbookEligible: true }), items: [item('T1', 'textbook')] })), [true]);
      assert.deepEqual(codes(run({ patron: patron('teacher'), items: [item('T1', 'textbook')] })), [true]);
    });

    it('tells apart a book already yours, one on loan to someone else, and one that is gone', () => {
      const me = patron('pupil');
      const d = run({
        patron: me,
        openLoans: [loan('MINE2', '2026-10-09')],
        items: [
          item('MINE', 'children', { status: 'on_loan', onLoanTo: me.id }),
          item('MINE2', 'children', { status: 'on_loan', onLoanTo: me.id }),
          item('THEIRS', 'children', { status: 'on_loan', onLoanTo: 'pupil-2' }),
          item('LOST', 'children', { status: 'lost' }),
          item('DAMAGED', 'children', { status: 'damaged' }),
          item('GONE', 'children', { status: 'withdrawn' }),
        ],
        unknown: ['NOPE'],
      });
      assert.deepEqual(codes(d), ['ALREADY_YOURS', 'ALREADY_YOURS', 'ON_LOAN', 'NOT_AVAILABLE', 'NOT_AVAILABLE', 'NOT_AVAILABLE', 'ITEM_UNKNOWN']);
      assert.equal(d.batchRefusal, null);
      assert.deepEqual(
        d.items.map((i) => i.barcode),
        ['MINE', 'MINE2', 'THEIRS', 'LOST', 'DAMAGED', 'GONE', 'NOPE'],
      );
    });

    it('decides a barcode scanned twice once', () => {
      const d = run({ patron: patron('pupil'), items: [item('B1'), item('B1'), item('B2')], unknown: ['X', 'X'] });
      assert.deepEqual(d.items.map((i) => i.barcode), ['B1', 'B2', 'X']);
      assert.deepEqual(codes(d), [true, true, 'ITEM_UNKNOWN']);
    });
  });

  describe('decide(): due dates from the calendar', () => {
    it('moves a pupil’s due date across Tết', () => {
      const d = run({ patron: patron('pupil'), now: new Date('2027-01-28T03:00:00Z'), items: [item('B1')] });
      assert.deepEqual(d.items[0], { barcode: 'B1', allowed: true, dueDate: '2027-02-15' });
    });

    it('moves a due date off the weekend', () => {
      // Borrowed on Saturday 10 October (desk open for an event): + 7 days is a Saturday → Monday.
      const d = run({ patron: patron('pupil'), now: new Date('2026-10-10T03:00:00Z'), items: [item('B1')] });
      assert.deepEqual(d.items[0], { barcode: 'B1', allowed: true, dueDate: '2026-10-19' });
    });

    it('lends textbooks until the semester end, and across it for ordinary books', () => {
      const now = new Date('2027-01-12T03:00:00Z');
      const d = run({ patron: patron('pupil', { textbookEligible: true }), now, items: [item('T1', 'textbook'), item('B1')] });
      assert.deepEqual(d.items, [
        { barcode: 'T1', allowed: true, dueDate: '2027-01-15' },
        { barcode: 'B1', allowed: true, dueDate: '2027-01-19' },
      ]);
      const sem2 = run({ patron: patron('teacher'), now: new Date('2027-01-18T03:00:00Z'), items: [item('T1', 'textbook')] });
      assert.deepEqual(sem2.items[0], { barcode: 'T1', allowed: true, dueDate: '2027-05-31' });
    });

    it('brings every book back by the end of the school year', () => {
      const d = run({ patron: patron('teacher'), now: new Date('2027-05-20T03:00:00Z'), items: [item('B1', 'teacher')] });
      assert.deepEqual(d.items[0], { barcode: 'B1', allowed: true, dueDate: '2027-05-31' });
    });
  });

  describe('decideRenewal()', () => {
    const base = { policy: DEFAULT_POLICY, calendar: DEMO_CALENDAR };
    const FRIDAY = new Date('2026-10-09T03:00:00Z');

    it('renews a pupil’s book once, from today', () => {
      const d = decideRenewal({ ...base, now: FRIDAY, patron: patron('pupil'), loan: loan('B1', SEVEN_DAYS) });
      assert.deepEqual(d, { allowed: true, dueDate: '2026-10-16', renewals: 1 });
      const again = decideRenewal({ ...base, now: FRIDAY, patron: patron('pupil'), loan: loan('B1', '2026-10-16', 'children', 1) });
      assert.equal(!again.allowed && again.reason.code, 'RENEWAL_LIMIT');
    });

    it('lets a teacher renew twice', () => {
      const d = decideRenewal({ ...base, now: MONDAY, patron: patron('teacher'), loan: loan('B1', '2026-10-20', 'teacher', 1) });
      assert.deepEqual(d, { allowed: true, dueDate: THIRTY_DAYS, renewals: 2 });
      const third = decideRenewal({ ...base, now: MONDAY, patron: patron('teacher'), loan: loan('B1', '2026-10-20', 'teacher', 2) });
      assert.equal(!third.allowed && third.reason.code, 'RENEWAL_LIMIT');
    });

    it('does not let an overdue pupil renew, not even the late book', () => {
      const late = decideRenewal({ ...base, now: MONDAY, patron: patron('pupil'), loan: loan('B1', '2026-10-02') });
      assert.equal(!late.allowed && late.reason.code, 'PATRON_OVERDUE');
      const other = decideRenewal({
        ...base,
        now: MONDAY,
        patron: patron('pupil'),
        loan: loan('B1', '2026-10-09'),
        openLoans: [loan('B1', '2026-10-09'), loan('B2', '2026-10-01')],
      });
      assert.equal(!other.allowed && other.reason.code, 'PATRON_OVERDUE');
    });

    it('lets a teacher renew an overdue book, due again from today', () => {
      const d = decideRenewal({ ...base, now: MONDAY, patron: patron('teacher'), loan: loan('B1', '2026-09-20', 'general') });
      assert.deepEqual(d, { allowed: true, dueDate: THIRTY_DAYS, renewals: 1 });
    });

    it('refuses when someone waits for the book, for a blocked or inactive card, and a row no longer loanable', () => {
      const reserved = decideRenewal({ ...base, now: FRIDAY, patron: patron('pupil'), loan: loan('B1', SEVEN_DAYS), reservedByOthers: true });
      assert.equal(!reserved.allowed && reserved.reason.code, 'RESERVED');
      const blocked = decideRenewal({ ...base, now: FRIDAY, patron: patron('pupil', { blockedReason: 'x' }), loan: loan('B1', SEVEN_DAYS) });
      assert.equal(!blocked.allowed && blocked.reason.code, 'PATRON_BLOCKED');
      const inactive = decideRenewal({ ...base, now: FRIDAY, patron: patron('pupil', { active: false }), loan: loan('B1', SEVEN_DAYS) });
      assert.equal(!inactive.allowed && inactive.reason.code, 'PATRON_INACTIVE');
      const notLoanable = decideRenewal({ ...base, now: FRIDAY, patron: patron('pupil'), loan: loan('B1', SEVEN_DAYS, 'teacher') });
      assert.equal(!notLoanable.allowed && notLoanable.reason.code, 'NOT_LOANABLE');
    });

    it('does not spend a renewal that cannot move the date (textbooks, the school-year end)', () => {
      const textbook = decideRenewal({ ...base, now: FRIDAY, patron: patron('pupil', { textbookEligible: true }), loan: loan('T1', SEMESTER_1_END, 'textbook') });
      assert.equal(!textbook.allowed && textbook.reason.code, 'RENEWAL_LIMIT');
      const yearEnd = decideRenewal({ ...base, now: new Date('2027-05-24T03:00:00Z'), patron: patron('teacher'), loan: loan('B1', '2027-05-31', 'general') });
      assert.equal(!yearEnd.allowed && yearEnd.reason.code, 'RENEWAL_LIMIT');
    });

    it('tells a pupil renewing a fresh loan that it is too early, not that the limit is reached', () => {
      const fresh = decideRenewal({ ...base, now: FRIDAY, patron: patron('pupil'), loan: loan('B1', dueDateFor(DEMO_CALENDAR, localDate(FRIDAY, DEMO_CALENDAR), 7)) });
      assert.equal(!fresh.allowed && fresh.reason.code, 'RENEW_TOO_EARLY');
    });
  });

  describe('reasons', () => {
    it('has a Vietnamese and an English message for every code', () => {
      for (const code of REASON_CODES) {
        const r = REASONS[code];
        assert.ok(r, code);
        assert.ok(r.message_vi.length > 0 && r.message_en.length > 0, code);
        assert.notEqual(r.message_vi, r.message_en, code);
        assert.deepEqual(reasonFor(code), { code, ...r });
      }
      assert.equal(REASONS['NO_SUCH_CODE'], undefined);
    });

    it('speaks to a child about an unknown card and the services', () => {
      assert.equal(REASONS.PATRON_UNKNOWN?.message_vi, 'Thẻ này chưa có trong thư viện. Em hãy gặp cô thư viện nhé.');
      for (const code of ['ITEM_UNKNOWN', 'NOT_ON_LOAN', 'SERVER_UNREACHABLE', 'TRY_AGAIN'] as const) assert.ok(REASONS[code], code);
    });

    it('writes "1 book" and "2 books" in English', () => {
      assert.match(limitReachedReason(1, 2, 2).message_en, /1 book more.*2 books off/);
      assert.match(limitReachedReason(0, 1, 5).message_en, /already have 5 books/);
    });
  });
});
