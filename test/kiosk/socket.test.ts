import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { IDLE_VIEW, type SessionView } from '../../core/protocol/kiosk-events.ts';
import { connectKiosk, type KioskSocket } from '../../kiosk/src/adapter/socket.ts';
import { createStore } from '../../kiosk/src/store.ts';

/** Stands in for socket.io: `fire` plays the daemon, `sent` records what the page emitted. */
class FakeSocket extends EventEmitter {
  sent: string[] = [];
  args: unknown[][] = [];
  fire(event: string, ...args: unknown[]) {
    super.emit(event, ...args);
  }
  override emit(event: string, ...args: unknown[]): boolean {
    this.sent.push(event);
    this.args.push(args);
    return true;
  }
  active = true;
  connects = 0;
  close() {
    this.sent.push('close');
  }
  connect() {
    this.connects++;
  }
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('kiosk socket adapter', () => {
  it('feeds daemon events into the store and sends the pupil actions', () => {
    const store = createStore();
    const socket = new FakeSocket();
    const actions = connectKiosk(store, socket as unknown as KioskSocket);
    const view: SessionView = { ...IDLE_VIEW, screen: 'patron', sessionId: 's1' };

    socket.fire('connect');
    socket.fire('session', view);
    assert.equal(store.connection.value, 'connected');
    assert.equal(store.view.value.screen, 'patron');

    actions.noSlip();
    actions.finish();
    assert.deepEqual(socket.sent, ['noSlip', 'finish']);
    assert.equal(store.noSlip.value, true);

    socket.fire('disconnect', 'transport close');
    assert.deepEqual(store.view.value, IDLE_VIEW);
  });

  it('sends return, renew, class-set and still-here with their arguments', () => {
    const store = createStore();
    const socket = new FakeSocket();
    const actions = connectKiosk(store, socket as unknown as KioskSocket);
    socket.fire('session', { ...IDLE_VIEW, screen: 'patron', sessionId: 's1' } satisfies SessionView);
    actions.startReturn();
    actions.renew('30001000000101');
    actions.forClass(true);
    actions.forClass(false);
    actions.stillHere();
    assert.deepEqual(socket.sent, ['startReturn', 'renew', 'forClass', 'forClass', 'stillHere']);
    assert.deepEqual(socket.args, [[], ['30001000000101'], [true], [false], []]);
  });

  it('sends a whole PIN and cancel only on the pin screen, and keeps no digit anywhere in the store', () => {
    const store = createStore();
    const socket = new FakeSocket();
    const actions = connectKiosk(store, socket as unknown as KioskSocket);
    actions.pin('1234');
    actions.cancel();
    assert.deepEqual(socket.sent, [], 'not on the pin screen: nothing to send');

    socket.fire('session', { ...IDLE_VIEW, screen: 'pin', sessionId: 'p1' } satisfies SessionView);
    for (const bad of ['123', '1234567', '12a4', '', ' 1234']) actions.pin(bad);
    assert.deepEqual(socket.sent, [], 'only 4 to 6 digits go out');
    actions.pin('0000');
    actions.pin('123456');
    actions.cancel();
    assert.deepEqual(socket.sent, ['pin', 'pin', 'cancel']);
    assert.deepEqual(socket.args, [['0000'], ['123456'], []]);

    const kept = JSON.stringify([store.view.value, store.meta.value, store.connection.value, store.noSlipSession.value, store.renewRequests.value, store.returnSession.value]);
    assert.doesNotMatch(kept, /0000|123456/);
  });

  it('renews a loan once per session, however often it is tapped', () => {
    const store = createStore();
    const socket = new FakeSocket();
    const actions = connectKiosk(store, socket as unknown as KioskSocket);
    socket.fire('session', { ...IDLE_VIEW, screen: 'patron', sessionId: 's1' } satisfies SessionView);
    actions.renew('30001000000101');
    actions.renew('30001000000101');
    actions.renew('30001000000200');
    assert.deepEqual(socket.args, [['30001000000101'], ['30001000000200']]);
    socket.fire('session', { ...IDLE_VIEW, screen: 'patron', sessionId: 's2' } satisfies SessionView);
    actions.renew('30001000000101');
    assert.equal(socket.args.length, 3, 'a new session may ask again');
  });

  it('reconnects by itself after the daemon drops or refuses it, until closed', async () => {
    const store = createStore();
    const socket = new FakeSocket();
    const actions = connectKiosk(store, socket as unknown as KioskSocket, 0);
    socket.fire('disconnect', 'io server disconnect');
    await tick();
    assert.equal(socket.connects, 1);
    socket.active = false;
    socket.fire('connect_error', new Error('refused'));
    await tick();
    assert.equal(socket.connects, 2);
    actions.close();
    socket.fire('connect_error', new Error('refused'));
    await tick();
    assert.equal(socket.connects, 2);
  });
});
