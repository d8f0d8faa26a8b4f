/**
 * The kiosk's whole state, as signals. `applyEvent` is the only writer and does no I/O, so every
 * rule about what the page may show (above all: no pupil data while disconnected, on the idle, the
 * PIN or the return screen) is tested without a socket or a browser. The PIN being typed is not
 * state of the store at all: it lives only in the PIN screen's component.
 */
import { batch, computed, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import { IDLE_VIEW, type LibraryDay, type SessionView, type StationMeta } from '../../core/protocol/kiosk-events.ts';

export type Connection = 'connecting' | 'connected' | 'reconnecting';

/** Which language the kiosk shows first; the other one stays as the smaller second line. */
export type Lang = 'vi' | 'en';

/** Something the page asked for in one session; forgotten when the session changes. */
interface SessionNote<T> {
  sessionId: string | null;
  value: T;
}

export interface KioskStore {
  view: Signal<SessionView>;
  meta: Signal<StationMeta | null>;
  connection: Signal<Connection>;
  /** The session in which the pupil pressed "no slip"; the protocol has no way to take it back. */
  noSlipSession: Signal<string | null>;
  /** True when the pupil has asked for no slip in the session on screen. */
  noSlip: ReadonlySignal<boolean>;
  /** Loans whose "Gia hạn" was tapped in this session: one tap per loan, so a double tap never renews twice. */
  renewRequests: Signal<SessionNote<readonly string[]>>;
  /** The barcodes of `renewRequests` when they belong to the session on screen, else none. */
  renewRequested: ReadonlySignal<readonly string[]>;
  /** The last session that was a return session, so its goodbye screen can thank rather than remind. */
  returnSession: Signal<string | null>;
  /** The language shown first. Vietnamese unless the pupil toggled; back to Vietnamese at every logout. */
  lang: Signal<Lang>;
  /** Today at the library (hours, reading schedule) for the idle screen; null until the daemon says. */
  today: Signal<LibraryDay | null>;
}

export type KioskEvent =
  | { type: 'session'; view: SessionView }
  | { type: 'meta'; meta: StationMeta }
  | { type: 'connected' }
  | { type: 'disconnected' }
  | { type: 'noSlipChosen' }
  | { type: 'renewRequested'; barcode: string }
  | { type: 'today'; day: LibraryDay }
  | { type: 'setLang'; lang: Lang };

const NO_RENEWALS: SessionNote<readonly string[]> = { sessionId: null, value: [] };

export function createStore(): KioskStore {
  const view = signal(IDLE_VIEW);
  const noSlipSession = signal<string | null>(null);
  const noSlip = computed(
    () => view.value.slip === 'skipped' || (view.value.sessionId !== null && noSlipSession.value === view.value.sessionId),
  );
  const renewRequests = signal(NO_RENEWALS);
  const renewRequested = computed(() =>
    view.value.sessionId !== null && renewRequests.value.sessionId === view.value.sessionId ? renewRequests.value.value : NO_RENEWALS.value,
  );
  return {
    view,
    meta: signal(null),
    connection: signal('connecting'),
    noSlipSession,
    noSlip,
    renewRequests,
    renewRequested,
    returnSession: signal(null),
    lang: signal<Lang>('vi'),
    today: signal<LibraryDay | null>(null),
  };
}

/**
 * What the page may keep of a view the daemon sent. Only the patron screen carries a patron, their
 * loans and the class-set switch; the warning before logout exists only while someone is in session.
 * The PIN screen comes before anyone is identified: nothing about the card's owner may show there.
 */
export function screenView(view: SessionView): SessionView {
  switch (view.screen) {
    case 'patron':
      return view;
    case 'return':
      // Anyone may return books: whatever the daemon sent, this screen shows nobody's name or loans.
      return { ...view, patron: null, loans: [], remaining: 0, forClass: null };
    case 'pin':
      // Like idle, plus the session id (a new session is a new PIN screen) and the PIN notice
      // (PIN_REQUIRED, PIN_WRONG): whose card it is stays unknown until the right PIN.
      return { ...IDLE_VIEW, screen: 'pin', sessionId: view.sessionId, notice: view.notice, online: view.online };
    case 'finished':
      // The goodbye screen keeps the books just lent (the pupil's note of the due dates), nothing else.
      return { ...view, patron: null, loans: [], remaining: 0, forClass: null, idleWarning: false, idleDeadline: null };
    case 'idle':
    default:
      // The idle screen must never carry a previous pupil's data, even if the daemon sent some;
      // a screen this page does not know is treated the same way.
      return { ...IDLE_VIEW, notice: view.notice, online: view.online };
  }
}

export function applyEvent(store: KioskStore, event: KioskEvent): void {
  batch(() => {
    switch (event.type) {
      case 'session': {
        const view = screenView(event.view);
        const before = store.view.value;
        // The language a pupil chose is theirs alone: back to Vietnamese when their session ends (the
        // idle screen comes back, or another session takes over without one). A choice made on the
        // idle screen carries into the session that the next card starts.
        const loggedOut = view.screen === 'idle' && before.screen !== 'idle';
        const handedOver = before.sessionId !== null && view.sessionId !== null && before.sessionId !== view.sessionId;
        if (loggedOut || handedOver) store.lang.value = 'vi';
        store.view.value = view;
        // A new session id drops whatever the page noted for the previous one.
        if (store.noSlipSession.value !== view.sessionId) store.noSlipSession.value = null;
        if (store.renewRequests.value.sessionId !== view.sessionId) store.renewRequests.value = NO_RENEWALS;
        if (view.screen === 'return') store.returnSession.value = view.sessionId;
        else if (store.returnSession.value !== view.sessionId) store.returnSession.value = null;
        break;
      }
      case 'meta':
        store.meta.value = event.meta;
        break;
      case 'connected':
        store.connection.value = 'connected';
        break;
      case 'disconnected':
        // Whatever the daemon does while we cannot hear it, the pupil on screen is no longer ours.
        store.connection.value = 'reconnecting';
        store.view.value = IDLE_VIEW;
        store.noSlipSession.value = null;
        store.renewRequests.value = NO_RENEWALS;
        store.returnSession.value = null;
        store.lang.value = 'vi';
        break;
      case 'noSlipChosen':
        store.noSlipSession.value = store.view.value.sessionId;
        break;
      case 'renewRequested': {
        const { sessionId, screen } = store.view.value;
        if (screen !== 'patron' || sessionId === null) break;
        const before = store.renewRequests.value.sessionId === sessionId ? store.renewRequests.value.value : [];
        if (!before.includes(event.barcode)) store.renewRequests.value = { sessionId, value: [...before, event.barcode] };
        break;
      }
      case 'today':
        store.today.value = event.day;
        break;
      case 'setLang':
        store.lang.value = event.lang;
        break;
    }
  });
}
