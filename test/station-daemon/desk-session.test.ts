/**
 * The desk session on its own: what a card, a scanned book and each dashboard command do to the
 * desk's view, in which order queued work runs, and what is refused. Circulation is a small
 * in-memory library (the real one runs in test/integration/desk.test.ts).
 */
import assert from 'node:assert/strict';
import pino from 'pino';
import { DeskSession, DeskError, type DeskCirculation } from '#station/desk/session.ts';
import type { IdentifyOutcome, ItemsOutcome } from '#station/circulation.ts';
import type { DeskView, ItemResult, PatronView } from '#core/protocol/messages.ts';
import { REASONS } from '#core/policy.ts';

const reason = (code: string) => ({ code, ...REASONS[code]! });
const AN: PatronView = { id: 'p-an', kind: 'pupil', fullName: 'Nguyễn Văn An', className: '6A1', homeroomClass: null };
const CO_HOA: PatronView = { id: 't-hoa', kind: 'teacher', fullName: 'Lê Thị Hoa', className: null, homeroomClass: '6A1' };

/** Cards AN-CARD and HOA-CARD; books B1..B9 on the shelf; one loan rule: 3 books for a pupil. */
class Library implements DeskCirculation {
  loans = new Map<string, { patronId: string; dueDate: string; renewals: number }>();
  calls: string[] = [];
  private patrons: Record<string, PatronView> = { 'AN-CARD': AN, 'HOA-CARD': CO_HOA };
  gate: Promise<void> = Promise.resolve();

  async identify(code: string): Promise<IdentifyOutcome> {
    this.calls.push(`identify ${code}`);
    const p = this.patrons[code];
    if (!p) return { ok: false, reason: reason('PATRON_UNKNOWN'), offline: false };
    const loans = [...this.loans].filter(([, l]) => l.patronId === p.id).map(([barcode, l]) => ({ barcode, title: `Sách ${barcode}`, dueDate: l.dueDate, renewals: l.renewals, overdue: false }));
    return { ok: true, offline: false, data: { patron: p, loans, remaining: 3 - loans.length, blocked: null } };
  }
  async checkout(patronId: string, items: string[], forClass?: string): Promise<ItemsOutcome> {
    await this.gate;
    this.calls.push(`checkout ${patronId} ${items.join(',')}${forClass ? ` for ${forClass}` : ''}`);
    return {
      offline: false,
      items: items.map((b): ItemResult => {
        if (!/^B\d$/.test(b)) return { barcode: b, ok: false, title: null, reason: reason('ITEM_UNKNOWN') };
        if (this.loans.has(b)) return { barcode: b, ok: false, title: `Sách ${b}`, reason: reason('ITEM_ON_LOAN') };
        this.loans.set(b, { patronId, dueDate: '2026-10-19', renewals: 0 });
        return { barcode: b, ok: true, title: `Sách ${b}`, dueDate: '2026-10-19' };
      }),
    };
  }
  async checkin(items: string[]): Promise<ItemsOutcome> {
    this.calls.push(`checkin ${items.join(',')}`);
    return { offline: false, items: items.map((b): ItemResult => (this.loans.delete(b) ? { barcode: b, ok: true, title: `Sách ${b}`, dueDate: null } : { barcode: b, ok: false, title: null, reason: reason('NOT_ON_LOAN') })) };
  }
  async renew(patronId: string, items: string[]): Promise<ItemsOutcome> {
    this.calls.push(`renew ${patronId} ${items.join(',')}`);
    return {
      offline: false,
      items: items.map((b): ItemResult => {
        const l = this.loans.get(b);
        if (!l || l.patronId !== patronId) return { barcode: b, ok: false, title: null, reason: reason('NOT_ON_LOAN') };
        l.dueDate = '2026-10-26';
        l.renewals++;
        return { barcode: b, ok: true, title: `Sách ${b}`, dueDate: l.dueDate };
      }),
    };
  }
}

function desk(lib: Library) {
  const views: DeskView[] = [];
  const s = new DeskSession({ device: 'desk-1', circulation: lib, isPatronCode: (c) => c.endsWith('-CARD'), isOnline: () => true, log: pino({ level: 'silent' }), clock: () => new Date('2026-10-05T03:00:00Z') });
  s.on('view', (v) => views.push(v));
  return { s, views };
}

describe('desk session', () => {
  it('a card identifies, scanned books are lent to that patron and listed with their due date', async () => {
    const lib = new Library();
    const { s } = desk(lib);
    await s.card('AN-CARD');
    assert.equal(s.view.patron?.fullName, 'Nguyễn Văn An');
    assert.equal(s.view.remaining, 3);
    await s.scan('B1');
    await s.scan('B2');
    assert.deepEqual(lib.calls, ['identify AN-CARD', 'checkout p-an B1', 'checkout p-an B2']);
    assert.deepEqual(s.view.loans.map((l) => l.barcode), ['B1', 'B2']);
    assert.equal(s.view.remaining, 1);
    assert.deepEqual(s.view.results.map((r) => `${r.action} ${r.barcode} ${r.ok}`), ['checkout B2 true', 'checkout B1 true']);
    assert.equal(s.view.results[0]!.dueDate, '2026-10-19');
  });

  it('a book scanned before any card is not lent and the desk says to scan the card first', async () => {
    const lib = new Library();
    const { s } = desk(lib);
    await s.scan('B1');
    assert.deepEqual(lib.calls, []);
    assert.match(s.view.notice!.en, /card/);
  });

  it('a scanned card barcode identifies like the card reader; a new patron starts a fresh session', async () => {
    const lib = new Library();
    const { s } = desk(lib);
    await s.scan('AN-CARD');
    await s.scan('B1');
    await s.scan('HOA-CARD');
    assert.equal(s.view.patron?.id, 't-hoa');
    assert.deepEqual(s.view.results, []);
    assert.deepEqual(s.view.loans, []);
  });

  it('refusals show the reason and leave the loans alone', async () => {
    const lib = new Library();
    const { s } = desk(lib);
    await s.card('AN-CARD');
    await s.scan('XX');
    assert.equal(s.view.results[0]!.ok, false);
    assert.equal(s.view.results[0]!.reason!.code, 'ITEM_UNKNOWN');
    assert.equal(s.view.notice!.vi, REASONS.ITEM_UNKNOWN!.message_vi);
    assert.deepEqual(s.view.loans, []);
    await s.card('NOBODY');
    assert.equal(s.view.patron?.id, 'p-an', 'an unknown card keeps the patron at the desk');
    assert.equal(s.view.results[0]!.action, 'identify');
  });

  it('return mode checks scanned books in, with or without a patron', async () => {
    const lib = new Library();
    lib.loans.set('B5', { patronId: 'someone', dueDate: '2026-10-01', renewals: 0 });
    const { s } = desk(lib);
    await s.command({ id: '1', type: 'mode', mode: 'return' });
    await s.scan('B5');
    assert.deepEqual(lib.calls, ['checkin B5']);
    assert.equal(lib.loans.has('B5'), false);
    assert.equal(s.view.results[0]!.action, 'checkin');
  });

  it('renew mode and the renew command renew the patron\'s loan and move its due date', async () => {
    const lib = new Library();
    lib.loans.set('B3', { patronId: 'p-an', dueDate: '2026-10-12', renewals: 0 });
    lib.loans.set('B4', { patronId: 'p-an', dueDate: '2026-10-12', renewals: 0 });
    const { s } = desk(lib);
    await s.card('AN-CARD');
    await s.command({ id: '1', type: 'renew', barcode: 'B3' });
    await s.command({ id: '2', type: 'mode', mode: 'renew' });
    await s.scan('B4');
    assert.deepEqual(s.view.loans.map((l) => [l.barcode, l.dueDate, l.renewals]), [['B3', '2026-10-26', 1], ['B4', '2026-10-26', 1]]);
  });

  it('the return command on a loan line checks it in and drops it from the list', async () => {
    const lib = new Library();
    lib.loans.set('B3', { patronId: 'p-an', dueDate: '2026-10-12', renewals: 0 });
    const { s } = desk(lib);
    await s.card('AN-CARD');
    await s.command({ id: '1', type: 'return', barcode: 'B3' });
    assert.deepEqual(s.view.loans, []);
    assert.equal(lib.loans.size, 0);
  });

  it('a class set is lent for the homeroom teacher\'s class and does not use up her allowance', async () => {
    const lib = new Library();
    const { s } = desk(lib);
    await assert.rejects(s.command({ id: '0', type: 'forClass', on: true }), (e: unknown) => e instanceof DeskError && e.reason.code === 'NO_PATRON');
    await s.card('AN-CARD');
    await assert.rejects(s.command({ id: '1', type: 'forClass', on: true }), (e: unknown) => e instanceof DeskError && e.reason.code === 'NO_HOMEROOM_CLASS');
    await s.card('HOA-CARD');
    await s.command({ id: '2', type: 'forClass', on: true });
    assert.equal(s.view.forClass, '6A1');
    for (const b of ['B1', 'B2', 'B3', 'B4']) await s.scan(b);
    assert.deepEqual(lib.calls.slice(-4), ['checkout t-hoa B1 for 6A1', 'checkout t-hoa B2 for 6A1', 'checkout t-hoa B3 for 6A1', 'checkout t-hoa B4 for 6A1']);
    assert.equal(s.view.remaining, 3);
    await s.command({ id: '3', type: 'mode', mode: 'return' });
    assert.equal(s.view.forClass, null, 'leaving checkout ends the class set');
  });

  it('finish clears the patron and everything done for them', async () => {
    const lib = new Library();
    const { s } = desk(lib);
    await s.card('AN-CARD');
    await s.scan('B1');
    await s.command({ id: '1', type: 'finish' });
    assert.equal(s.view.patron, null);
    assert.deepEqual(s.view.results, []);
    assert.deepEqual(s.view.loans, []);
    assert.equal(s.view.mode, 'checkout');
  });

  it('scans are handled one at a time in the order they came, each view numbered higher', async () => {
    const lib = new Library();
    const { s, views } = desk(lib);
    await s.card('AN-CARD');
    let open!: () => void;
    lib.gate = new Promise((r) => (open = r));
    const a = s.scan('B1');
    const b = s.scan('B2');
    assert.equal(s.view.results.length, 0);
    open();
    await Promise.all([a, b]);
    assert.deepEqual(s.view.results.map((r) => r.barcode), ['B2', 'B1']);
    for (let i = 1; i < views.length; i++) assert.ok(views[i]!.seq > views[i - 1]!.seq);
    assert.equal(s.view.busy, false);
  });
});
