import { useState } from 'preact/hooks';
import type { SessionView } from '../../../core/protocol/kiosk-events.ts';
import { t } from '../i18n.ts';
import { Bi } from './Bi.tsx';

/**
 * "Em còn ở đây không?" over the whole screen in the last seconds before the automatic logout.
 * Any touch answers it: the page-wide pointerdown listener (adapter/touch.ts) tells the daemon, which
 * then clears the warning; the button is there so a child sees where to touch. If nobody touches,
 * the daemon logs out on its own clock, whatever is open here.
 */
export function IdleWarning({ view }: { view: SessionView }) {
  const staff = view.patron !== null && view.patron.kind !== 'pupil';
  return (
    <div class="overlay" data-testid="idle-warning" role="alertdialog" aria-modal="true" aria-labelledby="idle-ask">
      <div class="overlay-box">
        <h1 id="idle-ask">
          <Bi text={staff ? t.idleAskStaff : t.idleAskPupil} />
        </h1>
        <p>
          <Bi text={t.idleTouch} />
        </p>
        {view.idleDeadline && <Countdown key={view.idleDeadline} deadline={view.idleDeadline} />}
        <button type="button" class="btn keep-going" data-testid="still-here">
          <Bi text={t.keepGoing} />
        </button>
      </div>
    </div>
  );
}

/** A bar that empties until the logout: time made visible for children who cannot read a clock yet. */
function Countdown({ deadline }: { deadline: string }) {
  const [ms] = useState(() => {
    const left = Date.parse(deadline) - Date.now();
    return Number.isFinite(left) ? Math.min(120000, Math.max(0, left)) : 0;
  });
  return (
    <div class="countdown" aria-hidden="true">
      <div class="countdown-bar" style={{ animationDuration: `${ms}ms` }} />
    </div>
  );
}
