/**
 * The dashboard's state, as signals. `applyEvent` is the only writer and does no I/O: REST
 * answers and socket.io pushes both arrive as events, so their races (a live event before the
 * first page of history, a replayed one twice) are settled here and tested without a server.
 */
import { batch, signal, type Signal } from '@preact/signals';
import type { CatalogueImportEvent, StationRow, TodaySummary } from '../../core/protocol/dashboard-events.ts';
import type { LibraryEvent, Reason } from '../../core/protocol/messages.ts';
import type { ServerMeta, User } from './types.ts';

/** How many events the feed keeps (the newest). */
export const EVENT_LIMIT = 50;

export type Live = 'off' | 'connecting' | 'connected' | 'reconnecting';

export interface DashboardStore {
  meta: Signal<ServerMeta | null>;
  /** False until /api/me has answered, so a logged-in librarian never sees the login form flash. */
  ready: Signal<boolean>;
  user: Signal<User | null>;
  loginError: Signal<Reason | null>;
  summary: Signal<TodaySummary | null>;
  stations: Signal<StationRow[]>;
  /** Newest first, at most EVENT_LIMIT. */
  events: Signal<LibraryEvent[]>;
  live: Signal<Live>;
  /** The latest event of each recent catalogue import, by run id (progress, then the report). */
  imports: Signal<Record<number, CatalogueImportEvent>>;
}

export type DashboardEvent =
  | { type: 'meta'; meta: ServerMeta }
  | { type: 'user'; user: User | null }
  | { type: 'loginFailed'; error: Reason }
  | { type: 'loggedOut' }
  | { type: 'summary'; summary: TodaySummary }
  | { type: 'stations'; rows: StationRow[] }
  | { type: 'events'; events: LibraryEvent[] }
  | { type: 'catalogueImport'; event: CatalogueImportEvent }
  | { type: 'connecting' }
  | { type: 'connected' }
  | { type: 'disconnected' };

export function createStore(): DashboardStore {
  return {
    meta: signal(null),
    ready: signal(false),
    user: signal(null),
    loginError: signal(null),
    summary: signal(null),
    stations: signal([]),
    events: signal([]),
    live: signal('off'),
    imports: signal({}),
  };
}

export function applyEvent(store: DashboardStore, event: DashboardEvent): void {
  batch(() => {
    switch (event.type) {
      case 'meta':
        store.meta.value = event.meta;
        break;
      case 'user':
        store.ready.value = true;
        if (event.user) {
          store.user.value = event.user;
          store.loginError.value = null;
        } else {
          clearSession(store);
        }
        break;
      case 'loginFailed':
        store.loginError.value = event.error;
        break;
      case 'loggedOut':
        clearSession(store);
        break;
      case 'summary':
        if (store.user.value) store.summary.value = event.summary;
        break;
      case 'stations':
        if (store.user.value) store.stations.value = [...event.rows].sort((a, b) => a.device.localeCompare(b.device));
        break;
      case 'events':
        if (store.user.value) store.events.value = mergeEvents(store.events.value, event.events);
        break;
      case 'catalogueImport':
        if (store.user.value) store.imports.value = mergeImport(store.imports.value, event.event);
        break;
      case 'connecting':
        store.live.value = 'connecting';
        break;
      case 'connected':
        store.live.value = 'connected';
        break;
      case 'disconnected':
        // The figures stay up (a librarian may be reading them); the banner says they may be stale.
        if (store.live.value !== 'off') store.live.value = 'reconnecting';
        break;
    }
  });
}

/** Logging out leaves nothing of the school's data in the page. */
function clearSession(store: DashboardStore): void {
  store.user.value = null;
  store.summary.value = null;
  store.stations.value = [];
  store.events.value = [];
  store.imports.value = {};
  store.live.value = 'off';
}

/** Keeps the newest event of the 10 latest runs; a late progress event never hides a run's report. */
function mergeImport(current: Record<number, CatalogueImportEvent>, e: CatalogueImportEvent): Record<number, CatalogueImportEvent> {
  const have = current[e.runId];
  if (have && have.status !== 'running') return current;
  if (have && e.status === 'running' && e.done < have.done) return current;
  const next = { ...current, [e.runId]: e };
  const ids = Object.keys(next).map(Number).sort((a, b) => b - a);
  for (const id of ids.slice(10)) delete next[id];
  return next;
}

// One transaction can yield events of two types with the same id (a loan is also a visit).
const eventKey = (e: LibraryEvent) => `${e.type}:${e.id}`;

/** Union by id, newest first by `at` (a replayed offline loan lands where it happened), capped. */
function mergeEvents(current: LibraryEvent[], incoming: LibraryEvent[]): LibraryEvent[] {
  const byKey = new Map(current.map((e) => [eventKey(e), e]));
  for (const e of incoming) byKey.set(eventKey(e), e);
  return [...byKey.values()].sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).slice(0, EVENT_LIMIT);
}
