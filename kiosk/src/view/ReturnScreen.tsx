import type { SessionView } from '../../../core/protocol/kiosk-events.ts';
import { t } from '../i18n.ts';
import { Bi } from './Bi.tsx';
import { ScanPicture } from './icons.tsx';
import { ItemList } from './ItemList.tsx';

interface Props {
  view: SessionView;
  onFinish(): void;
}

/** Anyone returns books here, without a card: the screen shows the books, never whose they were. */
export function ReturnScreen({ view, onFinish }: Props) {
  return (
    <div class="return">
      <section class="return-head">
        <ScanPicture />
        <h1>
          <Bi text={t.returnHint} />
        </h1>
      </section>
      <section class="session-items">
        {view.items.length > 0 && (
          <>
            <h2>
              <Bi text={t.returnedTitle} />
            </h2>
            <ItemList items={view.items} okText={t.returned} />
          </>
        )}
      </section>
      <div class="actions">
        <button type="button" class="btn finish" data-testid="finish" onClick={onFinish}>
          <Bi text={t.done} />
        </button>
      </div>
    </div>
  );
}
