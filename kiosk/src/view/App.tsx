import type { KioskActions } from '../adapter/socket.ts';
import type { SimDevice, SimResult } from '../adapter/sim-api.ts';
import type { KioskStore } from '../store.ts';
import { t } from '../i18n.ts';
import { OfflineNote, Notice, Reconnecting } from './Banners.tsx';
import { LangContext } from './Bi.tsx';
import { FinishedScreen } from './FinishedScreen.tsx';
import { IdleScreen } from './IdleScreen.tsx';
import { IdleWarning } from './IdleWarning.tsx';
import { PatronScreen } from './PatronScreen.tsx';
import { PinScreen } from './PinScreen.tsx';
import { ReturnScreen } from './ReturnScreen.tsx';
import { SimPanel } from './SimPanel.tsx';

export type ScreenActions = Pick<KioskActions, 'finish' | 'noSlip' | 'startReturn' | 'renew' | 'forClass' | 'pin' | 'cancel' | 'setLang'>;

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
  const lang = store.lang.value;
  return (
    <LangContext.Provider value={lang}>
    <div class={`kiosk lang-${lang}`} lang={lang}>
      <header class="top">
        <span class="school">{meta?.schoolName}</span>
        {!view.online && <OfflineNote />}
        {/* Two big buttons, each language's name in its own language: a reader of either finds theirs. */}
        <div class="lang-toggle" role="group" aria-label={`${t.langLabel.vi} / ${t.langLabel.en}`} data-testid="lang-toggle" data-lang={lang}>
          <button type="button" class="btn lang-opt" data-testid="lang-vi" lang="vi" aria-pressed={lang === 'vi'} onClick={() => actions.setLang('vi')}>
            Tiếng Việt
          </button>
          <button type="button" class="btn lang-opt" data-testid="lang-en" lang="en" aria-pressed={lang === 'en'} onClick={() => actions.setLang('en')}>
            English
          </button>
        </div>
      </header>
      {connection !== 'connected' && <Reconnecting connection={connection} />}
      {view.notice && <Notice notice={view.notice} />}
      <main data-testid="screen" data-screen={view.screen} class={`screen screen-${view.screen}`}>
        {view.screen === 'idle' && <IdleScreen today={store.today.value} onStartReturn={actions.startReturn} />}
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
    </LangContext.Provider>
  );
}
