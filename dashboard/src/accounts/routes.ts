/**
 * /api/account/password (anyone logged in: their own password) and the admin's account management:
 * /api/accounts (list, create with a one-time password, change role, disable, reset) and /api/audit.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Logger } from 'pino';
import { accountOf, requireRole, sendError } from '../http/auth.ts';
import { AccountError, type AccountStore } from './accounts.ts';
import type { AuditLog } from './audit.ts';
import { oneTimePassword } from './password.ts';
import { ROLES } from './roles.ts';

const passwordBody = z.object({ current: z.string().max(200), next: z.string().max(200) });
const createBody = z.object({ username: z.string().max(64), role: z.enum(ROLES) });
const patchBody = z.object({ role: z.enum(ROLES).optional(), disabled: z.boolean().optional() }).refine((b) => b.role !== undefined || b.disabled !== undefined);

function badRequest(res: Response): void {
  sendError(res, 400, 'BAD_REQUEST', 'Dữ liệu gửi lên không hợp lệ.', 'The request is not valid.');
}

function refused(res: Response, err: unknown): void {
  if (!(err instanceof AccountError)) throw err;
  const status = err.code === 'NOT_FOUND' ? 404 : err.code === 'USERNAME_TAKEN' || err.code === 'LAST_ADMIN' ? 409 : 400;
  sendError(res, status, err.code, err.message_vi, err.message_en);
}

export function accountRoutes({ accounts, audit, log }: { accounts: AccountStore; audit: AuditLog; log: Logger }): Router {
  const r = Router();

  r.post('/account/password', (req, res) => {
    const body = passwordBody.safeParse(req.body);
    if (!body.success) return badRequest(res);
    const me = accountOf(res);
    try {
      accounts.changeOwnPassword(me.id, body.data.current, body.data.next, res.locals.sessionToken as string);
    } catch (err) {
      return refused(res, err);
    }
    audit.write(me.username, 'password_changed');
    res.json({ ok: true });
  });

  r.get('/accounts', requireRole('admin'), (_req, res) => res.json(accounts.list()));

  r.post('/accounts', requireRole('admin'), (req, res) => {
    const body = createBody.safeParse(req.body);
    if (!body.success) return badRequest(res);
    const password = oneTimePassword();
    try {
      const acc = accounts.create({ ...body.data, password, mustChange: true });
      audit.write(accountOf(res).username, 'account_created', null, { username: acc.username, role: acc.role });
      log.info({ by: accountOf(res).username, username: acc.username, role: acc.role }, 'account created');
      // Shown once to the admin, who hands it over; the account must change it at first login.
      res.status(201).json({ account: acc, oneTimePassword: password });
    } catch (err) {
      refused(res, err);
    }
  });

  r.patch('/accounts/:id', requireRole('admin'), (req, res) => {
    const body = patchBody.safeParse(req.body);
    const id = Number(req.params.id);
    if (!body.success || !Number.isInteger(id)) return badRequest(res);
    try {
      const acc = accounts.update(id, body.data);
      audit.write(accountOf(res).username, 'account_changed', null, { username: acc.username, ...body.data });
      res.json(acc);
    } catch (err) {
      refused(res, err);
    }
  });

  r.post('/accounts/:id/reset-password', requireRole('admin'), (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isInteger(id)) return badRequest(res);
    const password = oneTimePassword();
    try {
      accounts.setPassword(id, password, { mustChange: true });
    } catch (err) {
      return refused(res, err);
    }
    audit.write(accountOf(res).username, 'password_reset', null, { username: accounts.byId(id)?.username });
    res.json({ oneTimePassword: password });
  });

  r.get('/audit', requireRole('admin'), (req, res) => {
    const patronId = typeof req.query.patronId === 'string' ? req.query.patronId : undefined;
    res.json(audit.list({ patronId, limit: Number(req.query.limit) || 200 }));
  });

  return r;
}
