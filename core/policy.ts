/**
 * The loan policy as data (rows of patron kind × collection) and the pure decisions the server and
 * the stations (offline, on their replica) must agree on: may this patron take this batch, until
 * when, and may this loan be renewed. No fines: Vietnamese school libraries block and remind.
 * Every refusal carries a reason a 7-year-old can read, Vietnamese first.
 */
import { z } from 'zod';
import type { Reason } from './protocol/messages.ts';
import { dueDateFor, lastOpenDayOfSchoolYear, localDate, semesterEnd, type LocalDate, type SchoolCalendar } from './calendar.ts';

export const PATRON_KINDS = ['pupil', 'teacher', 'staff', 'class'] as const;
/** 'class' is a class borrowing a set for its classroom corner library, through its homeroom teacher. */
export type PatronKind = (typeof PATRON_KINDS)[number];

export const COLLECTIONS = ['textbook', 'teacher', 'reference', 'children', 'periodical', 'general'] as const;
/** textbook: the shared textbook cabinet (SGK); teacher: teachers' professional books (sách nghiệp vụ). */
export type Collection = (typeof COLLECTIONS)[number];

export type ItemStatus = 'on_shelf' | 'on_loan' | 'lost' | 'damaged' | 'withdrawn';

export interface PolicyRow {
  patronKind: PatronKind;
  collection: Collection;
  loanable: boolean;
  /** Loan period in days; null when the loan runs to the end of the semester (or the row is not loanable). */
  loanDays: number | null;
  /** Due on the last open day of the current semester instead of after loanDays. */
  untilSemesterEnd: boolean;
  /** How many times one loan may be renewed. */
  renewals: number;
  /** Only patrons marked textbookEligible may borrow (the textbook cabinet serves pupils in need). */
  requiresEligibility: boolean;
  /**
   * Whether these loans count toward maxItems; absent means true. A pupil in need borrows a whole
   * set of textbooks for the semester, which a 2-book limit could never hold, so textbook rows opt out.
   */
  countsTowardLimit?: boolean;
}

export interface LoanPolicy {
  rows: PolicyRow[];
  /** Most items on loan at once (counting only rows that count toward the limit). */
  maxItems: Record<PatronKind, number>;
  /** Refuse new loans and renewals while any loan is overdue. */
  blockWhenOverdue: Record<PatronKind, boolean>;
  /** The kiosk asks for a PIN after the card (enforced by the station's session, not by decide()). */
  requirePin: Record<PatronKind, boolean>;
}

// ---- reasons -------------------------------------------------------------------------------------

export const REASON_CODES = [
  'PATRON_UNKNOWN',
  'PATRON_INACTIVE',
  'PATRON_BLOCKED',
  'PATRON_OVERDUE',
  'ITEM_UNKNOWN',
  'ALREADY_YOURS',
  'ON_LOAN',
  'NOT_AVAILABLE',
  'REFERENCE_ONLY',
  'NOT_LOANABLE',
  'TEXTBOOK_NOT_ELIGIBLE',
  'LIMIT_REACHED',
  'RENEWAL_LIMIT',
  'RENEW_TOO_EARLY',
  'SET_INCOMPLETE',
  'PIN_REQUIRED',
  'PIN_WRONG',
  'PIN_NOT_SET',
  'FOREIGN_ITEM',
  'SECURITY_WRITE_FAILED',
  'RESERVED',
  'NOT_HOMEROOM_TEACHER',
  'NOT_ON_LOAN',
  'SERVER_UNREACHABLE',
  'TRY_AGAIN',
  'SERVER_ERROR',
  'TAP_CARD_FIRST',
  'ALREADY_SCANNED',
  'OFFLINE_MODE',
  'PRINTER_NO_PAPER',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface ReasonText {
  message_vi: string;
  message_en: string;
}

const REASON_TEXT = {
  PATRON_UNKNOWN: {
    message_vi: 'Thẻ này chưa có trong thư viện. Em hãy gặp cô thư viện nhé.',
    message_en: 'This card is not in the library yet. Please see the librarian.',
  },
  PATRON_INACTIVE: {
    message_vi: 'Thẻ này không dùng được nữa. Em hãy gặp cô thư viện nhé.',
    message_en: 'This card does not work any more. Please see the librarian.',
  },
  PATRON_BLOCKED: {
    message_vi: 'Thẻ của em đang tạm dừng. Em hãy gặp cô thư viện nhé.',
    message_en: 'Your card is stopped for now. Please see the librarian.',
  },
  PATRON_OVERDUE: {
    message_vi: 'Em có sách đã quá hạn. Em hãy trả sách đó trước rồi mượn tiếp nhé.',
    message_en: 'You have a late book. Please bring it back first, then borrow more.',
  },
  ITEM_UNKNOWN: {
    message_vi: 'Sách này chưa có trong thư viện. Em hãy đưa sách cho cô thư viện nhé.',
    message_en: 'This book is not in the library yet. Please give it to the librarian.',
  },
  ALREADY_YOURS: {
    message_vi: 'Em đang mượn sách này rồi.',
    message_en: 'You already have this book.',
  },
  ON_LOAN: {
    message_vi: 'Sách này đang có bạn khác mượn. Em hãy đưa sách cho cô thư viện nhé.',
    message_en: 'Someone else has this book. Please give it to the librarian.',
  },
  NOT_AVAILABLE: {
    message_vi: 'Sách này không cho mượn được. Em hãy đưa sách cho cô thư viện nhé.',
    message_en: 'This book cannot go home. Please give it to the librarian.',
  },
  REFERENCE_ONLY: {
    message_vi: 'Sách này chỉ đọc ở thư viện. Em đọc tại đây nhé.',
    message_en: 'This book stays in the library. You can read it here.',
  },
  NOT_LOANABLE: {
    message_vi: 'Em chưa mượn được loại sách này. Em hãy hỏi cô thư viện nhé.',
    message_en: 'You cannot borrow this kind of book. Please ask the librarian.',
  },
  TEXTBOOK_NOT_ELIGIBLE: {
    message_vi: 'Sách giáo khoa này cần cô thư viện cho mượn. Em hãy gặp cô thư viện nhé.',
    message_en: 'The librarian lends this textbook. Please see the librarian.',
  },
  LIMIT_REACHED: {
    message_vi: 'Em lấy nhiều sách quá. Em hãy bỏ bớt sách ra nhé.',
    message_en: 'That is too many books. Please take some books off.',
  },
  RENEWAL_LIMIT: {
    message_vi: 'Sách này không mượn thêm ngày được nữa. Em hãy trả sách nhé.',
    message_en: 'You cannot keep this book longer. Please bring it back.',
  },
  PIN_REQUIRED: {
    message_vi: 'Mời nhập mã PIN của thẻ.',
    message_en: 'Please enter your card PIN.',
  },
  PIN_WRONG: {
    message_vi: 'Mã PIN chưa đúng. Mời nhập lại.',
    message_en: 'That PIN is not right. Please try again.',
  },
  PIN_NOT_SET: {
    message_vi: 'Thẻ này cần mã PIN nhưng chưa có. Mời gặp cán bộ thư viện.',
    message_en: 'This card needs a PIN but has none yet. Please see the librarian.',
  },
  SET_INCOMPLETE: {
    message_vi: 'Bộ sách này còn thiếu phần. Em hãy đặt đủ cả bộ lên bàn đọc nhé.',
    message_en: 'Part of this set is missing. Please put the whole set on the pad.',
  },
  FOREIGN_ITEM: {
    message_vi: 'Sách này không phải của thư viện trường mình. Em hãy đưa cho cô thư viện nhé.',
    message_en: 'This book belongs to another library. Please give it to the librarian.',
  },
  SECURITY_WRITE_FAILED: {
    message_vi: 'Máy chưa ghi được cuốn này. Em nhấc sách lên rồi đặt lại nhé.',
    message_en: 'That book did not work. Lift it and put it back on the pad.',
  },
  RENEW_TOO_EARLY: {
    message_vi: 'Sách này vẫn còn hạn. Em chưa cần gia hạn đâu.',
    message_en: 'This book is not due yet. No need to renew it now.',
  },
  RESERVED: {
    message_vi: 'Có bạn đang chờ mượn sách này. Em hãy trả sách đúng hạn nhé.',
    message_en: 'Someone is waiting for this book. Please bring it back on time.',
  },
  // Shown to a teacher, hence "thầy cô".
  NOT_HOMEROOM_TEACHER: {
    message_vi: 'Thầy cô chỉ mượn được bộ sách cho lớp mình chủ nhiệm.',
    message_en: 'You can borrow a class set only for your own homeroom class.',
  },
  NOT_ON_LOAN: {
    message_vi: 'Sách này chưa ai mượn. Em hãy để sách lên giá nhé.',
    message_en: 'Nobody has borrowed this book. Please put it back on the shelf.',
  },
  SERVER_UNREACHABLE: {
    message_vi: 'Máy chưa nói chuyện được với thư viện. Em hãy gặp cô thư viện nhé.',
    message_en: 'This machine cannot reach the library. Please see the librarian.',
  },
  TRY_AGAIN: {
    message_vi: 'Máy bị lỗi một chút. Em hãy thử lại nhé.',
    message_en: 'Something went wrong. Please try again.',
  },
  SERVER_ERROR: {
    message_vi: 'Máy chủ thư viện bị lỗi. Em hãy thử lại nhé.',
    message_en: 'The library server had a problem. Please try again.',
  },
  // Kiosk hints (not refusals): shown as calm notices.
  TAP_CARD_FIRST: {
    message_vi: 'Em hãy chạm thẻ trước, rồi quét sách nhé.',
    message_en: 'Tap your card first, then scan your book.',
  },
  ALREADY_SCANNED: {
    message_vi: 'Cuốn này em quét rồi.',
    message_en: 'You already scanned this book.',
  },
  OFFLINE_MODE: {
    message_vi: 'Máy đang làm việc ngoại tuyến. Em vẫn mượn sách được.',
    message_en: 'This machine is working offline. You can still borrow.',
  },
  PRINTER_NO_PAPER: {
    message_vi: 'Máy in hết giấy. Sách em mượn vẫn được ghi lại.',
    message_en: 'The printer is out of paper. Your books are still recorded.',
  },
} satisfies Record<ReasonCode, ReasonText>;

/**
 * Every refusal the kiosk, the desk and the server may show, in short words a young pupil can read.
 * Keyed by plain string so a code that arrives over the wire can be looked up (undefined if unknown).
 */
export const REASONS: Readonly<Record<string, ReasonText>> = REASON_TEXT;

/** The Reason ({code, message_vi, message_en}) for a code, from REASONS. */
export function reasonFor(code: ReasonCode): Reason {
  return { code, ...REASON_TEXT[code] };
}

function books(n: number): string {
  return n === 1 ? '1 book' : `${n} books`;
}

/**
 * LIMIT_REACHED with the numbers filled in: mayStill more items may be borrowed (0 when the patron
 * already has max), so takeOff items must come off the pad.
 */
export function limitReachedReason(mayStill: number, takeOff: number, max: number): Reason {
  if (mayStill <= 0) {
    return {
      code: 'LIMIT_REACHED',
      message_vi: `Em đang mượn đủ ${max} quyển rồi. Em hãy trả sách cũ rồi mượn tiếp nhé.`,
      message_en: `You already have ${books(max)}. Please bring one back first.`,
    };
  }
  return {
    code: 'LIMIT_REACHED',
    message_vi: `Em chỉ mượn thêm được ${mayStill} quyển. Em hãy bỏ bớt ${takeOff} quyển ra nhé.`,
    message_en: `You can borrow ${books(mayStill)} more. Please take ${books(takeOff)} off.`,
  };
}

// ---- default policy ----------------------------------------------------------------------------

type RowTerms = Omit<PolicyRow, 'patronKind' | 'collection'>;

const NOT_LOANABLE: RowTerms = { loanable: false, loanDays: null, untilSemesterEnd: false, renewals: 0, requiresEligibility: false };
const forDays = (loanDays: number, renewals: number): RowTerms => ({
  loanable: true,
  loanDays,
  untilSemesterEnd: false,
  renewals,
  requiresEligibility: false,
});
// Textbooks go home for the semester; they come back at its end, so there is nothing to renew.
const TEXTBOOK_FOR_SEMESTER: RowTerms = {
  loanable: true,
  loanDays: null,
  untilSemesterEnd: true,
  renewals: 0,
  requiresEligibility: false,
  countsTowardLimit: false,
};

const DEFAULT_TERMS: Record<PatronKind, Record<Collection, RowTerms>> = {
  pupil: {
    textbook: { ...TEXTBOOK_FOR_SEMESTER, requiresEligibility: true },
    teacher: NOT_LOANABLE,
    reference: forDays(7, 1),
    children: forDays(7, 1),
    periodical: forDays(7, 1),
    general: forDays(7, 1),
  },
  teacher: {
    // A teacher teaches from the textbook all semester.
    textbook: TEXTBOOK_FOR_SEMESTER,
    teacher: forDays(30, 2),
    reference: forDays(30, 2),
    children: forDays(30, 2),
    periodical: forDays(30, 2),
    general: forDays(30, 2),
  },
  staff: {
    // The textbook cabinet serves pupils in need and the teachers who teach from it.
    textbook: NOT_LOANABLE,
    teacher: forDays(30, 2),
    reference: forDays(30, 2),
    children: forDays(30, 2),
    periodical: forDays(30, 2),
    general: forDays(30, 2),
  },
  class: {
    // A class set fills the classroom corner library: reading books for a month, renewable once.
    textbook: NOT_LOANABLE,
    teacher: NOT_LOANABLE,
    reference: forDays(30, 1),
    children: forDays(30, 1),
    periodical: forDays(30, 1),
    general: forDays(30, 1),
  },
};

/** The defaults of the design brief; a school edits a copy. */
export const DEFAULT_POLICY: LoanPolicy = {
  rows: PATRON_KINDS.flatMap((patronKind) =>
    COLLECTIONS.map((collection) => ({ patronKind, collection, ...DEFAULT_TERMS[patronKind][collection] })),
  ),
  maxItems: { pupil: 2, teacher: 5, staff: 5, class: 40 },
  blockWhenOverdue: { pupil: true, teacher: false, staff: false, class: false },
  requirePin: { pupil: false, teacher: false, staff: false, class: false },
};

// ---- decisions ---------------------------------------------------------------------------------

export interface PolicyPatron {
  /** Patron id; for a class loan, the class's id. */
  id: string;
  kind: PatronKind;
  active: boolean;
  /** Set by the librarian; never shown to the pupil (it may not suit a child's eyes). */
  blockedReason: string | null;
  textbookEligible: boolean;
}

export interface OpenLoan {
  barcode: string;
  /** School-local due date; the loan is overdue from the next day. */
  dueDate: LocalDate;
  renewals: number;
  collection: Collection;
}

export interface BatchItem {
  barcode: string;
  collection: Collection;
  referenceOnly: boolean;
  status: ItemStatus;
  /** Patron (or class) id holding it, null when on the shelf. */
  onLoanTo: string | null;
}

export interface DecideInput {
  policy: LoanPolicy;
  calendar: SchoolCalendar;
  now: Date;
  patron: PolicyPatron;
  openLoans: OpenLoan[];
  /** The batch: the copies found in the catalogue. */
  items: BatchItem[];
  /** Barcodes of the batch that are not in the catalogue. */
  unknown?: string[];
}

export type ItemDecision =
  | { barcode: string; allowed: true; dueDate: LocalDate }
  | { barcode: string; allowed: false; reason: Reason };

export interface Decision {
  /** True when there is no batch refusal and every item is allowed. */
  ok: boolean;
  /** Set when the whole batch is refused (patron inactive, blocked, overdue, or over the limit). */
  batchRefusal: Reason | null;
  /** One entry per distinct barcode: items first, then unknown, in input order. */
  items: ItemDecision[];
}

/** The policy row for a patron kind and collection, or null when the policy has none (treated as not loanable). */
export function policyRow(policy: LoanPolicy, kind: PatronKind, collection: Collection): PolicyRow | null {
  return policy.rows.find((r) => r.patronKind === kind && r.collection === collection) ?? null;
}

function countsTowardLimit(policy: LoanPolicy, kind: PatronKind, collection: Collection): boolean {
  return policyRow(policy, kind, collection)?.countsTowardLimit !== false;
}

function countingLoans(policy: LoanPolicy, kind: PatronKind, loans: readonly { collection: Collection }[]): number {
  return loans.filter((l) => countsTowardLimit(policy, kind, l.collection)).length;
}

/** How many more items the patron may borrow now: maxItems minus the open loans that count, never below 0. */
export function remainingAllowance(
  policy: LoanPolicy,
  patron: Pick<PolicyPatron, 'kind'>,
  openLoans: readonly { collection: Collection }[],
): number {
  return Math.max(0, policy.maxItems[patron.kind] - countingLoans(policy, patron.kind, openLoans));
}

/** Due date of a loan under row made today: the semester's last open day or today + loanDays moved to an open day; never before today. */
function dueDateForRow(calendar: SchoolCalendar, today: LocalDate, row: PolicyRow): LocalDate {
  if (row.untilSemesterEnd || row.loanDays === null) {
    const end = semesterEnd(calendar, today);
    // After the last semester (summer, next year's calendar not loaded yet) rather due today than already overdue.
    return end < today ? today : end;
  }
  return dueDateFor(calendar, today, row.loanDays);
}

/** The patron-level refusal (inactive, blocked, overdue with blocking), or null. */
function patronRefusal(policy: LoanPolicy, patron: PolicyPatron, loans: readonly OpenLoan[], today: LocalDate): Reason | null {
  if (!patron.active) return reasonFor('PATRON_INACTIVE');
  if (patron.blockedReason !== null) return reasonFor('PATRON_BLOCKED');
  if (policy.blockWhenOverdue[patron.kind] && loans.some((l) => l.dueDate < today)) return reasonFor('PATRON_OVERDUE');
  return null;
}

/**
 * Decides a checkout batch at `now`: each copy allowed with its due date or refused with a reason.
 * A patron who may not borrow, or a batch that would take the patron over maxItems, is refused whole
 * (nothing is lent, nothing is written to any tag) with batchRefusal set; items already refused for
 * their own reason keep it. A barcode listed twice is decided once.
 */
export function decide(input: DecideInput): Decision {
  const { policy, calendar, patron, openLoans } = input;
  const today = localDate(input.now, calendar);
  const onLoanToPatron = new Set(openLoans.map((l) => l.barcode));

  const seen = new Set<string>();
  const decisions: ItemDecision[] = [];
  const countedAllowed: boolean[] = [];

  const refusal = patronRefusal(policy, patron, openLoans, today);
  for (const item of input.items) {
    if (seen.has(item.barcode)) continue;
    seen.add(item.barcode);
    const refuse = (code: ReasonCode): void => {
      decisions.push({ barcode: item.barcode, allowed: false, reason: reasonFor(code) });
      countedAllowed.push(false);
    };
    const row = policyRow(policy, patron.kind, item.collection);
    if (item.onLoanTo === patron.id || onLoanToPatron.has(item.barcode)) refuse('ALREADY_YOURS');
    else if (item.status === 'on_loan' || item.onLoanTo !== null) refuse('ON_LOAN');
    else if (item.status !== 'on_shelf') refuse('NOT_AVAILABLE');
    else if (item.referenceOnly) refuse('REFERENCE_ONLY');
    else if (!row || !row.loanable) refuse('NOT_LOANABLE');
    else if (row.requiresEligibility && !patron.textbookEligible) refuse('TEXTBOOK_NOT_ELIGIBLE');
    else {
      decisions.push({ barcode: item.barcode, allowed: true, dueDate: dueDateForRow(calendar, today, row) });
      countedAllowed.push(row.countsTowardLimit !== false);
    }
  }
  for (const barcode of input.unknown ?? []) {
    if (seen.has(barcode)) continue;
    seen.add(barcode);
    decisions.push({ barcode, allowed: false, reason: reasonFor('ITEM_UNKNOWN') });
    countedAllowed.push(false);
  }

  // The patron-level refusal wins over every item's own reason: that is what the pupil must fix first.
  if (refusal) {
    return { ok: false, batchRefusal: refusal, items: decisions.map((d) => ({ barcode: d.barcode, allowed: false, reason: refusal })) };
  }

  const max = policy.maxItems[patron.kind];
  const holding = countingLoans(policy, patron.kind, openLoans);
  const adding = countedAllowed.filter(Boolean).length;
  if (holding + adding > max) {
    const limit = limitReachedReason(Math.max(0, max - holding), holding + adding - max, max);
    return {
      ok: false,
      batchRefusal: limit,
      items: decisions.map((d) => (d.allowed ? { barcode: d.barcode, allowed: false, reason: limit } : d)),
    };
  }

  return { ok: decisions.every((d) => d.allowed), batchRefusal: null, items: decisions };
}

export interface RenewalInput {
  policy: LoanPolicy;
  calendar: SchoolCalendar;
  now: Date;
  patron: PolicyPatron;
  loan: OpenLoan;
  /** Another patron is waiting for this copy. */
  reservedByOthers?: boolean;
  /** The patron's other open loans, so an overdue one elsewhere blocks too; the loan itself is always checked. */
  openLoans?: OpenLoan[];
}

export type RenewalDecision =
  | { allowed: true; dueDate: LocalDate; renewals: number }
  | { allowed: false; reason: Reason };

/**
 * Decides a renewal at `now`: the new due date is computed from today under the loan's row (never
 * earlier than the current one) and renewals is the loan's new count. Refused when the patron may
 * not borrow (an overdue pupil is blocked, even for the late book itself), someone waits for the copy,
 * the row is no longer loanable, the renewals are used up, or the date would not move.
 */
export function decideRenewal(input: RenewalInput): RenewalDecision {
  const { policy, calendar, patron, loan } = input;
  const today = localDate(input.now, calendar);
  const refusal = patronRefusal(policy, patron, [loan, ...(input.openLoans ?? [])], today);
  if (refusal) return { allowed: false, reason: refusal };
  if (input.reservedByOthers) return { allowed: false, reason: reasonFor('RESERVED') };
  const row = policyRow(policy, patron.kind, loan.collection);
  if (!row || !row.loanable) return { allowed: false, reason: reasonFor('NOT_LOANABLE') };
  if (loan.renewals >= row.renewals) return { allowed: false, reason: reasonFor('RENEWAL_LIMIT') };
  const dueDate = dueDateForRow(calendar, today, row);
  // Near the end of the school year the date is clamped and cannot move: do not spend a renewal on nothing.
  if (dueDate <= loan.dueDate) {
    // A date fixed by the semester or the school year cannot move; otherwise it is just too soon.
    const fixed = row.untilSemesterEnd || dueDate === lastOpenDayOfSchoolYear(calendar);
    return { allowed: false, reason: reasonFor(fixed ? 'RENEWAL_LIMIT' : 'RENEW_TOO_EARLY') };
  }
  return { allowed: true, dueDate, renewals: loan.renewals + 1 };
}

// ---- schema: the policy travels to stations in the sync payload and comes from the librarian ----

const policyRowSchema = z.object({
  patronKind: z.enum(PATRON_KINDS),
  collection: z.enum(COLLECTIONS),
  loanable: z.boolean(),
  loanDays: z.number().int().min(0).max(366).nullable(),
  untilSemesterEnd: z.boolean(),
  renewals: z.number().int().min(0),
  requiresEligibility: z.boolean(),
  countsTowardLimit: z.boolean().optional(),
});

/** Validates a LoanPolicy received from outside (sync payload, librarian's settings). */
export const loanPolicySchema = z.object({
  rows: z.array(policyRowSchema),
  maxItems: z.record(z.enum(PATRON_KINDS), z.number().int().min(0)),
  blockWhenOverdue: z.record(z.enum(PATRON_KINDS), z.boolean()),
  requirePin: z.record(z.enum(PATRON_KINDS), z.boolean()),
});

type AssertPolicy<T extends LoanPolicy> = T;
type _SchemaMatchesPolicy = AssertPolicy<z.infer<typeof loanPolicySchema>>;
