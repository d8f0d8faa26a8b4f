import type { StationRow } from '../../../core/protocol/dashboard-events.ts';
import { stationAlerts } from '../alerts.ts';
import { Bi } from './Bi.tsx';

/** Station alerts above every page (role=alert, so a screen reader says a new one). */
export function Alerts({ rows }: { rows: StationRow[] }) {
  const alerts = stationAlerts(rows);
  if (alerts.length === 0) return null;
  return (
    <div class="alerts" role="alert" data-testid="alerts">
      {alerts.map((a) => (
        <p key={a.key} class={`alert ${a.level}`} data-testid="alert" data-device={a.device}>
          <span aria-hidden="true">{a.level === 'bad' ? '⚠' : '!'}</span> <Bi text={a.text} />
        </p>
      ))}
    </div>
  );
}
