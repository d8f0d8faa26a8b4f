/**
 * Station management (admin): list, add, replace and revoke station logins, the one-time handout
 * (password, config file, QR), and the Mosquitto files. Which station made which transaction
 * (librarian): /api/transactions and /api/transactions/by-station. No pupil names anywhere here.
 */
import { Router, type RequestHandler, type Response } from 'express';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { Config } from '#core/config.ts';
import type { Db } from '#core/node/sqlite.ts';
import { accountOf, sendError } from '../http/auth.ts';
import type { AuditLog } from '../accounts/audit.ts';
import { encodeQr, qrSvg, QrError } from '#core/barcode/qr.ts';
import { StationError, STATION_ROLES, type StationStore } from './store.ts';
import { handoutQrText, stationHandout } from './station-config.ts';
import { mosquittoFiles, writeSecretFile } from './mosquitto-files.ts';

export interface StationRoutesOptions {
  db: Db;
  store: StationStore;
  audit: AuditLog;
  log: Logger;
  school: Config['school'];
  /** The broker port stations connect to; the host defaults to the one the admin's browser used. */
  brokerPort: number;
  /** For the Mosquitto files: the server's own login (and the sim monitor). */
  server: { username: string; password: string };
  monitor?: { username: string; password: string };
  /** Where POST /api/stations/mosquitto writes acl and passwd. */
  mosquittoDir: string;
}

const addBody = z.object({ device: z.string().max(64), role: z.enum(STATION_ROLES), mqttUrl: z.string().max(200).optional() });
const replaceBody = z.object({ mqttUrl: z.string().max(200).optional() });
const mqttUrlSchema = z.string().regex(/^mqtts?:\/\/[A-Za-z0-9.\-[\]:]+(:\d{1,5})?\/?$/);
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/);

function refused(res: Response, err: unknown): void {
  if (!(err instanceof StationError)) throw err;
  const status = err.code === 'NOT_FOUND' ? 404 : err.code === 'DEVICE_TAKEN' || err.code === 'REVOKED' ? 409 : 400;
  sendError(res, status, err.code, err.message_vi, err.message_en);
}

const badRequest = (res: Response) => sendError(res, 400, 'BAD_REQUEST', 'Dữ liệu gửi lên không hợp lệ.', 'The request is not valid.');

export function stationRoutes(o: StationRoutesOptions, guard: { admin: RequestHandler; librarian: RequestHandler }): Router {
  const r = Router();

  /** The broker address a station should use: given by the admin, else the dashboard's own host name. */
  const brokerUrl = (given: string | undefined, host: string | undefined): string | null => {
    if (given !== undefined) return mqttUrlSchema.safeParse(given).success ? given.replace(/\/$/, '') : null;
    const name = (host ?? '127.0.0.1').replace(/:\d+$/, '');
    return `mqtt://${name}:${o.brokerPort}`;
  };

  const handout = (device: string, role: string, password: string, mqttUrl: string) => {
    const h = stationHandout({ school: o.school, device, role, password, mqttUrl });
    const text = handoutQrText(h);
    let qr: string | null = null;
    try {
      qr = qrSvg(encodeQr(text, { ecLevel: 'L' }), { size: 320, title: device });
    } catch (err) {
      if (!(err instanceof QrError)) throw err;
      // Beyond a version 25 symbol (over ~1 kB): the file download always works.
    }
    return { ...h, qrSvg: qr };
  };

  r.get('/api/stations/credentials', guard.admin, (_req, res) => res.json(o.store.list()));

  r.post('/api/stations/credentials', guard.admin, (req, res) => {
    const body = addBody.safeParse(req.body);
    if (!body.success) return badRequest(res);
    const mqttUrl = brokerUrl(body.data.mqttUrl, req.headers.host);
    if (!mqttUrl) return badRequest(res);
    let out;
    try {
      out = o.store.add(body.data.device.trim(), body.data.role);
    } catch (err) {
      return refused(res, err);
    }
    const by = accountOf(res).username;
    o.audit.write(by, 'station_added', null, { device: out.station.device, role: out.station.role });
    o.log.info({ by, device: out.station.device, role: out.station.role }, 'station added');
    // The password is shown once, here; only its hashes are kept.
    res.status(201).json({ station: out.station, password: out.password, ...handout(out.station.device, out.station.role, out.password, mqttUrl) });
  });

  r.post('/api/stations/credentials/:device/replace', guard.admin, (req, res) => {
    const body = replaceBody.safeParse(req.body ?? {});
    if (!body.success) return badRequest(res);
    const mqttUrl = brokerUrl(body.data.mqttUrl, req.headers.host);
    if (!mqttUrl) return badRequest(res);
    let out;
    try {
      out = o.store.replace(String(req.params.device));
    } catch (err) {
      return refused(res, err);
    }
    const by = accountOf(res).username;
    o.audit.write(by, 'station_replaced', null, { device: out.station.device, generation: out.station.generation });
    o.log.info({ by, device: out.station.device }, 'station password replaced');
    res.json({ station: out.station, password: out.password, ...handout(out.station.device, out.station.role, out.password, mqttUrl) });
  });

  r.post('/api/stations/credentials/:device/revoke', guard.admin, (req, res) => {
    let station;
    try {
      station = o.store.revoke(String(req.params.device));
    } catch (err) {
      return refused(res, err);
    }
    const by = accountOf(res).username;
    o.audit.write(by, 'station_revoked', null, { device: station.device });
    o.log.info({ by, device: station.device }, 'station revoked');
    res.json({ station });
  });

  r.post('/api/stations/mosquitto', guard.admin, (_req, res) => {
    const files = mosquittoFiles({ school: o.school.id, store: o.store, server: o.server, monitor: o.monitor });
    const acl = join(o.mosquittoDir, 'acl');
    const passwd = join(o.mosquittoDir, 'passwd');
    writeSecretFile(acl, files.acl);
    writeSecretFile(passwd, files.passwd);
    o.audit.write(accountOf(res).username, 'mosquitto_files_written', null, { accounts: files.accounts.length });
    res.json({ aclFile: acl, passwordFile: passwd, accounts: files.accounts });
  });

  // ---- which station made which transaction ----------------------------------------------
  const range = (q: Record<string, unknown>) => {
    const from = q.from === undefined ? undefined : isoDay.safeParse(q.from);
    const to = q.to === undefined ? undefined : isoDay.safeParse(q.to);
    const device = q.device === undefined ? undefined : z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).safeParse(q.device);
    if ((from && !from.success) || (to && !to.success) || (device && !device.success)) return null;
    const where: string[] = [];
    const args: string[] = [];
    const add = (clause: string, value: string) => {
      where.push(clause);
      args.push(value);
    };
    if (device?.data) add('t.device = ?', device.data);
    if (from?.data) add('t.at >= ?', from.data);
    // A bare day as "to" includes that whole day.
    if (to?.data) add('t.at < ?', to.data.length === 10 ? `${to.data}T99` : to.data);
    return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
  };

  r.get('/api/transactions', guard.librarian, (req, res) => {
    const w = range(req.query);
    if (!w) return badRequest(res);
    const limit = Math.min(Math.max(Number(req.query.limit) || 200, 1), 1000);
    const rows = o.db
      .prepare(
        `SELECT t.id, t.device, t.type, t.at, t.received_at AS receivedAt, json_extract(t.response, '$.status') AS status,
                (SELECT COUNT(*) FROM loans l WHERE l.tx_id = t.id AND l.station = t.device) AS loans
         FROM transactions t ${w.sql} ORDER BY t.at DESC, t.id DESC LIMIT ?`,
      )
      .all(...w.args, limit);
    res.json(rows);
  });

  r.get('/api/transactions/by-station', guard.librarian, (req, res) => {
    const w = range(req.query);
    if (!w) return badRequest(res);
    const rows = o.db
      .prepare(
        `SELECT t.device, COUNT(*) AS transactions, MAX(t.at) AS lastAt,
                (SELECT COUNT(*) FROM loans l WHERE l.station = t.device) AS loans
         FROM transactions t ${w.sql} GROUP BY t.device ORDER BY t.device`,
      )
      .all(...w.args);
    res.json(rows);
  });

  return r;
}
