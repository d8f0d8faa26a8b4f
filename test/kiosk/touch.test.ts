import assert from 'node:assert/strict';
import { IDLE_VIEW, type SessionView } from '../../core/protocol/kiosk-events.ts';
import { watchTouches } from '../../kiosk/src/adapter/touch.ts';
import { applyEvent, createStore, type KioskStore } from '../../kiosk/src/store.ts';

/** A clock and timers the test moves by hand. */
class FakeTime {
  t = 1_000_000;
  timers: { at: number; fn: () => void; id: number }[] = [];
  private next = 1;
  now = () => this.t;
  setTimer = (fn: () => void, ms: number) => {
    const id = this.next++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimer = (id: unknown) => {
    this.timers = this.timers.filter((x) => x.id !== id);
  };
  advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = end;
  }
}

function setup(view: Partial<SessionView>) {
  const store = createStore();
  applyEvent(store, { type: 'session', view: { ...IDLE_VIEW, sessionId: 's1', ...view } });
  const target = new EventTarget();
  const time = new FakeTime();
  const sent: number[] = [];
  const stop = watchTouches(target, store, () => sent.push(time.t), { intervalMs: 2000, now: time.now, setTimer: time.setTimer, clearTimer: time.clearTimer });
  const touch = () => target.dispatchEvent(new Event('pointerdown'));
  return { store, time, sent, stop, touch };
}

const session = (store: KioskStore, over: Partial<SessionView>) =>
  applyEvent(store, { type: 'session', view: { ...store.view.value, ...over } });

describe('kiosk touches (still here)', () => {
  it('reports a touch on the patron and return screens, not on idle, PIN or goodbye', () => {
    for (const screen of ['patron', 'return'] as const) {
      const { sent, touch } = setup({ screen });
      touch();
      assert.equal(sent.length, 1, screen);
    }
    for (const screen of ['idle', 'pin', 'finished'] as const) {
      const { sent, touch, time } = setup({ screen });
      touch();
      time.advance(5000);
      assert.equal(sent.length, 0, screen);
    }
  });

  it('sends at most one message per interval, and the last touch of a burst at its end', () => {
    const { sent, touch, time } = setup({ screen: 'patron' });
    touch();
    for (let i = 0; i < 10; i++) {
      time.advance(100);
      touch();
    }
    assert.equal(sent.length, 1, 'a burst is one message');
    time.advance(2000);
    assert.deepEqual(sent, [1_000_000, 1_002_000], 'the burst is reported once more when the interval ends');
    time.advance(10000);
    assert.equal(sent.length, 2, 'and nothing after');
  });

  it('answers a touch at once while the warning is up', () => {
    const { store, sent, touch, time } = setup({ screen: 'patron' });
    touch();
    time.advance(500);
    session(store, { idleWarning: true });
    touch();
    assert.equal(sent.length, 2);
    assert.equal(time.timers.length, 0, 'no late duplicate pending');
    touch();
    touch();
    assert.equal(sent.length, 2, 'taps right after it wait a moment');
    time.advance(300);
    assert.equal(sent.length, 3, 'and are then reported once');
  });

  it('never extends the next session with a touch made in the previous one', () => {
    const { store, sent, touch, time } = setup({ screen: 'patron' });
    touch();
    time.advance(500);
    touch();
    session(store, { sessionId: 's2' });
    time.advance(2000);
    assert.equal(sent.length, 1);
  });

  it('stops listening', () => {
    const { sent, touch, time, stop } = setup({ screen: 'return' });
    touch();
    time.advance(100);
    touch();
    stop();
    time.advance(3000);
    touch();
    assert.equal(sent.length, 1);
  });
});
