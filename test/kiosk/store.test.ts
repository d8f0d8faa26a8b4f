import assert from 'node:assert/strict';
import { effect } from '@preact/signals';
import { IDLE_VIEW, type SessionView } from '../../core/protocol/kiosk-events.ts';
import { applyEvent, createStore, screenView } from '../../kiosk/src/store.ts';

const TEACHER = { id: 't1', kind: 'teacher' as const, fullName: 'Lê Thị Hoa', className: null, homeroomClass: '4A' };

function patronView(over: Partial<SessionView> = {}): SessionView {
  return {
    screen: 'patron',
    sessionId: 's1',
    patron: { id: 'p1', kind: 'pupil', fullName: 'Nguyễn Văn An', className: '4A', homeroomClass: null },
    loans: [{ barcode: '30001000000300', title: 'Dế Mèn phiêu lưu ký', dueDate: '2025-10-01', renewals: 0, overdue: true }],
    remaining: 1,
    items: [{ barcode: '30001000000101', title: 'Truyện Kiều', state: 'ok', dueDate: '2025-10-14', reason: null, offline: false }],
    notice: null,
    slip: 'none',
    online: true,
    idleDeadline: null,
    idleWarning: false,
    forClass: null,
    ...over,
  };
}

describe('kiosk store', () => {
  it('starts idle, connecting, with no station info', () => {
    const store = createStore();
    assert.deepEqual(store.view.value, IDLE_VIEW);
    assert.equal(store.connection.value, 'connecting');
    assert.equal(store.meta.value, null);
  });

  it('replaces the whole view on each session event', () => {
    const store = createStore();
    applyEvent(store, { type: 'session', view: patronView() });
    const next = patronView({ items: [], remaining: 2 });
    applyEvent(store, { type: 'session', view: next });
    assert.deepEqual(store.view.value, next);
  });

  it('a new session id drops the previous session items and loans', () => {
    const store = createStore();
    applyEvent(store, { type: 'session', view: patronView() });
    applyEvent(store, {
      type: 'session',
      view: patronView({ sessionId: 's2', patron: { id: 'p2', kind: 'pupil', fullName: 'Trần Thị Bình', className: '5B', homeroomClass: null }, loans: [], items: [] }),
    });
    assert.equal(store.view.value.sessionId, 's2');
    assert.deepEqual(store.view.value.items, []);
    assert.deepEqual(store.view.value.loans, []);
    assert.equal(store.view.value.patron?.fullName, 'Trần Thị Bình');
  });

  it('an idle view never carries patron data, even if the daemon sent some', () => {
    const store = createStore();
    const notice = { code: 'unknown_card', message_vi: 'Không nhận ra thẻ', message_en: 'Card not recognised', level: 'error' as const };
    applyEvent(store, { type: 'session', view: patronView({ screen: 'idle', notice, online: false }) });
    assert.deepEqual(store.view.value, { ...IDLE_VIEW, notice, online: false });
  });

  it('disconnect clears the pupil from the screen and shows reconnecting', () => {
    const store = createStore();
    applyEvent(store, { type: 'connected' });
    applyEvent(store, { type: 'session', view: patronView() });
    applyEvent(store, { type: 'disconnected' });
    assert.deepEqual(store.view.value, IDLE_VIEW);
    assert.equal(store.connection.value, 'reconnecting');
  });

  it('keeps the station info across a reconnect (it is not pupil data)', () => {
    const store = createStore();
    const meta = { device: 'kiosk-1', role: 'kiosk', mode: 'sim' as const, schoolName: 'THCS Demo', version: '0.1.0' };
    applyEvent(store, { type: 'meta', meta });
    applyEvent(store, { type: 'disconnected' });
    applyEvent(store, { type: 'connected' });
    assert.deepEqual(store.meta.value, meta);
    assert.equal(store.connection.value, 'connected');
  });

  it('"no slip" holds for its session only', () => {
    const store = createStore();
    applyEvent(store, { type: 'session', view: patronView() });
    assert.equal(store.noSlip.value, false);
    applyEvent(store, { type: 'noSlipChosen' });
    assert.equal(store.noSlip.value, true);
    applyEvent(store, { type: 'session', view: patronView({ items: [] }) });
    assert.equal(store.noSlip.value, true, 'same session, still chosen');
    applyEvent(store, { type: 'session', view: patronView({ sessionId: 's2' }) });
    assert.equal(store.noSlip.value, false, 'the next pupil gets a slip again');
  });

  it('"no slip" follows the daemon when it reports the slip skipped', () => {
    const store = createStore();
    applyEvent(store, { type: 'session', view: patronView({ screen: 'finished', slip: 'skipped' }) });
    assert.equal(store.noSlip.value, true);
  });

  it('"no slip" is forgotten on disconnect', () => {
    const store = createStore();
    applyEvent(store, { type: 'session', view: patronView() });
    applyEvent(store, { type: 'noSlipChosen' });
    applyEvent(store, { type: 'disconnected' });
    applyEvent(store, { type: 'session', view: patronView() });
    assert.equal(store.noSlip.value, false);
  });

  it('a return view never carries patron data, even if the daemon sent some', () => {
    const store = createStore();
    const items = [{ barcode: '30001000000101', title: 'Dế Mèn phiêu lưu ký', state: 'ok' as const, dueDate: null, reason: null, offline: false }];
    applyEvent(store, { type: 'session', view: patronView({ screen: 'return', sessionId: 'r1', items, forClass: '4A', idleWarning: true }) });
    const v = store.view.value;
    assert.equal(v.screen, 'return');
    assert.equal(v.patron, null);
    assert.deepEqual(v.loans, []);
    assert.equal(v.remaining, 0);
    assert.equal(v.forClass, null);
    assert.deepEqual(v.items, items, 'the returned books stay: they are nobody\'s data');
    assert.equal(v.idleWarning, true, 'the warning holds for a return session too');
  });

  it('the goodbye screen keeps the books just lent but no name, loans, class switch or warning', () => {
    const store = createStore();
    applyEvent(store, { type: 'session', view: patronView({ screen: 'finished', patron: TEACHER, forClass: '4A', idleWarning: true, idleDeadline: '2025-10-07T08:00:00.000Z' }) });
    const v = store.view.value;
    assert.equal(v.patron, null);
    assert.deepEqual(v.loans, []);
    assert.equal(v.forClass, null);
    assert.equal(v.idleWarning, false);
    assert.equal(v.idleDeadline, null);
    assert.equal(v.items.length, 1);
  });

  it('an idle view drops the warning and the class switch too', () => {
    const store = createStore();
    applyEvent(store, { type: 'session', view: patronView({ screen: 'idle', patron: TEACHER, forClass: '4A', idleWarning: true }) });
    assert.deepEqual(store.view.value, IDLE_VIEW);
  });

  it('a pin view never carries patron data, even if the daemon sent some', () => {
    const store = createStore();
    const notice = { code: 'PIN_REQUIRED', message_vi: 'Mời nhập mã PIN của thẻ.', message_en: 'Please enter your card PIN.', level: 'info' as const };
    applyEvent(store, {
      type: 'session',
      view: patronView({ screen: 'pin', sessionId: 'p1', patron: TEACHER, forClass: '4A', idleWarning: true, idleDeadline: '2025-10-07T08:00:00.000Z', notice, online: false }),
    });
    assert.deepEqual(store.view.value, { ...IDLE_VIEW, screen: 'pin', sessionId: 'p1', notice, online: false });
    assert.doesNotMatch(JSON.stringify(store.view.value), /Lê Thị Hoa|Dế Mèn|Truyện Kiều/);
  });

  it('keeps the pin screen, its session id and the wrong-PIN notice across answers', () => {
    const store = createStore();
    const wrong = { code: 'PIN_WRONG', message_vi: 'Mã PIN chưa đúng. Mời nhập lại.', message_en: 'That PIN is not right. Please try again.', level: 'error' as const };
    applyEvent(store, { type: 'session', view: { ...IDLE_VIEW, screen: 'pin', sessionId: 'p1' } });
    applyEvent(store, { type: 'session', view: { ...IDLE_VIEW, screen: 'pin', sessionId: 'p1', notice: wrong } });
    assert.equal(store.view.value.screen, 'pin');
    assert.equal(store.view.value.sessionId, 'p1');
    assert.deepEqual(store.view.value.notice, wrong);
    // The right PIN: the patron screen, now with the teacher.
    applyEvent(store, { type: 'session', view: patronView({ sessionId: 'p1', patron: TEACHER }) });
    assert.equal(store.view.value.patron?.fullName, 'Lê Thị Hoa');
  });

  it('notes nothing for a pin session: no slip choice, renew taps or return session', () => {
    const store = createStore();
    applyEvent(store, { type: 'session', view: { ...IDLE_VIEW, screen: 'pin', sessionId: 'p1' } });
    applyEvent(store, { type: 'renewRequested', barcode: '30001000000300' });
    assert.deepEqual(store.renewRequests.value.value, []);
    assert.equal(store.returnSession.value, null);
    assert.equal(store.noSlip.value, false);
  });

  it('disconnect leaves the pin screen for idle', () => {
    const store = createStore();
    applyEvent(store, { type: 'connected' });
    applyEvent(store, { type: 'session', view: { ...IDLE_VIEW, screen: 'pin', sessionId: 'p1' } });
    applyEvent(store, { type: 'disconnected' });
    assert.deepEqual(store.view.value, IDLE_VIEW);
  });

  it('a screen this page does not know is shown as idle, without patron data', () => {
    const odd = patronView({ screen: 'kiosk-of-the-future' as SessionView['screen'] });
    assert.deepEqual(screenView(odd), IDLE_VIEW);
  });

  it('passes the idle warning and the class-set switch through on the patron screen', () => {
    const store = createStore();
    applyEvent(store, { type: 'session', view: patronView({ patron: TEACHER, forClass: '4A' }) });
    assert.equal(store.view.value.forClass, '4A');
    applyEvent(store, { type: 'session', view: patronView({ patron: TEACHER, forClass: '4A', idleWarning: true }) });
    assert.equal(store.view.value.idleWarning, true);
    applyEvent(store, { type: 'session', view: patronView({ patron: TEACHER, forClass: null, idleWarning: false }) });
    assert.equal(store.view.value.forClass, null);
    assert.equal(store.view.value.idleWarning, false);
  });

  it('a new session id drops the class switch, the warning and the renew taps of the previous one', () => {
    const store = createStore();
    applyEvent(store, { type: 'session', view: patronView({ patron: TEACHER, forClass: '4A', idleWarning: true }) });
    applyEvent(store, { type: 'renewRequested', barcode: '30001000000300' });
    applyEvent(store, { type: 'session', view: patronView({ sessionId: 's2' }) });
    assert.equal(store.view.value.forClass, null);
    assert.equal(store.view.value.idleWarning, false);
    assert.deepEqual(store.renewRequested.value, []);
  });

  it('remembers a renew tap for its session only, once per loan', () => {
    const store = createStore();
    applyEvent(store, { type: 'session', view: patronView() });
    applyEvent(store, { type: 'renewRequested', barcode: '30001000000300' });
    applyEvent(store, { type: 'renewRequested', barcode: '30001000000300' });
    assert.deepEqual(store.renewRequested.value, ['30001000000300']);
    applyEvent(store, { type: 'session', view: patronView({ notice: { code: 'RENEWED', level: 'info', message_vi: 'Đã gia hạn sách.', message_en: 'Renewed.' } }) });
    assert.deepEqual(store.renewRequested.value, ['30001000000300'], 'same session: the answer does not re-arm the button');
    applyEvent(store, { type: 'session', view: patronView({ screen: 'finished', patron: null, loans: [] }) });
    applyEvent(store, { type: 'session', view: patronView({ sessionId: 's2' }) });
    assert.deepEqual(store.renewRequested.value, [], 'the next session may renew again');
  });

  it('ignores a renew tap outside the patron screen', () => {
    const store = createStore();
    applyEvent(store, { type: 'session', view: patronView({ screen: 'return', sessionId: 'r1' }) });
    applyEvent(store, { type: 'renewRequested', barcode: '30001000000300' });
    assert.deepEqual(store.renewRequests.value.value, []);
  });

  it('knows a goodbye screen follows a return session, and forgets it with the next session', () => {
    const store = createStore();
    applyEvent(store, { type: 'session', view: patronView({ screen: 'return', sessionId: 'r1', patron: null, loans: [] }) });
    applyEvent(store, { type: 'session', view: patronView({ screen: 'finished', sessionId: 'r1', patron: null, loans: [], items: [] }) });
    assert.equal(store.returnSession.value, 'r1');
    applyEvent(store, { type: 'session', view: patronView({ sessionId: 's3' }) });
    assert.equal(store.returnSession.value, null);
  });

  it('forgets the renew taps and the return session on disconnect', () => {
    const store = createStore();
    applyEvent(store, { type: 'session', view: patronView() });
    applyEvent(store, { type: 'renewRequested', barcode: '30001000000300' });
    applyEvent(store, { type: 'disconnected' });
    applyEvent(store, { type: 'session', view: patronView() });
    assert.deepEqual(store.renewRequested.value, []);
    assert.equal(store.returnSession.value, null);
  });

  it('notifies the view once per event', () => {
    const store = createStore();
    let renders = 0;
    const stop = effect(() => {
      void store.view.value;
      void store.connection.value;
      void store.noSlip.value;
      renders++;
    });
    applyEvent(store, { type: 'session', view: patronView() });
    applyEvent(store, { type: 'disconnected' });
    stop();
    assert.equal(renders, 3, 'initial run plus one per event');
  });
});
