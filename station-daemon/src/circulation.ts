/**
 * Circulation as the station sees it: every transaction is journaled, sent to the server with a
 * deadline, and decided here on the replica with the same policy code when the server does not
 * answer in time. Offline transactions stay in the journal until a replay is answered.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { uuidv7 } from '#core/ids.ts';
import { verifyPin } from '#core/node/pin.ts';
import { decide, decideRenewal, remainingAllowance, REASONS } from '#core/policy.ts';
import { localDate } from '#core/calendar.ts';
import {
  circulationData,
  identifyData,
  syncData,
  type IdentifyData,
  type ItemResult,
  type Reason,
  type ResponseEnvelope,
  type StationRequest,
} from '#core/protocol/messages.ts';
import type { ServerLink } from './server-link.ts';
import type { Replica } from './replica.ts';
import type { Journal } from './journal.ts';

export type IdentifyOutcome = { ok: true; data: IdentifyData; offline: boolean } | { ok: false; reason: Reason; offline: boolean };
export interface ItemsOutcome {
  items: ItemResult[];
  offline: boolean;
}

export interface StationCirculationDeps {
  link: ServerLink;
  replica: Replica;
  journal: Journal;
  device: string;
  deadlineMs: number;
  log: Logger;
  clock?: () => Date;
  /**
   * Crash-test hook, called at named points of a transaction ('journaled', 'published'); the
   * station wires it from OPENSHELF_FAULT so tests can kill the process exactly there.
   */
  fault?: (point: 'journaled' | 'published', type: StationRequest['type']) => void;
}

function reason(code: string): Reason {
  const r = REASONS[code];
  return r ? { code, ...r } : { code, message_vi: 'Có lỗi, em hãy thử lại.', message_en: 'Something went wrong, please try again.' };
}

type Body<T extends StationRequest['type']> = Omit<Extract<StationRequest, { type: T }>, 'id' | 'replyTo' | 'device' | 'at' | 'type'>;

export class StationCirculation {
  /** Server clock minus ours, ms (a Pi has no RTC); updated from every answer. */
  offsetMs = 0;
  clockSynced = false;
  private replaying = false;
  /** Transactions being sent right now by send(): a replay must not race them. */
  private inFlight = new Set<string>();
  private readonly clock: () => Date;

  constructor(private readonly d: StationCirculationDeps) {
    this.clock = d.clock ?? (() => new Date());
  }

  /** Our best idea of the server's time. */
  now(): Date {
    return new Date(this.clock().getTime() + this.offsetMs);
  }

  private make<T extends StationRequest['type']>(type: T, body: Body<T>): StationRequest {
    const now = this.now();
    return {
      ...body,
      type,
      id: uuidv7(now.getTime(), randomBytes(10)),
      replyTo: this.d.link.replyTopic,
      device: this.d.device,
      at: now.toISOString(),
      ...(this.clockSynced ? {} : { unsynced: true }),
    } as unknown as StationRequest;
  }

  private noteAnswer(r: ResponseEnvelope): void {
    if (r.serverTime) {
      this.offsetMs = Date.parse(r.serverTime) - this.clock().getTime();
      this.clockSynced = true;
    }
  }

  /** Journal, send, and wait for the server; null when it did not answer by the deadline. */
  private async send(req: StationRequest): Promise<ResponseEnvelope | null> {
    // The PIN goes to the server in this one request and is never written to disk.
    this.d.journal.add(req.type === 'identify' ? ({ ...req, pin: undefined } as StationRequest) : req);
    this.d.fault?.('journaled', req.type);
    this.inFlight.add(req.id);
    let r: ResponseEnvelope | null;
    try {
      r = await this.d.link.request(req, this.d.deadlineMs, () => this.d.fault?.('published', req.type));
    } finally {
      this.inFlight.delete(req.id);
    }
    this.d.journal.noteAttempt(req.id, r ? null : 'no answer before the deadline');
    if (!r) return null;
    this.noteAnswer(r);
    this.d.journal.clear(req.id);
    return r;
  }

  async identify(code: string, pin?: string): Promise<IdentifyOutcome> {
    const req = this.make('identify', { code, ...(pin ? { pin } : {}) });
    const r = await this.send(req);
    if (r) {
      if (r.status === 'error') return { ok: false, reason: r.error, offline: false };
      return { ok: true, data: identifyData.parse(r.data), offline: false };
    }
    const { replica } = this.d;
    const p = replica.patronByIdentifier(code);
    if (!p) {
      this.d.journal.clear(req.id); // nothing to record about a card we do not know
      return { ok: false, reason: reason('PATRON_UNKNOWN'), offline: true };
    }
    if (!p.active) {
      this.d.journal.clear(req.id);
      return { ok: false, reason: reason('PATRON_INACTIVE'), offline: true };
    }
    const policy = replica.policy();
    if (policy.requirePin[p.kind]) {
      const refuse = (code: string) => {
        this.d.journal.clear(req.id);
        return { ok: false as const, reason: reason(code), offline: true };
      };
      if (!p.pinHash) return refuse('PIN_NOT_SET');
      if (!pin) return refuse('PIN_REQUIRED');
      if (!verifyPin(pin, p.pinHash)) return refuse('PIN_WRONG');
    }
    this.d.journal.markOffline(req); // the visit is recorded when the server hears of it
    const calendar = replica.calendar();
    const now = this.now();
    const today = localDate(now, calendar);
    const loans = replica.loansOf(p.id).map((l) => ({ ...l, collection: replica.item(l.barcode)?.collection ?? 'general', title: replica.item(l.barcode)?.title ?? l.barcode }));
    const patron = { id: p.id, kind: p.kind, active: p.active, blockedReason: p.blockedReason, textbookEligible: p.textbookEligible };
    const dry = decide({ policy, calendar, now, patron, openLoans: loans as never, items: [], unknown: [] });
    return {
      ok: true,
      offline: true,
      data: {
        patron: { id: p.id, kind: p.kind, fullName: p.fullName, className: p.className, homeroomClass: p.homeroomClass },
        loans: loans.map((l) => ({ barcode: l.barcode, title: l.title, dueDate: l.dueDate, renewals: l.renewals, overdue: l.dueDate < today })),
        remaining: dry.batchRefusal ? 0 : remainingAllowance(policy, patron, loans as never),
        blocked: dry.batchRefusal,
      },
    };
  }

  async checkout(patronId: string, items: string[], forClass?: string): Promise<ItemsOutcome> {
    const req = this.make('checkout', { patronId, items, ...(forClass ? { forClass } : {}) });
    const r = await this.send(req);
    if (r) return { items: this.itemsFrom(r, items), offline: false };
    const { replica } = this.d;
    const p = replica.patronById(patronId);
    if (!p || forClass) {
      // Class sets need the server's class records: refuse rather than guess (and say so on replay).
      this.d.journal.markOffline({ ...req, lent: [] } as StationRequest);
      return { items: items.map((b) => ({ barcode: b, ok: false, title: replica.item(b)?.title ?? null, reason: reason('SERVER_UNREACHABLE') })), offline: true };
    }
    const policy = replica.policy();
    const calendar = replica.calendar();
    const openLoans = replica.loansOf(p.id).map((l) => ({ ...l, collection: replica.item(l.barcode)?.collection ?? 'general' }));
    const found = items.map((b) => ({ b, item: replica.item(b) }));
    const decision = decide({
      policy,
      calendar,
      now: this.now(),
      patron: { id: p.id, kind: p.kind, active: p.active, blockedReason: p.blockedReason, textbookEligible: p.textbookEligible },
      openLoans: openLoans as never,
      items: found.flatMap(({ b, item }) =>
        item ? [{ barcode: b, collection: item.collection as never, referenceOnly: item.referenceOnly, status: item.status as never, onLoanTo: replica.loan(b)?.patronId ?? null }] : [],
      ),
      unknown: found.filter((f) => !f.item).map((f) => f.b),
    });
    const results: ItemResult[] = decision.items.map((d) =>
      d.allowed
        ? { barcode: d.barcode, ok: true, title: replica.item(d.barcode)?.title ?? d.barcode, dueDate: d.dueDate }
        : { barcode: d.barcode, ok: false, title: replica.item(d.barcode)?.title ?? null, reason: d.reason },
    );
    const lent = results.filter((x) => x.ok);
    // Kept even when nothing was lent: the request may have reached the server after our deadline,
    // and the replay tells it what the pupil really took (a mismatch becomes a conflict there).
    this.d.journal.markOffline({ ...req, lent: lent.map((x) => x.barcode) } as StationRequest);
    for (const x of lent) if (x.ok && x.dueDate) replica.noteLoan(x.barcode, { barcode: x.barcode, patronId: p.id, dueDate: x.dueDate, renewals: 0 });
    return { items: results, offline: true };
  }

  async checkin(items: string[]): Promise<ItemsOutcome> {
    const req = this.make('checkin', { items });
    const r = await this.send(req);
    if (r) return { items: this.itemsFrom(r, items), offline: false };
    const { replica } = this.d;
    this.d.journal.markOffline(req);
    const results = items.map((b): ItemResult => {
      const item = replica.item(b);
      if (!item) return { barcode: b, ok: false, title: null, reason: reason('ITEM_UNKNOWN') };
      replica.noteLoan(b, null);
      return { barcode: b, ok: true, title: item.title, dueDate: null };
    });
    return { items: results, offline: true };
  }

  async renew(patronId: string, items: string[]): Promise<ItemsOutcome> {
    const req = this.make('renew', { patronId, items });
    const r = await this.send(req);
    if (r) return { items: this.itemsFrom(r, items), offline: false };
    const { replica } = this.d;
    const p = replica.patronById(patronId);
    const policy = replica.policy();
    const calendar = replica.calendar();
    const loans = p ? replica.loansOf(p.id).map((l) => ({ ...l, collection: replica.item(l.barcode)?.collection ?? 'general' })) : [];
    const results = items.map((b): ItemResult => {
      const loan = loans.find((l) => l.barcode === b);
      const title = replica.item(b)?.title ?? null;
      if (!p || !loan) return { barcode: b, ok: false, title, reason: reason('NOT_ON_LOAN') };
      const d = decideRenewal({
        policy,
        calendar,
        now: this.now(),
        patron: { id: p.id, kind: p.kind, active: p.active, blockedReason: p.blockedReason, textbookEligible: p.textbookEligible },
        loan: loan as never,
        openLoans: loans as never,
      });
      if (!d.allowed) return { barcode: b, ok: false, title, reason: d.reason };
      replica.noteLoan(b, { ...loan, dueDate: d.dueDate, renewals: loan.renewals + 1 });
      return { barcode: b, ok: true, title: title ?? b, dueDate: d.dueDate };
    });
    if (results.some((x) => x.ok)) this.d.journal.markOffline({ ...req, items: results.filter((x) => x.ok).map((x) => x.barcode) } as StationRequest);
    else this.d.journal.clear(req.id);
    return { items: results, offline: true };
  }

  private itemsFrom(r: ResponseEnvelope, asked: string[]): ItemResult[] {
    if (r.status === 'error') return asked.map((b) => ({ barcode: b, ok: false, title: null, reason: r.error }));
    const data = circulationData.parse(r.data);
    return data.items;
  }

  /** Brings the replica up to the server's sequence number (snapshot or changes). */
  async sync(): Promise<boolean> {
    const req = this.make('sync', { since: this.d.replica.seq });
    const r = await this.d.link.request(req, Math.max(this.d.deadlineMs, 10000));
    if (!r || r.status !== 'ok') return false;
    this.noteAnswer(r);
    const s = syncData.parse(r.data);
    this.d.replica.applySync(s);
    this.d.log.info({ mode: s.mode, seq: s.seq, rows: s.changes.length }, 'replica synced');
    return true;
  }

  /** Replays journaled transactions in order; each is cleared only when the server answers it. */
  async replay(): Promise<number> {
    if (this.replaying) return 0;
    this.replaying = true;
    let done = 0;
    try {
      // Entries left by a crash mid-request are replayed too: if the server applied them the replay
      // gets the original answer; if not, the pupil may have left with the book, so it is recorded.
      for (const e of this.d.journal.pending()) {
        if (this.inFlight.has(e.id)) continue;
        const r = await this.d.link.request(e.request, Math.max(this.d.deadlineMs, 5000));
        this.d.journal.noteAttempt(e.id, r ? null : 'no answer during replay');
        if (!r) break; // still unreachable: keep the rest in order
        this.noteAnswer(r);
        if (r.status === 'error') this.d.log.warn({ id: e.id, error: r.error }, 'server refused a journaled transaction');
        this.d.journal.clear(e.id);
        done++;
      }
    } finally {
      this.replaying = false;
    }
    if (done) this.d.log.info({ replayed: done, pending: this.d.journal.count() }, 'journal replayed');
    return done;
  }
}
