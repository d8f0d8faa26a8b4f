/**
 * Open loans past their due date, grouped by class with the homeroom teacher (teachers' and staff's
 * own loans form one more group), and the printable notice a homeroom teacher gets for a class.
 */
import type { Db } from '#core/node/sqlite.ts';
import { daysBetween, type LocalDate } from '#core/calendar.ts';

export interface OverdueLoan {
  patronId: string;
  fullName: string;
  barcode: string;
  title: string;
  dueDate: string;
  daysOverdue: number;
  classSet: boolean;
}

export interface OverdueGroup {
  classId: string | null;
  className: string | null;
  grade: number | null;
  homeroomTeacher: string | null;
  loans: OverdueLoan[];
}

export function overdueByClass(db: Db, schoolYear: string, today: LocalDate): OverdueGroup[] {
  const rows = db
    .prepare(
      `SELECT l.patron_id AS patronId, p.full_name AS fullName, cp.barcode, r.title, l.due_date AS dueDate,
              (l.class_id IS NOT NULL) AS classSet,
              COALESCE(l.class_id, m.class_id) AS classId, c.name AS className, c.grade, t.full_name AS homeroomTeacher
       FROM loans l
       JOIN patrons p ON p.id = l.patron_id
       JOIN copies cp ON cp.id = l.copy_id JOIN records r ON r.id = cp.record_id
       LEFT JOIN class_members m ON m.patron_id = l.patron_id AND m.school_year = @year
       LEFT JOIN classes c ON c.id = COALESCE(l.class_id, m.class_id)
       LEFT JOIN patrons t ON t.id = c.homeroom_teacher_id
       WHERE l.returned_at IS NULL AND l.due_date < @today
       ORDER BY c.grade IS NULL, c.grade, c.name, l.due_date, p.full_name`,
    )
    .all({ year: schoolYear, today }) as (Omit<OverdueLoan, 'daysOverdue' | 'classSet'> & {
    classSet: number;
    classId: string | null;
    className: string | null;
    grade: number | null;
    homeroomTeacher: string | null;
  })[];
  const groups = new Map<string, OverdueGroup>();
  for (const r of rows) {
    const key = r.classId ?? '~staff';
    let g = groups.get(key);
    if (!g) {
      g = { classId: r.classId, className: r.className, grade: r.grade, homeroomTeacher: r.homeroomTeacher, loans: [] };
      groups.set(key, g);
    }
    g.loans.push({
      patronId: r.patronId,
      fullName: r.fullName,
      barcode: r.barcode,
      title: r.title,
      dueDate: r.dueDate,
      daysOverdue: daysBetween(r.dueDate, today),
      classSet: r.classSet === 1,
    });
  }
  return [...groups.values()];
}

const esc = (s: string | number | null) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const dmy = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;

/** A self-contained, printable HTML page: one notice per class for its homeroom teacher. */
export function overdueNoticeHtml(group: OverdueGroup, o: { schoolName: string; today: LocalDate }): string {
  const rows = group.loans
    .map(
      (l, i) =>
        `<tr><td>${i + 1}</td><td>${esc(l.fullName)}${l.classSet ? ' <small>(tủ sách lớp / class set)</small>' : ''}</td><td>${esc(l.title)}</td><td><code>${esc(l.barcode)}</code></td><td>${dmy(l.dueDate)}</td><td class="n">${l.daysOverdue}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Thông báo sách quá hạn — ${esc(group.className)}</title>
<style>
body{font-family:"Be Vietnam Pro",system-ui,sans-serif;margin:2cm;color:#111}
h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1em;font-weight:normal;color:#444;margin:0 0 1em}
.en{color:#555;font-size:.85em}table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:4px 6px;text-align:left}
td.n{text-align:right}.sign{margin-top:3em;display:flex;justify-content:space-between}
@media print{body{margin:1cm}button{display:none}}
</style></head><body>
<p>${esc(o.schoolName)}</p>
<h1 data-testid="notice-title">Thông báo sách quá hạn — Lớp ${esc(group.className)}</h1>
<h2><span class="en">Overdue books notice — class ${esc(group.className)}</span></h2>
<p>Kính gửi giáo viên chủ nhiệm / To the homeroom teacher: <strong>${esc(group.homeroomTeacher ?? '—')}</strong></p>
<p>Ngày / Date: ${dmy(o.today)}. Các em dưới đây đang giữ sách đã quá hạn trả. Nhờ thầy cô nhắc các em mang sách trả thư viện.<br>
<span class="en">The pupils below hold books past their due date. Please remind them to bring the books back to the library.</span></p>
<table><thead><tr><th>#</th><th>Học sinh<br><span class="en">Pupil</span></th><th>Tên sách<br><span class="en">Title</span></th><th>Mã sách<br><span class="en">Barcode</span></th><th>Hạn trả<br><span class="en">Due</span></th><th>Số ngày quá hạn<br><span class="en">Days overdue</span></th></tr></thead>
<tbody>
${rows}
</tbody></table>
<div class="sign"><span>Cán bộ thư viện / Librarian</span><span>Giáo viên chủ nhiệm / Homeroom teacher</span></div>
<button onclick="window.print()">In / Print</button>
</body></html>`;
}
