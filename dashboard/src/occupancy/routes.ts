/** The dashboard's occupancy API: GET /api/occupancy (any logged-in staff member). */
import express from 'express';
import type { OccupancyStore } from './occupancy-store.ts';

/** `guard` (a role check) runs before the handler; the session itself is checked for all of /api in app.ts. */
export function occupancyRoutes(store: OccupancyStore, guard: express.RequestHandler): express.Router {
  const router = express.Router();
  router.get('/api/occupancy', guard, (_req, res) => {
    res.json(store.report());
  });
  return router;
}
