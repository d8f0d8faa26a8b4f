import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { verifyPin } from '#core/node/pin.ts';
import { makeLibraryBarcode } from '#core/ids.ts';
import { changeSchema } from '#core/protocol/messages.ts';
import { applyRoster, previewRoster, RosterError, type RosterOptions } from '#server/patrons/roster.ts';
import { RosterFileError } from '#server/patrons/roster-file.ts';
import { promoteSchoolYear } from '#server/patrons/promote.ts';
import { listPatrons } from '#server/patrons/lists.ts';
import { compareNames } from '#server/patrons/sort.ts';
import { generateRoster } from '#server/seed/roster.ts';
import { smallSchool, YEAR } from '../fixtures/rosters/school-db.ts';
import { writeXlsx } from '../fixtures/rosters/write-xlsx.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/rosters/${name}`, import.meta.url));
const NOW = new Date('2026-10-15T03:00:00Z');
const opts = (o: Partial<RosterOptions> = {}): RosterOptions => ({ schoolYear: YEAR, currentYear: YEAR, institution: '0001', now: NOW, ...o });

type School = ReturnType<typeof smallSchool>;

function membership(s: School, year: string): Record<string, string> {
  const rows = s.db.prepare(`SELECT patron_id AS p, class_id AS c FROM class_members WHERE school_year = ? ORDER BY patron_id`).all(year) as { p: string; c: string }[];
  return Object.fromEntries(rows.map((r) => [r.p, r.c]));
}

function patronChanges(s: School, since = 0) {
  return (s.db.prepare(`SELECT seq, entity, key, data FROM changes WHERE seq > ? ORDER BY seq`).all(since) as { seq: number; entity: string; key: string; data: string | null }[]).map((r) =>
    changeSchema.parse({ seq: r.seq, entity: r.entity, key: r.key, data: r.data === null ? null : JSON.parse(r.data) }),
  );
}

describe('dashboard/patrons roster import: preview and apply', () => {
  let s: School;
  beforeEach(() => {
    s = smallSchool();
  });
  afterEach(() => s.close());

  it('previews a class roster: new pupil, moved class, changed details, a leaver with a book out, a rejected row', () => {
    const before = s.db.prepare(`SELECT (SELECT COUNT(*) FROM changes) AS c, (SELECT COUNT(*) FROM patrons) AS p`).get();
    const p = previewRoster(s.db, fixture('lop-4a-bom-semicolon.csv'), opts());
    assert.equal(p.format, 'csv');
    assert.equal(p.headerRow, 5);
    assert.deepEqual(p.counts, { rows: 5, new: 1, moved: 1, changed: 2, unchanged: 0, leavers: 1, leaversWithLoans: 1, rejected: 1 });
    const byRow = new Map(p.rows.map((r) => [r.rowNumber, r]));
    assert.deepEqual(byRow.get(6)!.changes, [{ field: 'textbookEligible', from: 'không', to: 'có' }]);
    assert.equal(byRow.get(6)!.patronId, 'pupil-1');
    assert.deepEqual(byRow.get(7)!.changes, [{ field: 'class', from: '4B', to: '4A' }]);
    assert.deepEqual(byRow.get(8)!.changes, [{ field: 'fullName', from: 'Lê Bé Cúc', to: 'Lê "Bé" Cúc' }]);
    const fresh = byRow.get(10)!;
    assert.equal(fresh.action, 'new');
    assert.equal(fresh.patronId, 'pupil-7');
    assert.deepEqual(fresh.changes[0], { field: 'card', from: null, to: makeLibraryBarcode('patron', '0001', 7) });
    assert.deepEqual(fresh.changes[1], { field: 'class', from: null, to: '4A' });
    // Bùi Văn Khoa (4A) is not in the file and still has Dế Mèn out: flagged.
    assert.equal(p.leavers.length, 1);
    assert.equal(p.leavers[0]!.patronId, 'pupil-4');
    assert.deepEqual(p.leavers[0]!.loans.map((l) => l.barcode), ['30001000000101']);
    // Phạm Minh Dũng's row has 31/02: rejected with its row number, and he is not taken for a leaver.
    assert.equal(p.rejected[0]!.rowNumber, 9);
    assert.equal(p.rejected[0]!.code, 'BAD_DOB');
    assert.match(p.rejected[0]!.message_vi, /31\/02\/2017/);
    assert.ok(!p.leavers.some((l) => l.patronId === 'pupil-5'));
    // A preview writes nothing.
    assert.deepEqual(s.db.prepare(`SELECT (SELECT COUNT(*) FROM changes) AS c, (SELECT COUNT(*) FROM patrons) AS p`).get(), before);
  });

  it('counts every active pupil of the year as a leaver only for a whole-school roster', () => {
    const p = previewRoster(s.db, fixture('lop-4a-bom-semicolon.csv'), opts({ leaverScope: 'school' }));
    assert.deepEqual(p.leavers.map((l) => l.patronId).sort(), ['pupil-4', 'pupil-6']);
    assert.equal(previewRoster(s.db, fixture('lop-4a-bom-semicolon.csv'), opts({ leaverScope: 'none' })).leavers.length, 0);
  });

  it('applies the plan in one transaction, this year only, and sends every patron change to the replicas', () => {
    const lastYear = membership(s, '2025-2026');
    const r = applyRoster(s.db, fixture('lop-4a-bom-semicolon.csv'), { ...opts(), fileName: 'lop-4a.csv' });
    assert.equal(r.applied, true);
    assert.deepEqual(r.newPatronIds, ['pupil-7']);
    assert.deepEqual(membership(s, '2025-2026'), lastYear, "last year's classes are never rewritten");
    const now = membership(s, YEAR);
    assert.equal(now['pupil-2'], '2026-4A');
    assert.equal(now['pupil-7'], '2026-4A');
    assert.equal(now['pupil-4'], '2026-4A', 'a leaver keeps the membership of the year (history for the rates)');
    const en = s.db.prepare(`SELECT full_name AS n, dob, gender, textbook_eligible AS t, imported_at AS at FROM patrons WHERE id = 'pupil-7'`).get();
    assert.deepEqual(en, { n: 'Đỗ Thị Én', dob: '2017-03-07', gender: 'female', t: 1, at: NOW.toISOString() });
    const khoa = s.db.prepare(`SELECT active, left_at AS leftAt FROM patrons WHERE id = 'pupil-4'`).get();
    assert.deepEqual(khoa, { active: 0, leftAt: NOW.toISOString() });
    assert.equal((s.db.prepare(`SELECT COUNT(*) AS n FROM loans WHERE patron_id = 'pupil-4' AND returned_at IS NULL`).get() as { n: number }).n, 1);
    assert.equal((s.db.prepare(`SELECT COUNT(*) AS n FROM visits WHERE patron_id = 'pupil-4'`).get() as { n: number }).n, 1);
    // Replica changes: the leaver disappears, the others arrive as the current year sees them.
    const changes = patronChanges(s);
    assert.deepEqual(changes.map((c) => c.key).sort(), ['pupil-1', 'pupil-2', 'pupil-3', 'pupil-4', 'pupil-7']);
    const byKey = new Map(changes.map((c) => [c.key, c]));
    assert.equal(byKey.get('pupil-4')!.data, null);
    const bình = byKey.get('pupil-2')!.data as { className: string };
    assert.equal(bình.className, '4A');
    const newPupil = byKey.get('pupil-7')!.data as { identifiers: string[]; textbookEligible: boolean };
    assert.deepEqual(newPupil.identifiers, [makeLibraryBarcode('patron', '0001', 7)]);
    assert.equal(newPupil.textbookEligible, true);
    const logged = s.db.prepare(`SELECT file, school_year AS y, summary FROM roster_imports`).all() as { file: string; y: string; summary: string }[];
    assert.equal(logged.length, 1);
    assert.equal(logged[0]!.file, 'lop-4a.csv');
    assert.equal(JSON.parse(logged[0]!.summary).counts.new, 1);
    // The same file again changes nothing (the rejected row stays rejected).
    const again = previewRoster(s.db, fixture('lop-4a-bom-semicolon.csv'), opts());
    assert.deepEqual(again.counts, { rows: 5, new: 0, moved: 0, changed: 0, unchanged: 4, leavers: 0, leaversWithLoans: 0, rejected: 1 });
  });

  it('refuses to apply a preview the database has moved on from, and changes nothing', () => {
    const p = previewRoster(s.db, fixture('lop-4a-bom-semicolon.csv'), opts());
    s.db.prepare(`UPDATE patrons SET full_name = 'Nguyễn Văn Ân' WHERE id = 'pupil-1'`).run();
    const count = () => (s.db.prepare(`SELECT (SELECT COUNT(*) FROM changes) + (SELECT COUNT(*) FROM patrons) AS n`).get() as { n: number }).n;
    const before = count();
    assert.throws(
      () => applyRoster(s.db, fixture('lop-4a-bom-semicolon.csv'), { ...opts(), expectDigest: p.digest }),
      (e: unknown) => e instanceof RosterError && e.code === 'PREVIEW_OUTDATED',
    );
    assert.equal(count(), before);
    assert.equal((s.db.prepare(`SELECT active FROM patrons WHERE id = 'pupil-4'`).get() as { active: number }).active, 1);
    // With the digest of a fresh preview it goes through.
    const fresh = previewRoster(s.db, fixture('lop-4a-bom-semicolon.csv'), opts());
    assert.notEqual(fresh.digest, p.digest);
    assert.equal(applyRoster(s.db, fixture('lop-4a-bom-semicolon.csv'), { ...opts(), expectDigest: fresh.digest }).counts.new, 1);
  });

  it('imports teachers and staff: homeroom class, RFID UID, hashed PIN, new staff card from 9002', () => {
    const r = applyRoster(s.db, fixture('giao-vien.csv'), opts());
    assert.equal(r.counts.rejected, 1);
    assert.equal(r.rejected[0]!.rowNumber, 5);
    assert.equal(r.rejected[0]!.code, 'BAD_PIN');
    const giang = r.rows.find((x) => x.patronId === 'teacher-9001')!;
    assert.deepEqual(giang.changes.map((c) => c.field), ['uid', 'pin']);
    const hai = r.rows.find((x) => x.fullName === 'Vũ Văn Hải')!;
    assert.equal(hai.kind, 'staff');
    assert.equal(hai.patronId, 'staff-9002');
    assert.equal(hai.changes[0]!.to, makeLibraryBarcode('patron', '0001', 9002));
    const t = s.db.prepare(`SELECT pin_hash AS h FROM patrons WHERE id = 'teacher-9001'`).get() as { h: string };
    assert.ok(verifyPin('1234', t.h) && !verifyPin('4321', t.h));
    assert.ok(!t.h.includes('1234'));
    const ids = s.db.prepare(`SELECT value, kind FROM patron_identifiers WHERE patron_id = 'teacher-9001' ORDER BY kind`).all();
    assert.deepEqual(ids, [
      { value: '20001000090013', kind: 'barcode' },
      { value: '04A22B1C', kind: 'uid' },
    ]);
    const replica = patronChanges(s).find((c) => c.key === 'teacher-9001')!.data as { pinHash: string; identifiers: string[]; homeroomClass: string };
    assert.equal(replica.pinHash, t.h);
    assert.equal(replica.homeroomClass, '4A');
    assert.deepEqual(replica.identifiers, ['20001000090013', '04A22B1C']);
  });

  it('makes a teacher homeroom of a new class and tells the replaced homeroom teacher’s replica', () => {
    const csv = Buffer.from('Họ và tên,Loại,Lớp\nHoàng Thị Giang,GV,4B\nTạ Văn Minh,giáo viên,4A\n');
    const r = applyRoster(s.db, csv, opts());
    assert.equal(r.counts.new, 1);
    const homerooms = s.db.prepare(`SELECT name, homeroom_teacher_id AS t FROM classes WHERE school_year = ? ORDER BY name`).all(YEAR);
    assert.deepEqual(homerooms, [
      { name: '4A', t: r.newPatronIds[0] },
      { name: '4B', t: 'teacher-9001' },
    ]);
    const keys = patronChanges(s).map((c) => c.key);
    assert.ok(keys.includes('teacher-9001') && keys.includes(r.newPatronIds[0]!));
  });

  it('rejects a card that belongs to someone else and two rows for the same pupil', () => {
    const csv = Buffer.from(
      ['Họ và tên;Lớp;Mã học sinh;Số thẻ', 'Nguyễn Văn An;4A;HS0001;20001000000038', 'Trần Thị Bình;4B;HS0002;', 'Trần T. Bình;4B;;20001000000020'].join('\r\n'),
    );
    const p = previewRoster(s.db, csv, opts());
    assert.deepEqual(
      p.rejected.map((r) => [r.rowNumber, r.code]),
      [
        [2, 'CARD_TAKEN'],
        [4, 'SAME_PATRON'],
      ],
    );
    assert.match(p.rejected[0]!.message_vi, /Lê Bé Cúc/);
  });

  it('reads an XLSX roster with title rows, shared strings and date cells the same as the CSV', () => {
    const xlsx = writeXlsx([
      ['SỞ GIÁO DỤC VÀ ĐÀO TẠO'],
      ['DANH SÁCH HỌC SINH LỚP 4A'],
      [],
      ['STT', 'HỌ VÀ TÊN', 'NGÀY SINH', 'GIỚI TÍNH', 'LỚP', 'MÃ HỌC SINH', 'MƯỢN SGK'],
      [1, 'Nguyễn Văn An', { date: '2017-09-05' }, 'Nam', '4A', 'HS0001', 'x'],
      [2, 'Trần Thị Bình', { date: '2017-02-14' }, 'Nữ', 'Lớp 4A', 'HS0002', null],
      [3, 'Lê "Bé" Cúc', '01/12/2017', 'Nữ', '4a', 'HS0003', null],
      [4, 'Phạm Minh Dũng', '31/02/2017', 'Nam', '4A', 'HS0004', null],
      [5, 'Đỗ Thị Én', { date: '2017-03-07' }, 'Nữ', '4A', 'HS0010', 'x'],
    ]);
    const a = previewRoster(s.db, xlsx, opts());
    const b = previewRoster(s.db, fixture('lop-4a-bom-semicolon.csv'), opts());
    assert.equal(a.format, 'xlsx');
    assert.equal(a.headerRow, 4);
    assert.deepEqual(a.counts, b.counts);
    assert.deepEqual(
      a.rows.map((r) => [r.patronId, r.changes]),
      b.rows.map((r) => [r.patronId, r.changes]),
    );
    assert.equal(a.rejected[0]!.rowNumber, 8);
  });

  it('reads a workbook saved by LibreOffice Calc exactly like the CSV it was made from', () => {
    const a = previewRoster(s.db, fixture('lop-4a-libreoffice.xlsx'), opts());
    const b = previewRoster(s.db, fixture('lop-4a-bom-semicolon.csv'), opts());
    assert.equal(a.format, 'xlsx');
    assert.equal(a.headerRow, 5);
    assert.deepEqual(a.rows, b.rows);
    assert.deepEqual(a.leavers, b.leavers);
    assert.deepEqual(
      a.rejected.map((r) => [r.rowNumber, r.code]),
      [[9, 'BAD_DOB']],
    );
  });

  it('says when nothing can be read, and writes nothing', () => {
    assert.throws(() => previewRoster(s.db, fixture('not-a-roster.csv'), opts()), (e: unknown) => e instanceof RosterFileError && e.code === 'NO_HEADER');
    assert.throws(() => applyRoster(s.db, Buffer.from([0xff, 0xfe, 0x41, 0x00]), opts()), (e: unknown) => e instanceof RosterFileError && e.code === 'NOT_UTF8');
    assert.throws(() => previewRoster(s.db, fixture('lop-4a-bom-semicolon.csv'), opts({ schoolYear: '2026-2028' })), (e: unknown) => e instanceof RosterError && e.code === 'BAD_YEAR');
    assert.equal((s.db.prepare(`SELECT COUNT(*) AS n FROM changes`).get() as { n: number }).n, 0);
  });
});

describe('dashboard/patrons year-end promotion', () => {
  let s: School;
  beforeEach(() => {
    s = smallSchool();
  });
  afterEach(() => s.close());

  it("moves every class up a grade into the new year and never rewrites last year's memberships", () => {
    const before = { y0: membership(s, '2025-2026'), y1: membership(s, YEAR) };
    const r = promoteSchoolYear(s.db, { from: YEAR, lastGrade: 9, currentYear: YEAR, now: NOW });
    assert.equal(r.to, '2027-2028');
    assert.deepEqual(r.classes.map((c) => [c.from, c.to, c.pupils]), [
      ['4A', '5A', 4],
      ['4B', '5B', 2],
    ]);
    assert.equal(r.graduates.length, 0);
    assert.deepEqual(membership(s, '2025-2026'), before.y0);
    assert.deepEqual(membership(s, YEAR), before.y1);
    const next = membership(s, '2027-2028');
    assert.equal(next['pupil-1'], '2027-5A');
    assert.equal(next['pupil-2'], '2027-5B');
    assert.equal(Object.keys(next).length, 6);
    assert.deepEqual(s.db.prepare(`SELECT grade, school_year AS y FROM classes WHERE id = '2027-5A'`).get(), { grade: 5, y: '2027-2028' });
    assert.throws(
      () => promoteSchoolYear(s.db, { from: YEAR, lastGrade: 9, currentYear: YEAR, now: NOW }),
      (e: unknown) => e instanceof RosterError && e.code === 'ALREADY_PROMOTED',
    );
    // Next year's roster diff is against next year's classes.
    const csv = Buffer.from('Họ và tên,Lớp,Mã học sinh\nNguyễn Văn An,5B,HS0001\n');
    const p = previewRoster(s.db, csv, opts({ schoolYear: '2027-2028' }));
    assert.deepEqual(p.rows[0]!.changes, [{ field: 'class', from: '5A', to: '5B' }]);
  });

  it('graduates the last grade: deactivated, history kept, a graduate with a book out flagged', () => {
    const r = promoteSchoolYear(s.db, { from: YEAR, currentYear: YEAR, now: NOW });
    assert.equal(r.promoted, 0);
    assert.equal(r.graduates.length, 6);
    const flagged = r.graduates.filter((g) => g.loans.length > 0);
    assert.deepEqual(flagged.map((g) => [g.patronId, g.loans[0]!.barcode]), [['pupil-4', '30001000000101']]);
    assert.equal((s.db.prepare(`SELECT COUNT(*) AS n FROM patrons WHERE kind = 'pupil' AND active = 1`).get() as { n: number }).n, 0);
    assert.equal(Object.keys(membership(s, YEAR)).length, 6);
    assert.deepEqual(
      patronChanges(s).filter((c) => c.data === null).map((c) => c.key).sort(),
      ['pupil-1', 'pupil-2', 'pupil-3', 'pupil-4', 'pupil-5', 'pupil-6'],
    );
  });
});

describe('dashboard/patrons the demo school roster round trip', () => {
  it('imports the 592 pupils of the generated school from a CSV, then finds nothing to change', function () {
    this.timeout(60000);
    const s = smallSchool();
    try {
      s.db.exec(`DELETE FROM loans; DELETE FROM visits; DELETE FROM class_members; UPDATE classes SET homeroom_teacher_id = NULL; DELETE FROM classes; DELETE FROM patron_identifiers; DELETE FROM patrons;`);
      const roster = generateRoster();
      const className = new Map(roster.classes.map((c) => [c.id, c.name]));
      const pupils = roster.patrons.filter((p) => p.kind === 'pupil');
      const dmy = (iso: string) => iso.split('-').reverse().join('/');
      const lines = ['Danh sách học sinh toàn trường', '', 'STT;Họ và tên;Ngày sinh;Giới tính;Lớp;Mã học sinh;Số thẻ;UID thẻ;Mượn SGK'];
      pupils.forEach((p, i) =>
        lines.push([i + 1, p.fullName, dmy(p.dob), p.gender === 'male' ? 'Nam' : 'Nữ', className.get(p.classId!), p.pupilCode, p.cardBarcode, p.cardUid, p.textbookEligible ? 'x' : ''].join(';')),
      );
      const csv = Buffer.from('\ufeff' + lines.join('\r\n'));
      const first = applyRoster(s.db, csv, opts({ leaverScope: 'school' }));
      assert.equal(first.counts.new, pupils.length);
      assert.equal(first.counts.rejected, 0);
      assert.equal(first.newClasses.length, 19);
      const again = previewRoster(s.db, csv, opts({ leaverScope: 'school' }));
      assert.deepEqual(again.counts, { rows: pupils.length, new: 0, moved: 0, changed: 0, unchanged: pupils.length, leavers: 0, leaversWithLoans: 0, rejected: 0 });
      // Class lists come back in Vietnamese order.
      const list = listPatrons(s.db, { year: YEAR, classId: '2026-4A' });
      assert.equal(list.length, pupils.filter((p) => p.classId === '2026-4A').length);
      for (let i = 1; i < list.length; i++) assert.ok(compareNames(list[i - 1]!.fullName, list[i]!.fullName) <= 0, `${list[i - 1]!.fullName} before ${list[i]!.fullName}`);
      assert.deepEqual(list.find((p) => p.cards.includes('20001000000012'))?.uids.length, 1);
    } finally {
      s.close();
    }
  });
});
