/**
 * The circulation authority: answers station requests against the system of record.
 * One transaction id per request: the answer is stored with it, so a replayed request gets the
 * original answer and changes nothing. The change, its answer and its event (outbox) commit together.
 */
import type { Library, PatronRow } from '../db/library.ts';
import { verifyPin } from '#core/node/pin.ts';
import { decide, decideRenewal, remainingAllowance, REASONS, type LoanPolicy, type PatronKind } from '#core/policy.ts';
import { localDate, type SchoolCalendar } from '#core/calendar.ts';
import type {
  CirculationData,
  IdentifyData,
  ItemResult,
  LibraryEvent,
  Reason,
  ResponseEnvelope,
  StationRequest,
} from '#core/protocol/messages.ts';

export interface AuthorityDeps {
  library: Library;
  policy: LoanPolicy;
  calendar: SchoolCalendar;
  clock: () => Date;
}

export interface Outcome {
  response: ResponseEnvelope;
  /** True when the transaction id was already answered (nothing changed this time). */
  replay: boolean;
}

function reason(code: string): Reason {
  const r = REASONS[code];
  return r ? { code, ...r } : { code, message_vi: 'Có lỗi, em hãy thử lại.', message_en: 'Something went wrong, please try again.' };
}

export class CirculationAuthority {
  constructor(private readonly deps: AuthorityDeps) {}

  /** Applies one validated request; never throws for a domain refusal (that is an answer). */
  handle(req: StationRequest): Outcome {
    const { db } = this.deps.library;
    const known = db.prepare(`SELECT response FROM transactions WHERE id = ?`).get(req.id) as { response: string } | undefined;
    if (known) {
      const response = JSON.parse(known.response) as ResponseEnvelope;
      if (req.type === 'checkout' && req.offline && req.lent) this.checkDecisionMatches(req, response);
      return { response, replay: true };
    }
    if (req.type === 'sync') return { response: this.sync(req.id, req.since), replay: false };

    const run = db.transaction((): ResponseEnvelope => {
      const response = this.apply(req);
      db.prepare(
        `INSERT INTO transactions (id, device, type, at, received_at, request, response) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(req.id, req.device, req.type, req.at, this.deps.clock().toISOString(), JSON.stringify({ ...req, pin: undefined }), JSON.stringify(response));
      return response;
    });
    return { response: run(), replay: false };
  }

  /**
   * The station timed out, decided alone, and now replays; but the server had answered the first
   * copy of the request. If the two decisions differ, the librarian must sort out which books left.
   */
  private checkDecisionMatches(req: Extract<StationRequest, { type: 'checkout' }>, response: ResponseEnvelope): void {
    const served = response.status === 'ok' ? (response.data as CirculationData).items.filter((i) => i.ok).map((i) => i.barcode) : [];
    const lent = req.lent ?? [];
    const same = served.length === lent.length && served.every((b) => lent.includes(b));
    if (same) return;
    const db = this.deps.library.db;
    const exists = db.prepare(`SELECT 1 FROM conflicts WHERE tx_id = ? AND code = 'DECISION_MISMATCH'`).get(req.id);
    if (exists) return;
    db.prepare(`INSERT INTO conflicts (tx_id, device, at, barcode, code, detail) VALUES (?, ?, ?, NULL, 'DECISION_MISMATCH', ?)`).run(
      req.id,
      req.device,
      req.at,
      `server lent [${served.join(', ')}] but the station, past its deadline, lent [${lent.join(', ')}]`,
    );
  }

  private apply(req: Exclude<StationRequest, { type: 'sync' }>): ResponseEnvelope {
    switch (req.type) {
      case 'identify':
        return this.identify(req);
      case 'checkout':
        return this.checkout(req);
      case 'checkin':
        return this.checkin(req);
      case 'renew':
        return this.renew(req);
    }
  }

  private ok(id: string, data: unknown): ResponseEnvelope {
    return { id, status: 'ok', data, serverTime: this.deps.clock().toISOString() };
  }

  private fail(id: string, code: string): ResponseEnvelope {
    return { id, status: 'error', error: reason(code), serverTime: this.deps.clock().toISOString() };
  }

  private emit(e: LibraryEvent): void {
    this.deps.library.db
      .prepare(`INSERT OR IGNORE INTO events (id, type, device, at, payload) VALUES (?, ?, ?, ?, ?)`)
      .run(e.id, e.type, e.device, e.at, JSON.stringify(e));
  }

  private patronView(p: PatronRow) {
    return { id: p.id, kind: p.kind, fullName: p.fullName, className: p.className, homeroomClass: p.homeroomClass };
  }

  private decidePatron(p: PatronRow, kind: PatronKind = p.kind) {
    return { id: p.id, kind, active: p.active, blockedReason: p.blockedReason, textbookEligible: p.textbookEligible };
  }

  private identify(req: Extract<StationRequest, { type: 'identify' }>): ResponseEnvelope {
    const { library, policy, calendar } = this.deps;
    const p = library.patronByIdentifier(req.code);
    if (!p) return this.fail(req.id, 'PATRON_UNKNOWN');
    if (!p.active) return this.fail(req.id, 'PATRON_INACTIVE');
    // An offline replay was checked against the replica's PIN hash by the station already.
    if (policy.requirePin[p.kind] && !req.offline) {
      if (!p.pinHash) return this.fail(req.id, 'PIN_NOT_SET');
      if (!req.pin) return this.fail(req.id, 'PIN_REQUIRED');
      if (!verifyPin(req.pin, p.pinHash)) return this.fail(req.id, 'PIN_WRONG');
    }
    library.recordVisit(p.id, req.at, 'kiosk', req.id);
    this.emit({ id: req.id, at: req.at, device: 'server', type: 'visit', station: req.device, patronId: p.id });
    const now = this.deps.clock();
    const today = localDate(now, calendar);
    const loans = library.openLoansOf(p.id);
    // A dry run of an empty batch tells whether the patron is blocked, and why.
    const dry = decide({ policy, calendar, now, patron: this.decidePatron(p), openLoans: loans, items: [], unknown: [] });
    const data: IdentifyData = {
      patron: this.patronView(p),
      loans: loans.map((l) => ({ barcode: l.barcode, title: l.title, dueDate: l.dueDate, renewals: l.renewals, overdue: l.dueDate < today })),
      remaining: dry.batchRefusal ? 0 : remainingAllowance(policy, this.decidePatron(p), loans),
      blocked: dry.batchRefusal,
    };
    return this.ok(req.id, data);
  }

  private checkout(req: Extract<StationRequest, { type: 'checkout' }>): ResponseEnvelope {
    const { library, policy, calendar } = this.deps;
    const p = library.patronById(req.patronId);
    if (!p) return this.fail(req.id, 'PATRON_UNKNOWN');
    let classId: string | null = null;
    if (req.forClass) {
      // The kiosk knows the class by its name ("4A"); scripts may send the id.
      if (!p.homeroomClassId || (req.forClass !== p.homeroomClassId && req.forClass !== p.homeroomClass)) return this.fail(req.id, 'NOT_HOMEROOM_TEACHER');
      classId = p.homeroomClassId;
    }
    // An offline replay records exactly what the station lent, not everything the pupil scanned.
    const asked = req.offline && req.lent ? req.lent : req.items;
    const found = asked.map((b) => ({ barcode: b, row: library.itemByBarcode(b) }));
    const unknown = found.filter((f) => !f.row).map((f) => f.barcode);
    const rows = found.flatMap((f) => (f.row ? [f.row] : []));
    const titles = new Map(rows.map((r) => [r.barcode, r.title]));

    let results: ItemResult[];
    if (req.offline) {
      results = this.applyOfflineCheckout(req, p, rows, unknown, classId);
    } else {
      const openLoans = classId ? library.openLoansOfClass(classId) : library.openLoansOf(p.id);
      const decision = decide({
        policy,
        calendar,
        now: this.deps.clock(),
        patron: this.decidePatron(p, classId ? 'class' : p.kind),
        openLoans,
        items: rows.map((r) => ({ barcode: r.barcode, collection: r.collection, referenceOnly: r.referenceOnly, status: r.status, onLoanTo: r.onLoanTo })),
        unknown,
      });
      results = decision.items.map((d): ItemResult => {
        const title = titles.get(d.barcode) ?? null;
        if (!d.allowed) return { barcode: d.barcode, ok: false, title, reason: d.reason };
        const row = rows.find((r) => r.barcode === d.barcode)!;
        library.openLoan({ txId: req.id, copyId: row.copyId, patronId: p.id, classId, station: req.device, at: req.at, dueDate: d.dueDate, offline: false });
        library.recordCopyChanged(row.barcode);
        return { barcode: d.barcode, ok: true, title: row.title, dueDate: d.dueDate };
      });
    }
    const lent = results.filter((r): r is Extract<ItemResult, { ok: true }> => r.ok);
    if (lent.length > 0) {
      library.recordVisit(p.id, req.at, 'circulation', req.id);
      this.emit({
        id: req.id,
        at: req.at,
        device: 'server',
        type: 'checkout',
        station: req.device,
        patronId: p.id,
        items: lent.map((r) => ({ barcode: r.barcode, dueDate: r.dueDate })),
        ...(req.offline ? { offline: true } : {}),
      });
    }
    const data: CirculationData = { items: results };
    return this.ok(req.id, data);
  }

  /**
   * A loan the station already made while the server was unreachable: the pupil has walked out with
   * the book, so the server records it as made and queues real conflicts for the librarian instead
   * of refusing after the fact.
   */
  private applyOfflineCheckout(
    req: Extract<StationRequest, { type: 'checkout' }>,
    p: PatronRow,
    rows: NonNullable<ReturnType<Library['itemByBarcode']>>[],
    unknown: string[],
    classId: string | null,
  ): ItemResult[] {
    const { library, policy, calendar } = this.deps;
    const db = library.db;
    const conflict = (barcode: string | null, code: string, detail: string) =>
      db.prepare(`INSERT INTO conflicts (tx_id, device, at, barcode, code, detail) VALUES (?, ?, ?, ?, ?, ?)`).run(req.id, req.device, req.at, barcode, code, detail);
    // Things the librarian must look at, though the loan stands: the pupil has the book.
    if (!p.active || p.blockedReason) conflict(null, 'PATRON_BLOCKED_MEANWHILE', `${p.id} was ${p.active ? `blocked (${p.blockedReason})` : 'inactive'} when ${req.device}'s offline loan arrived`);
    if (req.unsynced) conflict(null, 'CLOCK_UNSYNCED', `${req.device} lent without a synchronised clock: the loan time ${req.at} may be wrong`);
    const results: ItemResult[] = unknown.map((b) => {
      conflict(b, 'ITEM_UNKNOWN', 'offline loan of a barcode the catalogue does not know');
      return { barcode: b, ok: false, title: null, reason: reason('ITEM_UNKNOWN') };
    });
    for (const row of rows) {
      if (row.onLoanTo === p.id) {
        results.push({ barcode: row.barcode, ok: true, title: row.title, dueDate: null });
        continue;
      }
      if (row.loanId !== null) {
        // Lent twice: the earlier loan is closed as returned-unseen and the librarian is told.
        conflict(row.barcode, 'LENT_TWICE', `copy was on loan to ${row.onLoanTo} when ${req.device} lent it offline to ${p.id}`);
        library.closeLoan(row.loanId, row.copyId, req.id, req.at);
      }
      const decision = decide({
        policy,
        calendar,
        now: new Date(req.at),
        patron: { ...this.decidePatron(p, classId ? 'class' : p.kind), blockedReason: null },
        openLoans: [],
        items: [{ barcode: row.barcode, collection: row.collection, referenceOnly: false, status: 'on_shelf', onLoanTo: null }],
        unknown: [],
      });
      const d = decision.items[0];
      const dueDate = d && d.allowed ? d.dueDate : localDate(new Date(req.at), calendar);
      library.openLoan({ txId: req.id, copyId: row.copyId, patronId: p.id, classId, station: req.device, at: req.at, dueDate, offline: true });
      library.recordCopyChanged(row.barcode);
      results.push({ barcode: row.barcode, ok: true, title: row.title, dueDate });
    }
    return results;
  }

  private checkin(req: Extract<StationRequest, { type: 'checkin' }>): ResponseEnvelope {
    const { library } = this.deps;
    const results: ItemResult[] = [];
    const returned: { barcode: string; patronId: string }[] = [];
    for (const barcode of req.items) {
      const row = library.itemByBarcode(barcode);
      if (!row) {
        results.push({ barcode, ok: false, title: null, reason: reason('ITEM_UNKNOWN') });
        continue;
      }
      if (row.loanId === null) {
        results.push({ barcode, ok: false, title: row.title, reason: reason('NOT_ON_LOAN') });
        continue;
      }
      library.closeLoan(row.loanId, row.copyId, req.id, req.at);
      library.recordCopyChanged(barcode);
      returned.push({ barcode, patronId: row.onLoanTo! });
      results.push({ barcode, ok: true, title: row.title, dueDate: null });
    }
    if (returned.length > 0) {
      this.emit({
        id: req.id,
        at: req.at,
        device: 'server',
        type: 'checkin',
        station: req.device,
        // One return transaction may bring back books of several patrons (the drop box): no patron then.
        patronId: new Set(returned.map((r) => r.patronId)).size === 1 ? returned[0]!.patronId : null,
        items: returned.map((r) => ({ barcode: r.barcode, dueDate: null })),
      });
    }
    return this.ok(req.id, { items: results } satisfies CirculationData);
  }

  private renew(req: Extract<StationRequest, { type: 'renew' }>): ResponseEnvelope {
    const { library, policy, calendar } = this.deps;
    const p = library.patronById(req.patronId);
    if (!p) return this.fail(req.id, 'PATRON_UNKNOWN');
    const results: ItemResult[] = [];
    const loans = library.openLoansOf(p.id);
    for (const barcode of req.items) {
      const loan = loans.find((l) => l.barcode === barcode);
      if (!loan) {
        results.push({ barcode, ok: false, title: library.itemByBarcode(barcode)?.title ?? null, reason: reason('NOT_ON_LOAN') });
        continue;
      }
      const d = decideRenewal({ policy, calendar, now: this.deps.clock(), patron: this.decidePatron(p), loan, openLoans: loans });
      if (!d.allowed) {
        results.push({ barcode, ok: false, title: loan.title, reason: d.reason });
        continue;
      }
      library.renewLoan(loan.loanId, d.dueDate);
      library.recordCopyChanged(barcode);
      results.push({ barcode, ok: true, title: loan.title, dueDate: d.dueDate });
    }
    const renewed = results.filter((r): r is Extract<ItemResult, { ok: true }> => r.ok);
    if (renewed.length > 0) {
      this.emit({
        id: req.id,
        at: req.at,
        device: 'server',
        type: 'renew',
        station: req.device,
        patronId: p.id,
        items: renewed.map((r) => ({ barcode: r.barcode, dueDate: r.dueDate })),
      });
    }
    return this.ok(req.id, { items: results } satisfies CirculationData);
  }

  /** Replica sync: numbered changes since `since`, or a whole snapshot when the station is new or too far behind. */
  private sync(id: string, since: number): ResponseEnvelope {
    const { library, policy, calendar } = this.deps;
    const seq = library.changeSeq();
    const MAX_CHANGES = 2000;
    const changes = since > 0 && seq - since <= MAX_CHANGES ? library.changesSince(since, MAX_CHANGES) : null;
    // A station whose seq is ahead of ours has a replica from another database: start it afresh.
    if (changes && since <= seq) return this.ok(id, { mode: 'changes', seq, changes, policy, calendar });
    return this.ok(id, { mode: 'snapshot', seq, changes: library.snapshot(), policy, calendar });
  }
}
