/**
 * The tagging desk over HTTP, on the station's own server:
 *   GET  /api/tagging/status  the pad's tags, the last code the station's scanner read, progress;
 *   POST /api/tagging/write   {barcode, parts?, overwrite?}: tags the item on the pad;
 *   GET  /tagging/            the page (dist/kiosk/tagging, built from kiosk/tagging/).
 * Staff only: the desk PC's own browser, i.e. a loopback caller that names this machine as Host
 * (no DNS rebinding) and, when it sends an Origin, comes from this same origin (no other web
 * page in that browser can write tags).
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { join } from 'node:path';
import { isLoopback } from '#core/node/loopback.ts';
import type { CodeReader } from '#hardware/interfaces.ts';
import type { TaggingError, TaggingErrorCode, TaggingWriteRequest } from './api.ts';
import { MAX_PARTS, TaggingService, type TaggingServiceOptions } from './service.ts';

export interface TaggingDeps extends TaggingServiceOptions {
  /** The station's code readers: what its barcode scanner reads becomes status.lastScan. */
  readers?: readonly CodeReader[];
  /** The kiosk build (dist/kiosk); the page is its tagging/ folder. */
  staticDir?: string;
}

const HTTP_STATUS: Record<TaggingErrorCode, number> = {
  BAD_REQUEST: 400,
  BAD_BARCODE: 400,
  NOT_STAFF: 403,
  UNKNOWN_BARCODE: 404,
  NO_TAG: 409,
  TOO_MANY_TAGS: 409,
  TOO_FEW_TAGS: 409,
  TAG_HAS_OTHER_ITEM: 409,
  TAG_UNREADABLE: 409,
  WRITE_FAILED: 502,
  VERIFY_FAILED: 502,
  AFI_FAILED: 502,
  NO_PAD: 503,
  READER_ERROR: 503,
};

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function hostname(host: string | undefined): string | null {
  if (!host) return null;
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return null;
  }
}

/** True for the desk PC's own browser (or a script on it); false for the LAN and for other origins. */
export function isStaffRequest(req: Request): boolean {
  if (!isLoopback(req.socket.remoteAddress)) return false;
  const host = req.headers.host;
  const name = hostname(host);
  if (!name || !(LOCAL_HOSTS.has(name) || name.startsWith('127.'))) return false;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (origin === 'null') return false;
    try {
      if (new URL(origin).host !== host) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function staffOnly(req: Request, res: Response, next: NextFunction): void {
  if (isStaffRequest(req)) return next();
  res.status(403).json({ error: { code: 'NOT_STAFF', message_vi: 'Chỉ dùng được trên chính máy quầy thủ thư.', message_en: 'Tagging is only available on the desk station itself.' } satisfies TaggingError });
}

function badRequest(res: Response, en: string): void {
  res.status(400).json({ error: { code: 'BAD_REQUEST', message_vi: 'Yêu cầu không hợp lệ.', message_en: en } satisfies TaggingError });
}

/** Adds the tagging routes and page to the station's app; returns the service (its scanner feed already wired). */
export function mountTagging(app: express.Express, deps: TaggingDeps): TaggingService {
  const service = new TaggingService(deps);
  for (const r of deps.readers ?? []) if (r.kind === 'scanner') r.onCode((code) => service.noteScan(code));
  const json = express.json({ limit: '4kb' });

  app.get('/api/tagging/status', staffOnly, (_req, res) => {
    res.set('cache-control', 'no-store').json(service.status());
  });

  app.post('/api/tagging/write', staffOnly, json, async (req, res) => {
    if (!req.is('application/json')) return badRequest(res, 'Send a JSON body (content-type: application/json).');
    const body = req.body as Partial<Record<keyof TaggingWriteRequest, unknown>> | undefined;
    const { barcode, parts, overwrite } = body ?? {};
    if (typeof barcode !== 'string' || barcode.length === 0 || barcode.length > 64) return badRequest(res, 'Send {"barcode": "..."} with 1 to 64 characters.');
    if (parts !== undefined && (typeof parts !== 'number' || !Number.isInteger(parts) || parts < 1 || parts > MAX_PARTS)) return badRequest(res, `"parts" must be an integer from 1 to ${MAX_PARTS}.`);
    if (overwrite !== undefined && typeof overwrite !== 'boolean') return badRequest(res, '"overwrite" must be true or false.');
    const result = await service.write({ barcode, ...(parts !== undefined ? { parts } : {}), ...(overwrite !== undefined ? { overwrite } : {}) });
    if (result.ok) res.json(result);
    else res.status(HTTP_STATUS[result.error.code]).json(result);
  });

  if (deps.staticDir) {
    app.use('/tagging', staffOnly, express.static(join(deps.staticDir, 'tagging'), { index: 'index.html' }));
  }
  return service;
}
