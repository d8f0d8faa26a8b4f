import { useEffect, useState } from 'preact/hooks';
import type { Session } from '../adapter/session.ts';
import { t, type Bilingual } from '../i18n.ts';
import type { DashboardStore } from '../store.ts';
import { Bi } from './Bi.tsx';
import { Catalogue } from './Catalogue.tsx';
import { CatalogueImport } from './CatalogueImport.tsx';
import { EventFeed } from './EventFeed.tsx';
import { Login } from './Login.tsx';
import { Occupancy } from './Occupancy.tsx';
import { DropBox } from './DropBox.tsx';
import { Stations } from './Stations.tsx';
import { Summary } from './Summary.tsx';
import { Alerts } from './Alerts.tsx';
import { Rates } from './Rates.tsx';
import { Overdue } from './Overdue.tsx';
import { Conflicts } from './Conflicts.tsx';
import { Settings } from './Settings.tsx';
import { Calendar } from './Calendar.tsx';
import { Accounts, ROLE_TEXT } from './Accounts.tsx';
import { ChangePassword } from './ChangePassword.tsx';
import { Patrons } from './Patrons.tsx';
import { Desk } from './Desk.tsx';
import { StationAdmin } from './StationAdmin.tsx';

type Role = 'viewer' | 'librarian' | 'admin';
const RANK: Record<string, number> = { viewer: 0, librarian: 1, admin: 2 };
const atLeast = (role: string, needed: Role) => (RANK[role] ?? -1) >= RANK[needed]!;

interface PageCtx {
  store: DashboardStore;
  role: string;
  session: Session;
}

/**
 * The pages after "Tổng quan" (the live home page below). A feature adds its page with one entry:
 * an id for the URL hash, a bilingual label, the weakest role that sees it, and what it renders.
 */
const PAGES: { id: string; label: Bilingual; role: Role; render(c: PageCtx): preact.ComponentChild }[] = [
  { id: 'desk', label: { vi: 'Quầy mượn trả', en: 'Desk' }, role: 'librarian', render: () => <Desk /> },
  { id: 'catalogue', label: { vi: 'Tra cứu sách', en: 'Catalogue' }, role: 'viewer', render: (c) => <Catalogue canEdit={atLeast(c.role, 'librarian')} /> },
  { id: 'catalogue-import', label: { vi: 'Nhập/xuất MARC', en: 'MARC import' }, role: 'librarian', render: (c) => <CatalogueImport store={c.store} canImport /> },
  { id: 'patrons', label: { vi: 'Bạn đọc', en: 'Patrons' }, role: 'viewer', render: (c) => <Patrons canEdit={atLeast(c.role, 'librarian')} /> },
  { id: 'rates', label: { vi: 'Tỷ lệ', en: 'Rates' }, role: 'viewer', render: (c) => <Rates store={c.store} canEdit={atLeast(c.role, 'librarian')} /> },
  { id: 'overdue', label: { vi: 'Quá hạn', en: 'Overdue' }, role: 'viewer', render: (c) => <Overdue store={c.store} canPrint={atLeast(c.role, 'librarian')} /> },
  { id: 'conflicts', label: { vi: 'Xung đột', en: 'Conflicts' }, role: 'librarian', render: (c) => <Conflicts store={c.store} canResolve /> },
  { id: 'settings', label: { vi: 'Cài đặt', en: 'Settings' }, role: 'viewer', render: (c) => <Settings canEdit={atLeast(c.role, 'librarian')} /> },
  { id: 'calendar', label: { vi: 'Lịch năm học', en: 'School calendar' }, role: 'viewer', render: (c) => <Calendar canEdit={atLeast(c.role, 'librarian')} /> },
  { id: 'stations', label: { vi: 'Trạm', en: 'Stations' }, role: 'admin', render: () => <StationAdmin /> },
  { id: 'accounts', label: { vi: 'Tài khoản', en: 'Accounts' }, role: 'admin', render: () => <Accounts /> },
  { id: 'password', label: { vi: 'Đổi mật khẩu', en: 'Password' }, role: 'viewer', render: () => <ChangePassword required={false} onDone={() => undefined} /> },
];

/** The page named by location.hash ('#rates'), '' for the home page; follows back/forward. */
function useHashPage(): [string, (id: string) => void] {
  const read = () => (typeof location === 'undefined' ? '' : location.hash.replace(/^#\/?/, ''));
  const [page, setPage] = useState(read);
  useEffect(() => {
    const on = () => setPage(read());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return [page, (id) => (location.hash = id ? `#${id}` : '')];
}

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
  return <LoggedIn store={store} session={session} />;
}

function LoggedIn({ store, session }: { store: DashboardStore; session: Session }) {
  const user = store.user.value!;
  const [pageId, go] = useHashPage();
  const live = store.live.value;
  if (user.mustChange) {
    return (
      <div class="home">
        <main class="page">
          <ChangePassword required onDone={() => void session.init()} />
        </main>
      </div>
    );
  }
  const pages = PAGES.filter((p) => atLeast(user.role, p.role));
  const page = pages.find((p) => p.id === pageId);
  return (
    <div class="home">
      <header class="bar">
        <strong class="school">{store.meta.value?.schoolName}</strong>
        <nav class="tabs" aria-label="Trang / Pages">
          <a href="#" class={page ? 'tab' : 'tab current'} aria-current={page ? undefined : 'page'} data-testid="tab-home" onClick={(e) => (e.preventDefault(), go(''))}>
            <Bi text={{ vi: 'Tổng quan', en: 'Overview' }} />
          </a>
          {pages.map((p) => (
            <a
              key={p.id}
              href={`#${p.id}`}
              class={p === page ? 'tab current' : 'tab'}
              aria-current={p === page ? 'page' : undefined}
              data-testid={`tab-${p.id}`}
              onClick={(e) => (e.preventDefault(), go(p.id))}
            >
              <Bi text={p.label} />
            </a>
          ))}
        </nav>
        <span class="user" data-testid="user">
          {user.username} <span class="muted">({ROLE_TEXT[user.role]?.vi ?? user.role})</span>
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
      <Alerts rows={store.stations.value} />
      {page ? <main class="page">{page.render({ store, role: user.role, session })}</main> : null}
      <main hidden={!!page}>
        <Summary summary={store.summary.value} />
        <Occupancy store={store} />
        <DropBox store={store} canEmpty={atLeast(user.role, 'librarian')} />
        <Stations rows={store.stations.value} showActivity={atLeast(user.role, 'librarian')} />
        <EventFeed events={store.events.value} />
      </main>
    </div>
  );
}
