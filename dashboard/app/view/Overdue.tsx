/** Overdue loans grouped by class with the homeroom teacher, and the printable notice per class. */
import { useEffect, useState } from 'preact/hooks';
import type { OverdueGroup } from '../../src/stats/overdue.ts';
import { getJson } from '../adapter/http.ts';
import { formatDate } from '../i18n.ts';
import type { DashboardStore } from '../store.ts';
import { Bi } from './Bi.tsx';

const text = {
  title: { vi: 'Sách quá hạn theo lớp', en: 'Overdue by class' },
  none: { vi: 'Không có sách quá hạn.', en: 'Nothing is overdue.' },
  staff: { vi: 'Giáo viên và nhân viên', en: 'Teachers and staff' },
  teacher: { vi: 'GVCN', en: 'Homeroom teacher' },
  pupil: { vi: 'Bạn đọc', en: 'Patron' },
  book: { vi: 'Sách', en: 'Book' },
  due: { vi: 'Hạn trả', en: 'Due' },
  days: { vi: 'Quá hạn (ngày)', en: 'Days overdue' },
  print: { vi: 'In thông báo cho GVCN', en: 'Print notice for the homeroom teacher' },
};

export function Overdue({ store, canPrint }: { store: DashboardStore; canPrint: boolean }) {
  const [groups, setGroups] = useState<OverdueGroup[] | null>(null);
  const tick = store.summary.value;
  useEffect(() => {
    getJson<{ groups: OverdueGroup[] }>('/api/stats/overdue').then((r) => setGroups(r.groups), () => setGroups([]));
  }, [tick]);
  return (
    <section class="overdue" data-testid="overdue">
      <h2>
        <Bi text={text.title} />
      </h2>
      {groups && groups.length === 0 && (
        <p class="muted">
          <Bi text={text.none} />
        </p>
      )}
      {groups?.map((g) => (
        <article key={g.classId ?? '~staff'} class="group" data-testid="overdue-group" data-class={g.classId ?? ''}>
          <h3>
            {g.className ? `Lớp ${g.className}` : <Bi text={text.staff} />}{' '}
            {g.homeroomTeacher && (
              <span class="muted small">
                — <Bi text={text.teacher} /> {g.homeroomTeacher}
              </span>
            )}
          </h3>
          {canPrint && g.classId && (
            <a class="btn" href={`/api/stats/overdue/${encodeURIComponent(g.classId)}/notice`} target="_blank" rel="noopener" data-testid="print-notice">
              <Bi text={text.print} />
            </a>
          )}
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  {[text.pupil, text.book, text.due, text.days].map((h) => (
                    <th key={h.en}>
                      <Bi text={h} />
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {g.loans.map((l) => (
                  <tr key={l.barcode}>
                    <td>{l.fullName}</td>
                    <td>
                      {l.title} <code class="small">{l.barcode}</code>
                    </td>
                    <td>{formatDate(l.dueDate)}</td>
                    <td class="n">{l.daysOverdue}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </article>
      ))}
    </section>
  );
}
