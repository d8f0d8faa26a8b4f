import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { IDLE_VIEW, type SessionView } from '../../core/protocol/kiosk-events.ts';
import { connectKiosk, type KioskSocket } from '../../kiosk/src/adapter/socket.ts';
import { createStore } from '../../kiosk/src/store.ts';

/** Stands in for socket.io: `fire` plays the daemon, `sent` records what the page emitted. */
class FakeSocket extends EventEmitter {
  sent: string[] = [];
  fire(event: string, ...args: unknown[]) {
    super.emit(event, ...args);
  }
  override emit(event: string): boolean {
    this.sent.push(event);
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
