/**
 * Drop box bins on the home page: books in each bin since it was last emptied, "nearly full" (count
 * or the bin's own sensor), and for a librarian the "emptied" button. Figures come from
 * GET /api/dropbox/bins; every alert a drop box raises (pushed live as an `event`) and every second
 * poll fetch them again; the button posts /api/dropbox/{device}/emptied (CSRF header added by the
 * app's fetch wrapper) and the drop box learns it over MQTT.
 */
import { useEffect, useState } from 'preact/hooks';
import type { BinRow } from '../../src/dropbox/bins.ts';
import { formatTime, type Bilingual } from '../i18n.ts';
import type { DashboardStore } from '../store.ts';
import { Bi } from './Bi.tsx';

const text = {
  title: { vi: 'Hộp trả sách', en: 'Return drop box' },
  books: { vi: 'cuốn trong thùng', en: 'items in the bin' },
  nearlyFull: { vi: 'Thùng sắp đầy', en: 'Bin nearly full' },
  sensorFull: { vi: 'Thùng đầy (cảm biến)', en: 'Bin full (sensor)' },
  emptied: { vi: 'Đã lấy sách ra', en: 'Bin emptied' },
  confirm: { vi: 'Xác nhận đã lấy hết sách khỏi thùng?', en: 'Confirm the bin has been emptied?' },
  lastEmptied: { vi: 'Lấy sách lần cuối', en: 'Last emptied' },
  never: { vi: 'chưa lần nào', en: 'never' },
  lastDrop: { vi: 'Sách thả gần nhất', en: 'Last drop' },
  failed: { vi: 'Chưa ghi được, hãy thử lại.', en: 'Not recorded, please try again.' },
} satisfies Record<string, Bilingual>;

/** The panel from a list of bins; `onEmpty` is given only to accounts that may empty a bin. */
export function DropBoxPanel({ bins, onEmpty, busy }: { bins: BinRow[]; onEmpty?: (device: string) => void; busy?: string | null }) {
  if (bins.length === 0) return null;
  return (
    // Its own full-width row of the home grid (the named areas belong to the figures, stations and feed).
    <section class="dropbox" data-testid="dropbox" style={{ gridColumn: '1 / -1' }}>
      <h2>
        <Bi text={text.title} />
      </h2>
      {bins.map((b) => (
        <div key={b.device} class="dropbox-bin" data-testid="dropbox-bin" data-device={b.device} data-count={b.count} data-nearly-full={String(b.nearlyFull)}>
          <p>
            <code>{b.device}</code> <strong class="big">{b.count}</strong> / {b.capacity} <Bi text={text.books} />{' '}
            {b.sensorFull ? (
              <span class="badge bad" role="status">
                <Bi text={text.sensorFull} />
              </span>
            ) : b.nearlyFull ? (
              <span class="badge bad" role="status" data-testid="dropbox-nearly-full">
                <Bi text={text.nearlyFull} />
              </span>
            ) : null}
          </p>
          <meter min={0} max={b.capacity} high={b.nearlyFullAt} optimum={0} value={b.count} aria-label={`${text.title.vi} ${b.device}`} />
          <p class="muted small">
            <Bi text={text.lastEmptied} />: {b.lastEmptied ? `${formatTime(b.lastEmptied.at)} (${b.lastEmptied.by})` : b.emptiedAt ? formatTime(b.emptiedAt) : text.never.vi}
            {b.lastDropAt ? (
              <>
                {' · '}
                <Bi text={text.lastDrop} />: {formatTime(b.lastDropAt)}
              </>
            ) : null}
          </p>
          {onEmpty && (
            <button type="button" class="btn" data-testid="dropbox-emptied" disabled={busy === b.device} onClick={() => onEmpty(b.device)}>
              <Bi text={text.emptied} />
            </button>
          )}
        </div>
      ))}
    </section>
  );
}

/** Loads the bins, again on every drop box alert pushed live, after a reconnect, and every 10 s. */
export function DropBox({ store, canEmpty, fetchFn = (input, init) => fetch(input, init) }: { store: DashboardStore; canEmpty: boolean; fetchFn?: typeof fetch }) {
  const [bins, setBins] = useState<BinRow[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const alerts = store.events.value.filter((e) => e.type === 'alert').map((e) => e.id);
  const trigger = `${alerts.join(',')}|${store.live.value}|${tick}`;

  useEffect(() => {
    let alive = true;
    const load = async () => {
      try {
        const res = await fetchFn('/api/dropbox/bins', { credentials: 'same-origin' });
        if (res.ok && alive) setBins((await res.json()) as BinRow[]);
      } catch {
        /* offline: the banner says so; the next push or tick tries again */
      }
    };
    void load();
    const t = setInterval(() => void load(), 10_000);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, [trigger]);

  const empty = async (device: string) => {
    if (typeof confirm === 'function' && !confirm(`${text.confirm.vi}\n${text.confirm.en}`)) return;
    setBusy(device);
    try {
      const res = await fetchFn(`/api/dropbox/${encodeURIComponent(device)}/emptied`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', credentials: 'same-origin' });
      if (!res.ok) alert(`${text.failed.vi}\n${text.failed.en}`);
    } finally {
      setBusy(null);
      setTick((n) => n + 1);
    }
  };

  return <DropBoxPanel bins={bins} busy={busy} {...(canEmpty ? { onEmpty: (d: string) => void empty(d) } : {})} />;
}
