import type { SessionView } from '../../../core/protocol/kiosk-events.ts';
import { t, type Bilingual } from '../i18n.ts';
import { Bi } from './Bi.tsx';
import { ItemList } from './ItemList.tsx';

const slipText: Record<SessionView['slip'], Bilingual | null> = {
  none: null,
  printed: t.slipPrinted,
  skipped: t.slipSkipped,
  failed: t.slipFailed,
};

export function FinishedScreen({ view }: { view: SessionView }) {
  const slip = slipText[view.slip];
  // Without a slip the screen is the pupil's only note of the due dates, so keep them in view.
  const borrowed = view.items.filter((i) => i.state === 'ok');
  return (
    <div class="finished">
      <h1>
        <Bi text={t.goodbye} />
      </h1>
      {slip && (
        <p data-testid="slip" data-slip={view.slip} class={`slip slip-${view.slip}`}>
          <Bi text={slip} />
        </p>
      )}
      {borrowed.length > 0 && <ItemList items={borrowed} />}
    </div>
  );
}
