import type { KioskActions } from '../adapter/socket.ts';
import type { SimDevice, SimResult } from '../adapter/sim-api.ts';
import type { KioskStore } from '../store.ts';
import { OfflineNote, Notice, Reconnecting } from './Banners.tsx';
import { FinishedScreen } from './FinishedScreen.tsx';
import { IdleScreen } from './IdleScreen.tsx';
import { IdleWarning } from './IdleWarning.tsx';
import { PatronScreen } from './PatronScreen.tsx';
import { PinScreen } from './PinScreen.tsx';
import { ReturnScreen } from './ReturnScreen.tsx';
import { SimPanel } from './SimPanel.tsx';

export type ScreenActions = Pick<KioskActions, 'finish' | 'noSlip' | 'startReturn' | 'renew' | 'forClass' | 'pin' | 'cancel'>;

interface Props {
  store: KioskStore;
  actions: ScreenActions;
  postSim(device: SimDevice, code: string): Promise<SimResult>;
}

export function App({ store, actions, postSim }: Props) {
  const view = store.view.value;
  const meta = store.meta.value;
  const connection = store.connection.value;
  const inSession = view.screen === 'patron' || view.screen === 'return';
  return (
    <div class="kiosk">
      <header class="top">
        <span class="school">{meta?.schoolName}</span>
        {!view.online && <OfflineNote />}
      </header>
      {connection !== 'connected' && <Reconnecting connection={connection} />}
      {view.notice && <Notice notice={view.notice} />}
      <main data-testid="screen" data-screen={view.screen} class={`screen screen-${view.screen}`}>
        {view.screen === 'idle' && <IdleScreen onStartReturn={actions.startReturn} />}
        {view.screen === 'pin' && (
          // One component per session id: a new card starts with no digits typed.
          <PinScreen key={view.sessionId ?? ''} view={view} onPin={actions.pin} onCancel={actions.cancel} />
        )}
        {view.screen === 'patron' && (
          <PatronScreen
            view={view}
            noSlip={store.noSlip.value}
            renewRequested={store.renewRequested.value}
            onFinish={actions.finish}
            onNoSlip={actions.noSlip}
            onRenew={actions.renew}
            onForClass={actions.forClass}
          />
        )}
        {view.screen === 'return' && <ReturnScreen view={view} onFinish={actions.finish} />}
        {view.screen === 'finished' && (
          <FinishedScreen view={view} afterReturn={view.sessionId !== null && store.returnSession.value === view.sessionId} onStartReturn={actions.startReturn} />
        )}
      </main>
      {meta?.mode === 'sim' && <SimPanel post={postSim} />}
      {inSession && view.idleWarning && <IdleWarning view={view} />}
    </div>
  );
}
