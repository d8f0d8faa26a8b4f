/**
 * Visit and loan rates per class, grade, teachers and the whole school for a chosen period, as a
 * chart and a table, against the targets; reading periods per class this semester (and recording
 * one); top readers of the month. Refreshes whenever the live figures move (a checkout, a visit).
 */
import { useEffect, useState } from 'preact/hooks';
import type { RatesReport, RateRow } from '../../src/stats/rates.ts';
import type { Period, PeriodKind } from '../../src/stats/periods.ts';
import { ApiError } from '../adapter/api.ts';
import { getJson, sendJson } from '../adapter/http.ts';
import { formatDate, reasonText, type Bilingual } from '../i18n.ts';
import type { DashboardStore } from '../store.ts';
import { Bi } from './Bi.tsx';
import { formatRate, RateChart } from './RateChart.tsx';

const PERIODS: { kind: PeriodKind; label: Bilingual }[] = [
  { kind: 'day', label: { vi: 'Ngày', en: 'Day' } },
  { kind: 'week', label: { vi: 'Tuần', en: 'Week' } },
  { kind: 'month', label: { vi: 'Tháng', en: 'Month' } },
  { kind: 'semester', label: { vi: 'Học kỳ', en: 'Semester' } },
  { kind: 'year', label: { vi: 'Năm học', en: 'School year' } },
];

const text = {
  title: { vi: 'Tỷ lệ đến thư viện và mượn sách', en: 'Visit and loan rates' },
  byClass: { vi: 'Theo lớp', en: 'By class' },
  byGrade: { vi: 'Theo khối', en: 'By grade' },
  group: { vi: 'Nhóm', en: 'Group' },
  members: { vi: 'Sĩ số', en: 'Members' },
  visited: { vi: 'Đã đến', en: 'Visited' },
  visitRate: { vi: 'Tỷ lệ đến', en: 'Visit rate' },
  borrowed: { vi: 'Đã mượn', en: 'Borrowed' },
  loanRate: { vi: 'Tỷ lệ mượn', en: 'Loan rate' },
  loans: { vi: 'Lượt mượn', en: 'Loans' },
  perMember: { vi: 'Sách/người', en: 'Loans each' },
  teacher: { vi: 'GVCN', en: 'Homeroom' },
  teachers: { vi: 'Giáo viên', en: 'Teachers' },
  school: { vi: 'Toàn trường (học sinh)', en: 'Whole school (pupils)' },
  met: { vi: 'đạt', en: 'met' },
  below: { vi: 'chưa đạt', en: 'below' },
  targets: (t: RatesReport['targets']): Bilingual => ({
    vi: `Chỉ tiêu: học sinh đến thư viện ${t.pupilVisitMin}–${t.pupilVisitMax}%, mượn sách ≥ ${t.pupilLoan}%; giáo viên đến ${t.teacherVisit}%, mượn ${t.teacherLoan}%.`,
    en: `Targets: pupils visiting ${t.pupilVisitMin}–${t.pupilVisitMax}%, borrowing ≥ ${t.pupilLoan}%; teachers visiting ${t.teacherVisit}%, borrowing ${t.teacherLoan}%.`,
  }),
  reading: { vi: 'Tiết đọc tại thư viện (học kỳ này)', en: 'Library reading periods (this semester)' },
  held: { vi: 'Đã học', en: 'Held' },
  days: { vi: 'Ngày', en: 'Days' },
  record: { vi: 'Ghi tiết đọc', en: 'Record' },
  recorded: (n: number): Bilingual => ({ vi: `Đã ghi tiết đọc: ${n} học sinh được tính lượt đến.`, en: `Recorded: ${n} pupils counted as visiting.` }),
  top: { vi: 'Bạn đọc tích cực trong tháng', en: 'Top readers this month' },
  none: { vi: 'Chưa có lượt mượn', en: 'No loans yet' },
  date: { vi: 'Ngày', en: 'Date' },
};

interface ReadingReport {
  period: Period;
  target: number;
  classes: { classId: string; name: string; grade: number; held: number; days: string[] }[];
}
interface TopReaders {
  period: Period;
  readers: { patronId: string; fullName: string; className: string | null; loans: number }[];
}

function groupName(r: RateRow): Bilingual {
  if (r.group === 'teachers') return text.teachers;
  if (r.group === 'school') return text.school;
  if (r.group === 'grade') return { vi: `Khối ${r.grade}`, en: `Grade ${r.grade}` };
  return { vi: `Lớp ${r.name}`, en: `Class ${r.name}` };
}

function Met({ ok }: { ok: boolean | null }) {
  if (ok === null) return null;
  return <span class={ok ? 'badge ok' : 'badge bad'}>{ok ? text.met.vi : text.below.vi}</span>;
}

export function Rates({ store, canEdit }: { store: DashboardStore; canEdit: boolean }) {
  const [kind, setKind] = useState<PeriodKind>('month');
  const [date, setDate] = useState('');
  const [view, setView] = useState<'class' | 'grade'>('class');
  const [report, setReport] = useState<RatesReport | null>(null);
  const [reading, setReading] = useState<ReadingReport | null>(null);
  const [top, setTop] = useState<TopReaders | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: Bilingual } | null>(null);
  // The live figures change with every checkout or visit: the rates follow them.
  const tick = store.summary.value;

  async function load() {
    const q = `date=${encodeURIComponent(date)}`;
    try {
      const [r, rp, tr] = await Promise.all([
        getJson<RatesReport>(`/api/stats/rates?period=${kind}&${q}`),
        getJson<ReadingReport>(`/api/stats/reading-periods?${q}`).catch(() => null),
        getJson<TopReaders>(`/api/stats/top-readers?${q}`),
      ]);
      setReport(r);
      setReading(rp);
      setTop(tr);
    } catch (err) {
      if (err instanceof ApiError && err.reason) setMessage({ ok: false, text: reasonText(err.reason) });
    }
  }
  useEffect(() => {
    void load();
  }, [kind, date, tick]);

  async function record(classId: string) {
    try {
      const out = await sendJson<{ pupils: number }>('POST', '/api/stats/reading-periods', { classId, ...(date ? { date } : {}) });
      setMessage({ ok: true, text: text.recorded(out.pupils) });
      await load();
    } catch (err) {
      setMessage({ ok: false, text: err instanceof ApiError && err.reason ? reasonText(err.reason) : { vi: 'Lỗi', en: 'Error' } });
    }
  }

  const chartRows = report ? report.rows.filter((r) => r.group === view) : [];
  const tableRows = report ? report.rows.filter((r) => r.group === view || r.group === 'teachers' || r.group === 'school') : [];
  return (
    <section class="rates" data-testid="rates">
      <h2>
        <Bi text={text.title} />
      </h2>
      <div class="toolbar" role="group">
        {PERIODS.map((p) => (
          <button key={p.kind} type="button" class={p.kind === kind ? 'btn primary' : 'btn'} aria-pressed={p.kind === kind} data-testid={`period-${p.kind}`} onClick={() => setKind(p.kind)}>
            <Bi text={p.label} />
          </button>
        ))}
        <label class="inline">
          <Bi text={text.date} />
          <input type="date" value={date} data-testid="period-date" onInput={(e) => setDate(e.currentTarget.value)} />
        </label>
        <button type="button" class={view === 'class' ? 'btn primary' : 'btn'} aria-pressed={view === 'class'} onClick={() => setView('class')}>
          <Bi text={text.byClass} />
        </button>
        <button type="button" class={view === 'grade' ? 'btn primary' : 'btn'} aria-pressed={view === 'grade'} data-testid="view-grade" onClick={() => setView('grade')}>
          <Bi text={text.byGrade} />
        </button>
      </div>
      {message && (
        <p class={message.ok ? 'notice ok' : 'error'} role="status" data-testid="rates-message">
          <Bi text={message.text} />
        </p>
      )}
      {report && (
        <>
          <p class="muted" data-testid="period-label">
            <Bi text={{ vi: report.period.label_vi, en: report.period.label_en }} /> ({formatDate(report.period.from)} – {formatDate(report.period.to)})
          </p>
          <p class="muted small">
            <Bi text={text.targets(report.targets)} />
          </p>
          <RateChart rows={chartRows} label={`${report.period.label_en}: visit and loan rates`} pupilVisitTarget={report.targets.pupilVisitMin} pupilLoanTarget={report.targets.pupilLoan} />
          <div class="table-wrap">
            <table data-testid="rates-table">
              <thead>
                <tr>
                  {[text.group, text.teacher, text.members, text.visited, text.visitRate, text.borrowed, text.loanRate, text.loans, text.perMember].map((h) => (
                    <th key={h.en}>
                      <Bi text={h} />
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {tableRows.map((r) => (
                  <tr key={`${r.group}:${r.key}`} data-testid="rate-row" data-group={r.group} data-name={r.name} class={r.group === 'school' ? 'total' : ''}>
                    <td>
                      <Bi text={groupName(r)} />
                    </td>
                    <td>{r.homeroomTeacher ?? ''}</td>
                    <td class="n">{r.members}</td>
                    <td class="n" data-testid="visited">
                      {r.visited}
                    </td>
                    <td class="n">
                      {formatRate(r.visitRate)} <Met ok={r.visitMet} />
                    </td>
                    <td class="n" data-testid="borrowed">
                      {r.borrowed}
                    </td>
                    <td class="n">
                      {formatRate(r.loanRate)} <Met ok={r.loanMet} />
                    </td>
                    <td class="n" data-testid="loans">
                      {r.loans}
                    </td>
                    <td class="n">{r.loansPerMember === null ? '–' : r.loansPerMember.toFixed(2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {reading && (
        <>
          <h3>
            <Bi text={text.reading} />
          </h3>
          <div class="table-wrap">
            <table data-testid="reading-table">
              <thead>
                <tr>
                  <th>
                    <Bi text={text.group} />
                  </th>
                  <th>
                    <Bi text={text.held} />
                  </th>
                  <th>
                    <Bi text={text.days} />
                  </th>
                  {canEdit && <th />}
                </tr>
              </thead>
              <tbody>
                {reading.classes.map((c) => (
                  <tr key={c.classId} data-testid="reading-row" data-class={c.classId}>
                    <td>{c.name}</td>
                    <td class="n">
                      <span class={c.held >= reading.target ? 'badge ok' : 'badge bad'}>
                        {c.held}/{reading.target}
                      </span>
                    </td>
                    <td>{c.days.map(formatDate).join(', ')}</td>
                    {canEdit && (
                      <td>
                        <button type="button" class="btn" data-testid="record-reading" onClick={() => void record(c.classId)}>
                          <Bi text={text.record} />
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {top && (
        <>
          <h3>
            <Bi text={text.top} /> <span class="muted small">{top.period.label_vi}</span>
          </h3>
          {top.readers.length === 0 ? (
            <p class="muted">
              <Bi text={text.none} />
            </p>
          ) : (
            <ol class="top" data-testid="top-readers">
              {top.readers.map((r) => (
                <li key={r.patronId}>
                  {r.fullName} <span class="muted">{r.className ?? ''}</span> — {r.loans}
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}
