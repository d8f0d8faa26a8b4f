import type { StationRow, TodaySummary } from '../../../core/protocol/dashboard-events.ts';
import type { LibraryEvent } from '../../../core/protocol/messages.ts';

export const SUMMARY: TodaySummary = { date: '2025-10-07', loans: 42, returns: 30, renewals: 3, visits: 120 };

export function station(device: string, state: 'online' | 'offline' = 'online'): StationRow {
  return {
    state,
    device,
    role: 'kiosk',
    version: '0.1.0',
    devices: { scanner: { driver: 'sim', ok: true } },
    at: '2025-10-07T07:00:00+07:00',
    lastSeen: '2025-10-07T07:00:00+07:00',
  };
}

type CirculationEvent = Extract<LibraryEvent, { type: 'checkout' | 'checkin' | 'renew' }>;

/** A checkout at minute `min` past 07:00 (Hanoi time). */
export function checkout(id: string, min: number): CirculationEvent {
  return {
    id,
    at: `2025-10-07T07:${String(min).padStart(2, '0')}:00+07:00`,
    device: 'server',
    type: 'checkout',
    station: 'kiosk-1',
    patronId: 'p1',
    items: [{ barcode: `3000100000${id.padStart(4, '0')}`, dueDate: '2025-10-14' }],
  };
}
