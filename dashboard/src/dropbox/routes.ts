/**
 * The dashboard's drop box API: GET /api/dropbox/bins (any logged-in staff member) and
 * POST /api/dropbox/:device/emptied (a librarian; the session's CSRF check applies, as for every
 * change under /api).
 */
import express from 'express';
import { accountOf, sendError } from '../http/auth.ts';
import { UnknownDropboxError, type DropboxBins } from './bins.ts';

/** `read` and `write` are role checks; the session itself is checked for all of /api in app.ts. */
export function dropboxRoutes(bins: DropboxBins, guards: { read: express.RequestHandler; write: express.RequestHandler }): express.Router {
  const router = express.Router();
  router.get('/api/dropbox/bins', guards.read, (_req, res) => {
    res.json(bins.list());
  });
  router.post('/api/dropbox/:device/emptied', guards.write, async (req, res) => {
    try {
      const r = await bins.markEmptied(String(req.params.device), accountOf(res).username);
      res.json({ ok: true, at: r.command.at, delivered: r.delivered });
    } catch (err) {
      if (err instanceof UnknownDropboxError) return sendError(res, 404, 'NO_SUCH_DROPBOX', 'Không có hộp trả sách này.', 'No such drop box.');
      throw err;
    }
  });
  return router;
}
