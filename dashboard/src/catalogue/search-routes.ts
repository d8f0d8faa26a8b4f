/**
 * HTTP API of catalogue search, DDC browse, a record with its copies, adding and changing copies,
 * catalogue settings and label sheets. Mounted behind the dashboard's session (and CSRF) check;
 * the caller passes the role guards: `read` for lookups, `write` for changes. Every body is
 * validated; a refusal is `{error: {code, message_vi, message_en}}` with a 4xx status, and changes
 * nothing.
 */
import express, { type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { Db } from '#core/node/sqlite.ts';
import { COLLECTIONS } from '#core/policy.ts';
import { Library } from '../db/library.ts';
import { CatalogueSearch } from './search.ts';
import { DDC_CLASSES, ddcDivisions, ddcOverview, ddcRange, ddcRecords } from './ddc.ts';
import { CatalogueError, COPY_SOURCES, COPY_STATUSES, CopyManager } from './copies.ts';
import { labelSheetHtml } from './labels.ts';

export interface CatalogueRoutesOptions {
  db: Db;
  /** The current school year, for the replica change rows (Library). */
  schoolYear: string;
  schoolName: string;
  clock: () => Date;
  log: Logger;
}

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const price = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).nullable();
const text = (max: number) => z.string().trim().max(max);

const newCopiesBody = z.strictObject({
  count: z.number().int().min(1).max(200).optional(),
  collection: z.enum(COLLECTIONS),
  referenceOnly: z.boolean().optional(),
  price: price.optional(),
  source: z.enum(COPY_SOURCES).nullable().optional(),
  callNumber: text(40).nullable().optional(),
});

const copyPatchBody = z.strictObject({
  status: z.enum(COPY_STATUSES).optional(),
  statusNote: text(200).nullable().optional(),
  collection: z.enum(COLLECTIONS).optional(),
  referenceOnly: z.boolean().optional(),
  callNumber: text(40).nullable().optional(),
  price: price.optional(),
  source: z.enum(COPY_SOURCES).nullable().optional(),
});

const settingsBody = z.strictObject({
  accessionPatterns: z.partialRecord(z.enum(COLLECTIONS), z.string().max(40)).optional(),
  barcodes: z.enum(['library', 'accession']).optional(),
  institution: z.string().regex(/^\d{4}$/).nullable().optional(),
});

function refuse(res: Response, status: number, code: string, vi: string, en: string): void {
  res.status(status).json({ error: { code, message_vi: vi, message_en: en } });
}

function badRequest(res: Response, err: z.ZodError): void {
  const where = err.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
  refuse(res, 400, 'BAD_REQUEST', `Dữ liệu gửi lên không hợp lệ (${where}).`, `The request is not valid (${where}).`);
}

export interface CatalogueGuards {
  /** Who may search and read (e.g. requireRole('viewer')). */
  read: RequestHandler;
  /** Who may add and change copies and settings (e.g. requireRole('librarian')). */
  write: RequestHandler;
}

/** Who made the request, for the log (the dashboard's auth puts the account in res.locals). */
function who(res: Response): string | undefined {
  const l = res.locals as { account?: { username?: string }; session?: { username?: string } };
  return (l.account ?? l.session)?.username;
}

/** The router, with full /api/... paths: mount it with app.use(router). */
export function catalogueSearchRoutes(o: CatalogueRoutesOptions, guards: CatalogueGuards): express.Router {
  const read = guards.read;
  const mayWrite = guards.write;
  const r = express.Router();
  const library = new Library(o.db, o.schoolYear);
  const search = new CatalogueSearch(o.db);
  const copies = new CopyManager(o.db, library, o.clock);
  const log = o.log.child({ component: 'catalogue' });

  // Wraps a handler so a CatalogueError becomes its 4xx answer and anything else a logged 500.
  const handle =
    (fn: (req: express.Request, res: Response) => void): RequestHandler =>
    (req, res) => {
      try {
        fn(req, res);
      } catch (err) {
        if (err instanceof CatalogueError) {
          res.status(err.status).json({ error: err.toReason() });
          return;
        }
        log.error({ err, path: req.path }, 'catalogue request failed');
        refuse(res, 500, 'INTERNAL', 'Lỗi máy chủ, chưa có gì thay đổi.', 'Server error; nothing was changed.');
      }
    };

  r.get(
    '/api/catalogue/search',
    read,
    handle((req, res) => {
      const q = typeof req.query.q === 'string' ? req.query.q : '';
      const limit = Number(req.query.limit) || 20;
      res.json(search.search(q, limit));
    }),
  );

  r.get('/api/catalogue/ddc', read, handle((_req, res) => res.json(ddcOverview(o.db))));

  r.get(
    '/api/catalogue/ddc/:code',
    read,
    handle((req, res) => {
      const code = String(req.params.code);
      const range = ddcRange(code);
      if (!range) {
        refuse(res, 404, 'NO_CLASS', `Không có lớp DDC "${code}".`, `No DDC class "${code}".`);
        return;
      }
      const list = ddcRecords(o.db, code, Number(req.query.limit) || 50, Number(req.query.offset) || 0)!;
      const main = DDC_CLASSES.find((c) => c.code === `${range.code[0]}00`)!;
      res.json({
        ...range,
        name: { vi: main.vi, en: main.en },
        divisions: range.kind === 'class' ? ddcDivisions(o.db, range.code) : [],
        ...list,
      });
    }),
  );

  r.get(
    '/api/records/:id',
    read,
    handle((req, res) => {
      const p = id.safeParse(req.params.id);
      const rec = p.success ? copies.record(p.data) : null;
      if (!rec) {
        refuse(res, 404, 'NO_RECORD', 'Không tìm thấy biểu ghi.', 'No such record.');
        return;
      }
      res.json(rec);
    }),
  );

  r.post(
    '/api/records/:id/copies',
    mayWrite,
    handle((req, res) => {
      const p = id.safeParse(req.params.id);
      if (!p.success) {
        refuse(res, 404, 'NO_RECORD', 'Không tìm thấy biểu ghi.', 'No such record.');
        return;
      }
      const body = newCopiesBody.safeParse(req.body);
      if (!body.success) return badRequest(res, body.error);
      const added = copies.addCopies(p.data, body.data);
      log.info({ record: p.data, copies: added.map((c) => c.barcode), by: who(res) }, 'copies added');
      res.status(201).json({ copies: added });
    }),
  );

  r.patch(
    '/api/copies/:id',
    mayWrite,
    handle((req, res) => {
      const p = id.safeParse(req.params.id);
      if (!p.success) {
        refuse(res, 404, 'NO_COPY', 'Không tìm thấy bản sách.', 'No such copy.');
        return;
      }
      const body = copyPatchBody.safeParse(req.body);
      if (!body.success) return badRequest(res, body.error);
      const copy = copies.updateCopy(p.data, body.data);
      log.info({ copy: copy.barcode, patch: body.data, by: who(res) }, 'copy changed');
      res.json(copy);
    }),
  );

  r.get(
    '/api/copies/labels',
    read,
    handle((req, res) => {
      const raw = typeof req.query.ids === 'string' ? req.query.ids : '';
      const ids = raw.split(',').filter((s) => s.trim() !== '').map((s) => id.safeParse(s.trim()));
      if (ids.length === 0 || ids.length > 500 || ids.some((x) => !x.success)) {
        refuse(res, 400, 'BAD_IDS', 'Cần danh sách mã bản sách (ids=1,2,3; tối đa 500).', 'Give a list of copy ids (ids=1,2,3; at most 500).');
        return;
      }
      const list = copies.labelCopies(ids.map((x) => x.data!));
      if (list.length === 0) {
        refuse(res, 404, 'NO_COPY', 'Không tìm thấy bản sách nào.', 'None of these copies exist.');
        return;
      }
      res.type('html').send(labelSheetHtml({ schoolName: o.schoolName, copies: list, skip: Number(req.query.skip) || 0 }));
    }),
  );

  r.get('/api/catalogue/settings', read, handle((_req, res) => res.json(copies.settings())));

  r.put(
    '/api/catalogue/settings',
    mayWrite,
    handle((req, res) => {
      const body = settingsBody.safeParse(req.body);
      if (!body.success) return badRequest(res, body.error);
      res.json(copies.saveSettings(body.data));
    }),
  );

  return r;
}
