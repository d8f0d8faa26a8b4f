import type { Session } from '../adapter/session.ts';
import { t } from '../i18n.ts';
import type { DashboardStore } from '../store.ts';
import { Bi } from './Bi.tsx';
import { EventFeed } from './EventFeed.tsx';
import { Login } from './Login.tsx';
import { Stations } from './Stations.tsx';
import { Summary } from './Summary.tsx';

export function App({ store, session }: { store: DashboardStore; session: Session }) {
  const user = store.user.value;
  if (!store.ready.value) {
    return (
      <p class="loading">
        <Bi text={t.loading} />
      </p>
    );
  }
  if (!user) return <Login store={store} onLogin={session.login} />;
  const live = store.live.value;
  return (
    <div class="home">
      <header class="bar">
        <strong class="school">{store.meta.value?.schoolName}</strong>
        <span class="user" data-testid="user">
          {user.username} <span class="muted">({user.role})</span>
        </span>
        <button type="button" class="btn" data-testid="logout" onClick={() => void session.logout()}>
          <Bi text={t.logout} />
        </button>
      </header>
      {(live === 'reconnecting' || live === 'connecting') && (
        <div class="banner" role="status" data-testid="reconnecting">
          <Bi text={live === 'connecting' ? t.connecting : t.reconnecting} />
        </div>
      )}
      <main>
        <Summary summary={store.summary.value} />
        <Stations rows={store.stations.value} />
        <EventFeed events={store.events.value} />
      </main>
    </div>
  );
}
