/**
 * The dashboard's occupancy API: GET /api/occupancy (any logged-in staff member) and
 * POST /api/occupancy/reset (a librarian: occupancy starts again at 0 now, keeping the drift). The
 * session and its CSRF token are checked for all of /api in app.ts, before these routes.
 */
import express from 'express';
import { requireRole, sendError } from '../http/auth.ts';
import type { OccupancyStore } from './occupancy-store.ts';

/** `guard` (read) and `write` (role checks) run before the handlers; `write` defaults to a librarian. */
export function occupancyRoutes(store: OccupancyStore, guard: express.RequestHandler, write: express.RequestHandler = requireRole('librarian')): express.Router {
  const router = express.Router();
  router.get('/api/occupancy', guard, (_req, res) => {
    res.json(store.report());
  });
  router.post('/api/occupancy/reset', write, (_req, res) => {
    const reset = store.resetNow();
    if (!reset) return sendError(res, 409, 'ALREADY_RESET', 'Vừa đặt lại xong, không cần đặt lại lần nữa.', 'Occupancy was just reset; nothing to do.');
    res.json({ reset, report: store.report() });
  });
  return router;
}
