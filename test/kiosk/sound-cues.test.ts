/** When the kiosk chirps or buzzes, decided from two consecutive views (pure). */
import assert from 'node:assert/strict';
import { IDLE_VIEW, type KioskItemLine, type SessionView } from '../../core/protocol/kiosk-events.ts';
import { REASONS } from '../../core/policy.ts';
import { soundFor } from '../../kiosk/src/sound-cues.ts';

const reason = (code: string) => ({ code, message_vi: REASONS[code]!.message_vi, message_en: REASONS[code]!.message_en });
const line = (barcode: string, state: KioskItemLine['state'], code?: string): KioskItemLine => ({
  barcode,
  title: 'T',
  state,
  dueDate: state === 'ok' ? '2026-12-09' : null,
  reason: code ? reason(code) : null,
  offline: false,
});
const patron = (items: KioskItemLine[], notice: SessionView['notice'] = null, sessionId = 's1'): SessionView => ({ ...IDLE_VIEW, screen: 'patron', sessionId, items, notice });

describe('kiosk sound cues', () => {
  it('chirps once when a book is added, not again on the next refresh', () => {
    const pending = patron([line('b1', 'pending')]);
    const ok = patron([line('b1', 'ok')]);
    assert.equal(soundFor(patron([]), pending), null, 'nothing while the book is checked');
    assert.equal(soundFor(pending, ok), 'success');
    assert.equal(soundFor(ok, { ...ok }), null, 'a refresh (touch, link change) is silent');
    assert.equal(soundFor(ok, patron([line('b1', 'ok'), line('b2', 'ok')])), 'success', 'the next book chirps too');
  });

  it('buzzes for a refused book or a new error notice; the error wins over a success in the same update', () => {
    const refused = patron([line('b1', 'refused', 'REFERENCE_ONLY')], { ...reason('REFERENCE_ONLY'), level: 'error' });
    assert.equal(soundFor(patron([line('b1', 'pending')]), refused), 'error');
    assert.equal(soundFor(refused, { ...refused }), null);
    const mixed = patron([line('b1', 'ok'), line('b2', 'refused', 'LIMIT_REACHED')], { ...reason('LIMIT_REACHED'), level: 'error' });
    assert.equal(soundFor(patron([line('b1', 'pending'), line('b2', 'pending')]), mixed), 'error');
  });

  it('buzzes for an unknown card on the idle screen, every time it is tapped; info notices are silent', () => {
    const unknown: SessionView = { ...IDLE_VIEW, notice: { ...reason('PATRON_UNKNOWN'), level: 'error' } };
    assert.equal(soundFor(IDLE_VIEW, unknown), 'error');
    assert.equal(soundFor(unknown, { ...unknown }), 'error', 'a second tap is a second refusal');
    const hint: SessionView = { ...IDLE_VIEW, notice: { ...reason('TAP_CARD_FIRST'), level: 'info' } };
    assert.equal(soundFor(IDLE_VIEW, hint), null);
  });

  it('is silent on the goodbye screen and for a new session that starts empty', () => {
    const ok = patron([line('b1', 'ok')]);
    assert.equal(soundFor(ok, { ...IDLE_VIEW, screen: 'finished', sessionId: 's1', items: [line('b1', 'ok')] }), null);
    assert.equal(soundFor(IDLE_VIEW, patron([], null, 's2')), null);
  });

  it('chirps for a renewal', () => {
    const before = patron([]);
    const renewed = patron([], { code: 'RENEWED', level: 'info', message_vi: 'Đã gia hạn sách.', message_en: 'Renewed.' });
    assert.equal(soundFor(before, renewed), 'success');
  });
});
