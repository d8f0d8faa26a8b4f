/**
 * Roster import: a preview of what a roster file will change (new patrons, class moves, changed
 * details, leavers, rejected rows), then the same plan applied in one transaction. Class membership
 * is written for the roster's school year only; other years' rows are never touched. Leavers are
 * deactivated (their loans, visits and memberships stay), and one with books out is flagged.
 */
import { createHash } from 'node:crypto';
import type { Db } from '#core/node/sqlite.ts';
import { makeLibraryBarcode, parseLibraryBarcode } from '#core/ids.ts';
import { hashPin } from '#core/node/pin.ts';
import { parseRoster, type ParsedRoster, type PatronKind, type Rejection, type RosterEntry, type RosterField } from './roster-file.ts';
import { classIdFor, isSchoolYear } from './school-year.ts';
import { recordPatronChanges } from './replica.ts';
import { compareNames } from './sort.ts';

export type ChangeField = 'fullName' | 'kind' | 'dob' | 'gender' | 'pupilCode' | 'class' | 'homeroom' | 'textbookEligible' | 'active' | 'card' | 'uid' | 'pin';

export interface FieldChange {
  field: ChangeField;
  from: string | null;
  to: string | null;
}

export interface RowPlan {
  rowNumber: number;
  action: 'new' | 'update' | 'same';
  /** The existing patron, or the id the new one will get. */
  patronId: string;
  kind: PatronKind;
  fullName: string;
  className: string | null;
  changes: FieldChange[];
}

export interface OpenLoanNote {
  barcode: string;
  title: string;
  dueDate: string;
}

export interface Leaver {
  patronId: string;
  fullName: string;
  className: string | null;
  /** Books still out in the leaver's name: the librarian must get them back. */
  loans: OpenLoanNote[];
}

export interface RosterPreview {
  schoolYear: string;
  format: 'csv' | 'xlsx';
  headerRow: number;
  columns: Partial<Record<RosterField, string>>;
  ignoredColumns: string[];
  /** Which active pupils count as leavers when missing from the file. */
  leaverScope: LeaverScope;
  counts: {
    rows: number;
    new: number;
    moved: number;
    changed: number;
    unchanged: number;
    leavers: number;
    leaversWithLoans: number;
    rejected: number;
  };
  rows: RowPlan[];
  leavers: Leaver[];
  rejected: Rejection[];
  /** Classes of the year the import creates ("4C"). */
  newClasses: string[];
  /** Fingerprint of the plan: apply refuses when the database moved on since the preview. */
  digest: string;
}

export interface RosterResult extends RosterPreview {
  applied: true;
  importId: number;
  /** Patrons created, for the card sheet. */
  newPatronIds: string[];
}

/**
 * 'classes': pupils of the classes named in the file who are not in it are leavers (a class roster);
 * 'school': every active pupil of the year missing from the file is (the whole school's roster);
 * 'none': nobody leaves.
 */
export type LeaverScope = 'classes' | 'school' | 'none';

export interface RosterOptions {
  /** The school year the roster is for, "2026-2027". */
  schoolYear: string;
  /** The year the server runs in: replica changes show patrons as that year sees them. */
  currentYear: string;
  /** 4-digit institution code for the card barcodes of new patrons. */
  institution: string;
  leaverScope?: LeaverScope;
  /** Kind of rows without a kind column; default pupil. */
  defaultKind?: PatronKind;
  now: Date;
}

/** A user-facing refusal of the whole import (bad year, plan changed since preview…). */
export class RosterError extends Error {
  override name = 'RosterError';
  constructor(
    readonly code: string,
    readonly message_vi: string,
    readonly message_en: string,
  ) {
    super(message_en);
  }
}

interface PatronDbRow {
  id: string;
  kind: PatronKind;
  fullName: string;
  gender: string | null;
  dob: string | null;
  pupilCode: string | null;
  active: number;
  textbookEligible: number;
}

const PATRON_COLS = `id, kind, full_name AS fullName, gender, dob, pupil_code AS pupilCode, active, textbook_eligible AS textbookEligible`;

interface Plan {
  preview: RosterPreview;
  entries: Map<number, RosterEntry>;
  /** New patrons' generated card barcodes by row number. */
  generatedCards: Map<number, string>;
}

function yesNo(b: boolean | number): string {
  return b ? 'có' : 'không';
}

/** Computes the plan against the database as it is now (no writes). */
function plan(db: Db, parsed: ParsedRoster, o: RosterOptions): Plan {
  if (!isSchoolYear(o.schoolYear)) {
    throw new RosterError('BAD_YEAR', `Năm học "${o.schoolYear}" không hợp lệ (ví dụ 2026-2027).`, `School year "${o.schoolYear}" is not valid (e.g. 2026-2027).`);
  }
  const year = o.schoolYear;
  const scope = o.leaverScope ?? 'classes';
  const q = {
    byCode: db.prepare(`SELECT ${PATRON_COLS} FROM patrons WHERE pupil_code = ?`),
    byIdent: db.prepare(`SELECT p.id, p.kind, p.full_name AS fullName, p.gender, p.dob, p.pupil_code AS pupilCode, p.active, p.textbook_eligible AS textbookEligible, i.kind AS identKind
                          FROM patron_identifiers i JOIN patrons p ON p.id = i.patron_id WHERE i.value = ?`),
    byNameDob: db.prepare(`SELECT ${PATRON_COLS} FROM patrons WHERE full_name = ? AND dob = ? AND kind = ?`),
    byNameKind: db.prepare(`SELECT ${PATRON_COLS} FROM patrons WHERE full_name = ? AND kind = ?`),
    membership: db.prepare(`SELECT c.name FROM class_members m JOIN classes c ON c.id = m.class_id WHERE m.school_year = ? AND m.patron_id = ?`),
    classByName: db.prepare(`SELECT id, homeroom_teacher_id AS homeroom FROM classes WHERE school_year = ? AND name = ?`),
    identsOf: db.prepare(`SELECT value, kind FROM patron_identifiers WHERE patron_id = ?`),
    pinOf: db.prepare(`SELECT pin_hash AS pinHash FROM patrons WHERE id = ?`),
    patronExists: db.prepare(`SELECT 1 FROM patrons WHERE id = ?`),
  };

  // Serials for new cards: pupils below 9001, staff and teachers from 9001 (README), per institution.
  let pupilSerial = 0;
  let staffSerial = 9000;
  for (const { value } of db.prepare(`SELECT value FROM patron_identifiers WHERE kind = 'barcode'`).all() as { value: string }[]) {
    const b = parseLibraryBarcode(value);
    if (!b || b.type !== 'patron' || b.institution !== o.institution) continue;
    if (b.serial >= 9001 && b.serial <= 9999) staffSerial = Math.max(staffSerial, b.serial);
    else pupilSerial = Math.max(pupilSerial, b.serial);
  }
  const takenIds = new Set<string>();
  const takenCards = new Set<string>();
  const newId = (kind: PatronKind, serial: number | null): string => {
    let id = serial !== null ? `${kind}-${serial}` : '';
    let k = 1;
    while (!id || takenIds.has(id) || q.patronExists.get(id)) id = `${kind}-${serial ?? 'n'}-${k++}`;
    takenIds.add(id);
    return id;
  };
  const nextCard = (kind: PatronKind): { serial: number; card: string } => {
    for (;;) {
      let serial: number;
      if (kind === 'pupil') {
        serial = ++pupilSerial;
        if (serial >= 9001 && serial <= 9999) serial = pupilSerial = 10000;
      } else serial = staffSerial = staffSerial >= 9999 && staffSerial < 10000 ? Math.max(pupilSerial, 10000) + 1 : staffSerial + 1;
      const card = makeLibraryBarcode('patron', o.institution, serial);
      if (!takenCards.has(card) && !q.byIdent.get(card)) {
        takenCards.add(card);
        return { serial, card };
      }
    }
  };

  const rows: RowPlan[] = [];
  const rejected: Rejection[] = [...parsed.rejected];
  const entries = new Map<number, RosterEntry>();
  const generatedCards = new Map<number, string>();
  const matchedBy = new Map<string, number>();
  const newClasses = new Set<string>();
  const homeroomTaken = new Map<string, number>();
  const reject = (e: RosterEntry, code: string, vi: string, en: string) =>
    rejected.push({
      rowNumber: e.rowNumber,
      text: [e.fullName, e.className].filter(Boolean).join(', '),
      code,
      message_vi: vi,
      message_en: en,
      fullName: e.fullName,
      ...(e.pupilCode ? { pupilCode: e.pupilCode } : {}),
    });
  for (const e of parsed.entries) if (e.card) takenCards.add(e.card);

  for (const e of parsed.entries) {
    // Who is this? Pupil code first, then the card, the RFID UID, then name + date of birth.
    let match: PatronDbRow | null = null;
    let ambiguous = false;
    const one = (list: PatronDbRow[]) => {
      if (list.length > 1) ambiguous = true;
      return list.length === 1 ? list[0]! : null;
    };
    if (e.pupilCode) match = one(q.byCode.all(e.pupilCode) as PatronDbRow[]);
    const cardOwner = e.card ? ((q.byIdent.get(e.card) as PatronDbRow | undefined) ?? null) : null;
    const uidOwner = e.uid ? ((q.byIdent.get(e.uid) as PatronDbRow | undefined) ?? null) : null;
    if (!match && !ambiguous) match = cardOwner ?? uidOwner;
    if (!match && !ambiguous && e.dob) match = one(q.byNameDob.all(e.fullName, e.dob, e.kind) as PatronDbRow[]);
    if (!match && !ambiguous && !e.dob && e.kind !== 'pupil') match = one(q.byNameKind.all(e.fullName, e.kind) as PatronDbRow[]);
    if (ambiguous) {
      reject(e, 'AMBIGUOUS', 'Có nhiều bạn đọc trùng mã hoặc trùng họ tên và ngày sinh: hãy thêm mã học sinh.', 'Several patrons share this code or name and date of birth: add the pupil code.');
      continue;
    }
    if (cardOwner && match && cardOwner.id !== match.id) {
      reject(e, 'CARD_TAKEN', `Số thẻ ${e.card} đang thuộc về ${cardOwner.fullName}.`, `Card ${e.card} belongs to ${cardOwner.fullName}.`);
      continue;
    }
    if (uidOwner && match && uidOwner.id !== match.id) {
      reject(e, 'UID_TAKEN', `UID thẻ ${e.uid} đang thuộc về ${uidOwner.fullName}.`, `Card UID ${e.uid} belongs to ${uidOwner.fullName}.`);
      continue;
    }
    if (match) {
      const first = matchedBy.get(match.id);
      if (first !== undefined) {
        reject(e, 'SAME_PATRON', `Trùng bạn đọc với dòng ${first} (${match.fullName}).`, `Same patron as row ${first} (${match.fullName}).`);
        continue;
      }
    }
    const cls = e.className ? (q.classByName.get(year, e.className) as { id: string; homeroom: string | null } | undefined) : undefined;
    if (e.kind !== 'pupil' && e.className) {
      const other = homeroomTaken.get(e.className);
      if (other !== undefined) {
        reject(e, 'TWO_HOMEROOMS', `Lớp ${e.className} đã có giáo viên chủ nhiệm ở dòng ${other}.`, `Class ${e.className} already has its homeroom teacher on row ${other}.`);
        continue;
      }
      homeroomTaken.set(e.className, e.rowNumber);
    }
    if (e.className && !cls) newClasses.add(e.className);

    const changes: FieldChange[] = [];
    let patronId: string;
    if (!match) {
      let card = e.card;
      let serial: number | null = null;
      if (card) {
        const b = parseLibraryBarcode(card);
        if (b?.type === 'patron') serial = b.serial;
        takenCards.add(card);
      } else {
        const next = nextCard(e.kind);
        card = next.card;
        serial = next.serial;
        generatedCards.set(e.rowNumber, card);
      }
      patronId = newId(e.kind, serial);
      changes.push({ field: 'card', from: null, to: card });
      if (e.uid) changes.push({ field: 'uid', from: null, to: e.uid });
      if (e.kind === 'pupil') changes.push({ field: 'class', from: null, to: e.className });
      else if (e.className) changes.push({ field: 'homeroom', from: null, to: e.className });
      if (e.pin) changes.push({ field: 'pin', from: null, to: '••••' });
      rows.push({ rowNumber: e.rowNumber, action: 'new', patronId, kind: e.kind, fullName: e.fullName, className: e.className, changes });
    } else {
      patronId = match.id;
      matchedBy.set(match.id, e.rowNumber);
      const diff = (field: ChangeField, from: string | null, to: string | null) => {
        if (to !== null && from !== to) changes.push({ field, from, to });
      };
      diff('fullName', match.fullName, e.fullName);
      diff('kind', match.kind, e.kind);
      diff('dob', match.dob, e.dob);
      diff('gender', match.gender, e.gender);
      diff('pupilCode', match.pupilCode, e.pupilCode);
      if (e.textbookEligible !== null) diff('textbookEligible', yesNo(match.textbookEligible), yesNo(e.textbookEligible));
      if (!match.active) changes.push({ field: 'active', from: 'không', to: 'có' });
      if (e.kind === 'pupil') {
        const now = (q.membership.get(year, match.id) as { name: string } | undefined)?.name ?? null;
        diff('class', now, e.className);
      } else if (e.className && cls?.homeroom !== match.id) {
        changes.push({ field: 'homeroom', from: null, to: e.className });
      }
      const idents = q.identsOf.all(match.id) as { value: string; kind: string }[];
      if (e.card && !idents.some((i) => i.value === e.card)) changes.push({ field: 'card', from: idents.find((i) => i.kind === 'barcode')?.value ?? null, to: e.card });
      if (e.uid && !idents.some((i) => i.value === e.uid)) changes.push({ field: 'uid', from: idents.find((i) => i.kind === 'uid')?.value ?? null, to: e.uid });
      // A PIN in the file is always (re)set: comparing it with the stored scrypt hash costs as much as hashing.
      if (e.pin) changes.push({ field: 'pin', from: (q.pinOf.get(match.id) as { pinHash: string | null }).pinHash ? '••••' : null, to: '••••' });
      rows.push({ rowNumber: e.rowNumber, action: changes.length ? 'update' : 'same', patronId, kind: e.kind, fullName: e.fullName, className: e.className, changes });
    }
    entries.set(e.rowNumber, e);
  }

  // Leavers: active pupils of this year, within the scope, that no row matched.
  const leavers: Leaver[] = [];
  if (scope !== 'none') {
    const fileClasses = new Set(parsed.entries.filter((e) => e.kind === 'pupil' && e.className).map((e) => e.className!));
    const candidates = db
      .prepare(
        `SELECT p.id, p.full_name AS fullName, c.name AS className FROM patrons p
         JOIN class_members m ON m.patron_id = p.id AND m.school_year = ?
         JOIN classes c ON c.id = m.class_id
         WHERE p.kind = 'pupil' AND p.active = 1`,
      )
      .all(year) as { id: string; fullName: string; className: string }[];
    const loansOf = db.prepare(
      `SELECT c.barcode, r.title, l.due_date AS dueDate FROM loans l JOIN copies c ON c.id = l.copy_id JOIN records r ON r.id = c.record_id
       WHERE l.patron_id = ? AND l.returned_at IS NULL ORDER BY l.due_date, c.barcode`,
    );
    // A pupil whose row was rejected is still on the roster: never deactivate them for a typo.
    const rejectedNames = new Set(rejected.map((r) => r.fullName?.toLocaleLowerCase('vi')).filter(Boolean));
    const rejectedCodes = new Set(rejected.map((r) => r.pupilCode).filter(Boolean));
    const codeOf = db.prepare(`SELECT pupil_code AS c FROM patrons WHERE id = ?`);
    for (const p of candidates) {
      if (matchedBy.has(p.id)) continue;
      if (rejectedNames.has(p.fullName.toLocaleLowerCase('vi'))) continue;
      const code = (codeOf.get(p.id) as { c: string | null }).c;
      if (code && rejectedCodes.has(code)) continue;
      if (scope === 'classes' && !fileClasses.has(p.className)) continue;
      leavers.push({ patronId: p.id, fullName: p.fullName, className: p.className, loans: loansOf.all(p.id) as OpenLoanNote[] });
    }
    leavers.sort((a, b) => (a.className ?? '').localeCompare(b.className ?? '') || compareNames(a.fullName, b.fullName));
  }
  rejected.sort((a, b) => a.rowNumber - b.rowNumber);

  const counts = {
    rows: parsed.entries.length + parsed.rejected.length,
    new: rows.filter((r) => r.action === 'new').length,
    moved: rows.filter((r) => r.action === 'update' && r.changes.some((c) => c.field === 'class')).length,
    changed: rows.filter((r) => r.action === 'update' && r.changes.some((c) => c.field !== 'class')).length,
    unchanged: rows.filter((r) => r.action === 'same').length,
    leavers: leavers.length,
    leaversWithLoans: leavers.filter((l) => l.loans.length > 0).length,
    rejected: rejected.length,
  };
  const digest = createHash('sha256')
    .update(JSON.stringify({ year, rows, leavers: leavers.map((l) => l.patronId), newClasses: [...newClasses], rejected: rejected.map((r) => r.rowNumber) }))
    .digest('hex')
    .slice(0, 32);
  return {
    preview: {
      schoolYear: year,
      format: parsed.format,
      headerRow: parsed.headerRow,
      columns: parsed.columns,
      ignoredColumns: parsed.ignoredColumns,
      leaverScope: scope,
      counts,
      rows,
      leavers,
      rejected,
      newClasses: [...newClasses].sort(),
      digest,
    },
    entries,
    generatedCards,
  };
}

/** What importing this file would change; writes nothing. Throws RosterFileError when the file cannot be read. */
export function previewRoster(db: Db, file: Buffer, o: RosterOptions): RosterPreview {
  return plan(db, parseRoster(file, { defaultKind: o.defaultKind }), o).preview;
}

export interface ApplyOptions extends RosterOptions {
  /** The preview's digest the librarian approved; the import is refused when the plan differs. */
  expectDigest?: string;
  fileName?: string;
}

/** Applies the roster in one transaction and records the replica changes; returns what was done. */
export function applyRoster(db: Db, file: Buffer, o: ApplyOptions): RosterResult {
  const parsed = parseRoster(file, { defaultKind: o.defaultKind });
  // scrypt is slow on purpose: hash outside the write transaction.
  const pinHashes = new Map<number, string>();
  for (const e of parsed.entries) if (e.pin) pinHashes.set(e.rowNumber, hashPin(e.pin));
  const at = o.now.toISOString();
  const year = o.schoolYear;

  return db.transaction((): RosterResult => {
    const { preview, entries, generatedCards } = plan(db, parsed, o);
    if (o.expectDigest && o.expectDigest !== preview.digest) {
      throw new RosterError(
        'PREVIEW_OUTDATED',
        'Dữ liệu đã thay đổi kể từ lúc xem trước: hãy xem trước lại rồi mới cập nhật.',
        'The data changed since the preview: preview again before applying.',
      );
    }
    const ensureClass = db.prepare(`INSERT OR IGNORE INTO classes (id, name, grade, school_year, homeroom_teacher_id) VALUES (?, ?, ?, ?, NULL)`);
    const classId = (e: RosterEntry): string => {
      const found = db.prepare(`SELECT id FROM classes WHERE school_year = ? AND name = ?`).get(year, e.className) as { id: string } | undefined;
      if (found) return found.id;
      let id = classIdFor(year, e.className!);
      for (let k = 2; db.prepare(`SELECT 1 FROM classes WHERE id = ?`).get(id); k++) id = `${classIdFor(year, e.className!)}-${k}`;
      ensureClass.run(id, e.className, e.grade, year);
      return id;
    };
    const insPatron = db.prepare(
      `INSERT INTO patrons (id, kind, full_name, gender, dob, pupil_code, textbook_eligible, pin_hash, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insIdent = db.prepare(`INSERT INTO patron_identifiers (value, kind, patron_id) VALUES (?, ?, ?)`);
    const setMember = db.prepare(
      `INSERT INTO class_members (school_year, class_id, patron_id) VALUES (?, ?, ?)
       ON CONFLICT (school_year, patron_id) DO UPDATE SET class_id = excluded.class_id`,
    );
    const touched: string[] = [];
    const newPatronIds: string[] = [];
    for (const r of preview.rows) {
      const e = entries.get(r.rowNumber)!;
      if (r.action === 'same') continue;
      touched.push(r.patronId);
      if (r.action === 'new') {
        insPatron.run(r.patronId, e.kind, e.fullName, e.gender, e.dob, e.pupilCode, e.textbookEligible ? 1 : 0, pinHashes.get(e.rowNumber) ?? null, at);
        insIdent.run(e.card ?? generatedCards.get(e.rowNumber)!, 'barcode', r.patronId);
        if (e.uid) insIdent.run(e.uid, 'uid', r.patronId);
        newPatronIds.push(r.patronId);
      } else {
        for (const c of r.changes) {
          const set = (col: string, v: unknown) => db.prepare(`UPDATE patrons SET ${col} = ? WHERE id = ?`).run(v, r.patronId);
          if (c.field === 'fullName') set('full_name', e.fullName);
          else if (c.field === 'kind') set('kind', e.kind);
          else if (c.field === 'dob') set('dob', e.dob);
          else if (c.field === 'gender') set('gender', e.gender);
          else if (c.field === 'pupilCode') set('pupil_code', e.pupilCode);
          else if (c.field === 'textbookEligible') set('textbook_eligible', e.textbookEligible ? 1 : 0);
          else if (c.field === 'pin') set('pin_hash', pinHashes.get(e.rowNumber));
          else if (c.field === 'active') db.prepare(`UPDATE patrons SET active = 1, left_at = NULL WHERE id = ?`).run(r.patronId);
          else if (c.field === 'card') insIdent.run(e.card, 'barcode', r.patronId);
          else if (c.field === 'uid') insIdent.run(e.uid, 'uid', r.patronId);
        }
        set0(db, r.patronId, at);
      }
      if (e.kind === 'pupil' && r.changes.some((c) => c.field === 'class')) setMember.run(year, classId(e), r.patronId);
      if (e.kind !== 'pupil' && r.changes.some((c) => c.field === 'homeroom')) {
        const id = classId(e);
        const prev = (db.prepare(`SELECT homeroom_teacher_id AS t FROM classes WHERE id = ?`).get(id) as { t: string | null }).t;
        if (prev) touched.push(prev);
        db.prepare(`UPDATE classes SET homeroom_teacher_id = ? WHERE id = ?`).run(r.patronId, id);
      }
    }
    const leave = db.prepare(`UPDATE patrons SET active = 0, left_at = ? WHERE id = ?`);
    for (const l of preview.leavers) {
      leave.run(at, l.patronId);
      touched.push(l.patronId);
    }
    recordPatronChanges(db, o.currentYear, touched);
    const info = db
      .prepare(`INSERT INTO roster_imports (at, file, school_year, summary) VALUES (?, ?, ?, ?)`)
      .run(at, o.fileName ?? null, year, JSON.stringify({ counts: preview.counts, digest: preview.digest }));
    return { ...preview, applied: true, importId: Number(info.lastInsertRowid), newPatronIds };
  })();
}

function set0(db: Db, patronId: string, at: string): void {
  db.prepare(`UPDATE patrons SET imported_at = ? WHERE id = ?`).run(at, patronId);
}
