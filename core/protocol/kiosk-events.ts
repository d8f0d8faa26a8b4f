/**
 * socket.io events between a station daemon and its kiosk page, typed once for both sides.
 * The daemon owns the session; the kiosk renders what it is sent and never holds more than the
 * current view (the pupil's data leaves the page when the session ends).
 */
import type { LibraryDay } from '../calendar.ts';
import type { LoanView, PatronView, Reason } from './messages.ts';

export type { LibraryDay };

/** idle → pin (when the policy asks for the card's PIN) → patron (borrowing) or return (anyone returns books, no card needed) → finished → idle. */
export type SessionScreen = 'idle' | 'pin' | 'patron' | 'return' | 'finished';

export interface KioskItemLine {
  barcode: string;
  title: string | null;
  state: 'pending' | 'ok' | 'refused';
  dueDate: string | null;
  reason: Reason | null;
  /** Decided by the station alone while the server was unreachable. */
  offline: boolean;
}

/** Everything the kiosk shows, sent whole on every change (small: a pupil borrows a handful of books). */
export interface SessionView {
  screen: SessionScreen;
  /** Changes with every new session, so the page can drop anything it kept from the previous one. */
  sessionId: string | null;
  patron: PatronView | null;
  loans: LoanView[];
  remaining: number;
  items: KioskItemLine[];
  /** A message to show now (refusal, hint), Vietnamese first. */
  notice: (Reason & { level: 'info' | 'error' }) | null;
  slip: 'none' | 'printed' | 'skipped' | 'failed';
  online: boolean;
  /** When the automatic logout happens (ISO time), or null when no pupil is in session. */
  idleDeadline: string | null;
  /** True in the last seconds before the automatic logout: the kiosk asks "Em còn ở đây không?". */
  idleWarning: boolean;
  /** A homeroom teacher borrowing for the classroom corner: the class's name; null for own loans. */
  forClass: string | null;
}

export interface StationMeta {
  device: string;
  role: string;
  mode: 'sim' | 'production';
  schoolName: string;
  version: string;
}

export interface KioskServerToClient {
  session: (view: SessionView) => void;
  meta: (meta: StationMeta) => void;
  /** Today at the library (opening hours, whose reading day it is), for the idle screen; sent on connect and when it changes. */
  today: (day: LibraryDay) => void;
}

export interface KioskClientToServer {
  finish: () => void;
  /** The pupil chose "no slip" for this session. */
  noSlip: () => void;
  /** "Trả sách" on the idle screen: scans now return books. */
  startReturn: () => void;
  /** Renew one of the identified patron's loans (from the loan list). */
  renew: (barcode: string) => void;
  /** A homeroom teacher's "Mượn cho lớp" switch: scans become class-set loans (or own loans again). */
  forClass: (on: boolean) => void;
  /** Any touch on the screen: the pupil is still there, push the automatic logout back. */
  stillHere: () => void;
  /** The PIN typed on the keypad (4–6 digits), on the pin screen. */
  pin: (digits: string) => void;
  /** Leave the PIN screen without identifying. */
  cancel: () => void;
}

export const IDLE_VIEW: SessionView = {
  screen: 'idle',
  sessionId: null,
  patron: null,
  loans: [],
  remaining: 0,
  items: [],
  notice: null,
  slip: 'none',
  online: true,
  idleDeadline: null,
  idleWarning: false,
  forClass: null,
};
