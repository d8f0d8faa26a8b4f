/**
 * The reading room: people inside now (door counter, since the last daily reset), footfall today by
 * hour, and the last 7 days' footfall next to card visits with each closing's drift. Figures come
 * from GET /api/occupancy; every counter reading the server pushes over socket.io (an `event` of
 * type `counter` in the store) fetches them again, so the number moves as people pass the door.
 * A librarian also gets "reset now" (POST /api/occupancy/reset, the CSRF header added by the app's
 * fetch wrapper): occupancy starts again at 0 at once, keeping the drift, as the closing reset does.
 */
import { useEffect, useState } from 'preact/hooks';
import type { OccupancyReport } from '../../src/occupancy/types.ts';
import { formatDate, type Bilingual } from '../i18n.ts';
import type { DashboardStore } from '../store.ts';
import { Bi } from './Bi.tsx';

const text = {
  title: { vi: 'Phòng đọc', en: 'Reading room' },
  now: { vi: 'Đang trong phòng', en: 'In the room now' },
  footfall: { vi: 'Lượt vào hôm nay (đếm cửa)', en: 'In today (door count)' },
  visits: { vi: 'Lượt đến hôm nay (thẻ)', en: 'Card visits today' },
  drift: { vi: 'Sai lệch lúc đóng cửa gần nhất', en: 'Drift at the last closing' },
  byHour: { vi: 'Lượt vào theo giờ hôm nay', en: 'In per hour today' },
  byDay: { vi: '7 ngày gần đây', en: 'Last 7 days' },
  date: { vi: 'Ngày', en: 'Date' },
  dayIn: { vi: 'Lượt vào (đếm cửa)', en: 'In (door count)' },
  dayVisits: { vi: 'Lượt đến (thẻ)', en: 'Card visits' },
  dayDrift: { vi: 'Sai lệch', en: 'Drift' },
  noCounter: { vi: 'Chưa có bộ đếm cửa nào gửi số liệu', en: 'No door counter has reported yet' },
  resetNow: { vi: 'Đặt lại về 0 ngay', en: 'Reset to 0 now' },
  confirmReset: { vi: 'Phòng đọc đã không còn ai? Số người trong phòng sẽ về 0.', en: 'Is the reading room empty? Occupancy goes back to 0.' },
  resetFailed: { vi: 'Chưa đặt lại được, hãy thử lại.', en: 'Not reset, please try again.' },
  reset: (close: string): Bilingual => ({
    vi: `Số người trong phòng tự về 0 lúc ${close} mỗi ngày; sai lệch là số người bộ đếm tưởng còn trong phòng lúc đó (bóng người, hai em đi cạnh nhau).`,
    en: `Occupancy starts again at 0 at ${close} every day; the drift is how many people the counter believed were still inside then (shadows, two children side by side).`,
  }),
  negative: (n: number): Bilingual => ({
    vi: `Bộ đếm thấy ra nhiều hơn vào ${-n} người từ lần đặt lại.`,
    en: `The counter saw ${-n} more out than in since the reset.`,
  }),
};

/** The panel itself, from one report (or null while loading). */
export function OccupancyPanel({ report, onReset, busy }: { report: OccupancyReport | null; onReset?: () => void; busy?: boolean }) {
  if (!report) {
    return (
      <section class="summary occupancy" data-testid="occupancy">
        <h2>
          <Bi text={text.title} />
        </h2>
        <p class="muted">–</p>
      </section>
    );
  }
  const today = report.days.find((d) => d.date === report.today.date);
  const hours = report.today.hours.filter((h) => h.hour >= 6 && h.hour <= 18);
  const peak = Math.max(1, ...hours.map((h) => h.in));
  return (
    <section class="summary occupancy" data-testid="occupancy">
      <h2>
        <Bi text={text.title} />
      </h2>
      {report.counters.length === 0 && (
        <p class="muted" data-testid="occupancy-none">
          <Bi text={text.noCounter} />
        </p>
      )}
      <div class="figures">
        <Figure id="occupancy-now" value={report.occupancy} label={text.now} />
        <Figure id="occupancy-footfall" value={report.today.in} label={text.footfall} />
        <Figure id="occupancy-visits" value={today?.visits ?? 0} label={text.visits} />
        <Figure id="occupancy-drift" value={report.lastReset ? signed(report.lastReset.drift) : '–'} label={text.drift} />
      </div>
      {report.net < 0 && (
        <p class="muted" data-testid="occupancy-negative">
          <Bi text={text.negative(report.net)} />
        </p>
      )}
      <h3>
        <Bi text={text.byHour} />
      </h3>
      <div class="hours" role="img" aria-label={hours.map((h) => `${h.hour}h: ${h.in}`).join(', ')} style={{ display: 'flex', alignItems: 'flex-end', gap: '4px', height: '80px' }}>
        {hours.map((h) => (
          <div key={h.hour} title={`${h.hour}:00 · ${h.in}`} style={{ flex: 1, display: 'flex', flexDirection: 'column', justifyContent: 'flex-end', alignItems: 'center', height: '100%' }}>
            <div data-testid={`hour-${h.hour}`} data-in={h.in} style={{ width: '100%', height: `${(h.in / peak) * 60}px`, background: 'currentColor', opacity: 0.6 }} />
            <small>{h.hour}</small>
          </div>
        ))}
      </div>
      <h3>
        <Bi text={text.byDay} />
      </h3>
      <table class="days" data-testid="occupancy-days">
        <thead>
          <tr>
            <th>
              <Bi text={text.date} />
            </th>
            <th>
              <Bi text={text.dayIn} />
            </th>
            <th>
              <Bi text={text.dayVisits} />
            </th>
            <th>
              <Bi text={text.dayDrift} />
            </th>
          </tr>
        </thead>
        <tbody>
          {[...report.days].reverse().map((d) => (
            <tr key={d.date} data-date={d.date}>
              <td>{formatDate(d.date)}</td>
              <td>{d.in}</td>
              <td>{d.visits}</td>
              <td>{d.drift === null ? '–' : signed(d.drift)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">
        <Bi text={text.reset(report.closingTime)} />
      </p>
      {onReset && (
        <button type="button" class="btn" data-testid="occupancy-reset" disabled={busy} onClick={onReset}>
          <Bi text={text.resetNow} />
        </button>
      )}
    </section>
  );
}

function Figure({ id, value, label }: { id: string; value: number | string; label: Bilingual }) {
  return (
    <div class="figure">
      <span class="number" data-testid={id}>
        {value}
      </span>
      <Bi text={label} />
    </div>
  );
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** Loads the report, again on every counter reading pushed live, after a reconnect, and each minute. */
export function Occupancy({ store, fetchFn = (input, init) => fetch(input, init) }: { store: DashboardStore; fetchFn?: typeof fetch }) {
  const [report, setReport] = useState<OccupancyReport | null>(null);
  const [busy, setBusy] = useState(false);
  const role = store.user.value?.role;
  const canReset = role === 'librarian' || role === 'admin';
  // Reading the signals here subscribes this component to them. Every counter reading in the feed
  // is part of the key: readings of the same second keep their order in the feed, so "the newest"
  // alone would miss one.
  const readings = store.events.value.filter((e) => e.type === 'counter').map((e) => `${e.device}:${e.id}`);
  const trigger = `${readings.join(',')}|${store.live.value}`;

  useEffect(() => {
    let alive = true;
    const load = async () => {
      try {
        const res = await fetchFn('/api/occupancy', { credentials: 'same-origin' });
        if (res.ok && alive) setReport((await res.json()) as OccupancyReport);
      } catch {
        /* offline: the banner says so; the next push or tick tries again */
      }
    };
    void load();
    const t = setInterval(() => void load(), 60_000);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, [trigger]);

  const reset = async () => {
    if (typeof confirm === 'function' && !confirm(`${text.confirmReset.vi}\n${text.confirmReset.en}`)) return;
    setBusy(true);
    try {
      const res = await fetchFn('/api/occupancy/reset', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', credentials: 'same-origin' });
      if (res.ok) setReport(((await res.json()) as { report: OccupancyReport }).report);
      else if (res.status !== 409) alert(`${text.resetFailed.vi}\n${text.resetFailed.en}`);
    } catch {
      alert(`${text.resetFailed.vi}\n${text.resetFailed.en}`);
    } finally {
      setBusy(false);
    }
  };

  return <OccupancyPanel report={report} busy={busy} {...(canReset ? { onReset: () => void reset() } : {})} />;
}
