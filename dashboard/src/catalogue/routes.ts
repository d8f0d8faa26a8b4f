/**
 * HTTP API of catalogue import and export. Mounted behind the dashboard's session (and CSRF)
 * check; the caller passes the role guards: `write` for importing and cancelling, `read` for the
 * runs and the export.
 *
 *   POST /api/catalogue/import[?name=<file name>][&wait=1]
 *        body: the file itself (any content type) or multipart/form-data with one file part.
 *        202 {runId} at once (progress as socket.io `catalogueImport` events, the report in the
 *        last one, status ≠ "running"); with wait=1, 200 and the whole report when it is done.
 *   POST /api/catalogue/import/:runId/cancel   stops after the current batch (200 {ok})
 *   GET  /api/catalogue/import/:runId          the run as stored, with its report
 *   GET  /api/catalogue/imports                the latest runs
 *   GET  /api/catalogue/export?format=iso2709|marcxml[&encoding=marc8]   the catalogue as a download
 *        (UTF-8; MARC-8 on request for ISO 2709, for systems that read nothing else)
 *
 * A refusal is `{error: {code, message_vi, message_en}}` with a 4xx status and changes nothing.
 */
import express, { type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import type { Db } from '#core/node/sqlite.ts';
import { importMarc, importRuns, type ImportProgress, type ImportReport } from './import.ts';
import { exportCatalogue, type ExportProblem } from './export.ts';

/** What the routes need of socket.io: broadcasting to logged-in dashboards. */
export interface ImportBroadcast {
  emit(event: string, ...args: unknown[]): unknown;
}

export interface CatalogueImportRoutesOptions {
  db: Db;
  /** The dashboard's socket.io server (typed loosely: the import event is not in its event map). */
  io: { emit: unknown };
  log: Logger;
  clock?: () => Date;
  /** Largest accepted upload in bytes (default 100 MB). */
  maxBytes?: number;
  /** Records per transaction (the importer's default when not given). */
  batchSize?: number;
}

export interface CatalogueImportGuards {
  read: RequestHandler;
  write: RequestHandler;
}

/** The socket.io event carrying an import's progress, then its report. */
export const IMPORT_EVENT = 'catalogueImport';

export type ImportEvent = (ImportProgress & { status: 'running' }) | (ImportReport & { total: number; done: number });

function refuse(res: Response, status: number, code: string, vi: string, en: string): void {
  res.status(status).json({ error: { code, message_vi: vi, message_en: en } });
}

/**
 * The first file part of a multipart/form-data body, or null when the body is not one.
 * Only what a browser's FormData sends is needed: CRLF line ends, a boundary, part headers.
 */
export function multipartFile(body: Buffer, contentType: string | undefined): { name: string | null; data: Buffer } | null {
  const m = /^multipart\/form-data\s*;.*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  if (!m) return null;
  const delimiter = Buffer.from(`--${m[1] ?? m[2]}`);
  let pos = body.indexOf(delimiter);
  while (pos >= 0) {
    const headStart = pos + delimiter.length + 2; // past CRLF
    if (body.subarray(pos + delimiter.length, pos + delimiter.length + 2).toString() === '--') return null;
    const headEnd = body.indexOf('\r\n\r\n', headStart);
    if (headEnd < 0) return null;
    const head = body.subarray(headStart, headEnd).toString('utf8');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headEnd + 4);
    if (next < 0) return null;
    const fn = /filename\*?=(?:UTF-8'')?"?([^";\r\n]*)"?/i.exec(head);
    if (fn) {
      let name: string | null = fn[1] ?? null;
      try {
        if (name) name = decodeURIComponent(name);
      } catch {
        /* keep as sent */
      }
      return { name, data: body.subarray(headEnd + 4, next) };
    }
    pos = next + 2;
  }
  return null;
}

export function catalogueImportRoutes(o: CatalogueImportRoutesOptions, guards: CatalogueImportGuards): express.Router {
  const r = express.Router();
  const log = o.log.child({ component: 'catalogue-import' });
  const io = o.io as ImportBroadcast;
  const running = new Map<number, AbortController>();
  const raw = express.raw({ type: () => true, limit: o.maxBytes ?? 100 * 1024 * 1024 });

  r.post('/api/catalogue/import', guards.write, raw, (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const part = multipartFile(body, req.headers['content-type']);
    const data = part ? part.data : body;
    if (data.length === 0) {
      refuse(res, 400, 'EMPTY_FILE', 'Chưa có tệp nào được gửi lên, hoặc tệp rỗng.', 'No file was sent, or the file is empty.');
      return;
    }
    const qName = typeof req.query.name === 'string' ? req.query.name.slice(0, 200) : null;
    const fileName = part?.name || qName || 'upload';
    const wait = req.query.wait === '1' || req.query.wait === 'true';
    const abort = new AbortController();
    let runId = 0;
    const user = (res.locals.account as { username?: string } | undefined)?.username ?? null;
    const done = importMarc(o.db, data, {
      fileName,
      signal: abort.signal,
      ...(o.clock ? { clock: o.clock } : {}),
      ...(o.batchSize ? { batchSize: o.batchSize } : {}),
      ...(user ? { byUser: user } : {}),
      onProgress: (p) => {
        if (runId === 0) {
          runId = p.runId;
          running.set(runId, abort);
          if (!wait) res.status(202).json({ runId });
        }
        io.emit(IMPORT_EVENT, { ...p, status: 'running' } satisfies ImportEvent);
      },
    });
    done
      .then((report) => {
        running.delete(report.runId);
        const total = report.read;
        io.emit(IMPORT_EVENT, { ...report, total, done: total - report.notProcessed } satisfies ImportEvent);
        log.info({ runId: report.runId, file: fileName, status: report.status, read: report.read, imported: report.imported, updated: report.updated, rejected: report.rejected }, 'catalogue import finished');
        if (wait) res.json(report);
        else if (!res.headersSent) res.status(202).json({ runId: report.runId });
      })
      .catch((err: unknown) => {
        running.delete(runId);
        log.error({ err }, 'catalogue import failed');
        if (!res.headersSent) refuse(res, 500, 'IMPORT_FAILED', 'Nhập dữ liệu bị lỗi, hãy thử lại.', 'The import failed; please try again.');
      });
  });

  const runIdOf = (v: unknown): number | null => {
    const n = Number(v);
    return Number.isSafeInteger(n) && n > 0 ? n : null;
  };

  r.post('/api/catalogue/import/:runId/cancel', guards.write, (req, res) => {
    const id = runIdOf(req.params.runId);
    const ctl = id === null ? undefined : running.get(id);
    if (!ctl) {
      refuse(res, 404, 'NOT_RUNNING', 'Không có lần nhập nào đang chạy với số này.', 'No import with this number is running.');
      return;
    }
    ctl.abort();
    res.json({ ok: true, runId: id });
  });

  r.get('/api/catalogue/import/:runId', guards.read, (req, res) => {
    const id = runIdOf(req.params.runId);
    const row =
      id === null
        ? undefined
        : (o.db
            .prepare(
              `SELECT id, kind, file_name AS fileName, format, started_at AS startedAt, finished_at AS finishedAt, status, read, imported, updated, rejected, copies_added AS copiesAdded, warnings, by_user AS byUser, report FROM import_runs WHERE id = ?`,
            )
            .get(id) as (Record<string, unknown> & { report: string | null }) | undefined);
    if (!row) {
      refuse(res, 404, 'NO_SUCH_RUN', 'Không có lần nhập này.', 'No such import run.');
      return;
    }
    const { report, ...rest } = row;
    res.json({ ...rest, ...(report ? (JSON.parse(report) as object) : {}) });
  });

  r.get('/api/catalogue/imports', guards.read, (req, res) => {
    const limit = Math.min(Math.max(Number(req.query.limit) || 20, 1), 200);
    res.json(importRuns(o.db, limit));
  });

  r.get('/api/catalogue/export', guards.read, (req, res) => {
    const format = req.query.format ?? 'iso2709';
    if (format !== 'iso2709' && format !== 'marcxml') {
      refuse(res, 400, 'BAD_FORMAT', 'Định dạng phải là iso2709 hoặc marcxml.', 'The format must be iso2709 or marcxml.');
      return;
    }
    const encoding = req.query.encoding ?? 'utf8';
    if ((encoding !== 'utf8' && encoding !== 'marc8') || (encoding === 'marc8' && format !== 'iso2709')) {
      refuse(res, 400, 'BAD_ENCODING', 'Bảng mã phải là utf8, hoặc marc8 cho ISO 2709.', 'The encoding must be utf8, or marc8 with ISO 2709.');
      return;
    }
    const day = (o.clock?.() ?? new Date()).toISOString().slice(0, 10);
    const name = format === 'marcxml' ? `catalogue-${day}.xml` : `catalogue-${day}.mrc`;
    res.setHeader('Content-Type', format === 'marcxml' ? 'application/marcxml+xml; charset=utf-8' : 'application/marc');
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    const problems: ExportProblem[] = [];
    // Written in chunks of about 64 kB; the generator reads the catalogue one record at a time.
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for (const piece of exportCatalogue(o.db, format, problems, encoding)) {
        chunks.push(piece);
        size += piece.length;
        if (size >= 65536) {
          res.write(Buffer.concat(chunks));
          chunks.length = 0;
          size = 0;
        }
      }
      res.end(Buffer.concat(chunks));
    } catch (err) {
      log.error({ err }, 'catalogue export failed');
      if (!res.headersSent) refuse(res, 500, 'EXPORT_FAILED', 'Xuất dữ liệu bị lỗi.', 'The export failed.');
      else res.destroy(err as Error);
      return;
    }
    if (problems.length) log.warn({ problems }, 'catalogue export left records out');
  });

  return r;
}
