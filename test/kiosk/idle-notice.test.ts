/**
 * A refusal on the idle screen (unknown card) is for the child who tapped, not for the next child:
 * the daemon takes it off after a while, and a new message restarts the wait.
 */
import assert from 'node:assert/strict';
import sinon from 'sinon';
import pino from 'pino';
import { KioskSession } from '#station/session/machine.ts';
import type { IdentifyOutcome, StationCirculation } from '#station/circulation.ts';
import { REASONS } from '#core/policy.ts';

const unknown = async (): Promise<IdentifyOutcome> => ({ ok: false, reason: { code: 'PATRON_UNKNOWN', ...REASONS.PATRON_UNKNOWN! }, offline: false });

describe('kiosk session: messages on the idle screen', () => {
  let clock: sinon.SinonFakeTimers;
  let session: KioskSession;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    session = new KioskSession({
      circulation: { identify: unknown, now: () => new Date() } as unknown as StationCirculation,
      printer: null,
      schoolName: 'Demo',
      widthChars: 32,
      idleTimeoutMs: 45000,
      idleNoticeMs: 8000,
      isOnline: () => true,
      log: pino({ level: 'silent' }),
    });
  });
  afterEach(() => {
    session.stop();
    clock.restore();
  });

  it('clears an unknown-card message after idleNoticeMs; a second tap restarts the wait', async () => {
    await session.card('29999999999999');
    assert.equal(session.view.screen, 'idle');
    assert.equal(session.view.notice?.code, 'PATRON_UNKNOWN');
    await clock.tickAsync(5000);
    await session.card('29999999999999');
    await clock.tickAsync(5000);
    assert.equal(session.view.notice?.code, 'PATRON_UNKNOWN', 'still there 5 s after the second tap');
    session.refresh(); // a link change re-sends the view: the wait goes on
    await clock.tickAsync(3100);
    assert.equal(session.view.notice, null);
  });

  it('a scan on the idle screen says "tap your card first", then goes', async () => {
    await session.scan('30001000000101');
    assert.equal(session.view.notice?.code, 'TAP_CARD_FIRST');
    await clock.tickAsync(8001);
    assert.equal(session.view.notice, null);
  });
});
