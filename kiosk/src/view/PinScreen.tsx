import { useLayoutEffect, useState } from 'preact/hooks';
import type { SessionView } from '../../../core/protocol/kiosk-events.ts';
import { t } from '../i18n.ts';
import { deleteDigit, isCompletePin, PIN_MAX, PIN_MIN, pressDigit } from '../pin.ts';
import { Bi } from './Bi.tsx';

interface Props {
  view: SessionView;
  onPin(digits: string): void;
  onCancel(): void;
}

/** Phone order, so the keypad looks like the one children and teachers already know. */
const ROWS = [
  ['1', '2', '3'],
  ['4', '5', '6'],
  ['7', '8', '9'],
] as const;

/**
 * "Nhập mã PIN": a keypad for the card's PIN, after the card, before anyone's name is shown.
 * The typed digits live only in this component's state: never in the store, never in storage, and
 * they go with it. App mounts one per session id, so a new session, a screen change or a disconnect
 * (the store falls back to idle) drops them, and so does any new view from the daemon (below).
 * Dots show how many digits were typed, never which.
 */
export function PinScreen({ view, onPin, onCancel }: Props) {
  const [digits, setDigits] = useState('');
  // True from "Xong" until the daemon answers; the right PIN leaves this screen, so the answer seen
  // here is PIN_WRONG (or TRY_AGAIN). Meanwhile the keypad takes nothing, so no PIN is sent twice.
  const [checking, setChecking] = useState(false);
  // Whatever the daemon sends next starts the keypad over: the answer to the PIN (after PIN_WRONG the
  // child types it again from nothing), another card tapped on this screen (the daemon keeps the
  // session id then), the link going off or on. Before paint, so old dots never flash.
  useLayoutEffect(() => {
    setDigits('');
    setChecking(false);
  }, [view]);

  const type = (d: string) => {
    if (!checking) setDigits((before) => pressDigit(before, d));
  };
  const remove = () => {
    if (!checking) setDigits(deleteDigit);
  };
  const ok = () => {
    if (checking || !isCompletePin(digits)) return;
    setChecking(true);
    onPin(digits);
  };

  const key = (d: string) => (
    <button type="button" class="btn pin-key" data-testid={`pin-key-${d}`} onClick={() => type(d)}>
      {d}
    </button>
  );
  return (
    <div class="pin" data-testid="pin-screen">
      <section class="pin-head">
        <h1 id="pin-title">
          <Bi text={t.pinTitle} />
        </h1>
        <p class="pin-hint muted">
          <Bi text={t.pinHint} />
        </p>
        <PinDots count={digits.length} />
      </section>
      <button type="button" class="btn pin-cancel" data-testid="pin-cancel" onClick={onCancel}>
        <Bi text={t.pinCancel} />
      </button>
      <div class="pin-pad" role="group" aria-labelledby="pin-title" aria-busy={checking}>
        {ROWS.map((row) => row.map(key))}
        <button type="button" class="btn pin-key pin-delete" data-testid="pin-delete" disabled={digits.length === 0} onClick={remove}>
          <Bi text={t.pinDelete} />
        </button>
        {key('0')}
        <button type="button" class="btn pin-key pin-ok" data-testid="pin-ok" disabled={!isCompletePin(digits) || checking} onClick={ok}>
          <Bi text={t.pinOk} />
        </button>
      </div>
    </div>
  );
}

/** At least PIN_MIN places, filled as digits are typed, one more place per digit beyond that. */
function PinDots({ count }: { count: number }) {
  const places = Math.min(PIN_MAX, Math.max(PIN_MIN, count));
  const label = t.pinTyped(count);
  return (
    <div class="pin-dots" data-testid="pin-dots" data-count={count} role="img" aria-label={`${label.vi} / ${label.en}`}>
      {Array.from({ length: places }, (_, i) => (
        <span key={i} class={i < count ? 'pin-dot filled' : 'pin-dot'} />
      ))}
    </div>
  );
}
