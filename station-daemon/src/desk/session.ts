/**
 * The desk session: the librarian's own scanner and card reader on the office PC (role "desk"). A
 * card (or a scanned card barcode) identifies the patron; each scanned book is lent to them, or in
 * return mode checked in, or in renew mode renewed. The dashboard drives the mode, class sets,
 * per-loan return/renew and "finish" through commands (desk/link.ts). The scanner is read here,
 * never through a browser text field, so a Vietnamese IME cannot rewrite what was scanned.
 *
 * Work is serialised: scans and commands run one after another in arrival order.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { DeskCommand, DeskMode, DeskResult, DeskView, ItemResult, Reason } from '#core/protocol/messages.ts';
import type { IdentifyOutcome, ItemsOutcome } from '../circulation.ts';

/** The part of StationCirculation the desk uses (a test can hand in the real one or its own). */
export interface DeskCirculation {
  identify(code: string): Promise<IdentifyOutcome>;
  checkout(patronId: string, items: string[], forClass?: string): Promise<ItemsOutcome>;
  checkin(items: string[]): Promise<ItemsOutcome>;
  renew(patronId: string, items: string[]): Promise<ItemsOutcome>;
}

export interface DeskSessionOptions {
  device: string;
  circulation: DeskCirculation;
  /** True when a scanned code is a patron's card (the replica knows it): it identifies instead of lending. */
  isPatronCode: (code: string) => boolean;
  isOnline: () => boolean;
  log: Logger;
  clock?: () => Date;
}

export interface DeskSessionEvents {
  view: [DeskView];
}

const MAX_RESULTS = 50;

type Notice = { vi: string; en: string };
const NOTICES = {
  cardFirst: { vi: 'Hãy quẹt thẻ bạn đọc trước khi quét sách.', en: 'Scan the patron\'s card before the books.' },
  noClass: { vi: 'Bạn đọc này không chủ nhiệm lớp nào: không mượn theo lớp được.', en: 'This patron is not a homeroom teacher: no class-set loan.' },
  noPatron: { vi: 'Chưa có bạn đọc ở quầy.', en: 'No patron at the desk.' },
} satisfies Record<string, Notice>;

export class DeskError extends Error {
  constructor(readonly reason: Reason) {
    super(reason.message_en);
  }
}

export class DeskSession extends EventEmitter<DeskSessionEvents> {
  private v: DeskView;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly clock: () => Date;
  private stopped = false;

  constructor(private readonly o: DeskSessionOptions) {
    super();
    this.clock = o.clock ?? (() => new Date());
    this.v = this.empty(0);
  }

  get view(): DeskView {
    return this.v;
  }

  private empty(seq: number): DeskView {
    return {
      device: this.o.device,
      open: true,
      online: this.o.isOnline(),
      mode: 'checkout',
      forClass: null,
      patron: null,
      loans: [],
      remaining: 0,
      blocked: null,
      results: [],
      busy: false,
      notice: null,
      seq,
      at: this.clock().toISOString(),
    };
  }

  private set(patch: Partial<DeskView>): void {
    this.v = { ...this.v, ...patch, online: this.o.isOnline(), seq: this.v.seq + 1, at: this.clock().toISOString() };
    if (!this.stopped) this.emit('view', this.v);
  }

  /** Re-reads the online flag (the link connected or dropped). */
  refresh(): void {
    this.set({});
  }

  /** Runs `fn` after everything queued before it; errors are logged, never thrown into the reader. */
  private run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      this.set({ busy: true });
      try {
        return await fn();
      } finally {
        this.set({ busy: false });
      }
    });
    this.queue = next.catch((err: unknown) => {
      if (!(err instanceof DeskError)) this.o.log.error({ err }, 'desk step failed');
    });
    return next;
  }

  /** A card from the card reader. */
  card(code: string): Promise<void> {
    return this.run(() => this.identify(code));
  }

  /** A code from the scanner: a patron's card identifies, a book is lent, returned or renewed by the mode. */
  scan(code: string): Promise<void> {
    return this.run(async () => {
      if (this.o.isPatronCode(code)) return this.identify(code);
      if (this.v.mode === 'return') return this.items('checkin', [code]);
      if (!this.v.patron) return this.set({ notice: NOTICES.cardFirst });
      return this.items(this.v.mode === 'renew' ? 'renew' : 'checkout', [code]);
    });
  }

  /** A command from the dashboard; rejects with DeskError when it cannot apply. */
  command(c: DeskCommand): Promise<void> {
    return this.run(async () => {
      switch (c.type) {
        case 'mode':
          return this.setMode(c.mode);
        case 'forClass': {
          if (!c.on) return this.set({ forClass: null, notice: null });
          const cls = this.v.patron?.homeroomClass;
          if (!cls) throw this.refuse(this.v.patron ? NOTICES.noClass : NOTICES.noPatron, this.v.patron ? 'NO_HOMEROOM_CLASS' : 'NO_PATRON');
          return this.set({ forClass: cls, mode: 'checkout', notice: null });
        }
        case 'renew':
          if (!this.v.patron) throw this.refuse(NOTICES.noPatron, 'NO_PATRON');
          return this.items('renew', [c.barcode]);
        case 'return':
          return this.items('checkin', [c.barcode]);
        case 'finish':
          return this.finish();
      }
    });
  }

  private refuse(n: Notice, code: string): DeskError {
    this.set({ notice: n });
    return new DeskError({ code, message_vi: n.vi, message_en: n.en });
  }

  private setMode(mode: DeskMode): void {
    this.set({ mode, notice: null, ...(mode !== 'checkout' ? { forClass: null } : {}) });
  }

  private finish(): void {
    this.v = this.empty(this.v.seq);
    this.set({});
  }

  private async identify(code: string): Promise<void> {
    const r = await this.o.circulation.identify(code);
    const at = this.clock().toISOString();
    if (!r.ok) {
      const line: DeskResult = { at, action: 'identify', barcode: code, ok: false, title: null, dueDate: null, reason: r.reason, offline: r.offline };
      this.set({ results: [line, ...this.v.results].slice(0, MAX_RESULTS), notice: { vi: r.reason.message_vi, en: r.reason.message_en } });
      return;
    }
    // A new patron: a fresh session (their loans, nothing of the previous patron's); the mode stays.
    const same = this.v.patron?.id === r.data.patron.id;
    this.set({
      patron: r.data.patron,
      loans: r.data.loans,
      remaining: r.data.remaining,
      blocked: r.data.blocked,
      forClass: same ? this.v.forClass : null,
      results: same ? this.v.results : [],
      notice: null,
    });
  }

  private async items(action: 'checkout' | 'checkin' | 'renew', barcodes: string[]): Promise<void> {
    const p = this.v.patron;
    let out: ItemsOutcome;
    if (action === 'checkin') out = await this.o.circulation.checkin(barcodes);
    else if (action === 'renew') out = await this.o.circulation.renew(p!.id, barcodes);
    else out = await this.o.circulation.checkout(p!.id, barcodes, this.v.forClass ?? undefined);
    const at = this.clock().toISOString();
    const lines = out.items.map(
      (x: ItemResult): DeskResult => ({
        at,
        action,
        barcode: x.barcode,
        ok: x.ok,
        title: x.title,
        dueDate: x.ok ? x.dueDate : null,
        reason: x.ok ? null : x.reason,
        offline: out.offline,
      }),
    );
    let loans = this.v.loans;
    let remaining = this.v.remaining;
    for (const x of out.items) {
      if (!x.ok) continue;
      if (action === 'checkin') loans = loans.filter((l) => l.barcode !== x.barcode);
      else if (action === 'renew') loans = loans.map((l) => (l.barcode === x.barcode && x.dueDate ? { ...l, dueDate: x.dueDate, renewals: l.renewals + 1, overdue: false } : l));
      else if (x.dueDate) {
        loans = [...loans, { barcode: x.barcode, title: x.title, dueDate: x.dueDate, renewals: 0, overdue: false }];
        if (!this.v.forClass) remaining = Math.max(0, remaining - 1);
      }
    }
    const failed = out.items.find((x) => !x.ok);
    this.set({
      loans,
      remaining,
      results: [...lines.reverse(), ...this.v.results].slice(0, MAX_RESULTS),
      notice: failed && !failed.ok ? { vi: failed.reason.message_vi, en: failed.reason.message_en } : null,
    });
  }

  /** Waits for queued work (tests, shutdown). */
  async idle(): Promise<void> {
    await this.queue;
  }

  stop(): void {
    this.stopped = true;
  }
}
