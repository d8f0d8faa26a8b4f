/**
 * "Quầy mượn trả / Desk": the librarian's desk session, live. The desk station (role desk) reads
 * its own scanner and card reader; this page never takes a scanned code in a text field (a
 * Vietnamese IME would rewrite the letters). It shows who is at the desk, their loans and each scan's
 * answer as the desk publishes them (socket.io `desk`, librarians only), and drives the desk with
 * buttons: mode (checkout / return / renew), class set, return or renew one loan, finish, and mark
 * a copy lost or damaged (server-side, closing its loan if it was out).
 */
import { useEffect, useState } from 'preact/hooks';
import { io } from 'socket.io-client';
import type { DeskMode, DeskResult, DeskView, Reason } from '../../../core/protocol/messages.ts';
import { formatDate, formatTime, reasonText, type Bilingual } from '../i18n.ts';
import { Bi } from './Bi.tsx';

const text = {
  title: { vi: 'Quầy mượn trả', en: 'Desk' },
  hint: {
    vi: 'Quẹt thẻ và quét sách bằng máy quét của quầy; trang này hiện kết quả ngay.',
    en: 'Scan cards and books with the desk\'s own scanner; results appear here at once.',
  },
  none: { vi: 'Chưa có máy quầy nào (trạm có vai trò "desk").', en: 'No desk station yet (a station with role "desk").' },
  online: { vi: 'Đang kết nối', en: 'Online' },
  offline: { vi: 'Mất kết nối máy chủ: quầy cho mượn theo dữ liệu dự phòng', en: 'Server unreachable: the desk works offline' },
  closed: { vi: 'Máy quầy đang tắt', en: 'Desk station is off' },
  mode: { vi: 'Chế độ', en: 'Mode' },
  checkout: { vi: 'Mượn', en: 'Check out' },
  return: { vi: 'Trả', en: 'Return' },
  renew: { vi: 'Gia hạn', en: 'Renew' },
  lost: { vi: 'Mất', en: 'Lost' },
  damaged: { vi: 'Hỏng', en: 'Damaged' },
  finish: { vi: 'Xong, bạn đọc tiếp theo', en: 'Done, next patron' },
  noPatron: { vi: 'Chưa có bạn đọc: quẹt thẻ ở quầy.', en: 'No patron yet: scan a card at the desk.' },
  returnMode: { vi: 'Chế độ trả sách: quét từng cuốn sách được trả.', en: 'Return mode: scan each book being returned.' },
  remaining: { vi: 'Còn được mượn', en: 'May still borrow' },
  classSet: { vi: 'Mượn theo lớp', en: 'Class set' },
  classSetOn: { vi: 'Đang mượn cho lớp', en: 'Lending for class' },
  loans: { vi: 'Sách đang mượn', en: 'On loan' },
  noLoans: { vi: 'Không có sách đang mượn.', en: 'Nothing on loan.' },
  barcode: { vi: 'Mã vạch', en: 'Barcode' },
  titleCol: { vi: 'Nhan đề', en: 'Title' },
  due: { vi: 'Hạn trả', en: 'Due' },
  overdue: { vi: 'Quá hạn', en: 'Overdue' },
  scans: { vi: 'Vừa quét', en: 'Just scanned' },
  noScans: { vi: 'Chưa quét gì.', en: 'Nothing scanned yet.' },
  offlineMark: { vi: 'ngoại tuyến', en: 'offline' },
  confirmLost: { vi: 'Ghi nhận bản sách này bị MẤT? Lượt mượn (nếu có) sẽ được đóng.', en: 'Record this copy as LOST? Its loan, if any, is closed.' },
  confirmDamaged: { vi: 'Ghi nhận bản sách này bị HỎNG? Lượt mượn (nếu có) sẽ được đóng.', en: 'Record this copy as DAMAGED? Its loan, if any, is closed.' },
  marked: { vi: 'Đã ghi nhận', en: 'Recorded' },
  failed: { vi: 'Chưa làm được, hãy thử lại.', en: 'Not done, please try again.' },
} satisfies Record<string, Bilingual>;

const ACTION: Record<DeskResult['action'], Bilingual> = {
  checkout: { vi: 'Mượn', en: 'Checkout' },
  checkin: { vi: 'Trả', en: 'Return' },
  renew: { vi: 'Gia hạn', en: 'Renew' },
  identify: { vi: 'Thẻ', en: 'Card' },
};
const MODES: DeskMode[] = ['checkout', 'return', 'renew'];

type DeskRow = { device: string; view: DeskView | null };

async function post(path: string, body: unknown): Promise<{ ok: boolean; data: { view?: DeskView; error?: Reason } | null }> {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), credentials: 'same-origin' });
  const data = res.headers.get('content-type')?.includes('json') ? ((await res.json()) as { view?: DeskView; error?: Reason }) : null;
  return { ok: res.ok, data };
}

/** One desk: its live view and the buttons that drive it. */
export function DeskPanel({ device, view, onView }: { device: string; view: DeskView | null; onView: (v: DeskView) => void }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Bilingual | null>(null);

  const command = async (body: Record<string, unknown>) => {
    setBusy(true);
    setMessage(null);
    try {
      const r = await post(`/api/desk/${encodeURIComponent(device)}/command`, body);
      if (r.data?.view) onView(r.data.view);
      if (!r.ok) setMessage(r.data?.error ? reasonText(r.data.error) : text.failed);
    } catch {
      setMessage(text.failed);
    } finally {
      setBusy(false);
    }
  };
  const mark = async (barcode: string, status: 'lost' | 'damaged') => {
    const ask = status === 'lost' ? text.confirmLost : text.confirmDamaged;
    if (typeof confirm === 'function' && !confirm(`${barcode}\n${ask.vi}\n${ask.en}`)) return;
    setBusy(true);
    try {
      const r = await post(`/api/desk/copies/${encodeURIComponent(barcode)}/status`, { status });
      setMessage(r.ok ? { vi: `${text.marked.vi}: ${barcode} (${text[status].vi})`, en: `${text.marked.en}: ${barcode} (${text[status].en})` } : r.data?.error ? reasonText(r.data.error) : text.failed);
    } catch {
      setMessage(text.failed);
    } finally {
      setBusy(false);
    }
  };

  const v = view;
  const live = !!v && v.open;
  return (
    <section class="desk" data-testid="desk" data-device={device} data-mode={v?.mode ?? ''} data-patron={v?.patron?.id ?? ''} aria-busy={busy || v?.busy ? 'true' : 'false'}>
      <h2>
        <Bi text={text.title} /> <code>{device}</code>{' '}
        {!live ? (
          <span class="badge bad">
            <Bi text={text.closed} />
          </span>
        ) : v.online ? (
          <span class="badge ok">
            <Bi text={text.online} />
          </span>
        ) : (
          <span class="badge bad" role="status">
            <Bi text={text.offline} />
          </span>
        )}
      </h2>
      <p class="muted small">
        <Bi text={text.hint} />
      </p>
      {live && (
        <>
          <div class="toolbar" role="group" aria-label={`${text.mode.vi} / ${text.mode.en}`}>
            {MODES.map((m) => (
              <button key={m} type="button" class={`btn${v.mode === m ? ' primary' : ''}`} aria-pressed={v.mode === m ? 'true' : 'false'} data-testid={`desk-mode-${m}`} disabled={busy} onClick={() => void command({ type: 'mode', mode: m })}>
                <Bi text={text[m]} />
              </button>
            ))}
            <button type="button" class="btn" data-testid="desk-finish" disabled={busy} onClick={() => void command({ type: 'finish' })}>
              <Bi text={text.finish} />
            </button>
          </div>
          {(message ?? v.notice) && (
            <p class="error" role="alert" data-testid="desk-notice">
              <Bi text={message ?? v.notice!} />
            </p>
          )}
          {v.patron ? (
            <div data-testid="desk-patron">
              <p>
                <strong class="big">{v.patron.fullName}</strong> {v.patron.className ? <span class="muted">({v.patron.className})</span> : null}{' '}
                {v.blocked ? (
                  <span class="badge bad">
                    <Bi text={reasonText(v.blocked)} />
                  </span>
                ) : !v.forClass ? (
                  <span class="muted small">
                    <Bi text={text.remaining} />: {v.remaining}
                  </span>
                ) : null}
              </p>
              {v.patron.homeroomClass && (
                <p>
                  <button type="button" class={`btn${v.forClass ? ' primary' : ''}`} aria-pressed={v.forClass ? 'true' : 'false'} data-testid="desk-class-set" disabled={busy} onClick={() => void command({ type: 'forClass', on: !v.forClass })}>
                    <Bi text={v.forClass ? text.classSetOn : text.classSet} /> {v.patron.homeroomClass}
                  </button>
                </p>
              )}
              <h3>
                <Bi text={text.loans} />
              </h3>
              {v.loans.length === 0 ? (
                <p class="muted">
                  <Bi text={text.noLoans} />
                </p>
              ) : (
                <div class="table-wrap">
                  <table data-testid="desk-loans">
                    <thead>
                      <tr>
                        <th>
                          <Bi text={text.barcode} />
                        </th>
                        <th>
                          <Bi text={text.titleCol} />
                        </th>
                        <th>
                          <Bi text={text.due} />
                        </th>
                        <th />
                      </tr>
                    </thead>
                    <tbody>
                      {v.loans.map((l) => (
                        <tr key={l.barcode} data-testid="desk-loan" data-barcode={l.barcode} data-due={l.dueDate}>
                          <td>
                            <code>{l.barcode}</code>
                          </td>
                          <td>{l.title}</td>
                          <td>
                            {formatDate(l.dueDate)}{' '}
                            {l.overdue && (
                              <span class="badge bad">
                                <Bi text={text.overdue} />
                              </span>
                            )}
                          </td>
                          <td class="actions">
                            <button type="button" class="btn" data-testid="desk-return" disabled={busy} onClick={() => void command({ type: 'return', barcode: l.barcode })}>
                              <Bi text={text.return} />
                            </button>{' '}
                            <button type="button" class="btn" data-testid="desk-renew" disabled={busy} onClick={() => void command({ type: 'renew', barcode: l.barcode })}>
                              <Bi text={text.renew} />
                            </button>{' '}
                            <button type="button" class="btn link" data-testid="desk-lost" disabled={busy} onClick={() => void mark(l.barcode, 'lost')}>
                              <Bi text={text.lost} />
                            </button>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </div>
          ) : (
            <p class="muted" data-testid="desk-no-patron">
              <Bi text={v.mode === 'return' ? text.returnMode : text.noPatron} />
            </p>
          )}
          <h3>
            <Bi text={text.scans} />
          </h3>
          {v.results.length === 0 ? (
            <p class="muted">
              <Bi text={text.noScans} />
            </p>
          ) : (
            <div class="table-wrap">
              <table data-testid="desk-results">
                <tbody>
                  {v.results.map((r, i) => (
                    <tr key={`${r.at}-${r.barcode}-${i}`} data-testid="desk-result" data-barcode={r.barcode} data-action={r.action} data-ok={String(r.ok)}>
                      <td class="muted small">{formatTime(r.at)}</td>
                      <td>
                        <Bi text={ACTION[r.action]} />
                      </td>
                      <td>
                        <code>{r.barcode}</code>
                      </td>
                      <td>{r.title ?? ''}</td>
                      <td>
                        {r.ok ? (
                          <span class="badge ok">{r.dueDate ? `${text.due.vi} / ${text.due.en}: ${formatDate(r.dueDate)}` : '✓'}</span>
                        ) : (
                          <span class="badge bad">
                            <Bi text={r.reason ? reasonText(r.reason) : text.failed} />
                          </span>
                        )}
                        {r.offline && (
                          <span class="muted small">
                            {' '}
                            ({text.offlineMark.vi} / {text.offlineMark.en})
                          </span>
                        )}
                      </td>
                      <td class="actions">
                        {r.ok && r.action === 'checkin' && (
                          <button type="button" class="btn link" data-testid="desk-damaged" disabled={busy} onClick={() => void mark(r.barcode, 'damaged')}>
                            <Bi text={text.damaged} />
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** Loads every desk, then follows their views live (its own socket; the server sends them to librarians only). */
export function Desk() {
  const [desks, setDesks] = useState<DeskRow[] | null>(null);
  const apply = (v: DeskView) =>
    setDesks((rows) => {
      const list = rows ?? [];
      const cur = list.find((r) => r.device === v.device);
      // Keep the newer view when a command's answer and the live push cross.
      if (cur?.view && cur.view.open && v.open && v.seq < cur.view.seq && v.at <= cur.view.at) return list;
      return cur ? list.map((r) => (r.device === v.device ? { ...r, view: v } : r)) : [...list, { device: v.device, view: v }];
    });

  useEffect(() => {
    let alive = true;
    const load = async () => {
      try {
        const res = await fetch('/api/desk', { credentials: 'same-origin' });
        if (res.ok && alive) setDesks(((await res.json()) as { desks: DeskRow[] }).desks);
      } catch {
        /* offline: the banner says so; the socket's reconnect loads again */
      }
    };
    void load();
    const socket = io({ forceNew: true });
    socket.on('connect', () => void load());
    socket.on('desk' as never, (v: DeskView) => apply(v));
    return () => {
      alive = false;
      socket.close();
    };
  }, []);

  if (desks === null) return <p class="loading">…</p>;
  if (desks.length === 0)
    return (
      <p class="muted" data-testid="desk-none">
        <Bi text={text.none} />
      </p>
    );
  return (
    <div class="desks">
      {desks.map((d) => (
        <DeskPanel key={d.device} device={d.device} view={d.view} onView={apply} />
      ))}
    </div>
  );
}
