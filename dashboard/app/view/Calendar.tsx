/**
 * The school calendar (GET/PUT /api/calendar): school year, semesters, holidays, open weekdays,
 * opening hours, reading days by grade and closed dates. Any staff sees it; a librarian or admin
 * edits it. Saved, it applies at once: due dates, statistics periods, the closing time, the kiosks.
 */
import { useEffect, useState } from 'preact/hooks';
import type { CalendarIssue, CalendarRange, SchoolCalendar } from '../../../core/calendar.ts';
import type { Reason } from '../../../core/protocol/messages.ts';
import { ApiError } from '../adapter/api.ts';
import { getJson, sendJson } from '../adapter/http.ts';
import { reasonText, type Bilingual } from '../i18n.ts';
import { Bi } from './Bi.tsx';

interface CalendarState {
  calendar: SchoolCalendar;
  needsReview: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

const WEEKDAYS: Bilingual[] = [
  { vi: 'Thứ Hai', en: 'Monday' },
  { vi: 'Thứ Ba', en: 'Tuesday' },
  { vi: 'Thứ Tư', en: 'Wednesday' },
  { vi: 'Thứ Năm', en: 'Thursday' },
  { vi: 'Thứ Sáu', en: 'Friday' },
  { vi: 'Thứ Bảy', en: 'Saturday' },
  { vi: 'Chủ nhật', en: 'Sunday' },
];

const text = {
  title: { vi: 'Lịch năm học', en: 'School calendar' },
  review: {
    vi: 'Lịch này là lịch mẫu có sẵn: hãy kiểm tra và lưu lịch của trường.',
    en: 'This is the built-in sample calendar: check it and save the school’s own.',
  },
  schoolYear: { vi: 'Năm học', en: 'School year' },
  start: { vi: 'Từ ngày', en: 'From' },
  end: { vi: 'Đến ngày', en: 'To' },
  nameVi: { vi: 'Tên (tiếng Việt)', en: 'Name (Vietnamese)' },
  nameEn: { vi: 'Tên (tiếng Anh)', en: 'Name (English)' },
  semesters: { vi: 'Học kỳ', en: 'Semesters' },
  holidays: { vi: 'Ngày nghỉ, Tết', en: 'Holidays and Tết' },
  add: { vi: 'Thêm', en: 'Add' },
  remove: { vi: 'Xoá', en: 'Remove' },
  openWeekdays: { vi: 'Ngày mở cửa trong tuần', en: 'Open weekdays' },
  hours: { vi: 'Giờ mở cửa', en: 'Opening hours' },
  open: { vi: 'Mở', en: 'Open' },
  close: { vi: 'Đóng', en: 'Close' },
  reading: { vi: 'Lịch tiết đọc: khối lớp theo thứ (vd. 1, 2)', en: 'Reading periods: grades by weekday (e.g. 1, 2)' },
  closedDates: { vi: 'Ngày đóng cửa khác (kiểm kê, tập huấn…)', en: 'Other closed days (stock-taking, training…)' },
  save: { vi: 'Lưu lịch', en: 'Save calendar' },
  saved: { vi: 'Đã lưu. Lịch mới áp dụng ngay, cả ở các trạm.', en: 'Saved. The new calendar applies at once, at the stations too.' },
  updated: (by: string, at: string) => ({ vi: `Sửa lần cuối: ${by}, ${at}`, en: `Last changed by ${by}, ${at}` }),
  badGrades: { vi: 'Khối lớp phải là số, cách nhau bởi dấu phẩy.', en: 'Grades must be numbers separated by commas.' },
};

function gradesText(cal: SchoolCalendar): Record<string, string> {
  const out: Record<string, string> = {};
  for (let d = 1; d <= 7; d++) out[String(d)] = (cal.readingSchedule[String(d)] ?? []).join(', ');
  return out;
}

function RangeRows({ id, rows, canEdit, onChange }: { id: string; rows: CalendarRange[]; canEdit: boolean; onChange(rows: CalendarRange[]): void }) {
  const set = (i: number, patch: Partial<CalendarRange>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div class="table-wrap">
      <table data-testid={`calendar-${id}`}>
        <thead>
          <tr>
            <th><Bi text={text.nameVi} /></th>
            <th><Bi text={text.nameEn} /></th>
            <th><Bi text={text.start} /></th>
            <th><Bi text={text.end} /></th>
            {canEdit && <th />}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i} data-testid={`calendar-${id}-row`}>
              <td><input value={r.name_vi} required disabled={!canEdit} data-testid={`${id}-${i}-name_vi`} onInput={(e) => set(i, { name_vi: e.currentTarget.value })} /></td>
              <td><input value={r.name_en} required disabled={!canEdit} lang="en" data-testid={`${id}-${i}-name_en`} onInput={(e) => set(i, { name_en: e.currentTarget.value })} /></td>
              <td><input type="date" value={r.start} required disabled={!canEdit} data-testid={`${id}-${i}-start`} onInput={(e) => set(i, { start: e.currentTarget.value })} /></td>
              <td><input type="date" value={r.end} required disabled={!canEdit} data-testid={`${id}-${i}-end`} onInput={(e) => set(i, { end: e.currentTarget.value })} /></td>
              {canEdit && (
                <td>
                  <button type="button" class="btn" data-testid={`${id}-${i}-remove`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
                    <Bi text={text.remove} />
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {canEdit && (
        <button type="button" class="btn" data-testid={`${id}-add`} onClick={() => onChange([...rows, { name_vi: '', name_en: '', start: '', end: '' }])}>
          <Bi text={text.add} />
        </button>
      )}
    </div>
  );
}

export function Calendar({ canEdit }: { canEdit: boolean }) {
  const [state, setState] = useState<CalendarState | null>(null);
  const [cal, setCal] = useState<SchoolCalendar | null>(null);
  const [grades, setGrades] = useState<Record<string, string>>({});
  const [msg, setMsg] = useState<{ ok: boolean; text: Bilingual; issues?: CalendarIssue[] } | null>(null);
  const load = (s: CalendarState) => {
    setState(s);
    setCal(s.calendar);
    setGrades(gradesText(s.calendar));
  };
  useEffect(() => {
    getJson<CalendarState>('/api/calendar').then(load, () => undefined);
  }, []);
  if (!state || !cal) return null;

  async function save(e: Event) {
    e.preventDefault();
    if (!cal) return;
    const readingSchedule: Record<string, number[]> = {};
    for (const [d, s] of Object.entries(grades)) {
      const parts = s.split(/[,;\s]+/).filter(Boolean);
      if (parts.some((p) => !/^\d+$/.test(p))) return setMsg({ ok: false, text: text.badGrades });
      if (parts.length) readingSchedule[d] = parts.map(Number);
    }
    try {
      load(await sendJson<CalendarState>('PUT', '/api/calendar', { ...cal, readingSchedule }));
      setMsg({ ok: true, text: text.saved });
    } catch (err) {
      const reason = err instanceof ApiError ? err.reason : null;
      setMsg({ ok: false, text: reason ? reasonText(reason as Reason) : { vi: 'Lỗi', en: 'Error' } });
    }
  }

  const put = (patch: Partial<SchoolCalendar>) => setCal({ ...cal, ...patch });
  return (
    <section class="calendar" data-testid="calendar">
      <h2>
        <Bi text={text.title} />
      </h2>
      {state.needsReview && (
        <p class="banner" role="status" data-testid="calendar-needs-review">
          <Bi text={text.review} />
        </p>
      )}
      {state.updatedBy && state.updatedAt && (
        <p class="muted">
          <Bi text={text.updated(state.updatedBy, state.updatedAt.slice(0, 16).replace('T', ' '))} />
        </p>
      )}
      <form onSubmit={save} class="form">
        <h3>
          <Bi text={text.schoolYear} /> {cal.schoolYear.name}
        </h3>
        <label>
          <Bi text={text.start} />
          <input type="date" required disabled={!canEdit} data-testid="year-start" value={cal.schoolYear.start} onInput={(e) => put({ schoolYear: { ...cal.schoolYear, start: e.currentTarget.value } })} />
        </label>
        <label>
          <Bi text={text.end} />
          <input type="date" required disabled={!canEdit} data-testid="year-end" value={cal.schoolYear.end} onInput={(e) => put({ schoolYear: { ...cal.schoolYear, end: e.currentTarget.value } })} />
        </label>

        <h3>
          <Bi text={text.semesters} />
        </h3>
        <RangeRows id="semesters" rows={cal.semesters} canEdit={canEdit} onChange={(semesters) => put({ semesters })} />

        <h3>
          <Bi text={text.holidays} />
        </h3>
        <RangeRows id="holidays" rows={cal.holidays} canEdit={canEdit} onChange={(holidays) => put({ holidays })} />

        <h3>
          <Bi text={text.openWeekdays} />
        </h3>
        <div class="weekdays">
          {WEEKDAYS.map((w, i) => (
            <label key={i}>
              <input
                type="checkbox"
                disabled={!canEdit}
                data-testid={`weekday-${i + 1}`}
                checked={cal.openWeekdays.includes(i + 1)}
                onChange={(e) => put({ openWeekdays: e.currentTarget.checked ? [...cal.openWeekdays, i + 1].sort((a, b) => a - b) : cal.openWeekdays.filter((d) => d !== i + 1) })}
              />{' '}
              <Bi text={w} />
            </label>
          ))}
        </div>

        <h3>
          <Bi text={text.hours} />
        </h3>
        <label>
          <Bi text={text.open} />
          <input type="time" required disabled={!canEdit} data-testid="hours-open" value={cal.openingHours.open} onInput={(e) => put({ openingHours: { ...cal.openingHours, open: e.currentTarget.value } })} />
        </label>
        <label>
          <Bi text={text.close} />
          <input type="time" required disabled={!canEdit} data-testid="hours-close" value={cal.openingHours.close} onInput={(e) => put({ openingHours: { ...cal.openingHours, close: e.currentTarget.value } })} />
        </label>

        <h3>
          <Bi text={text.reading} />
        </h3>
        {WEEKDAYS.map((w, i) => (
          <label key={i}>
            <Bi text={w} />
            <input disabled={!canEdit} inputMode="numeric" data-testid={`reading-${i + 1}`} value={grades[String(i + 1)] ?? ''} onInput={(e) => setGrades({ ...grades, [String(i + 1)]: e.currentTarget.value })} />
          </label>
        ))}

        <h3>
          <Bi text={text.closedDates} />
        </h3>
        {cal.closedDates.map((d, i) => (
          <span key={i} class="closed-date">
            <input type="date" required disabled={!canEdit} data-testid={`closed-${i}`} value={d} onInput={(e) => put({ closedDates: cal.closedDates.map((x, j) => (j === i ? e.currentTarget.value : x)) })} />
            {canEdit && (
              <button type="button" class="btn" data-testid={`closed-${i}-remove`} onClick={() => put({ closedDates: cal.closedDates.filter((_, j) => j !== i) })}>
                <Bi text={text.remove} />
              </button>
            )}
          </span>
        ))}
        {canEdit && (
          <button type="button" class="btn" data-testid="closed-add" onClick={() => put({ closedDates: [...cal.closedDates, ''] })}>
            <Bi text={text.add} />
          </button>
        )}

        {msg && (
          <p class={msg.ok ? 'notice ok' : 'error'} role="status" data-testid="calendar-message">
            <Bi text={msg.text} />
          </p>
        )}
        {canEdit && (
          <button type="submit" class="btn primary" data-testid="calendar-save">
            <Bi text={text.save} />
          </button>
        )}
      </form>
    </section>
  );
}
