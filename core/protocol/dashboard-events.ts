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

export interface DashboardServerToClient {
  summary: (s: TodaySummary) => void;
  stations: (rows: StationRow[]) => void;
  event: (e: LibraryEvent) => void;
}

export type DashboardClientToServer = Record<string, never>;
