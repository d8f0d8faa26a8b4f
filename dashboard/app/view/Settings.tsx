/** The school's targets and how long returned-loan history keeps the pupil (librarian and admin). */
import { useEffect, useState } from 'preact/hooks';
import type { SchoolSettings, Targets } from '../../src/stats/settings.ts';
import { ApiError } from '../adapter/api.ts';
import { getJson, sendJson } from '../adapter/http.ts';
import { reasonText, type Bilingual } from '../i18n.ts';
import { Bi } from './Bi.tsx';

const FIELDS: { key: keyof Targets; label: Bilingual; unit: string }[] = [
  { key: 'pupilVisitMin', label: { vi: 'Học sinh đến thư viện, tối thiểu', en: 'Pupils visiting, at least' }, unit: '%' },
  { key: 'pupilVisitMax', label: { vi: 'Học sinh đến thư viện, mức cao', en: 'Pupils visiting, upper aim' }, unit: '%' },
  { key: 'pupilLoan', label: { vi: 'Học sinh mượn sách về nhà', en: 'Pupils borrowing' }, unit: '%' },
  { key: 'teacherVisit', label: { vi: 'Giáo viên đến thư viện', en: 'Teachers visiting' }, unit: '%' },
  { key: 'teacherLoan', label: { vi: 'Giáo viên mượn sách', en: 'Teachers borrowing' }, unit: '%' },
  { key: 'readingPeriodsPerSemester', label: { vi: 'Tiết đọc mỗi lớp mỗi học kỳ', en: 'Reading periods per class per semester' }, unit: '' },
];

const text = {
  title: { vi: 'Cài đặt: chỉ tiêu và lưu trữ', en: 'Settings: targets and retention' },
  retention: { vi: 'Giữ lịch sử mượn đã trả (ngày), sau đó ẩn danh', en: 'Keep returned-loan history (days), then anonymise' },
  save: { vi: 'Lưu', en: 'Save' },
  saved: { vi: 'Đã lưu.', en: 'Saved.' },
};

export function Settings({ canEdit }: { canEdit: boolean }) {
  const [s, setS] = useState<SchoolSettings | null>(null);
  const [msg, setMsg] = useState<{ ok: boolean; text: Bilingual } | null>(null);
  useEffect(() => {
    getJson<SchoolSettings>('/api/settings').then(setS, () => undefined);
  }, []);
  if (!s) return null;
  async function save(e: Event) {
    e.preventDefault();
    try {
      setS(await sendJson<SchoolSettings>('PUT', '/api/settings', s));
      setMsg({ ok: true, text: text.saved });
    } catch (err) {
      setMsg({ ok: false, text: err instanceof ApiError && err.reason ? reasonText(err.reason) : { vi: 'Lỗi', en: 'Error' } });
    }
  }
  return (
    <section class="settings" data-testid="settings">
      <h2>
        <Bi text={text.title} />
      </h2>
      <form onSubmit={save} class="form">
        {FIELDS.map((f) => (
          <label key={f.key}>
            <Bi text={f.label} />
            <span>
              <input
                type="number"
                min={0}
                max={f.unit === '%' ? 100 : 50}
                required
                disabled={!canEdit}
                data-testid={`setting-${f.key}`}
                value={s.targets[f.key]}
                onInput={(e) => setS({ ...s, targets: { ...s.targets, [f.key]: Number(e.currentTarget.value) } })}
              />{' '}
              {f.unit}
            </span>
          </label>
        ))}
        <label>
          <Bi text={text.retention} />
          <input
            type="number"
            min={30}
            max={3650}
            required
            disabled={!canEdit}
            data-testid="setting-retentionDays"
            value={s.retentionDays}
            onInput={(e) => setS({ ...s, retentionDays: Number(e.currentTarget.value) })}
          />
        </label>
        {msg && (
          <p class={msg.ok ? 'notice ok' : 'error'} role="status" data-testid="settings-message">
            <Bi text={msg.text} />
          </p>
        )}
        {canEdit && (
          <button type="submit" class="btn primary" data-testid="settings-save">
            <Bi text={text.save} />
          </button>
        )}
      </form>
    </section>
  );
}
