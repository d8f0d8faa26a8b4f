/**
 * The statistics API: rates, top readers, reading periods, overdue by class and its printable
 * notices, the offline conflict queue, the school's settings, and a pupil's loan history (every
 * view of which is written to the audit log). Mounted under /api behind `protect` (http/auth.ts).
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '#core/node/sqlite.ts';
import { localDate, type SchoolCalendar } from '#core/calendar.ts';
import { accountOf, requireRole, sendError } from '../http/auth.ts';
import type { AuditLog } from '../accounts/audit.ts';
import { PeriodError, PERIODS, periodOf, type PeriodKind } from './periods.ts';
import { ratesReport, topReaders } from './rates.ts';
import { readingPeriodsHeld, ReadingPeriodError, recordReadingPeriod } from './reading-periods.ts';
import { overdueByClass, overdueNoticeHtml } from './overdue.ts';
import { applyRetention } from './retention.ts';
import type { Settings } from './settings.ts';

export interface StatsDeps {
  db: Db;
  calendar: SchoolCalendar;
  clock: () => Date;
  settings: Settings;
  audit: AuditLog;
  schoolName?: string;
}

const bad = (res: Response, vi: string, en: string) => sendError(res, 400, 'BAD_REQUEST', vi, en);

export function statsRoutes({ db, calendar, clock, settings, audit, schoolName = '' }: StatsDeps): Router {
  const r = Router();
  const year = calendar.schoolYear.name;
  const today = () => localDate(clock(), calendar);

  /** ?period=&date= → a Period, or an answer already sent. */
  function period(q: Record<string, unknown>, res: Response) {
    const kind = (typeof q.period === 'string' ? q.period : 'month') as PeriodKind;
    const date = typeof q.date === 'string' && q.date ? q.date : today();
    if (!PERIODS.includes(kind)) return void bad(res, `Kỳ thống kê phải là một trong ${PERIODS.join(', ')}.`, `period must be one of ${PERIODS.join(', ')}.`);
    try {
      return periodOf(calendar, kind, date);
    } catch (err) {
      if (err instanceof PeriodError) return void bad(res, `Ngày không hợp lệ hoặc ngoài học kỳ: ${date}.`, err.message);
      throw err;
    }
  }

  r.get('/stats/rates', (req, res) => {
    const p = period(req.query, res);
    if (p) res.json(ratesReport(db, year, p, settings.get().targets));
  });

  r.get('/stats/top-readers', (req, res) => {
    const p = period({ period: 'month', date: req.query.date }, res);
    if (p) res.json({ period: p, readers: topReaders(db, year, p.from, p.to, Math.min(Number(req.query.limit) || 10, 50)) });
  });

  r.get('/stats/classes', (_req, res) => {
    res.json(db.prepare(`SELECT id, name, grade FROM classes WHERE school_year = ? ORDER BY grade, name`).all(year));
  });

  r.get('/stats/reading-periods', (req, res) => {
    const p = period({ period: 'semester', date: req.query.date }, res);
    if (p) res.json({ period: p, target: settings.get().targets.readingPeriodsPerSemester, classes: readingPeriodsHeld(db, year, p.from, p.to) });
  });

  const readingBody = z.object({ classId: z.string().min(1).max(64), date: z.string().optional() });
  r.post('/stats/reading-periods', requireRole('librarian'), (req, res) => {
    const b = readingBody.safeParse(req.body);
    if (!b.success) return bad(res, 'Cần chọn lớp.', 'classId is required.');
    const t = today();
    try {
      const out = recordReadingPeriod(db, calendar, { classId: b.data.classId, date: b.data.date ?? t, today: t, by: accountOf(res).username, now: clock() });
      audit.write(accountOf(res).username, 'reading_period_recorded', null, { classId: b.data.classId, date: b.data.date ?? t });
      res.status(201).json(out);
    } catch (err) {
      if (!(err instanceof ReadingPeriodError)) throw err;
      const status = err.code === 'NO_SUCH_CLASS' ? 404 : err.code === 'ALREADY_RECORDED' ? 409 : 400;
      sendError(res, status, err.code, err.message_vi, err.message_en);
    }
  });

  r.get('/stats/overdue', (_req, res) => res.json({ today: today(), groups: overdueByClass(db, year, today()) }));

  r.get('/stats/overdue/:classId/notice', requireRole('librarian'), (req, res) => {
    const t = today();
    const g = overdueByClass(db, year, t).find((x) => x.classId === req.params.classId);
    if (!g) return sendError(res, 404, 'NOT_FOUND', 'Lớp này không có sách quá hạn.', 'This class has no overdue books.');
    audit.write(accountOf(res).username, 'overdue_notice_printed', null, { classId: g.classId, pupils: [...new Set(g.loans.map((l) => l.patronId))] });
    res.type('html').send(overdueNoticeHtml(g, { schoolName, today: t }));
  });

  // ---- conflicts from offline replays --------------------------------------------------------
  r.get('/conflicts', (req, res) => {
    const all = req.query.all === '1';
    res.json(
      db
        .prepare(
          `SELECT id, tx_id AS txId, device, at, barcode, code, detail, resolved_at AS resolvedAt FROM conflicts
           ${all ? '' : 'WHERE resolved_at IS NULL'} ORDER BY at DESC, id DESC LIMIT 500`,
        )
        .all(),
    );
  });
  r.post('/conflicts/:id/resolve', requireRole('librarian'), (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isInteger(id)) return bad(res, 'Mã xung đột không hợp lệ.', 'Not a conflict id.');
    const note = typeof req.body?.note === 'string' ? String(req.body.note).slice(0, 500) : null;
    const info = db.prepare(`UPDATE conflicts SET resolved_at = ? WHERE id = ? AND resolved_at IS NULL`).run(clock().toISOString(), id);
    if (info.changes === 0) return sendError(res, 404, 'NOT_FOUND', 'Không có xung đột đang chờ với mã này.', 'No open conflict with this id.');
    audit.write(accountOf(res).username, 'conflict_resolved', null, { id, note });
    res.json({ ok: true });
  });

  // ---- settings --------------------------------------------------------------------------------
  r.get('/settings', (_req, res) => res.json(settings.get()));
  r.put('/settings', requireRole('librarian'), (req, res) => {
    const out = settings.update(req.body);
    if (!out.ok) return sendError(res, 400, 'BAD_SETTINGS', `Giá trị không hợp lệ: ${out.issues.join('; ')}`, `Invalid values: ${out.issues.join('; ')}`);
    audit.write(accountOf(res).username, 'settings_changed', null, req.body);
    res.json(out.settings);
  });
  r.post('/stats/retention/run', requireRole('admin'), (_req, res) => {
    const out = applyRetention(db, calendar, clock(), settings.get().retentionDays);
    audit.write(accountOf(res).username, 'retention_run', null, out);
    res.json(out);
  });

  // ---- a pupil's loan history: audited ---------------------------------------------------------
  r.get('/patrons/:id/loans', requireRole('librarian'), (req, res) => {
    const id = req.params.id as string;
    const p = db.prepare(`SELECT id, full_name AS fullName, kind FROM patrons WHERE id = ? AND id != 'anonymous'`).get(id);
    if (!p) return sendError(res, 404, 'NOT_FOUND', 'Không có bạn đọc này.', 'No such patron.');
    // Written before the answer: a view that reached the screen is always on record.
    audit.write(accountOf(res).username, 'loan_history_viewed', id);
    const loans = db
      .prepare(
        `SELECT l.id, c.barcode, r.title, l.loaned_at AS loanedAt, l.due_date AS dueDate, l.returned_at AS returnedAt,
                l.renewals, l.station, l.class_id AS classId
         FROM loans l JOIN copies c ON c.id = l.copy_id JOIN records r ON r.id = c.record_id
         WHERE l.patron_id = ? ORDER BY l.loaned_at DESC LIMIT 1000`,
      )
      .all(id);
    res.json({ patron: p, retentionDays: settings.get().retentionDays, loans });
  });

  return r;
}
