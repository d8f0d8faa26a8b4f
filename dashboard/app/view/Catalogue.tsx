/**
 * The catalogue on the librarian's page: a search box with results as she types, browsing by the
 * 10 DDC classes, and a record with its copies (status, adding copies, printing their labels).
 * Talks to /api/catalogue/*, /api/records/* and /api/copies/* (dashboard/src/catalogue/search-routes.ts);
 * the page's fetch already carries the CSRF token on writes.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Bilingual } from '../i18n.ts';
import { Bi } from './Bi.tsx';

interface Reason {
  code: string;
  message_vi: string;
  message_en: string;
}

interface Hit {
  id: number;
  title: string;
  author: string | null;
  year: string | null;
  ddc: string | null;
  copies: number;
  available: number;
  match?: string;
  copy?: { barcode: string };
}

interface DdcClass {
  code: string;
  vi: string;
  en: string;
  records: number;
  copies: number;
}

interface DdcList {
  code: string;
  kind: 'class' | 'division';
  name: Bilingual;
  divisions: { code: string; records: number }[];
  total: number;
  records: Hit[];
}

interface Copy {
  id: number;
  barcode: string;
  accession: string;
  collection: string;
  status: string;
  callNumber: string | null;
  price: number | null;
  source: string | null;
  dueDate: string | null;
}

interface RecordDetail {
  id: number;
  title: string;
  author: string | null;
  publisher: string | null;
  year: string | null;
  isbn: string | null;
  ddc: string | null;
  subjects: string[];
  copies: Copy[];
}

const tc = {
  title: { vi: 'Tra cứu sách', en: 'Catalogue' },
  searchLabel: { vi: 'Tìm nhan đề, tác giả, chủ đề, ISBN, mã vạch', en: 'Search title, author, subject, ISBN, barcode' },
  noHits: { vi: 'Không tìm thấy sách nào', en: 'Nothing found' },
  more: { vi: 'Còn nữa: gõ thêm để thu hẹp', en: 'More: keep typing to narrow' },
  browse: { vi: 'Duyệt theo môn loại DDC', en: 'Browse by DDC class' },
  unclassified: (n: number) => ({ vi: `${n} biểu ghi chưa phân loại`, en: `${n} records unclassified` }),
  available: (a: number, n: number) => ({ vi: `còn ${a}/${n} bản`, en: `${a} of ${n} on shelf` }),
  inClass: (n: number) => ({ vi: `${n} biểu ghi`, en: `${n} records` }),
  subjects: { vi: 'Chủ đề', en: 'Subjects' },
  copies: { vi: 'Các bản sách', en: 'Copies' },
  accession: { vi: 'Số ĐKCB', en: 'Accession' },
  barcode: { vi: 'Mã vạch', en: 'Barcode' },
  collection: { vi: 'Kho', en: 'Collection' },
  callNumber: { vi: 'Ký hiệu xếp giá', en: 'Call number' },
  status: { vi: 'Trạng thái', en: 'Status' },
  price: { vi: 'Giá (đồng)', en: 'Price (đồng)' },
  source: { vi: 'Nguồn', en: 'Source' },
  count: { vi: 'Số bản', en: 'Copies' },
  add: { vi: 'Thêm bản sách', en: 'Add copies' },
  labels: { vi: 'In nhãn mã vạch', en: 'Print barcode labels' },
  back: { vi: 'Quay lại', en: 'Back' },
  dueOn: (d: string) => ({ vi: `hạn trả ${d}`, en: `due ${d}` }),
} as const;

const STATUS: Record<string, Bilingual> = {
  on_shelf: { vi: 'Trên giá', en: 'On shelf' },
  on_loan: { vi: 'Đang mượn', en: 'On loan' },
  lost: { vi: 'Mất', en: 'Lost' },
  damaged: { vi: 'Hư hỏng', en: 'Damaged' },
  withdrawn: { vi: 'Thanh lý', en: 'Withdrawn' },
};

const COLLECTION: Record<string, Bilingual> = {
  textbook: { vi: 'Sách giáo khoa', en: 'Textbooks' },
  teacher: { vi: 'Sách nghiệp vụ', en: "Teachers' books" },
  reference: { vi: 'Sách tham khảo', en: 'Reference' },
  children: { vi: 'Sách thiếu nhi', en: "Children's books" },
  periodical: { vi: 'Báo, tạp chí', en: 'Periodicals' },
  general: { vi: 'Kho chung', en: 'General' },
};

const SOURCE: Record<string, Bilingual> = {
  bought: { vi: 'Mua', en: 'Bought' },
  donated: { vi: 'Tặng', en: 'Donated' },
  exchanged: { vi: 'Trao đổi', en: 'Exchanged' },
};

const both = (b: Bilingual) => `${b.vi} / ${b.en}`;

class ApiRefusal extends Error {
  constructor(readonly reason: Reason) {
    super(reason.message_en);
  }
}

async function api<T>(path: string, init?: { method: string; body: unknown }): Promise<T> {
  const res = await fetch(path, {
    method: init?.method ?? 'GET',
    headers: init ? { 'content-type': 'application/json' } : {},
    body: init ? JSON.stringify(init.body) : undefined,
    credentials: 'same-origin',
  });
  const data = (await res.json().catch(() => null)) as { error?: Reason } | null;
  if (!res.ok) {
    throw new ApiRefusal(data?.error ?? { code: `HTTP_${res.status}`, message_vi: `Lỗi ${res.status}`, message_en: `HTTP ${res.status}` });
  }
  return data as T;
}

function ErrorLine({ error }: { error: Reason | null }) {
  if (!error) return null;
  return (
    <p class="cat-error" role="alert" data-testid="catalogue-error">
      <Bi text={{ vi: error.message_vi, en: error.message_en }} />
    </p>
  );
}

function HitList({ hits, onOpen }: { hits: Hit[]; onOpen: (id: number) => void }) {
  return (
    <ul class="cat-hits">
      {hits.map((h) => (
        <li key={h.id}>
          <button type="button" class="cat-hit" data-testid="catalogue-hit" data-id={h.id} onClick={() => onOpen(h.id)}>
            <strong class="cat-title">{h.title}</strong>
            <span class="muted small">
              {[h.author, h.year, h.ddc].filter(Boolean).join(' · ')}
              {h.copy ? ` · ${h.copy.barcode}` : ''}
            </span>
            <span class="small">
              <Bi text={tc.available(h.available, h.copies)} />
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function RecordView({ id, canEdit, onBack }: { id: number; canEdit: boolean; onBack: () => void }) {
  const [rec, setRec] = useState<RecordDetail | null>(null);
  const [error, setError] = useState<Reason | null>(null);
  const [added, setAdded] = useState<number[]>([]);
  const [form, setForm] = useState({ count: '1', collection: 'children', price: '', source: 'bought' });

  const load = () =>
    api<RecordDetail>(`/api/records/${id}`)
      .then(setRec)
      .catch((e: unknown) => setError(e instanceof ApiRefusal ? e.reason : null));
  useEffect(() => {
    void load();
  }, [id]);

  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      await load();
    } catch (e) {
      setError(e instanceof ApiRefusal ? e.reason : { code: 'NETWORK', message_vi: 'Không kết nối được máy chủ.', message_en: 'Cannot reach the server.' });
    }
  };

  if (!rec) return <ErrorLine error={error} />;
  return (
    <div class="cat-record" data-testid="catalogue-record" data-id={rec.id}>
      <button type="button" class="btn" onClick={onBack}>
        <Bi text={tc.back} />
      </button>
      <h3 data-testid="record-title">{rec.title}</h3>
      <p class="muted">{[rec.author, rec.publisher, rec.year, rec.isbn && `ISBN ${rec.isbn}`, rec.ddc && `DDC ${rec.ddc}`].filter(Boolean).join(' · ')}</p>
      {rec.subjects.length > 0 && (
        <p class="small">
          <span class="muted">{both(tc.subjects)}: </span>
          {rec.subjects.join('; ')}
        </p>
      )}
      <ErrorLine error={error} />
      <h4>
        <Bi text={tc.copies} />
      </h4>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              {[tc.accession, tc.barcode, tc.collection, tc.callNumber, tc.status, tc.price, tc.source].map((h) => (
                <th key={h.en}>
                  <Bi text={h} />
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rec.copies.map((c) => (
              <tr key={c.id} data-testid="copy-row" data-barcode={c.barcode} data-status={c.status}>
                <td>{c.accession}</td>
                <td>
                  <code>{c.barcode}</code>
                </td>
                <td>{COLLECTION[c.collection]?.vi ?? c.collection}</td>
                <td>{c.callNumber ?? ''}</td>
                <td>
                  {canEdit && c.status !== 'on_loan' ? (
                    <select
                      aria-label={both(tc.status)}
                      data-testid="copy-status"
                      value={c.status}
                      onChange={(e) => void act(() => api(`/api/copies/${c.id}`, { method: 'PATCH', body: { status: (e.target as HTMLSelectElement).value } }))}
                    >
                      {Object.entries(STATUS)
                        .filter(([k]) => k !== 'on_loan')
                        .map(([k, v]) => (
                          <option key={k} value={k}>
                            {both(v)}
                          </option>
                        ))}
                    </select>
                  ) : (
                    <span>
                      {STATUS[c.status]?.vi ?? c.status}
                      {c.dueDate ? <span class="muted small"> ({tc.dueOn(c.dueDate).vi})</span> : null}
                    </span>
                  )}
                </td>
                <td>{c.price === null ? '' : c.price.toLocaleString('vi-VN')}</td>
                <td>{c.source ? SOURCE[c.source]?.vi ?? c.source : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canEdit && (
        <form
          class="cat-add"
          data-testid="add-copies"
          onSubmit={(e) => {
            e.preventDefault();
            void act(async () => {
              const body = {
                count: Number(form.count),
                collection: form.collection,
                source: form.source,
                ...(form.price.trim() === '' ? {} : { price: Number(form.price) }),
              };
              const r = await api<{ copies: Copy[] }>(`/api/records/${rec.id}/copies`, { method: 'POST', body });
              setAdded(r.copies.map((c) => c.id));
            });
          }}
        >
          <label>
            <Bi text={tc.count} />
            <input type="number" min={1} max={200} value={form.count} data-testid="add-count" onInput={(e) => setForm({ ...form, count: (e.target as HTMLInputElement).value })} />
          </label>
          <label>
            <Bi text={tc.collection} />
            <select value={form.collection} onChange={(e) => setForm({ ...form, collection: (e.target as HTMLSelectElement).value })}>
              {Object.entries(COLLECTION).map(([k, v]) => (
                <option key={k} value={k}>
                  {both(v)}
                </option>
              ))}
            </select>
          </label>
          <label>
            <Bi text={tc.price} />
            <input type="number" min={0} step={1000} value={form.price} onInput={(e) => setForm({ ...form, price: (e.target as HTMLInputElement).value })} />
          </label>
          <label>
            <Bi text={tc.source} />
            <select value={form.source} onChange={(e) => setForm({ ...form, source: (e.target as HTMLSelectElement).value })}>
              {Object.entries(SOURCE).map(([k, v]) => (
                <option key={k} value={k}>
                  {both(v)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="btn primary" data-testid="add-submit">
            <Bi text={tc.add} />
          </button>
          {added.length > 0 && (
            <a class="btn" data-testid="print-labels" href={`/api/copies/labels?ids=${added.join(',')}`} target="_blank" rel="noopener">
              <Bi text={tc.labels} />
            </a>
          )}
        </form>
      )}
    </div>
  );
}

export function Catalogue({ canEdit }: { canEdit: boolean }) {
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<{ hits: Hit[]; more: boolean } | null>(null);
  const [classes, setClasses] = useState<{ classes: DdcClass[]; unclassified: { records: number } } | null>(null);
  const [list, setList] = useState<DdcList | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [error, setError] = useState<Reason | null>(null);
  // Answers can come back out of order while typing: only the latest query's answer is shown.
  const latest = useRef(0);

  useEffect(() => {
    api<{ classes: DdcClass[]; unclassified: { records: number } }>('/api/catalogue/ddc')
      .then(setClasses)
      .catch((e: unknown) => setError(e instanceof ApiRefusal ? e.reason : null));
  }, []);

  const onType = (value: string) => {
    setQ(value);
    setOpen(null);
    const n = ++latest.current;
    if (value.trim() === '') {
      setHits(null);
      return;
    }
    api<{ hits: Hit[]; more: boolean }>(`/api/catalogue/search?q=${encodeURIComponent(value)}`)
      .then((r) => {
        if (n === latest.current) setHits(r);
      })
      .catch((e: unknown) => {
        if (n === latest.current) setError(e instanceof ApiRefusal ? e.reason : null);
      });
  };

  const browse = (code: string) => {
    setOpen(null);
    setHits(null);
    setQ('');
    api<DdcList>(`/api/catalogue/ddc/${code}?limit=100`)
      .then(setList)
      .catch((e: unknown) => setError(e instanceof ApiRefusal ? e.reason : null));
  };

  return (
    <section class="catalogue" style={{ gridColumn: '1 / -1' }} data-testid="catalogue">
      <style>{CSS}</style>
      <h2>
        <Bi text={tc.title} />
      </h2>
      <label class="cat-search">
        <Bi text={tc.searchLabel} />
        <input
          type="search"
          data-testid="catalogue-search"
          value={q}
          autocomplete="off"
          spellcheck={false}
          onInput={(e) => onType((e.target as HTMLInputElement).value)}
        />
      </label>
      <ErrorLine error={error} />
      {open !== null ? (
        <RecordView id={open} canEdit={canEdit} onBack={() => setOpen(null)} />
      ) : hits ? (
        <div data-testid="catalogue-results">
          {hits.hits.length === 0 ? (
            <p class="muted" data-testid="catalogue-empty">
              <Bi text={tc.noHits} />
            </p>
          ) : (
            <HitList hits={hits.hits} onOpen={setOpen} />
          )}
          {hits.more && (
            <p class="muted small">
              <Bi text={tc.more} />
            </p>
          )}
        </div>
      ) : (
        <div class="cat-browse">
          <h3>
            <Bi text={tc.browse} />
          </h3>
          <div class="cat-classes">
            {classes?.classes.map((c) => (
              <button
                type="button"
                key={c.code}
                class={`cat-class${list?.code.startsWith(c.code[0]!) ? ' on' : ''}`}
                data-testid="ddc-class"
                data-code={c.code}
                onClick={() => browse(c.code)}
              >
                <span class="cat-code">{c.code}</span>
                <Bi text={{ vi: c.vi, en: c.en }} />
                <span class="cat-count" data-testid="ddc-count">
                  {c.records}
                </span>
              </button>
            ))}
          </div>
          {classes && (
            <p class="muted small">
              <Bi text={tc.unclassified(classes.unclassified.records)} />
            </p>
          )}
          {list && (
            <div data-testid="ddc-list" data-code={list.code}>
              <h3>
                {list.code} — <Bi text={list.name} /> <span class="muted small">({both(tc.inClass(list.total))})</span>
              </h3>
              {list.divisions.length > 0 && (
                <div class="cat-divisions">
                  {list.divisions.map((d) => (
                    <button type="button" class="btn" key={d.code} data-testid="ddc-division" onClick={() => browse(d.code.slice(0, 2))}>
                      {d.code} ({d.records})
                    </button>
                  ))}
                </div>
              )}
              <HitList hits={list.records} onOpen={setOpen} />
            </div>
          )}
        </div>
      )}
    </section>
  );
}

// Styles kept with the component (the page's stylesheet belongs to the whole dashboard).
const CSS = `
.catalogue .cat-search { display: flex; flex-direction: column; gap: 0.3rem; margin-bottom: 0.75rem; }
.catalogue .cat-search input { font: inherit; font-size: 1.1rem; padding: 0.6rem 0.75rem; border: 2px solid var(--line); border-radius: 8px; }
.catalogue .cat-search input:focus { outline: 3px solid var(--accent); outline-offset: 1px; }
.catalogue .cat-hits { display: grid; gap: 0.4rem; }
.catalogue .cat-hit { width: 100%; min-height: 44px; display: flex; flex-direction: column; align-items: flex-start; gap: 0.1rem; text-align: left; font: inherit; color: inherit; background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 0.5rem 0.75rem; cursor: pointer; }
.catalogue .cat-hit:hover, .catalogue .cat-hit:focus { border-color: var(--accent); }
.catalogue .cat-classes { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: 0.5rem; margin: 0.5rem 0; }
.catalogue .cat-class { display: grid; grid-template-columns: auto 1fr auto; gap: 0.5rem; align-items: center; text-align: left; font: inherit; color: inherit; min-height: 44px; padding: 0.5rem; background: var(--paper); border: 1px solid var(--line); border-radius: 8px; cursor: pointer; }
.catalogue .cat-class.on { border-color: var(--accent); }
.catalogue .cat-code { font-weight: 700; color: var(--accent); }
.catalogue .cat-count { font-weight: 700; font-variant-numeric: tabular-nums; }
.catalogue .cat-divisions { display: flex; flex-wrap: wrap; gap: 0.4rem; margin: 0.5rem 0; }
.catalogue .cat-error { color: var(--err); background: var(--err-bg); padding: 0.5rem 0.75rem; border-radius: 8px; margin: 0.5rem 0; }
.catalogue .cat-record h3 { margin: 0.75rem 0 0.25rem; }
.catalogue .cat-record h4 { margin: 0.75rem 0 0.25rem; }
.catalogue .cat-add { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: flex-end; margin-top: 0.75rem; }
.catalogue .cat-add label { display: flex; flex-direction: column; gap: 0.2rem; }
.catalogue .cat-add input, .catalogue .cat-add select, .catalogue select { font: inherit; min-height: 40px; padding: 0.2rem 0.4rem; }
.catalogue .cat-add a.btn { display: inline-flex; align-items: center; text-decoration: none; }
`;
