/**
 * The VI/EN toggle in the store: Vietnamese first by default, the pupil's choice lasts their
 * session, and it never leaks to the next pupil (back to Vietnamese at every logout).
 */
import assert from 'node:assert/strict';
import { IDLE_VIEW, type SessionView } from '../../core/protocol/kiosk-events.ts';
import { applyEvent, createStore } from '../../kiosk/src/store.ts';

const patron = (sessionId: string): SessionView => ({
  ...IDLE_VIEW,
  screen: 'patron',
  sessionId,
  patron: { id: 'p1', kind: 'pupil', fullName: 'Nguyễn Văn An', className: '4A', homeroomClass: null },
});
const finished = (sessionId: string): SessionView => ({ ...IDLE_VIEW, screen: 'finished', sessionId, slip: 'printed' });

describe('kiosk language toggle (store)', () => {
  it('starts in Vietnamese and switches both ways', () => {
    const store = createStore();
    assert.equal(store.lang.value, 'vi');
    applyEvent(store, { type: 'setLang', lang: 'en' });
    assert.equal(store.lang.value, 'en');
    applyEvent(store, { type: 'setLang', lang: 'vi' });
    assert.equal(store.lang.value, 'vi');
  });

  it('keeps the choice through the session and its goodbye, then resets at logout', () => {
    const store = createStore();
    applyEvent(store, { type: 'session', view: patron('s1') });
    applyEvent(store, { type: 'setLang', lang: 'en' });
    applyEvent(store, { type: 'session', view: { ...patron('s1'), items: [{ barcode: 'b', title: 'T', state: 'ok', dueDate: '2026-12-09', reason: null, offline: false }] } });
    assert.equal(store.lang.value, 'en', 'a scan does not reset it');
    applyEvent(store, { type: 'session', view: finished('s1') });
    assert.equal(store.lang.value, 'en', 'the goodbye is read in the chosen language');
    applyEvent(store, { type: 'session', view: IDLE_VIEW });
    assert.equal(store.lang.value, 'vi', 'logout: back to Vietnamese');
  });

  it('resets when another card takes over without the idle screen in between', () => {
    const store = createStore();
    applyEvent(store, { type: 'session', view: patron('s1') });
    applyEvent(store, { type: 'setLang', lang: 'en' });
    applyEvent(store, { type: 'session', view: patron('s2') });
    assert.equal(store.lang.value, 'vi');
  });

  it('a choice made on the idle screen carries into the session the next card starts', () => {
    const store = createStore();
    applyEvent(store, { type: 'session', view: IDLE_VIEW });
    applyEvent(store, { type: 'setLang', lang: 'en' });
    applyEvent(store, { type: 'session', view: { ...IDLE_VIEW, online: false } });
    assert.equal(store.lang.value, 'en', 'an idle refresh keeps it');
    applyEvent(store, { type: 'session', view: patron('s1') });
    assert.equal(store.lang.value, 'en');
  });

  it('resets when the socket drops (the pupil on screen is no longer ours)', () => {
    const store = createStore();
    applyEvent(store, { type: 'session', view: patron('s1') });
    applyEvent(store, { type: 'setLang', lang: 'en' });
    applyEvent(store, { type: 'disconnected' });
    assert.equal(store.lang.value, 'vi');
  });

  it('keeps what the daemon says about today', () => {
    const store = createStore();
    assert.equal(store.today.value, null);
    const day = {
      date: '2026-12-02',
      weekday: 3,
      openToday: true,
      openNow: true,
      holiday: null,
      openingHours: { open: '07:00', close: '16:30' },
      openWeekdays: [1, 2, 3, 4, 5],
      gradesToday: [4, 5],
      week: [{ weekday: 3, grades: [4, 5] }],
    };
    applyEvent(store, { type: 'today', day });
    assert.deepEqual(store.today.value, day);
    applyEvent(store, { type: 'disconnected' });
    assert.deepEqual(store.today.value, day, 'not pupil data: the idle screen keeps it while reconnecting');
  });
});
