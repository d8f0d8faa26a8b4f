/**
 * Station alerts the librarian must see whatever page is open: a station gone offline, a printer
 * out of paper (or nearly), a device that reports a fault. Pure: derived from the station rows.
 */
import type { StationRow } from '../../core/protocol/dashboard-events.ts';
import type { Bilingual } from './i18n.ts';

export interface StationAlert {
  key: string;
  device: string;
  level: 'bad' | 'warn';
  text: Bilingual;
}

export function stationAlerts(rows: StationRow[]): StationAlert[] {
  const out: StationAlert[] = [];
  for (const r of rows) {
    if (r.state === 'offline') {
      out.push({ key: `${r.device}:offline`, device: r.device, level: 'bad', text: { vi: `${r.device} mất kết nối`, en: `${r.device} is offline` } });
      // An offline station's last device report is stale: say nothing more about it.
      continue;
    }
    for (const [name, h] of Object.entries(r.devices)) {
      if (h.paper === 'out') {
        out.push({ key: `${r.device}:${name}:paper`, device: r.device, level: 'bad', text: { vi: `${r.device}: máy in hết giấy`, en: `${r.device}: printer out of paper` } });
      } else if (h.paper === 'near_end') {
        out.push({ key: `${r.device}:${name}:paper`, device: r.device, level: 'warn', text: { vi: `${r.device}: máy in sắp hết giấy`, en: `${r.device}: printer paper running low` } });
      } else if (!h.ok) {
        out.push({
          key: `${r.device}:${name}:fault`,
          device: r.device,
          level: 'warn',
          text: { vi: `${r.device}: ${name} lỗi${h.detail ? ` (${h.detail})` : ''}`, en: `${r.device}: ${name} fault${h.detail ? ` (${h.detail})` : ''}` },
        });
      }
    }
  }
  return out;
}
