/** socket.io events between the school server and the librarian's dashboard page, typed once. */
import type { LibraryEvent, StatusPayload } from './messages.ts';

export interface TodaySummary {
  date: string;
  loans: number;
  returns: number;
  renewals: number;
  visits: number;
}

export interface StationRow extends StatusPayload {
  lastSeen: string;
}

/** A problem in an imported MARC file: its record's position in the file and the reason, Vietnamese first. */
export interface CatalogueImportProblem {
  record: number;
  offset: number;
  line?: number;
  severity: 'error' | 'warning';
  vi: string;
  en: string;
  controlNumber?: string;
  title?: string;
}

/**
 * A catalogue import's progress (status "running", after each batch), then its report (the last
 * event of a run, status "done", "cancelled" or "failed"), as dashboard/src/catalogue/routes.ts sends them.
 */
export interface CatalogueImportEvent {
  runId: number;
  status: 'running' | 'done' | 'cancelled' | 'failed';
  total: number;
  done: number;
  imported: number;
  updated: number;
  rejected: number;
  /** The report's fields, in the last event only. */
  file?: string | null;
  format?: 'iso2709' | 'marcxml';
  read?: number;
  notProcessed?: number;
  copiesAdded?: number;
  copiesUpdated?: number;
  warnings?: number;
  problems?: CatalogueImportProblem[];
  startedAt?: string;
  finishedAt?: string;
}

export interface DashboardServerToClient {
  summary: (s: TodaySummary) => void;
  stations: (rows: StationRow[]) => void;
  event: (e: LibraryEvent) => void;
  catalogueImport: (e: CatalogueImportEvent) => void;
}

export type DashboardClientToServer = Record<string, never>;
