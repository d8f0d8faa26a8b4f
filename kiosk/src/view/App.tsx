import type { SimDevice, SimResult } from '../adapter/sim-api.ts';
import type { KioskStore } from '../store.ts';
import { OfflineNote, Notice, Reconnecting } from './Banners.tsx';
import { FinishedScreen } from './FinishedScreen.tsx';
import { IdleScreen } from './IdleScreen.tsx';
import { PatronScreen } from './PatronScreen.tsx';
import { SimPanel } from './SimPanel.tsx';

interface Props {
  store: KioskStore;
  onFinish(): void;
  onNoSlip(): void;
  postSim(device: SimDevice, code: string): Promise<SimResult>;
}

export function App({ store, onFinish, onNoSlip, postSim }: Props) {
  const view = store.view.value;
  const meta = store.meta.value;
  const connection = store.connection.value;
  return (
    <div class="kiosk">
      <header class="top">
        <span class="school">{meta?.schoolName}</span>
        {!view.online && <OfflineNote />}
      </header>
      {connection !== 'connected' && <Reconnecting connection={connection} />}
      {view.notice && <Notice notice={view.notice} />}
      <main data-testid="screen" data-screen={view.screen} class={`screen screen-${view.screen}`}>
        {view.screen === 'idle' && <IdleScreen />}
        {view.screen === 'patron' && (
          <PatronScreen view={view} noSlip={store.noSlip.value} onFinish={onFinish} onNoSlip={onNoSlip} />
        )}
        {view.screen === 'finished' && <FinishedScreen view={view} />}
      </main>
      {meta?.mode === 'sim' && <SimPanel post={postSim} />}
    </div>
  );
}
