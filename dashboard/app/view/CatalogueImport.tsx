/**
 * Catalogue import and export for the librarian: choose a MARC 21 file (.mrc ISO 2709 or .xml
 * MARCXML), upload it, follow its progress live (socket.io `catalogueImport` events, kept in the
 * store by run id; a slow poll of the run covers a dropped connection), cancel it (the server stops
 * between batches, so no half record is written), then read the report: records read, imported,
 * updated, rejected, and every problem with the record's position in the file and the reason,
 * Vietnamese first. Below: the past runs, and the whole catalogue as a download in ISO 2709 or MARCXML.
 * Talks to dashboard/src/catalogue/routes.ts; the page's fetch already carries the CSRF token.
 */
import { useEffect, useState } from 'preact/hooks';
import type { CatalogueImportEvent, CatalogueImportProblem } from '../../../core/protocol/dashboard-events.ts';
import type { Reason } from '../../../core/protocol/messages.ts';
import { formatTime, reasonText, type Bilingual } from '../i18n.ts';
import type { DashboardStore } from '../store.ts';
import { Bi } from './Bi.tsx';

interface Run {
  id: number;
  kind: string;
  fileName: string | null;
  format: string | null;
  startedAt: string;
  finishedAt: string | null;
  status: string;
  read: number;
  imported: number;
  updated: number;
  rejected: number;
  copiesAdded: number;
  warnings: number;
  byUser: string | null;
}

const tx = {
  title: { vi: 'Nhập và xuất biểu ghi MARC', en: 'MARC import and export' },
  intro: {
    vi: 'Chọn tệp MARC 21 (.mrc theo ISO 2709, hoặc .xml theo MARCXML; UTF-8 hoặc MARC-8). Biểu ghi đã có (cùng số kiểm soát 001 hoặc ISBN) được cập nhật, biểu ghi mới được thêm.',
    en: 'Choose a MARC 21 file (.mrc ISO 2709 or .xml MARCXML; UTF-8 or MARC-8). Records already held (same 001 control number or ISBN) are updated, new ones added.',
  },
  file: { vi: 'Tệp MARC', en: 'MARC file' },
  upload: { vi: 'Nhập vào thư viện', en: 'Import' },
  uploading: { vi: 'Đang gửi tệp…', en: 'Sending the file…' },
  cancel: { vi: 'Dừng nhập', en: 'Cancel' },
  cancelling: { vi: 'Đang dừng sau lô hiện tại…', en: 'Stopping after the current batch…' },
  progress: (done: number, total: number): Bilingual => ({ vi: `Đã xử lý ${done}/${total} biểu ghi`, en: `${done} of ${total} records handled` }),
  status: {
    running: { vi: 'Đang nhập', en: 'Running' },
    done: { vi: 'Hoàn tất', en: 'Done' },
    cancelled: { vi: 'Đã dừng', en: 'Cancelled' },
    failed: { vi: 'Bị lỗi', en: 'Failed' },
  } as Record<string, Bilingual>,
  read: { vi: 'Đọc được', en: 'Read' },
  imported: { vi: 'Thêm mới', en: 'Imported' },
  updated: { vi: 'Cập nhật', en: 'Updated' },
  rejected: { vi: 'Bị loại', en: 'Rejected' },
  notProcessed: { vi: 'Chưa xử lý (đã dừng)', en: 'Not processed (cancelled)' },
  copiesAdded: { vi: 'Bản sách thêm', en: 'Copies added' },
  warnings: { vi: 'Cảnh báo', en: 'Warnings' },
  cancelledNote: {
    vi: 'Đã dừng giữa chừng: các biểu ghi đã nhập được giữ nguyên vẹn, không có biểu ghi nào ghi dở. Nhập lại cùng tệp sẽ cập nhật phần đã có và thêm phần còn lại.',
    en: 'Stopped part way: the records already imported are whole, none is half written. Importing the same file again updates those and adds the rest.',
  },
  problems: { vi: 'Các biểu ghi có vấn đề', en: 'Records with problems' },
  position: { vi: 'Vị trí', en: 'Position' },
  severity: { vi: 'Mức', en: 'Severity' },
  error: { vi: 'Bị loại', en: 'Rejected' },
  warning: { vi: 'Cảnh báo', en: 'Warning' },
  reason: { vi: 'Lý do', en: 'Reason' },
  recordAt: (p: CatalogueImportProblem): Bilingual => {
    if (p.record === 0) return { vi: 'Cả tệp', en: 'Whole file' };
    const line = p.line !== undefined ? { vi: `, dòng ${p.line}`, en: `, line ${p.line}` } : { vi: '', en: '' };
    return { vi: `Biểu ghi thứ ${p.record} (byte ${p.offset}${line.vi})`, en: `Record ${p.record} (byte ${p.offset}${line.en})` };
  },
  noProblems: { vi: 'Không có biểu ghi nào bị loại hay cảnh báo.', en: 'No record was rejected or warned about.' },
  history: { vi: 'Các lần nhập trước', en: 'Past imports' },
  noHistory: { vi: 'Chưa nhập lần nào', en: 'No import yet' },
  when: { vi: 'Bắt đầu', en: 'Started' },
  fileCol: { vi: 'Tệp', en: 'File' },
  by: { vi: 'Người nhập', en: 'By' },
  statusCol: { vi: 'Trạng thái', en: 'Status' },
  export: { vi: 'Xuất toàn bộ biểu ghi', en: 'Export the whole catalogue' },
  exportIso: { vi: 'Tải tệp ISO 2709 (.mrc)', en: 'Download ISO 2709 (.mrc)' },
  exportXml: { vi: 'Tải tệp MARCXML (.xml)', en: 'Download MARCXML (.xml)' },
  exportMarc8: { vi: 'ISO 2709 bảng mã MARC-8 (cho phần mềm cũ)', en: 'ISO 2709 in MARC-8 (for older systems)' },
  noFile: { code: 'NO_FILE', message_vi: 'Hãy chọn một tệp MARC trước.', message_en: 'Choose a MARC file first.' } satisfies Reason,
  network: { code: 'NETWORK', message_vi: 'Không kết nối được máy chủ. Hãy thử lại.', message_en: 'Cannot reach the server. Please try again.' } satisfies Reason,
};

/** An export link drawn as a button (the two-line label inside its border). */
const LINK_BUTTON = { display: 'inline-block', textDecoration: 'none', margin: '0 0.5rem 0.5rem 0' };

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    throw tx.network;
  }
  const data = (await res.json().catch(() => null)) as { error?: Reason } | null;
  if (!res.ok) throw data?.error ?? { code: `HTTP_${res.status}`, message_vi: `Lỗi ${res.status}`, message_en: `HTTP ${res.status}` };
  return data as T;
}

const asReason = (e: unknown): Reason => (e && typeof e === 'object' && 'message_vi' in e ? (e as Reason) : tx.network);

/** A stored run (GET /api/catalogue/import/:id) as the event the page shows. */
function runAsEvent(r: Run & Partial<CatalogueImportEvent>): CatalogueImportEvent {
  const notProcessed = r.notProcessed ?? 0;
  const handled = r.imported + r.updated + r.rejected;
  return {
    ...r,
    runId: r.id,
    status: r.status as CatalogueImportEvent['status'],
    file: r.fileName,
    total: r.status === 'running' ? Math.max(r.read, handled) : r.read,
    done: r.status === 'running' ? handled : r.read - notProcessed,
    problems: r.problems ?? [],
  };
}

function Figure({ label, value, id }: { label: Bilingual; value: number; id: string }) {
  return (
    <div class="figure" data-testid={`report-${id}`} data-value={value}>
      <strong class="n">{value}</strong>
      <Bi text={label} />
    </div>
  );
}

function Report({ e }: { e: CatalogueImportEvent }) {
  const problems = e.problems ?? [];
  return (
    <div class="import-report" data-testid="import-report" data-status={e.status} data-run={e.runId}>
      <p>
        <strong>{e.file ?? ''}</strong> · <span data-testid="import-status">{tx.status[e.status]?.vi ?? e.status}</span>{' '}
        <span class="muted small" lang="en">
          ({tx.status[e.status]?.en ?? e.status})
        </span>
      </p>
      <div class="figures">
        <Figure id="read" label={tx.read} value={e.read ?? e.total} />
        <Figure id="imported" label={tx.imported} value={e.imported} />
        <Figure id="updated" label={tx.updated} value={e.updated} />
        <Figure id="rejected" label={tx.rejected} value={e.rejected} />
        {(e.notProcessed ?? 0) > 0 && <Figure id="not-processed" label={tx.notProcessed} value={e.notProcessed!} />}
        <Figure id="copies" label={tx.copiesAdded} value={e.copiesAdded ?? 0} />
        <Figure id="warnings" label={tx.warnings} value={e.warnings ?? 0} />
      </div>
      {e.status === 'cancelled' && (
        <p class="notice" data-testid="import-cancelled-note">
          <Bi text={tx.cancelledNote} />
        </p>
      )}
      <h4>
        <Bi text={tx.problems} />
      </h4>
      {problems.length === 0 ? (
        <p class="muted">
          <Bi text={tx.noProblems} />
        </p>
      ) : (
        <div class="table-wrap">
          <table data-testid="import-problems">
            <thead>
              <tr>
                {[tx.position, tx.severity, tx.reason].map((h) => (
                  <th key={h.en}>
                    <Bi text={h} />
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {problems.map((p, i) => (
                <tr key={i} data-testid="import-problem" data-record={p.record} data-severity={p.severity}>
                  <td>
                    <Bi text={tx.recordAt(p)} />
                    {(p.controlNumber || p.title) && <div class="muted small">{[p.controlNumber, p.title].filter(Boolean).join(' · ')}</div>}
                  </td>
                  <td>
                    <span class={p.severity === 'error' ? 'badge bad' : 'badge'}>{(p.severity === 'error' ? tx.error : tx.warning).vi}</span>
                  </td>
                  <td>
                    <Bi text={{ vi: p.vi, en: p.en }} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export function CatalogueImport({ store, canImport }: { store: DashboardStore; canImport: boolean }) {
  const [file, setFile] = useState<File | null>(null);
  const [runId, setRunId] = useState<number | null>(null);
  const [polled, setPolled] = useState<CatalogueImportEvent | null>(null);
  const [sending, setSending] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<Reason | null>(null);
  const [runs, setRuns] = useState<Run[]>([]);

  const loadRuns = () =>
    call<Run[]>('/api/catalogue/imports?limit=20')
      .then(setRuns)
      .catch(() => undefined);

  // Before this page starts one, it follows an import running elsewhere (another tab, another librarian).
  const imports = store.imports.value;
  const elsewhere = Object.values(imports)
    .filter((e) => e.status === 'running')
    .sort((a, b) => b.runId - a.runId)[0];
  const shownId = runId ?? elsewhere?.runId ?? null;
  // The live event for this run wins; the poll fills in when the socket missed the end.
  const live = shownId === null ? undefined : imports[shownId];
  const current: CatalogueImportEvent | null = live && live.status !== 'running' ? live : polled && polled.status !== 'running' ? polled : (live ?? polled);
  const running = shownId !== null && (current === null || current.status === 'running');

  useEffect(() => {
    if (!running || runId === null) return;
    const timer = setInterval(() => {
      call<Run & Partial<CatalogueImportEvent>>(`/api/catalogue/import/${runId}`)
        .then((r) => setPolled(runAsEvent(r)))
        .catch(() => undefined);
    }, 3000);
    return () => clearInterval(timer);
  }, [running, runId]);

  const finished = current !== null && current.status !== 'running';
  // Any run that ends (this one or another librarian's) refreshes the list of past runs.
  const ended = Object.values(imports).filter((e) => e.status !== 'running').length;
  useEffect(() => {
    if (finished) setCancelling(false);
    void loadRuns();
  }, [finished, shownId, ended]);

  const upload = async () => {
    setError(null);
    if (!file) {
      setError(tx.noFile);
      return;
    }
    setSending(true);
    setPolled(null);
    setRunId(null);
    try {
      const r = await call<{ runId: number }>(`/api/catalogue/import?name=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: file,
      });
      setRunId(r.runId);
      void loadRuns();
    } catch (e) {
      setError(asReason(e));
    } finally {
      setSending(false);
    }
  };

  const cancel = async () => {
    if (shownId === null) return;
    setError(null);
    setCancelling(true);
    try {
      await call(`/api/catalogue/import/${shownId}/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    } catch (e) {
      setCancelling(false);
      // NOT_RUNNING: it finished meanwhile; the report arrives by itself.
      if (asReason(e).code !== 'NOT_RUNNING') setError(asReason(e));
    }
  };

  const pct = current && current.total > 0 ? Math.round((100 * current.done) / current.total) : 0;
  return (
    <section class="catalogue-import" data-testid="catalogue-import">
      <h2>
        <Bi text={tx.title} />
      </h2>
      {canImport && (
        <>
          <p class="muted small">
            <Bi text={tx.intro} />
          </p>
          <form
            class="import-form"
            style={{ display: 'flex', flexWrap: 'wrap', gap: '0.75rem', alignItems: 'center', margin: '0.75rem 0' }}
            data-testid="import-form"
            onSubmit={(e) => {
              e.preventDefault();
              void upload();
            }}
          >
            <label style={{ display: 'flex', flexWrap: 'wrap', gap: '0.5rem', alignItems: 'center' }}>
              <Bi text={tx.file} />
              <input
                type="file"
                accept=".mrc,.marc,.dat,.iso,.xml,application/marc,application/marcxml+xml,text/xml"
                data-testid="import-file"
                disabled={sending || running}
                onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
              />
            </label>
            <button type="submit" class="btn primary" data-testid="import-upload" disabled={sending || running || !file}>
              <Bi text={sending ? tx.uploading : tx.upload} />
            </button>
          </form>
        </>
      )}
      {error && (
        <p class="error" role="alert" data-testid="import-error">
          <Bi text={reasonText(error)} />
        </p>
      )}
      {running && (
        <div class="import-progress" role="status" data-testid="import-progress" data-run={shownId} data-done={current?.done ?? 0} data-total={current?.total ?? 0}>
          <progress max={current?.total || 1} value={current?.done ?? 0} aria-label={`${tx.progress(current?.done ?? 0, current?.total ?? 0).vi} / ${tx.progress(current?.done ?? 0, current?.total ?? 0).en}`} />
          <span>
            <Bi text={tx.progress(current?.done ?? 0, current?.total ?? 0)} /> ({pct} %)
          </span>
          <button type="button" class="btn" data-testid="import-cancel" disabled={cancelling} onClick={() => void cancel()}>
            <Bi text={cancelling ? tx.cancelling : tx.cancel} />
          </button>
        </div>
      )}
      {current && finished && <Report e={current} />}

      <h3>
        <Bi text={tx.export} />
      </h3>
      <p class="export-links">
        <a class="btn" href="/api/catalogue/export?format=iso2709" download style={LINK_BUTTON} data-testid="export-iso2709">
          <Bi text={tx.exportIso} />
        </a>{' '}
        <a class="btn" href="/api/catalogue/export?format=marcxml" download style={LINK_BUTTON} data-testid="export-marcxml">
          <Bi text={tx.exportXml} />
        </a>{' '}
        <a class="btn link" href="/api/catalogue/export?format=iso2709&encoding=marc8" download style={LINK_BUTTON} data-testid="export-marc8">
          <Bi text={tx.exportMarc8} />
        </a>
      </p>

      <h3>
        <Bi text={tx.history} />
      </h3>
      {runs.length === 0 ? (
        <p class="muted">
          <Bi text={tx.noHistory} />
        </p>
      ) : (
        <div class="table-wrap">
          <table data-testid="import-runs">
            <thead>
              <tr>
                {[tx.when, tx.fileCol, tx.statusCol, tx.read, tx.imported, tx.updated, tx.rejected, tx.by].map((h) => (
                  <th key={h.en}>
                    <Bi text={h} />
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} data-testid="import-run" data-run={r.id} data-status={r.status}>
                  <td>{formatTime(r.startedAt)}</td>
                  <td>{r.fileName ?? ''}</td>
                  <td>{tx.status[r.status]?.vi ?? r.status}</td>
                  <td class="n">{r.read}</td>
                  <td class="n">{r.imported}</td>
                  <td class="n">{r.updated}</td>
                  <td class="n">{r.rejected}</td>
                  <td>{r.byUser ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
