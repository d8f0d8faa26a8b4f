/** The conflict queue from offline replays (a copy lent twice, an unknown barcode…) with "resolved". */
import { useEffect, useState } from 'preact/hooks';
import { getJson, sendJson } from '../adapter/http.ts';
import { formatTime, type Bilingual } from '../i18n.ts';
import type { DashboardStore } from '../store.ts';
import { Bi } from './Bi.tsx';

interface Conflict {
  id: number;
  txId: string;
  device: string;
  at: string;
  barcode: string | null;
  code: string;
  detail: string;
  resolvedAt: string | null;
}

const CODES: Record<string, Bilingual> = {
  LENT_TWICE: { vi: 'Sách được cho mượn hai lần', en: 'Copy lent twice' },
  ITEM_UNKNOWN: { vi: 'Mã sách không có trong danh mục', en: 'Unknown barcode' },
  PATRON_BLOCKED_MEANWHILE: { vi: 'Thẻ đã bị khoá trong lúc mất kết nối', en: 'Card blocked meanwhile' },
  CLOCK_UNSYNCED: { vi: 'Đồng hồ thiết bị chưa đồng bộ', en: 'Station clock not yet synced' },
  DECISION_MISMATCH: { vi: 'Quyết định khác nhau', en: 'Decisions differ' },
};

const text = {
  title: { vi: 'Xung đột khi đồng bộ ngoại tuyến', en: 'Offline replay conflicts' },
  none: { vi: 'Không có xung đột cần xử lý.', en: 'No open conflicts.' },
  resolve: { vi: 'Đã xử lý', en: 'Resolved' },
  when: { vi: 'Lúc', en: 'When' },
  what: { vi: 'Vấn đề', en: 'Problem' },
  device: { vi: 'Thiết bị', en: 'Station' },
  book: { vi: 'Mã sách', en: 'Barcode' },
};

export function Conflicts({ store, canResolve }: { store: DashboardStore; canResolve: boolean }) {
  const [rows, setRows] = useState<Conflict[] | null>(null);
  const tick = store.summary.value;
  const load = () => getJson<Conflict[]>('/api/conflicts').then(setRows, () => setRows([]));
  useEffect(() => {
    void load();
  }, [tick]);
  async function resolve(id: number) {
    await sendJson('POST', `/api/conflicts/${id}/resolve`, {}).catch(() => undefined);
    await load();
  }
  return (
    <section class="conflicts" data-testid="conflicts">
      <h2>
        <Bi text={text.title} />
      </h2>
      {rows && rows.length === 0 ? (
        <p class="muted">
          <Bi text={text.none} />
        </p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                {[text.when, text.what, text.device, text.book].map((h) => (
                  <th key={h.en}>
                    <Bi text={h} />
                  </th>
                ))}
                {canResolve && <th />}
              </tr>
            </thead>
            <tbody>
              {rows?.map((c) => (
                <tr key={c.id} data-testid="conflict-row" data-code={c.code}>
                  <td>{formatTime(c.at)}</td>
                  <td>
                    <Bi text={CODES[c.code] ?? { vi: c.code, en: c.code }} />
                    <div class="muted small">{c.detail}</div>
                  </td>
                  <td>
                    <code>{c.device}</code>
                  </td>
                  <td>{c.barcode && <code>{c.barcode}</code>}</td>
                  {canResolve && (
                    <td>
                      <button type="button" class="btn" data-testid="resolve-conflict" onClick={() => void resolve(c.id)}>
                        <Bi text={text.resolve} />
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
