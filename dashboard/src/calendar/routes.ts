/**
 * The school calendar API, under /api behind `protect` (session and CSRF, http/auth.ts):
 *   GET /api/calendar   any staff: {calendar, needsReview, updatedAt, updatedBy}
 *   PUT /api/calendar   librarian or admin: the whole calendar; 400 BAD_CALENDAR with every reason
 */
import { Router, type RequestHandler } from 'express';
import { accountOf } from '../http/auth.ts';
import type { AuditLog } from '../accounts/audit.ts';
import type { CalendarStore } from './store.ts';

export function calendarRoutes(store: CalendarStore, audit: AuditLog, guard: { read: RequestHandler; write: RequestHandler }): Router {
  const r = Router();
  r.get('/calendar', guard.read, (_req, res) => res.json(store.get()));
  r.put('/calendar', guard.write, (req, res) => {
    const by = accountOf(res).username;
    const out = store.update(req.body, by);
    if (!out.ok) {
      res.status(400).json({
        error: {
          code: 'BAD_CALENDAR',
          message_vi: `Lịch không hợp lệ: ${out.issues.map((i) => `${i.path}: ${i.message_vi}`).join('; ')}`,
          message_en: `Invalid calendar: ${out.issues.map((i) => `${i.path}: ${i.message_en}`).join('; ')}`,
        },
        issues: out.issues,
      });
      return;
    }
    audit.write(by, 'calendar_changed', null, { schoolYear: out.state.calendar.schoolYear, holidays: out.state.calendar.holidays.length });
    res.json(out.state);
  });
  return r;
}
