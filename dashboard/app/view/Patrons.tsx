/**
 * Patrons: import a class roster (upload → preview of what will change → apply), class lists in
 * Vietnamese order, card sheets to print, and the year-end promotion.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Reason } from '../../../core/protocol/messages.ts';
import type { RosterPreview, RosterResult, FieldChange, Leaver } from '../../src/patrons/roster.ts';
import type { PromoteResult } from '../../src/patrons/promote.ts';
import type { ClassListRow, PatronListRow } from '../../src/patrons/lists.ts';
import { sortByName } from '../../src/patrons/sort.ts';
import { ApiError } from '../adapter/api.ts';
import { CSRF_HEADER, csrfToken, getJson, sendJson } from '../adapter/http.ts';
import { formatDate, type Bilingual } from '../i18n.ts';
import { Bi } from './Bi.tsx';

const text = {
  importTitle: { vi: 'Nhập danh sách học sinh, giáo viên', en: 'Import a roster' },
  importHelp: {
    vi: 'Tệp Excel (.xlsx) hoặc CSV có cột "Họ và tên", "Lớp", "Ngày sinh", "Mã học sinh"… Xem trước trước khi cập nhật.',
    en: 'An Excel (.xlsx) or CSV file with full name, class, date of birth, pupil code… Preview before applying.',
  },
  file: { vi: 'Tệp danh sách', en: 'Roster file' },
  year: { vi: 'Năm học', en: 'School year' },
  scope: { vi: 'Học sinh không có trong tệp', en: 'Pupils missing from the file' },
  scopeClasses: { vi: 'nghỉ học nếu thuộc các lớp trong tệp', en: 'leave, if in a class of the file' },
  scopeSchool: { vi: 'nghỉ học (tệp là cả trường)', en: 'leave (the file is the whole school)' },
  scopeNone: { vi: 'giữ nguyên', en: 'stay' },
  kind: { vi: 'Dòng không ghi đối tượng là', en: 'Rows without a kind are' },
  pupil: { vi: 'Học sinh', en: 'Pupils' },
  teacher: { vi: 'Giáo viên', en: 'Teachers' },
  staff: { vi: 'Nhân viên', en: 'Staff' },
  preview: { vi: 'Xem trước', en: 'Preview' },
  apply: { vi: 'Cập nhật theo danh sách này', en: 'Apply this roster' },
  applied: { vi: 'Đã cập nhật.', en: 'Applied.' },
  printNew: { vi: 'In thẻ cho bạn đọc mới', en: 'Print cards for the new patrons' },
  counts: {
    new: { vi: 'Mới', en: 'New' },
    moved: { vi: 'Chuyển lớp', en: 'Moved class' },
    changed: { vi: 'Đổi thông tin', en: 'Changed' },
    unchanged: { vi: 'Không đổi', en: 'Unchanged' },
    leavers: { vi: 'Nghỉ học', en: 'Leavers' },
    rejected: { vi: 'Dòng bị loại', en: 'Rejected rows' },
  } as Record<string, Bilingual>,
  changes: { vi: 'Thay đổi', en: 'Changes' },
  row: { vi: 'Dòng', en: 'Row' },
  name: { vi: 'Họ và tên', en: 'Name' },
  className: { vi: 'Lớp', en: 'Class' },
  what: { vi: 'Thay đổi', en: 'What changes' },
  reason: { vi: 'Lý do', en: 'Reason' },
  booksOut: (n: number) => ({ vi: `còn giữ ${n} sách`, en: `still has ${n} book(s)` }),
  manyLeavers: (n: number) => ({
    vi: `${n} học sinh sẽ bị coi là nghỉ học vì không có trong tệp. Tệp có đủ cả lớp không? Nếu chỉ là danh sách bổ sung, chọn "giữ nguyên".`,
    en: `${n} pupils would leave because they are not in the file. Is the whole class in it? For a partial list choose "stay".`,
  }),
  leaversTitle: { vi: 'Nghỉ học (sẽ ngừng mượn, lịch sử được giữ)', en: 'Leavers (deactivated, history kept)' },
  rejectedTitle: { vi: 'Dòng bị loại (không nhập)', en: 'Rejected rows (not imported)' },
  classesTitle: { vi: 'Lớp học', en: 'Classes' },
  pupils: { vi: 'Sĩ số', en: 'Pupils' },
  homeroom: { vi: 'GVCN', en: 'Homeroom teacher' },
  printClass: { vi: 'In thẻ cả lớp', en: 'Print the class’s cards' },
  born: { vi: 'Ngày sinh', en: 'Born' },
  card: { vi: 'Số thẻ', en: 'Card' },
  promoteTitle: { vi: 'Lên lớp cuối năm', en: 'Year-end promotion' },
  promoteHelp: {
    vi: 'Tạo lớp của năm học sau (4A → 5A) với học sinh đang học; khối cuối ra trường. Năm học cũ giữ nguyên.',
    en: 'Creates next year’s classes (4A → 5A) with their active pupils; the last grade leaves. Last year stays as it was.',
  },
  promote: { vi: 'Lên lớp', en: 'Promote' },
  confirmPromote: 'Lên lớp cho toàn trường? / Promote every class?',
  promoted: (n: number, to: string) => ({ vi: `${n} học sinh đã lên lớp, năm học ${to}.`, en: `${n} pupils promoted into ${to}.` }),
  graduates: { vi: 'Ra trường', en: 'Graduates' },
};

const FIELD: Record<FieldChange['field'], string> = {
  fullName: 'họ tên / name',
  kind: 'đối tượng / kind',
  dob: 'ngày sinh / born',
  gender: 'giới tính / gender',
  pupilCode: 'mã HS / code',
  class: 'lớp / class',
  homeroom: 'chủ nhiệm / homeroom',
  textbookEligible: 'mượn SGK / textbooks',
  active: 'đang học / active',
  card: 'thẻ / card',
  uid: 'UID',
  pin: 'PIN',
};

const LABEL = { display: 'flex', flexDirection: 'column', gap: '0.25rem' } as const;

function reasonOf(err: unknown): Reason {
  if (err instanceof ApiError && err.reason) return err.reason;
  return { code: 'ERROR', message_vi: 'Không thực hiện được. Hãy thử lại.', message_en: (err as Error).message ?? 'Failed' };
}

function ErrorLine({ reason }: { reason: Reason | null }) {
  if (!reason) return null;
  return (
    <p class="error" role="alert" data-testid="patrons-error">
      <Bi text={{ vi: reason.message_vi, en: reason.message_en }} />
    </p>
  );
}

async function upload<T>(path: string, file: File): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', [CSRF_HEADER]: csrfToken() },
    body: file,
    credentials: 'same-origin',
  });
  const data: unknown = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
  if (!res.ok) throw new ApiError(res.status, (data as { error?: Reason } | null)?.error ?? null);
  return data as T;
}

function changeText(c: FieldChange): string {
  return `${FIELD[c.field]}: ${c.from ?? '—'} → ${c.to ?? '—'}`;
}

function LeaverLine({ l }: { l: Leaver }) {
  return (
    <li data-testid="leaver" class={l.loans.length ? 'flagged' : undefined}>
      {l.fullName} <span class="muted">({l.className ?? '—'})</span>
      {l.loans.length > 0 && (
        <strong class="warn-text">
          {' '}
          ⚠ <Bi text={text.booksOut(l.loans.length)} />: {l.loans.map((b) => `${b.title} (${b.barcode}, ${formatDate(b.dueDate)})`).join('; ')}
        </strong>
      )}
    </li>
  );
}

function PreviewView({ p }: { p: RosterPreview | RosterResult }) {
  const changed = p.rows.filter((r) => r.action !== 'same');
  // More leavers than pupils kept usually means a partial list, not half the class leaving.
  const manyLeavers = !('applied' in p) && p.counts.leavers > 0 && p.counts.leavers >= p.rows.length;
  return (
    <div class="roster-preview" data-testid="roster-preview">
      {manyLeavers && (
        <p class="alert warn" role="alert" data-testid="many-leavers">
          <Bi text={text.manyLeavers(p.counts.leavers)} />
        </p>
      )}
      <div class="figures">
        {(['new', 'moved', 'changed', 'unchanged', 'leavers', 'rejected'] as const).map((k) => (
          <div class="figure" key={k}>
            <span class="number" data-testid={`roster-${k}`}>
              {p.counts[k]}
            </span>
            <Bi text={text.counts[k]!} />
          </div>
        ))}
      </div>
      {changed.length > 0 && (
        <div class="table-wrap">
          <table data-testid="roster-changes">
            <thead>
              <tr>
                <th>
                  <Bi text={text.row} />
                </th>
                <th>
                  <Bi text={text.name} />
                </th>
                <th>
                  <Bi text={text.className} />
                </th>
                <th>
                  <Bi text={text.what} />
                </th>
              </tr>
            </thead>
            <tbody>
              {changed.map((r) => (
                <tr key={r.rowNumber} data-action={r.action}>
                  <td class="n">{r.rowNumber}</td>
                  <td>
                    {r.fullName} {r.action === 'new' && <span class="tag">mới / new</span>}
                  </td>
                  <td>{r.className ?? '—'}</td>
                  <td class="small">{r.changes.map(changeText).join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {p.leavers.length > 0 && (
        <>
          <h3>
            <Bi text={text.leaversTitle} />
          </h3>
          <ul>
            {p.leavers.map((l) => (
              <LeaverLine key={l.patronId} l={l} />
            ))}
          </ul>
        </>
      )}
      {p.rejected.length > 0 && (
        <>
          <h3>
            <Bi text={text.rejectedTitle} />
          </h3>
          <ul data-testid="roster-rejected">
            {p.rejected.map((r) => (
              <li key={r.rowNumber}>
                <Bi text={text.row} /> {r.rowNumber}: {r.text} — <Bi text={{ vi: r.message_vi, en: r.message_en }} />
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function RosterImport({ canEdit, onApplied }: { canEdit: boolean; onApplied: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [year, setYear] = useState('');
  const [scope, setScope] = useState('classes');
  const [kind, setKind] = useState('pupil');
  const [preview, setPreview] = useState<RosterPreview | null>(null);
  const [result, setResult] = useState<RosterResult | null>(null);
  const [error, setError] = useState<Reason | null>(null);
  const [busy, setBusy] = useState(false);
  const query = (extra: Record<string, string> = {}) =>
    new URLSearchParams({ name: file?.name ?? '', scope, kind, ...(year ? { year } : {}), ...extra }).toString();

  const run = async (what: 'preview' | 'apply') => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      if (what === 'preview') {
        setResult(null);
        setPreview(await upload<RosterPreview>(`/api/patrons/roster/preview?${query()}`, file));
      } else {
        const r = await upload<RosterResult>(`/api/patrons/roster/apply?${query({ digest: preview!.digest })}`, file);
        setResult(r);
        setPreview(null);
        onApplied();
      }
    } catch (err) {
      setError(reasonOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="roster-import" data-testid="roster-import">
      <h2>
        <Bi text={text.importTitle} />
      </h2>
      <p class="muted small">
        <Bi text={text.importHelp} />
      </p>
      <form
        class="row"
        style={{ display: 'flex', flexWrap: 'wrap', gap: '0.75rem 1.25rem', alignItems: 'flex-end' }}
        onSubmit={(e) => {
          e.preventDefault();
          void run('preview');
        }}
      >
        <label style={LABEL}>
          <Bi text={text.file} />
          <input
            type="file"
            accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            data-testid="roster-file"
            onChange={(e) => {
              setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null);
              setPreview(null);
              setResult(null);
            }}
          />
        </label>
        <label style={LABEL}>
          <Bi text={text.year} />
          <input type="text" placeholder="2026-2027" pattern="\d{4}-\d{4}" size={10} value={year} onInput={(e) => setYear((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label style={LABEL}>
          <Bi text={text.scope} />
          <select value={scope} onChange={(e) => setScope((e.currentTarget as HTMLSelectElement).value)} data-testid="roster-scope">
            <option value="classes">{text.scopeClasses.vi} / {text.scopeClasses.en}</option>
            <option value="school">{text.scopeSchool.vi} / {text.scopeSchool.en}</option>
            <option value="none">{text.scopeNone.vi} / {text.scopeNone.en}</option>
          </select>
        </label>
        <label style={LABEL}>
          <Bi text={text.kind} />
          <select value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value)}>
            <option value="pupil">{text.pupil.vi} / {text.pupil.en}</option>
            <option value="teacher">{text.teacher.vi} / {text.teacher.en}</option>
            <option value="staff">{text.staff.vi} / {text.staff.en}</option>
          </select>
        </label>
        <button type="submit" class="btn" disabled={!file || busy || !canEdit} data-testid="roster-preview-btn">
          <Bi text={text.preview} />
        </button>
      </form>
      <ErrorLine reason={error} />
      {preview && <PreviewView p={preview} />}
      {preview && canEdit && (
        <button type="button" class="btn primary" disabled={busy} onClick={() => void run('apply')} data-testid="roster-apply">
          <Bi text={text.apply} />
        </button>
      )}
      {result && (
        <div data-testid="roster-result">
          <p role="status">
            <Bi text={text.applied} />
          </p>
          <PreviewView p={result} />
          {result.newPatronIds.length > 0 && (
            <a class="btn" href={`/api/patrons/cards?ids=${encodeURIComponent(result.newPatronIds.join(','))}`} target="_blank" rel="noopener" data-testid="print-new-cards">
              <Bi text={text.printNew} /> ({result.newPatronIds.length})
            </a>
          )}
        </div>
      )}
    </section>
  );
}

function ClassLists({ version }: { version: number }) {
  const [classes, setClasses] = useState<ClassListRow[] | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [pupils, setPupils] = useState<PatronListRow[] | null>(null);
  useEffect(() => {
    getJson<ClassListRow[]>('/api/classes').then(setClasses, () => setClasses([]));
  }, [version]);
  useEffect(() => {
    setPupils(null);
    if (open) getJson<PatronListRow[]>(`/api/patrons?class=${encodeURIComponent(open)}`).then((rows) => setPupils(sortByName(rows, (r) => r.fullName)), () => setPupils([]));
  }, [open, version]);
  return (
    <section class="class-lists" data-testid="class-lists">
      <h2>
        <Bi text={text.classesTitle} />
      </h2>
      <div class="chips">
        {classes?.map((c) => (
          <button key={c.id} type="button" class={c.id === open ? 'btn current' : 'btn'} aria-pressed={c.id === open} onClick={() => setOpen(c.id === open ? null : c.id)} data-testid="class-chip">
            {c.name} <span class="muted small">({c.pupils})</span>
          </button>
        ))}
      </div>
      {open && pupils && (
        <div class="table-wrap">
          <p>
            <Bi text={text.homeroom} />: {classes?.find((c) => c.id === open)?.homeroomTeacher ?? '—'} ·{' '}
            <a class="btn link" href={`/api/patrons/cards?class=${encodeURIComponent(open)}`} target="_blank" rel="noopener">
              <Bi text={text.printClass} />
            </a>
          </p>
          <table data-testid="class-pupils">
            <thead>
              <tr>
                <th>#</th>
                <th>
                  <Bi text={text.name} />
                </th>
                <th>
                  <Bi text={text.born} />
                </th>
                <th>
                  <Bi text={text.card} />
                </th>
              </tr>
            </thead>
            <tbody>
              {pupils.map((p, i) => (
                <tr key={p.id}>
                  <td class="n">{i + 1}</td>
                  <td data-testid="pupil-name">{p.fullName}</td>
                  <td>{p.dob ? formatDate(p.dob) : '—'}</td>
                  <td>
                    <code class="small">{p.cards[0] ?? '—'}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Promotion({ onDone }: { onDone: () => void }) {
  const [result, setResult] = useState<PromoteResult | null>(null);
  const [error, setError] = useState<Reason | null>(null);
  const promote = async () => {
    if (!confirm(text.confirmPromote)) return;
    setError(null);
    try {
      setResult(await sendJson<PromoteResult>('POST', '/api/school-year/promote', {}));
      onDone();
    } catch (err) {
      setError(reasonOf(err));
    }
  };
  return (
    <section class="promotion" data-testid="promotion">
      <h2>
        <Bi text={text.promoteTitle} />
      </h2>
      <p class="muted small">
        <Bi text={text.promoteHelp} />
      </p>
      <button type="button" class="btn" onClick={() => void promote()} data-testid="promote">
        <Bi text={text.promote} />
      </button>
      <ErrorLine reason={error} />
      {result && (
        <div role="status">
          <p>
            <Bi text={text.promoted(result.promoted, result.to)} />
          </p>
          {result.graduates.length > 0 && (
            <>
              <h3>
                <Bi text={text.graduates} /> ({result.graduates.length})
              </h3>
              <ul>
                {result.graduates.map((l) => (
                  <LeaverLine key={l.patronId} l={l} />
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </section>
  );
}

export function Patrons({ canEdit }: { canEdit: boolean }) {
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  return (
    <div class="patrons" data-testid="patrons">
      {canEdit && <RosterImport canEdit={canEdit} onApplied={bump} />}
      <ClassLists version={version} />
      {canEdit && <Promotion onDone={bump} />}
    </div>
  );
}
