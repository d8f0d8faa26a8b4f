import { useEffect, useState } from 'preact/hooks';
import type { StationRow } from '../../../core/protocol/dashboard-events.ts';
import { getJson } from '../adapter/http.ts';
import { formatTime, roleText, t } from '../i18n.ts';
import { Bi } from './Bi.tsx';

/** Today's transactions per station (GET /api/transactions/by-station, librarian and up). */
function useTodayActivity(enabled: boolean, rows: StationRow[]): Record<string, number> | null {
  const [counts, setCounts] = useState<Record<string, number> | null>(null);
  useEffect(() => {
    if (!enabled) return;
    const from = new Date(new Date().setHours(0, 0, 0, 0)).toISOString();
    getJson<{ device: string; transactions: number }[]>(`/api/transactions/by-station?from=${encodeURIComponent(from)}`)
      .then((a) => setCounts(Object.fromEntries(a.map((x) => [x.device, x.transactions]))))
      .catch(() => undefined);
  }, [enabled, rows]);
  return enabled ? counts : null;
}

const txToday = { vi: 'Giao dịch hôm nay', en: 'Transactions today' };

export function Stations({ rows, showActivity = false }: { rows: StationRow[]; showActivity?: boolean }) {
  const activity = useTodayActivity(showActivity, rows);
  return (
    <section class="stations">
      <h2>
        <Bi text={t.stations} />
      </h2>
      {rows.length === 0 ? (
        <p class="muted">
          <Bi text={t.noStations} />
        </p>
      ) : (
        // Scrolls sideways on a phone instead of squeezing five columns into 360 px.
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                {[t.device, t.role, t.state, t.devices, t.lastSeen, ...(activity ? [txToday] : [])].map((h) => (
                  <th key={h.vi}>
                    <Bi text={h} />
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <StationLine key={row.device} row={row} transactions={activity ? (activity[row.device] ?? 0) : undefined} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function StationLine({ row, transactions }: { row: StationRow; transactions?: number }) {
  const online = row.state === 'online';
  return (
    <tr data-testid="station-row" data-device={row.device} data-state={row.state}>
      <td>
        <code>{row.device}</code>
      </td>
      <td>
        <Bi text={roleText[row.role]} />
      </td>
      <td>
        <span class={online ? 'badge ok' : 'badge bad'}>
          <Bi text={online ? t.online : t.offline} />
        </span>
        {row.pending ? (
          <div class="muted small">
            <Bi text={t.pending(row.pending)} />
          </div>
        ) : null}
      </td>
      <td class="devs">
        {Object.entries(row.devices).map(([name, health]) => (
          <span key={name} class={health.ok ? 'dev ok' : 'dev bad'} title={`${health.driver}${health.detail ? `: ${health.detail}` : ''}`}>
            {health.ok ? '●' : '✕'} {name}
            {health.paper && health.paper !== 'ok' && health.paper !== 'unknown' && (
              <span class="paper" data-testid="paper" data-paper={health.paper}>
                {' '}
                ({health.paper === 'out' ? 'hết giấy / out of paper' : 'sắp hết giấy / paper low'})
              </span>
            )}
          </span>
        ))}
      </td>
      <td>{formatTime(row.lastSeen)}</td>
      {transactions !== undefined && <td data-testid="station-transactions">{transactions}</td>}
    </tr>
  );
}
