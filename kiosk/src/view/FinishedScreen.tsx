import type { SessionView } from '../../../core/protocol/kiosk-events.ts';
import { t, type Bilingual } from '../i18n.ts';
import { Bi } from './Bi.tsx';
import { StartReturnButton } from './IdleScreen.tsx';
import { ItemList } from './ItemList.tsx';

const slipText: Record<SessionView['slip'], Bilingual | null> = {
  none: null,
  printed: t.slipPrinted,
  skipped: t.slipSkipped,
  failed: t.slipFailed,
};

interface Props {
  view: SessionView;
  /** The session that just ended was a return session: thank, do not remind about due dates. */
  afterReturn: boolean;
  onStartReturn(): void;
}

export function FinishedScreen({ view, afterReturn, onStartReturn }: Props) {
  const slip = slipText[view.slip];
  // Without a slip the screen is the pupil's only note of the due dates, so keep them in view.
  const borrowed = afterReturn ? [] : view.items.filter((i) => i.state === 'ok');
  return (
    <div class="finished">
      <h1>
        <Bi text={afterReturn ? t.thanksReturn : t.goodbye} />
      </h1>
      {slip && (
        <p data-testid="slip" data-slip={view.slip} class={`slip slip-${view.slip}`}>
          <Bi text={slip} />
        </p>
      )}
      {borrowed.length > 0 && <ItemList items={borrowed} />}
      {/* The next child may only have books to bring back: no need to wait for the idle screen. */}
      <StartReturnButton onStartReturn={onStartReturn} />
    </div>
  );
}
