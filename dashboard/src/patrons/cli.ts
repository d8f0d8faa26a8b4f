/**
 * `npm run import -- roster <file> [--year 2026-2027] [--apply] [--scope classes|school|none]
 * [--kind pupil|teacher|staff] [--json]`: prints the preview (or, with --apply, the result) of a
 * roster import. Exit status: 0 when at least one row could be read, 1 when nothing could be read
 * (not a roster, no valid row), 2 for a usage error, 3 when --apply was refused.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Db } from '#core/node/sqlite.ts';
import { DEMO_CALENDAR } from '#core/demo-calendar.ts';
import { applyRoster, previewRoster, RosterError, type LeaverScope, type RosterPreview, type RosterResult } from './roster.ts';
import { RosterFileError, type PatronKind } from './roster-file.ts';
import { institutionOf } from './routes.ts';
import { isSchoolYear } from './school-year.ts';

export interface RosterCliIo {
  /** Opens the school database (the caller knows the config and --db). */
  openDb: () => Db;
  out: (s: string) => void;
  err: (s: string) => void;
  now?: () => Date;
}

const FIELD_TEXT: Record<string, string> = {
  fullName: 'họ tên / name',
  kind: 'đối tượng / kind',
  dob: 'ngày sinh / born',
  gender: 'giới tính / gender',
  pupilCode: 'mã / code',
  class: 'lớp / class',
  homeroom: 'chủ nhiệm / homeroom',
  textbookEligible: 'mượn SGK / textbooks',
  active: 'đang học / active',
  card: 'thẻ / card',
  uid: 'UID',
  pin: 'PIN',
};

/** The preview or result as the librarian reads it, Vietnamese first. */
export function formatRosterReport(p: RosterPreview | RosterResult, file: string): string {
  const applied = 'applied' in p;
  const c = p.counts;
  const out: string[] = [];
  out.push(`${applied ? 'Đã nhập danh sách / Roster imported' : 'Xem trước danh sách / Roster preview'}: ${file} (${p.format.toUpperCase()}), năm học / school year ${p.schoolYear}`);
  out.push(`  dòng tiêu đề / header row:      ${p.headerRow}`);
  out.push(`  số dòng đọc được / rows read:   ${c.rows}`);
  out.push(`  mới / new:                      ${c.new}`);
  out.push(`  chuyển lớp / moved class:       ${c.moved}`);
  out.push(`  đổi thông tin / changed:        ${c.changed}`);
  out.push(`  không đổi / unchanged:          ${c.unchanged}`);
  out.push(`  nghỉ học / leavers:             ${c.leavers}${c.leaversWithLoans ? ` (${c.leaversWithLoans} còn giữ sách / still have books)` : ''}`);
  out.push(`  bị loại / rejected:             ${c.rejected}`);
  if (!applied && c.leavers > 0 && c.leavers >= p.rows.length) {
    out.push(`  CẢNH BÁO / WARNING: ${c.leavers} học sinh sẽ nghỉ học vì không có trong tệp; nếu tệp chỉ là danh sách bổ sung, dùng --scope none.`);
    out.push(`    ${c.leavers} pupils would leave because they are not in the file; for a partial list use --scope none.`);
  }
  if (p.newClasses.length) out.push(`  lớp mới / new classes:          ${p.newClasses.join(', ')}`);
  if (p.ignoredColumns.length) out.push(`  cột bỏ qua / ignored columns:   ${p.ignoredColumns.join(', ')}`);
  const changed = p.rows.filter((r) => r.action !== 'same');
  if (changed.length) {
    out.push('', 'Thay đổi / Changes:');
    for (const r of changed) {
      const what = r.changes.map((ch) => `${FIELD_TEXT[ch.field] ?? ch.field}: ${ch.from ?? '—'} → ${ch.to ?? '—'}`).join('; ');
      out.push(`  dòng / row ${r.rowNumber}: ${r.action === 'new' ? 'MỚI / NEW' : 'SỬA / UPDATE'} ${r.fullName}${r.className ? ` (${r.className})` : ''} — ${what}`);
    }
  }
  if (p.leavers.length) {
    out.push('', `Nghỉ học (không có trong tệp${p.leaverScope === 'classes' ? ', trong các lớp của tệp' : ''}) / Leavers (missing from the file):`);
    for (const l of p.leavers) {
      const books = l.loans.length ? ` — CÒN GIỮ ${l.loans.length} SÁCH / STILL HAS ${l.loans.length} BOOK(S): ${l.loans.map((b) => `${b.barcode} ${b.title}`).join('; ')}` : '';
      out.push(`  ${l.fullName} (${l.className ?? '—'})${books}`);
    }
  }
  if (p.rejected.length) {
    out.push('', 'Dòng bị loại / Rejected rows:');
    for (const r of p.rejected) {
      out.push(`  dòng / row ${r.rowNumber}: ${r.text}`);
      out.push(`    ${r.message_vi}`);
      out.push(`    ${r.message_en}`);
    }
  }
  if (!applied) out.push('', 'Chưa thay đổi gì. Thêm --apply để cập nhật. / Nothing changed yet: add --apply to import.');
  return out.join('\n') + '\n';
}

const USAGE = 'npm run import -- roster <tệp .csv/.xlsx | file> [--year 2026-2027] [--apply] [--scope classes|school|none] [--kind pupil|teacher|staff] [--json]';

/** Runs the roster command; args are what follows "roster" (the file and options). */
export async function runRosterCli(args: string[], io: RosterCliIo): Promise<number> {
  let file: string | undefined;
  let year = DEMO_CALENDAR.schoolYear.name;
  let apply = false;
  let json = false;
  let scope: LeaverScope = 'classes';
  let kind: PatronKind = 'pupil';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--year') year = args[++i] ?? '';
    else if (a === '--apply') apply = true;
    else if (a === '--json') json = true;
    else if (a === '--scope') scope = (args[++i] ?? '') as LeaverScope;
    else if (a === '--kind') kind = (args[++i] ?? '') as PatronKind;
    else if (a === '--config' || a === '--db') i++; // handled by scripts/import.ts
    else if (a.startsWith('--')) {
      io.err(`Tuỳ chọn không rõ / unknown option: ${a}\n${USAGE}\n`);
      return 2;
    } else if (!file) file = a;
  }
  if (!file) {
    io.err(`Thiếu tên tệp / missing file name\n${USAGE}\n`);
    return 2;
  }
  if (!isSchoolYear(year)) {
    io.err(`Năm học không hợp lệ / invalid school year: "${year}" (ví dụ / e.g. 2026-2027)\n`);
    return 2;
  }
  if (!['classes', 'school', 'none'].includes(scope) || !['pupil', 'teacher', 'staff'].includes(kind)) {
    io.err(`${USAGE}\n`);
    return 2;
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    io.err(`Không đọc được tệp / cannot read the file ${file}: ${(err as Error).message}\n`);
    return 1;
  }
  const db = io.openDb();
  try {
    const opts = {
      schoolYear: year,
      currentYear: DEMO_CALENDAR.schoolYear.name,
      institution: institutionOf(db),
      leaverScope: scope,
      defaultKind: kind,
      now: (io.now ?? (() => new Date()))(),
    };
    const result = apply ? applyRoster(db, bytes, { ...opts, fileName: basename(file) }) : previewRoster(db, bytes, opts);
    io.out(json ? JSON.stringify(result, null, 2) + '\n' : formatRosterReport(result, basename(file)));
    return result.rows.length > 0 ? 0 : 1;
  } catch (err) {
    if (err instanceof RosterFileError) {
      io.err(`${err.message_vi}\n${err.message_en}\n`);
      return 1;
    }
    if (err instanceof RosterError) {
      io.err(`${err.message_vi}\n${err.message_en}\n`);
      return err.code === 'BAD_YEAR' ? 2 : 3;
    }
    throw err;
  } finally {
    db.close();
  }
}
