/**
 * The dashboard's desk API, for librarians (the session's CSRF check applies to every change):
 *   GET  /api/desk                          every desk station with its live session view
 *   POST /api/desk/:device/command          {type: mode|forClass|renew|return|finish, ...} → the desk, over MQTT
 *   POST /api/desk/copies/:barcode/status   {status: lost|damaged, note?} → server-side (copy-status.ts)
 * and the live feed: socket.io sockets of librarians join the room "desk" and get a `desk` event
 * with each new view (viewers, e.g. the principal, do not see who is at the desk).
 */
import express from 'express';
import { z } from 'zod';
import type { Server as IoServer } from 'socket.io';
import type { Db } from '#core/node/sqlite.ts';
import type { DeskView } from '#core/protocol/messages.ts';
import { deskModeSchema } from '#core/protocol/messages.ts';
import { accountOf, requireRole, sendError } from '../http/auth.ts';
import { COOKIE, readCookie } from '../http/session-cookie.ts';
import type { AccountStore } from '../accounts/accounts.ts';
import type { AuditLog } from '../accounts/audit.ts';
import { roleAtLeast } from '../accounts/roles.ts';
import { CatalogueError } from '../catalogue/copies.ts';
import type { Library } from '../db/library.ts';
import { DeskRelayError, type DeskRelay, type DeskCommandBody } from './relay.ts';
import { markCopy } from './copy-status.ts';

const code = z.string().min(1).max(64);
const commandBody = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('mode'), mode: deskModeSchema }),
  z.strictObject({ type: z.literal('forClass'), on: z.boolean() }),
  z.strictObject({ type: z.literal('renew'), barcode: code }),
  z.strictObject({ type: z.literal('return'), barcode: code }),
  z.strictObject({ type: z.literal('finish') }),
]);
const statusBody = z.strictObject({ status: z.enum(['lost', 'damaged']), note: z.string().max(500).nullable().optional() });

export interface DeskRoutesDeps {
  relay: DeskRelay;
  db: Db;
  library: Library;
  clock: () => Date;
  /** Where "marked lost/damaged" is recorded with the librarian's name; optional. */
  audit?: AuditLog;
}

export function deskRoutes(d: DeskRoutesDeps): express.Router {
  const router = express.Router();
  const librarian = requireRole('librarian');
  router.get('/api/desk', librarian, (_req, res) => {
    res.json({ desks: d.relay.list() });
  });
  router.post('/api/desk/copies/:barcode/status', librarian, (req, res) => {
    const barcode = String(req.params.barcode);
    const body = statusBody.safeParse(req.body);
    if (!body.success || barcode.length === 0 || barcode.length > 64) {
      return sendError(res, 400, 'BAD_REQUEST', 'Gửi {"status": "lost" hoặc "damaged", "note"?}.', 'Send {"status": "lost" | "damaged", "note"?}.');
    }
    const by = accountOf(res).username;
    try {
      const r = markCopy(d.db, d.library, d.clock, { barcode, status: body.data.status, note: body.data.note ?? null, by });
      d.audit?.write(by, `copy.${r.status}`, r.closedLoan?.patronId ?? null, { barcode, note: body.data.note ?? null });
      res.json(r);
    } catch (err) {
      if (err instanceof CatalogueError) return sendError(res, err.status, err.code, err.message_vi, err.message_en);
      throw err;
    }
  });
  router.post('/api/desk/:device/command', librarian, async (req, res) => {
    const body = commandBody.safeParse(req.body);
    if (!body.success) {
      return sendError(res, 400, 'BAD_COMMAND', 'Lệnh cho quầy không hợp lệ.', `Invalid desk command: ${body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    try {
      const r = await d.relay.command(String(req.params.device), body.data as DeskCommandBody);
      if (!r.ok && r.error) return res.status(409).json({ error: r.error, view: r.view });
      res.json({ ok: true, view: r.view });
    } catch (err) {
      if (err instanceof DeskRelayError) return sendError(res, err.status, err.code, err.message_vi, err.message);
      throw err;
    }
  });
  return router;
}

/** Librarians' sockets join the room "desk"; every new desk view is pushed there as `desk`. */
export function attachDeskLive(io: IoServer, accounts: AccountStore, relay: DeskRelay): () => void {
  const onConnection = (socket: import('socket.io').Socket) => {
    const acc = accounts.session(readCookie(socket.handshake.headers.cookie, COOKIE))?.account;
    if (acc && roleAtLeast(acc.role, 'librarian')) void socket.join('desk');
  };
  io.on('connection', onConnection);
  const onView = (v: DeskView) => io.to('desk').emit('desk', v);
  relay.on('view', onView);
  return () => {
    io.off('connection', onConnection);
    relay.off('view', onView);
  };
}
