/** Domain types shared by the server, the stations and the apps. Dates are ISO 8601 strings. */
import type { Collection, PatronKind } from './policy.ts';

export type { Collection, PatronKind };

/** A bibliographic record (one title/edition), from MARC 21. */
export interface BibRecord {
  id: number;
  controlNumber: string | null;
  title: string;
  author: string | null;
  publisher: string | null;
  year: string | null;
  isbn: string | null;
  /** Dewey Decimal Classification number, e.g. "895.9223". */
  ddc: string | null;
}

export type CopyStatus = 'on_shelf' | 'on_loan' | 'lost' | 'damaged' | 'withdrawn';

/** A physical copy: accession number ("số đăng ký cá biệt", ĐKCB) and the barcode its label or tag carries. */
export interface Copy {
  id: number;
  recordId: number;
  barcode: string;
  accession: string;
  collection: Collection;
  /** Read in the library only ("đọc tại chỗ"): never leaves, whatever the policy row says. */
  referenceOnly: boolean;
  status: CopyStatus;
  callNumber: string | null;
}

export type IdentifierKind = 'barcode' | 'uid';

/** A patron has several identifiers: the card barcode (also what the card's QR holds) and the card's RFID UID. */
export interface PatronIdentifier {
  kind: IdentifierKind;
  value: string;
}

export interface Patron {
  id: string;
  kind: Exclude<PatronKind, 'class'>;
  fullName: string;
  /** Class name for the current school year, e.g. "4A"; null for staff without a class. */
  className: string | null;
  grade: number | null;
  active: boolean;
  /** Set by the librarian; null when not blocked. */
  blockedReason: string | null;
  textbookEligible: boolean;
  identifiers: PatronIdentifier[];
}

export interface Loan {
  id: number;
  txId: string;
  barcode: string;
  patronId: string;
  /** Set when a class borrows a set through its homeroom teacher (patronId is then the teacher). */
  classId: string | null;
  station: string;
  loanedAt: string;
  /** School-local date, YYYY-MM-DD: the item is overdue from the next day. */
  dueDate: string;
  renewals: number;
  returnedAt: string | null;
}

export type VisitSource = 'kiosk' | 'circulation' | 'reading_period';

export interface Visit {
  patronId: string;
  at: string;
  source: VisitSource;
  txId: string | null;
}

export type StationRole = 'kiosk' | 'dropbox' | 'counter';

export interface StationInfo {
  device: string;
  role: StationRole;
  state: 'online' | 'offline';
  version: string;
  devices: Record<string, DeviceHealth>;
  at: string;
}

export interface DeviceHealth {
  driver: string;
  ok: boolean;
  detail?: string;
}
