/**
 * The kiosk session: idle → patron identified → items → finished → idle.
 * A session finishes by the Finish button, by the same card tapped again, or by the idle timeout;
 * the slip prints when it finishes. Device input is handled one event at a time, in order.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { IDLE_VIEW, type KioskItemLine, type SessionView } from '#core/protocol/kiosk-events.ts';
import type { Reason } from '#core/protocol/messages.ts';
import { REASONS } from '#core/policy.ts';
import { parseLibraryBarcode } from '#core/ids.ts';
import type { ReceiptPrinter } from '#hardware/interfaces.ts';
import type { StationCirculation } from '../circulation.ts';
import { slipFor } from './slip.ts';
import { groupSets } from '#core/rfid/sets.ts';

/** What the session needs of the RFID pad: the tags it saw, and writing their security state. */
export interface SessionRfid {
  markOnLoan(uids: readonly string[]): Promise<{ uid: string; ok: boolean }[]>;
  markInLibrary(uids: readonly string[]): Promise<{ uid: string; ok: boolean }[]>;
}

export interface PadTag {
  uid: string;
  itemId: string;
  owner: string | null;
  setInfo: { parts: number; part: number };
}

export interface SessionOptions {
  circulation: StationCirculation;
  printer: ReceiptPrinter | null;
  schoolName: string;
  widthChars: number;
  idleTimeoutMs: number;
  /** How long before the automatic logout the kiosk warns; default 10 s. */
  idleWarningMs?: number;
  /** How long the goodbye screen stays before idle. */
  finishedMs?: number;
  /** How long a message on the idle screen (unknown card, "tap your card first") stays; default 8000 ms. */
  idleNoticeMs?: number;
  isOnline: () => boolean;
  /** The RFID pad, when the station has one. */
  rfid?: SessionRfid | null;
  /** The school's ISIL: tags owned by another library are not ours to lend. */
  isil?: string;
  /** The school's UTC offset in minutes (from the calendar), for the slip's time. */
  utcOffsetMinutes?: () => number;
  log: Logger;
}

function reasonOf(code: string): Reason {
  const r = REASONS[code];
  return { code, message_vi: r?.message_vi ?? code, message_en: r?.message_en ?? code };
}

function notice(code: string, level: 'info' | 'error' = 'error'): SessionView['notice'] {
  const r = REASONS[code];
  return { code, level, message_vi: r?.message_vi ?? code, message_en: r?.message_en ?? code };
}

export class KioskSession extends EventEmitter<{ view: [SessionView] }> {
  private v: SessionView = { ...IDLE_VIEW };
  /** The card code that opened the session: tapping it again finishes. */
  private cardCode: string | null = null;
  private queue: Promise<void> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | null = null;
  private finishedTimer: NodeJS.Timeout | null = null;
  private warnTimer: NodeJS.Timeout | null = null;
  private idleNoticeTimer: NodeJS.Timeout | null = null;
  /** The card waiting for its PIN on the pin screen (never sent to the page). */
  private pendingCode: string | null = null;
  /** RFID tags handled in this session (by UID), so a book left on the pad is not lent twice. */
  private rfidSeen = new Set<string>();

  constructor(private readonly o: SessionOptions) {
    super();
  }

  get view(): SessionView {
    return this.v;
  }

  private set(next: Partial<SessionView>): void {
    this.v = { ...this.v, ...next, online: this.o.isOnline() };
    this.emit('view', this.v);
    // A refusal on the idle screen is for the child who tapped, not for the next one in the queue.
    if (this.idleNoticeTimer && (this.v.screen !== 'idle' || 'notice' in next)) {
      clearTimeout(this.idleNoticeTimer);
      this.idleNoticeTimer = null;
    }
    if (this.v.screen === 'idle' && this.v.notice && !this.idleNoticeTimer) {
      const shown = this.v.notice;
      this.idleNoticeTimer = setTimeout(() => {
        this.idleNoticeTimer = null;
        if (this.v.screen === 'idle' && this.v.notice === shown) this.set({ notice: null });
      }, this.o.idleNoticeMs ?? 8000);
      this.idleNoticeTimer.unref?.();
    }
  }

  /** Re-sends the view (e.g. when the link goes on or offline). */
  refresh(): void {
    this.set({});
  }

  /** Runs one input after the previous one finished, so a fast scanner never interleaves sessions. */
  private enqueue(fn: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(fn).catch((err: unknown) => {
      this.o.log.error({ err }, 'session step failed');
      this.set({ notice: notice('TRY_AGAIN') });
    });
    return this.queue;
  }

  card(code: string): Promise<void> {
    return this.enqueue(async () => {
      if (this.v.screen === 'return') await this.doFinish('card');
      if (this.v.screen === 'pin') this.pendingCode = null;
      if (this.v.screen === 'patron') {
        if (code === this.cardCode) return this.doFinish('card');
        await this.doFinish('card');
      }
      await this.doIdentify(code);
    });
  }

  scan(code: string): Promise<void> {
    return this.enqueue(async () => {
      const asCard = parseLibraryBarcode(code);
      // The card's barcode (or its QR, which holds only the barcode) identifies like a tap.
      if (asCard?.type === 'patron') {
        if (this.v.screen === 'patron' && code === this.cardCode) return this.doFinish('card');
        if (this.v.screen === 'patron' || this.v.screen === 'return') await this.doFinish('card');
        return this.doIdentify(code);
      }
      if (this.v.screen === 'return') return this.doReturn(code);
      if (this.v.screen !== 'patron') {
        this.set({ notice: notice('TAP_CARD_FIRST', 'info') });
        return;
      }
      await this.doCheckout(code);
    });
  }

  finish(): Promise<void> {
    return this.enqueue(async () => {
      if (this.v.screen === 'patron' || this.v.screen === 'return') await this.doFinish('button');
    });
  }

  /** "Trả sách": from idle (or the goodbye screen), scans return books until Finish or the timeout. */
  startReturn(): Promise<void> {
    return this.enqueue(async () => {
      if (this.v.screen !== 'idle' && this.v.screen !== 'finished') return;
      if (this.finishedTimer) clearTimeout(this.finishedTimer);
      this.cardCode = null;
      this.rfidSeen.clear();
      this.v = { ...IDLE_VIEW, screen: 'return', sessionId: randomUUID() };
      this.touch();
      this.set({});
    });
  }

  /**
   * The tags now on the RFID pad. New ones are handled as one batch: lent (patron screen) or
   * returned (return screen). A batch over the limit is refused whole by the policy, so nothing is
   * written to any tag; an incomplete multi-part set or another library's book is refused with a
   * reason; a failed security write rolls that loan back and asks the pupil to try the book again.
   */
  rfidTags(tags: readonly PadTag[]): Promise<void> {
    return this.enqueue(async () => {
      const screen = this.v.screen;
      if (screen !== 'patron' && screen !== 'return') {
        if (screen === 'idle' && tags.length > 0) this.set({ notice: notice('TAP_CARD_FIRST', 'info') });
        return;
      }
      const fresh = tags.filter((t) => !this.rfidSeen.has(t.uid));
      if (fresh.length === 0) return;
      this.touch();
      const refused: KioskItemLine[] = [];
      const refuse = (itemId: string, code: string) => {
        if (!refused.some((l) => l.barcode === itemId)) refused.push({ barcode: itemId, title: null, state: 'refused', dueDate: null, reason: reasonOf(code), offline: false });
      };
      const incomplete = new Set(groupSets(tags).filter((g) => !g.complete).map((g) => g.itemId));
      const usable: PadTag[] = [];
      for (const t of fresh) {
        if (t.owner && this.o.isil && t.owner !== this.o.isil) {
          this.rfidSeen.add(t.uid);
          refuse(t.itemId, 'FOREIGN_ITEM');
        } else if (incomplete.has(t.itemId)) {
          refuse(t.itemId, 'SET_INCOMPLETE'); // not marked seen: completing the set retries it
        } else {
          this.rfidSeen.add(t.uid);
          usable.push(t);
        }
      }
      const barcodes = [...new Set(usable.map((t) => t.itemId))].filter((b) => !this.v.items.some((i) => i.barcode === b && i.state === 'ok'));
      const pending: KioskItemLine[] = barcodes.map((b) => ({ barcode: b, title: null, state: 'pending', dueDate: null, reason: null, offline: false }));
      const shown = new Set([...barcodes, ...refused.map((l) => l.barcode)]);
      this.set({ items: [...this.v.items.filter((i) => !shown.has(i.barcode)), ...refused, ...pending], notice: null });
      if (barcodes.length === 0) {
        if (refused[0]) this.set({ notice: { ...refused[0].reason!, level: 'error' } });
        return;
      }
      const r = screen === 'patron' ? await this.o.circulation.checkout(this.v.patron!.id, barcodes, this.v.forClass ?? undefined) : await this.o.circulation.checkin(barcodes);
      const lines = new Map<string, KioskItemLine>();
      for (const res of r.items) {
        lines.set(
          res.barcode,
          res.ok
            ? { barcode: res.barcode, title: res.title, state: 'ok', dueDate: res.dueDate, reason: null, offline: r.offline }
            : { barcode: res.barcode, title: res.title, state: 'refused', dueDate: null, reason: res.reason, offline: r.offline },
        );
      }
      // A refused book stays "new": once the pupil changes what is on the pad (takes a book off after
      // LIMIT_REACHED, say), the rest is tried again as a new batch.
      for (const l of lines.values()) if (l.state === 'refused') for (const u of usable.filter((t) => t.itemId === l.barcode)) this.rfidSeen.delete(u.uid);
      // Security state: on loan for what was lent, in the library for what came back.
      const okBarcodes = [...lines.values()].filter((l) => l.state === 'ok').map((l) => l.barcode);
      const uidsOf = (b: string) => usable.filter((t) => t.itemId === b).map((t) => t.uid);
      if (this.o.rfid && okBarcodes.length > 0) {
        const uids = okBarcodes.flatMap(uidsOf);
        const writes = screen === 'patron' ? await this.o.rfid.markOnLoan(uids) : await this.o.rfid.markInLibrary(uids);
        const failedUids = new Set(writes.filter((w) => !w.ok).map((w) => w.uid));
        const failed = okBarcodes.filter((b) => uidsOf(b).some((u) => failedUids.has(u)));
        if (failed.length > 0 && screen === 'patron') {
          // A loan whose tag still says "in the library" would ring the gate: undo it, cleanly.
          const back = await this.o.circulation.checkin(failed);
          this.o.log.warn({ failed, undone: back.items.filter((i) => i.ok).length }, 'security write failed: loans rolled back');
        }
        for (const b of failed) {
          for (const u of uidsOf(b)) this.rfidSeen.delete(u);
          lines.set(b, { barcode: b, title: lines.get(b)?.title ?? null, state: 'refused', dueDate: null, reason: reasonOf('SECURITY_WRITE_FAILED'), offline: r.offline });
        }
      }
      const lent = [...lines.values()].filter((l) => l.state === 'ok').length;
      const firstRefusal = [...lines.values(), ...refused].find((l) => l.reason)?.reason ?? null;
      this.set({
        items: this.v.items.map((i) => lines.get(i.barcode) ?? i),
        remaining: screen === 'patron' && !this.v.forClass ? Math.max(0, this.v.remaining - lent) : this.v.remaining,
        notice: firstRefusal ? { ...firstRefusal, level: 'error' } : null,
      });
    });
  }

  /** Renews one loan of the identified patron. */
  renew(barcode: string): Promise<void> {
    return this.enqueue(async () => {
      if (this.v.screen !== 'patron' || !this.v.loans.some((l) => l.barcode === barcode)) return;
      this.touch();
      const r = await this.o.circulation.renew(this.v.patron!.id, [barcode]);
      const res = r.items[0];
      if (res?.ok) {
        this.set({
          loans: this.v.loans.map((l) => (l.barcode === barcode ? { ...l, dueDate: res.dueDate ?? l.dueDate, renewals: l.renewals + 1, overdue: false } : l)),
          notice: { code: 'RENEWED', level: 'info', message_vi: 'Đã gia hạn sách.', message_en: 'Renewed.' },
        });
      } else {
        this.set({ notice: res && !res.ok ? { ...res.reason, level: 'error' } : notice('TRY_AGAIN') });
      }
    });
  }

  /** A homeroom teacher switches between own loans and class-set loans for their class. */
  setForClass(on: boolean): void {
    const cls = this.v.patron?.homeroomClass;
    if (this.v.screen !== 'patron' || !cls) return;
    this.touch();
    this.set({ forClass: on ? cls : null, notice: null });
  }

  /** A touch on the screen: the pupil is still there. */
  stillHere(): void {
    if (this.v.screen !== 'patron' && this.v.screen !== 'return' && this.v.screen !== 'pin') return;
    this.touch();
    this.set({});
  }

  noSlip(): void {
    if (this.v.screen === 'patron') this.set({ slip: 'skipped' });
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.warnTimer) clearTimeout(this.warnTimer);
    const warnMs = Math.min(this.o.idleWarningMs ?? 10000, this.o.idleTimeoutMs);
    // The logout runs through the queue like any input, so it also ends a session whose receipt
    // prompt or dialog is open on the page: the page only renders what the daemon sends.
    this.idleTimer = setTimeout(() => void this.enqueue(async () => {
      if (this.v.screen === 'patron' || this.v.screen === 'return') await this.doFinish('timeout');
      else if (this.v.screen === 'pin') {
        this.pendingCode = null;
        this.v = { ...IDLE_VIEW };
        this.set({});
      }
    }), this.o.idleTimeoutMs);
    this.idleTimer.unref?.();
    this.warnTimer = setTimeout(() => {
      if (this.v.screen === 'patron' || this.v.screen === 'return') this.set({ idleWarning: true });
    }, this.o.idleTimeoutMs - warnMs);
    this.warnTimer.unref?.();
    this.v = { ...this.v, idleWarning: false, idleDeadline: new Date(Date.now() + this.o.idleTimeoutMs).toISOString() };
  }

  /** The PIN typed on the kiosk's keypad for the card waiting on the pin screen. */
  pin(digits: string): Promise<void> {
    return this.enqueue(async () => {
      if (this.v.screen !== 'pin' || !this.pendingCode || !/^\d{4,6}$/.test(digits)) return;
      await this.doIdentify(this.pendingCode, digits);
    });
  }

  /** Leaves the pin screen. */
  cancel(): Promise<void> {
    return this.enqueue(async () => {
      if (this.v.screen !== 'pin') return;
      this.pendingCode = null;
      if (this.idleTimer) clearTimeout(this.idleTimer);
      if (this.warnTimer) clearTimeout(this.warnTimer);
      this.v = { ...IDLE_VIEW };
      this.set({});
    });
  }

  private async doIdentify(code: string, pin?: string): Promise<void> {
    if (this.finishedTimer) clearTimeout(this.finishedTimer);
    const r = await this.o.circulation.identify(code, pin);
    if (!r.ok && (r.reason.code === 'PIN_REQUIRED' || r.reason.code === 'PIN_WRONG')) {
      // Nothing about the patron is shown before the PIN: the pin screen holds only the card code.
      this.pendingCode = code;
      if (this.v.screen !== 'pin') this.v = { ...IDLE_VIEW, screen: 'pin', sessionId: randomUUID() };
      this.touch();
      this.set({ notice: { ...r.reason, level: r.reason.code === 'PIN_WRONG' ? 'error' : 'info' } });
      return;
    }
    this.pendingCode = null;
    if (!r.ok) {
      this.cardCode = null;
      this.v = { ...IDLE_VIEW };
      this.set({ notice: { ...r.reason, level: 'error' } });
      return;
    }
    this.cardCode = code;
    this.rfidSeen.clear();
    this.v = { ...IDLE_VIEW, screen: 'patron', sessionId: randomUUID() };
    this.touch();
    this.set({
      patron: r.data.patron,
      loans: r.data.loans,
      remaining: r.data.remaining,
      notice: r.data.blocked ? { ...r.data.blocked, level: 'error' } : r.offline ? notice('OFFLINE_MODE', 'info') : null,
    });
  }

  private async doCheckout(barcode: string): Promise<void> {
    const patron = this.v.patron!;
    if (this.v.items.some((i) => i.barcode === barcode && i.state === 'ok')) {
      this.touch();
      this.set({ notice: notice('ALREADY_SCANNED', 'info') });
      return;
    }
    const pending: KioskItemLine = { barcode, title: null, state: 'pending', dueDate: null, reason: null, offline: false };
    this.touch();
    this.set({ items: [...this.v.items.filter((i) => i.barcode !== barcode), pending], notice: null });
    const r = await this.o.circulation.checkout(patron.id, [barcode], this.v.forClass ?? undefined);
    const res = r.items.find((i) => i.barcode === barcode) ?? r.items[0];
    const line: KioskItemLine = res?.ok
      ? { barcode, title: res.title, state: 'ok', dueDate: res.dueDate, reason: null, offline: r.offline }
      : { barcode, title: res?.title ?? null, state: 'refused', dueDate: null, reason: (res && !res.ok ? res.reason : null) as Reason | null, offline: r.offline };
    const ok = line.state === 'ok';
    this.set({
      items: this.v.items.map((i) => (i.barcode === barcode ? line : i)),
      remaining: ok && !this.v.forClass ? Math.max(0, this.v.remaining - 1) : this.v.remaining,
      notice: line.reason ? { ...line.reason, level: 'error' } : null,
    });
  }

  private async doReturn(barcode: string): Promise<void> {
    this.touch();
    if (this.v.items.some((i) => i.barcode === barcode && i.state === 'ok')) {
      this.set({ notice: notice('ALREADY_SCANNED', 'info') });
      return;
    }
    const pending: KioskItemLine = { barcode, title: null, state: 'pending', dueDate: null, reason: null, offline: false };
    this.set({ items: [...this.v.items.filter((i) => i.barcode !== barcode), pending], notice: null });
    const r = await this.o.circulation.checkin([barcode]);
    const res = r.items[0];
    const line: KioskItemLine = res?.ok
      ? { barcode, title: res.title, state: 'ok', dueDate: null, reason: null, offline: r.offline }
      : { barcode, title: res?.title ?? null, state: 'refused', dueDate: null, reason: res && !res.ok ? res.reason : null, offline: r.offline };
    this.set({ items: this.v.items.map((i) => (i.barcode === barcode ? line : i)), notice: line.reason ? { ...line.reason, level: 'error' } : null });
  }

  private async doFinish(why: 'button' | 'card' | 'timeout'): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.warnTimer) clearTimeout(this.warnTimer);
    const lent = this.v.screen === 'patron' ? this.v.items.filter((i) => i.state === 'ok') : [];
    let slip = this.v.slip;
    if (slip !== 'skipped' && lent.length > 0 && this.o.printer) {
      try {
        const res = await this.o.printer.print(
          slipFor({ schoolName: this.o.schoolName, patron: this.v.patron!, items: lent, at: this.o.circulation.now(), width: this.o.widthChars, utcOffsetMinutes: this.o.utcOffsetMinutes?.() }),
        );
        slip = res.ok ? 'printed' : 'failed';
        if (!res.ok) this.o.log.warn({ reason: res.reason }, 'slip not printed');
      } catch (err) {
        // A printer fault must never keep a pupil's data on screen: the session ends regardless.
        slip = 'failed';
        this.o.log.warn({ err: (err as Error).message }, 'printer failed');
      }
    }
    this.o.log.info({ why, items: lent.length, slip }, 'session finished');
    this.cardCode = null;
    // The pupil's data leaves the view here: the goodbye screen carries no name and no loans.
    this.v = { ...IDLE_VIEW, screen: 'finished', sessionId: this.v.sessionId, slip };
    this.set({ notice: slip === 'failed' ? notice('PRINTER_NO_PAPER', 'info') : null });
    this.finishedTimer = setTimeout(() => {
      if (this.v.screen === 'finished') {
        this.v = { ...IDLE_VIEW };
        this.set({});
      }
    }, this.o.finishedMs ?? 4000);
    this.finishedTimer.unref?.();
  }

  stop(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.warnTimer) clearTimeout(this.warnTimer);
    if (this.finishedTimer) clearTimeout(this.finishedTimer);
    if (this.idleNoticeTimer) clearTimeout(this.idleNoticeTimer);
  }
}
