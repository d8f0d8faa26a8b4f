/**
 * HTTP API of patrons. Mounted behind the dashboard's session and CSRF check; the caller passes
 * the role guards (`read` for lists and cards, `write` for importing and promoting).
 *
 *   POST /api/patrons/roster/preview?name=&year=&scope=classes|school|none&kind=pupil|teacher|staff
 *        body: the CSV or XLSX file itself. 200 the preview (nothing written).
 *   POST /api/patrons/roster/apply?…same…&digest=<preview digest>
 *        200 the result, applied in one transaction; 409 when the data changed since the preview.
 *   GET  /api/patrons?class=<class id>&year=&kind=&inactive=1   sorted the Vietnamese way
 *   GET  /api/classes?year=                                    classes of the year with counts
 *   POST /api/school-year/promote {from?, to?, lastGrade?}     year-end promotion
 *   GET  /api/patrons/cards?ids=a,b,c | ?class=<class id>      printable card sheet (HTML)
 *
 * A refusal is `{error: {code, message_vi, message_en}}` with a 4xx status and changes nothing.
 */
import express, { Router, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import type { Db } from '#core/node/sqlite.ts';
import { parseLibraryBarcode } from '#core/ids.ts';
import { applyRoster, previewRoster, RosterError, type LeaverScope, type RosterOptions } from './roster.ts';
import { RosterFileError, type PatronKind } from './roster-file.ts';
import { promoteSchoolYear } from './promote.ts';
import { listClasses, listPatrons } from './lists.ts';
import { cardSheetHtml } from './cards.ts';
import { isSchoolYear } from './school-year.ts';

export interface PatronRoutesOptions {
  db: Db;
  /** The school year the server runs in. */
  schoolYear: string;
  schoolName: string;
  clock: () => Date;
  log: Logger;
  /** 4-digit institution code for new cards; default: the one on the existing patron cards, else 0001. */
  institution?: string;
  /** Called after patron changes were recorded for the replicas (e.g. to announce a sync). */
  onReplicaChanged?: () => void;
  /** Largest accepted roster file in bytes (default 20 MB). */
  maxBytes?: number;
}

export interface PatronGuards {
  read: RequestHandler;
  write: RequestHandler;
}

function refuse(res: Response, status: number, code: string, vi: string, en: string): void {
  res.status(status).json({ error: { code, message_vi: vi, message_en: en } });
}

/** The institution code most patron cards carry; 0001 when there are none. */
export function institutionOf(db: Db): string {
  const counts = new Map<string, number>();
  for (const { value } of db.prepare(`SELECT value FROM patron_identifiers WHERE kind = 'barcode' LIMIT 5000`).all() as { value: string }[]) {
    const b = parseLibraryBarcode(value);
    if (b?.type === 'patron') counts.set(b.institution, (counts.get(b.institution) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '0001';
}

const KINDS = new Set(['pupil', 'teacher', 'staff']);
const SCOPES = new Set(['classes', 'school', 'none']);

export function patronRoutes(o: PatronRoutesOptions, guard: PatronGuards): Router {
  const r = Router();
  const raw = express.raw({ type: () => true, limit: o.maxBytes ?? 20 * 1024 * 1024 });
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

  const rosterOptions = (q: Record<string, unknown>, res: Response): RosterOptions | null => {
    const year = str(q.year) ?? o.schoolYear;
    if (!isSchoolYear(year)) {
      refuse(res, 400, 'BAD_YEAR', `Năm học "${year}" không hợp lệ (ví dụ 2026-2027).`, `School year "${year}" is not valid (e.g. 2026-2027).`);
      return null;
    }
    const scope = str(q.scope) ?? 'classes';
    const kind = str(q.kind) ?? 'pupil';
    if (!SCOPES.has(scope) || !KINDS.has(kind)) {
      refuse(res, 400, 'BAD_OPTION', 'Tuỳ chọn không hợp lệ.', 'Invalid scope or kind.');
      return null;
    }
    return {
      schoolYear: year,
      currentYear: o.schoolYear,
      institution: o.institution ?? institutionOf(o.db),
      leaverScope: scope as LeaverScope,
      defaultKind: kind as PatronKind,
      now: o.clock(),
    };
  };
  const failed = (res: Response, err: unknown): void => {
    if (err instanceof RosterFileError) return refuse(res, 422, err.code, err.message_vi, err.message_en);
    if (err instanceof RosterError) return refuse(res, err.code === 'PREVIEW_OUTDATED' || err.code === 'ALREADY_PROMOTED' ? 409 : 422, err.code, err.message_vi, err.message_en);
    o.log.error({ err }, 'patron request failed');
    refuse(res, 500, 'INTERNAL', 'Lỗi máy chủ: không có gì bị thay đổi.', 'Server error: nothing was changed.');
  };
  const body = (req: express.Request, res: Response): Buffer | null => {
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
      refuse(res, 400, 'NO_FILE', 'Chưa có tệp danh sách (CSV hoặc Excel).', 'No roster file (CSV or Excel) was sent.');
      return null;
    }
    return req.body;
  };

  r.post('/api/patrons/roster/preview', guard.write, raw, (req, res) => {
    const opts = rosterOptions(req.query, res);
    const file = opts && body(req, res);
    if (!opts || !file) return;
    try {
      res.json(previewRoster(o.db, file, opts));
    } catch (err) {
      failed(res, err);
    }
  });

  r.post('/api/patrons/roster/apply', guard.write, raw, (req, res) => {
    const opts = rosterOptions(req.query, res);
    const file = opts && body(req, res);
    if (!opts || !file) return;
    try {
      const result = applyRoster(o.db, file, { ...opts, expectDigest: str(req.query.digest), fileName: str(req.query.name) });
      o.log.info({ importId: result.importId, counts: result.counts, year: result.schoolYear }, 'roster applied');
      o.onReplicaChanged?.();
      res.json(result);
    } catch (err) {
      failed(res, err);
    }
  });

  r.get('/api/classes', guard.read, (req, res) => {
    const year = str(req.query.year) ?? o.schoolYear;
    if (!isSchoolYear(year)) return refuse(res, 400, 'BAD_YEAR', 'Năm học không hợp lệ.', 'Invalid school year.');
    res.json(listClasses(o.db, year));
  });

  r.get('/api/patrons/cards', guard.read, (req, res) => {
    const year = str(req.query.year) ?? o.schoolYear;
    const ids = str(req.query.ids)?.split(',').filter(Boolean);
    const classId = str(req.query.class);
    if (!isSchoolYear(year) || (!ids && !classId) || (ids && ids.length > 1000)) {
      return refuse(res, 400, 'BAD_QUERY', 'Cần danh sách bạn đọc (ids) hoặc một lớp (class).', 'Give patron ids (ids) or a class (class).');
    }
    const people = listPatrons(o.db, { year, ...(ids ? { ids } : {}), ...(classId ? { classId } : {}), inactive: false });
    // The card's number: the school's own 14-digit library barcode when there is one.
    const cards = people.flatMap((p) => {
      const card = p.cards.find((c) => parseLibraryBarcode(c)?.type === 'patron') ?? p.cards[0];
      return card ? [{ fullName: p.fullName, className: p.className, kind: p.kind, card }] : [];
    });
    let html: string;
    try {
      html = cardSheetHtml(cards, { schoolName: o.schoolName, schoolYear: year });
    } catch (err) {
      // A card number a barcode cannot carry (typed by hand into the database): say so, print nothing.
      return refuse(res, 422, 'BAD_CARD', `Không in được thẻ: ${(err as Error).message}`, `Cannot print the cards: ${(err as Error).message}`);
    }
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(html);
  });

  r.get('/api/patrons', guard.read, (req, res) => {
    const year = str(req.query.year) ?? o.schoolYear;
    const kind = str(req.query.kind);
    if (!isSchoolYear(year) || (kind && !KINDS.has(kind))) return refuse(res, 400, 'BAD_QUERY', 'Tham số không hợp lệ.', 'Invalid query.');
    res.json(
      listPatrons(o.db, {
        year,
        ...(str(req.query.class) ? { classId: str(req.query.class) } : {}),
        ...(kind ? { kind: kind as PatronKind } : {}),
        inactive: req.query.inactive === '1',
      }),
    );
  });

  r.post('/api/school-year/promote', guard.write, (req, res) => {
    const b = (req.body ?? {}) as { from?: unknown; to?: unknown; lastGrade?: unknown };
    const from = typeof b.from === 'string' ? b.from : o.schoolYear;
    const lastGrade = b.lastGrade === undefined ? undefined : Number(b.lastGrade);
    if ((b.to !== undefined && typeof b.to !== 'string') || (lastGrade !== undefined && (!Number.isInteger(lastGrade) || lastGrade < 1 || lastGrade > 12))) {
      return refuse(res, 400, 'BAD_OPTION', 'Tham số không hợp lệ.', 'Invalid promotion options.');
    }
    try {
      const result = promoteSchoolYear(o.db, {
        from,
        ...(typeof b.to === 'string' ? { to: b.to } : {}),
        ...(lastGrade !== undefined ? { lastGrade } : {}),
        currentYear: o.schoolYear,
        now: o.clock(),
      });
      o.log.info({ from: result.from, to: result.to, promoted: result.promoted, graduates: result.graduates.length }, 'school year promoted');
      o.onReplicaChanged?.();
      res.json(result);
    } catch (err) {
      failed(res, err);
    }
  });
  return r;
}
