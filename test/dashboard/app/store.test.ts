import assert from 'node:assert/strict';
import { applyEvent, createStore, EVENT_LIMIT } from '../../../dashboard/app/store.ts';
import { checkout, station, SUMMARY } from './fixtures.ts';

const USER = { username: 'thuvien', role: 'librarian' };

function loggedIn() {
  const store = createStore();
  applyEvent(store, { type: 'user', user: USER });
  return store;
}

describe('dashboard store', () => {
  it('is not ready until /api/me has answered, so the login form does not flash', () => {
    const store = createStore();
    assert.equal(store.ready.value, false);
    applyEvent(store, { type: 'user', user: null });
    assert.equal(store.ready.value, true);
    assert.equal(store.user.value, null);
  });

  it('a successful login clears the previous login error', () => {
    const store = createStore();
    applyEvent(store, { type: 'loginFailed', error: { code: 'bad_login', message_vi: 'Sai mật khẩu', message_en: 'Wrong password' } });
    assert.equal(store.loginError.value?.code, 'bad_login');
    applyEvent(store, { type: 'user', user: USER });
    assert.equal(store.loginError.value, null);
  });

  it('replaces the summary and the station list', () => {
    const store = loggedIn();
    applyEvent(store, { type: 'summary', summary: SUMMARY });
    applyEvent(store, { type: 'summary', summary: { ...SUMMARY, loans: 43 } });
    applyEvent(store, { type: 'stations', rows: [station('kiosk-2'), station('dropbox-1', 'offline')] });
    applyEvent(store, { type: 'stations', rows: [station('kiosk-2', 'offline'), station('kiosk-1')] });
    assert.equal(store.summary.value?.loans, 43);
    assert.deepEqual(
      store.stations.value.map((s) => [s.device, s.state]),
      [
        ['kiosk-1', 'online'],
        ['kiosk-2', 'offline'],
      ],
    );
  });

  it('puts live events first and keeps the feed newest first', () => {
    const store = loggedIn();
    applyEvent(store, { type: 'events', events: [checkout('2', 2), checkout('1', 1)] });
    applyEvent(store, { type: 'events', events: [checkout('3', 3)] });
    assert.deepEqual(
      store.events.value.map((e) => e.id),
      ['3', '2', '1'],
    );
  });

  it('merges a live event that arrived before the first page of history, without duplicates', () => {
    const store = loggedIn();
    applyEvent(store, { type: 'events', events: [checkout('3', 3)] });
    applyEvent(store, { type: 'events', events: [checkout('3', 3), checkout('2', 2), checkout('1', 1)] });
    assert.deepEqual(
      store.events.value.map((e) => e.id),
      ['3', '2', '1'],
    );
  });

  it('files a replayed offline loan under the time it happened', () => {
    const store = loggedIn();
    applyEvent(store, { type: 'events', events: [checkout('5', 5), checkout('1', 1)] });
    applyEvent(store, { type: 'events', events: [{ ...checkout('3', 3), offline: true }] });
    assert.deepEqual(
      store.events.value.map((e) => e.id),
      ['5', '3', '1'],
    );
  });

  it('keeps a loan and the visit of the same transaction apart', () => {
    const store = loggedIn();
    const loan = checkout('7', 7);
    applyEvent(store, {
      type: 'events',
      events: [loan, { id: loan.id, at: loan.at, device: 'server', type: 'visit', station: 'kiosk-1', patronId: 'p1' }],
    });
    assert.equal(store.events.value.length, 2);
  });

  it(`keeps only the newest ${EVENT_LIMIT} events`, () => {
    const store = loggedIn();
    const many = Array.from({ length: EVENT_LIMIT + 5 }, (_, i) => checkout(String(i), i));
    applyEvent(store, { type: 'events', events: many });
    assert.equal(store.events.value.length, EVENT_LIMIT);
    assert.equal(store.events.value[0]?.id, String(EVENT_LIMIT + 4));
  });

  it('logout leaves none of the school data in the page', () => {
    const store = loggedIn();
    applyEvent(store, { type: 'connecting' });
    applyEvent(store, { type: 'summary', summary: SUMMARY });
    applyEvent(store, { type: 'stations', rows: [station('kiosk-1')] });
    applyEvent(store, { type: 'events', events: [checkout('1', 1)] });
    applyEvent(store, { type: 'loggedOut' });
    assert.equal(store.user.value, null);
    assert.equal(store.summary.value, null);
    assert.deepEqual(store.stations.value, []);
    assert.deepEqual(store.events.value, []);
    assert.equal(store.live.value, 'off');
  });

  it('ignores answers that arrive after logout', () => {
    const store = loggedIn();
    applyEvent(store, { type: 'loggedOut' });
    applyEvent(store, { type: 'summary', summary: SUMMARY });
    applyEvent(store, { type: 'stations', rows: [station('kiosk-1')] });
    applyEvent(store, { type: 'events', events: [checkout('1', 1)] });
    assert.equal(store.summary.value, null);
    assert.deepEqual(store.stations.value, []);
    assert.deepEqual(store.events.value, []);
  });

  it('shows reconnecting after a drop but keeps the figures', () => {
    const store = loggedIn();
    applyEvent(store, { type: 'connecting' });
    applyEvent(store, { type: 'connected' });
    applyEvent(store, { type: 'summary', summary: SUMMARY });
    applyEvent(store, { type: 'disconnected' });
    assert.equal(store.live.value, 'reconnecting');
    assert.equal(store.summary.value?.loans, 42);
  });

  it('a disconnect after logout does not bring back the banner', () => {
    const store = loggedIn();
    applyEvent(store, { type: 'connected' });
    applyEvent(store, { type: 'loggedOut' });
    applyEvent(store, { type: 'disconnected' });
    assert.equal(store.live.value, 'off');
  });
});
