/**
 * Seeds the demo school once (sim mode): the catalogue from the bundled MARC files, the generated
 * roster, and a generated history since the start of the school year. Runs in one transaction, so
 * an interrupted seed leaves an empty database that the next start seeds again.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Db } from '#core/node/sqlite.ts';
import { foldVietnamese } from '#core/fold.ts';
import { localDate, type SchoolCalendar } from '#core/calendar.ts';
import { FIXTURE_TEACHER_CARD, generateRoster } from './roster.ts';
import { hashPin } from '#core/node/pin.ts';
import { demoCatalogue } from './catalogue.ts';
import { readIso2709 } from '#core/marc/iso2709.ts';
import { subjectHeadings } from '#core/marc/summary.ts';
import { generateHistory } from './history.ts';

const SEED_DATA = fileURLToPath(new URL('../../seed-data/', import.meta.url));

/** The subject headings of a record's ISO 2709 bytes, so the demo catalogue is searchable by subject as an import is. */
const subjectsOf = (marc: Uint8Array): string[] => readIso2709(marc).records.flatMap(subjectHeadings);

export interface SeedOptions {
  dataDir: string;
  institution: string;
  now: Date;
  calendar: SchoolCalendar;
  log: Logger;
}

/** Seeds an empty database; returns what it wrote, or null when the school was seeded before. */
export function seedDemo(db: Db, o: SeedOptions): { records: number; copies: number; patrons: number; loans: number; visits: number } | null {
  const done = db.prepare(`SELECT value FROM meta WHERE key = 'seeded'`).get() as { value: string } | undefined;
  if (done) return null;
  const vn = readFileSync(`${SEED_DATA}marc/vn-school/vn-school-utf8.mrc`);
  const fr = readFileSync(`${SEED_DATA}marc/evergreen/lul_fre_500.mrc`);
  const catalogue = demoCatalogue(vn, fr, o.institution);
  const roster = generateRoster();
  const year = o.calendar.schoolYear.name;
  const today = localDate(o.now, o.calendar);
  const generatedCopies = catalogue.copies.filter((c) => c.generated);
  const history = generateHistory({
    roster,
    copies: generatedCopies,
    from: o.calendar.schoolYear.start,
    to: today,
    calendar: o.calendar,
    seed: 2026,
  });

  const counts = db.transaction(() => {
    const insRecord = db.prepare(
      `INSERT INTO records (control_number, title, author, publisher, year, isbn, ddc, search_text, marc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const recordIds: number[] = [];
    for (const r of catalogue.records) {
      const search = foldVietnamese([r.title, r.author, r.publisher, r.isbn, ...subjectsOf(r.marc)].filter(Boolean).join(' '));
      const info = insRecord.run(r.controlNumber, r.title, r.author, r.publisher, r.year, r.isbn, r.ddc, search, Buffer.from(r.marc));
      recordIds.push(Number(info.lastInsertRowid));
    }
    const insCopy = db.prepare(
      `INSERT INTO copies (record_id, barcode, accession, collection, reference_only, call_number) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    const copyIds = new Map<string, number>();
    for (const c of catalogue.copies) {
      const info = insCopy.run(recordIds[c.recordIndex], c.barcode, c.accession, c.collection, c.referenceOnly ? 1 : 0, c.callNumber ?? null);
      copyIds.set(c.barcode, Number(info.lastInsertRowid));
    }
    const insClass = db.prepare(`INSERT INTO classes (id, name, grade, school_year, homeroom_teacher_id) VALUES (?, ?, ?, ?, ?)`);
    for (const c of roster.classes) insClass.run(c.id, c.name, c.grade, year, c.homeroomTeacherId);
    const insPatron = db.prepare(
      `INSERT INTO patrons (id, kind, full_name, gender, dob, pupil_code, textbook_eligible) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const insMember = db.prepare(`INSERT INTO class_members (school_year, class_id, patron_id) VALUES (?, ?, ?)`);
    const insIdent = db.prepare(`INSERT INTO patron_identifiers (value, kind, patron_id) VALUES (?, ?, ?)`);
    for (const p of roster.patrons) {
      insPatron.run(p.id, p.kind, p.fullName, p.gender, p.dob, p.pupilCode, p.textbookEligible ? 1 : 0);
      if (p.classId) insMember.run(year, p.classId, p.id);
      insIdent.run(p.cardBarcode, 'barcode', p.id);
      insIdent.run(p.cardUid, 'uid', p.id);
    }
    const insLoan = db.prepare(
      `INSERT INTO loans (tx_id, copy_id, patron_id, station, loaned_at, due_date, returned_at) VALUES (NULL, ?, ?, 'history', ?, ?, ?)`,
    );
    const setOnLoan = db.prepare(`UPDATE copies SET status = 'on_loan' WHERE id = ?`);
    for (const l of history.loans) {
      const copyId = copyIds.get(l.barcode)!;
      insLoan.run(copyId, l.patronId, l.loanedAt, l.dueDate, l.returnedAt);
      if (!l.returnedAt) setOnLoan.run(copyId);
    }
    const insVisit = db.prepare(`INSERT INTO visits (patron_id, at, source) VALUES (?, ?, ?)`);
    for (const v of history.visits) insVisit.run(v.patronId, v.at, v.source);
    // The demo's homeroom teacher has PIN 1234 (README), for schools that turn PINs on for teachers.
    db.prepare(`UPDATE patrons SET pin_hash = ? WHERE id = (SELECT patron_id FROM patron_identifiers WHERE value = ?)`).run(hashPin('1234'), FIXTURE_TEACHER_CARD);
    db.prepare(`INSERT INTO meta (key, value) VALUES ('seeded', ?)`).run(o.now.toISOString());
    return {
      records: catalogue.records.length,
      copies: catalogue.copies.length,
      patrons: roster.patrons.length,
      loans: history.loans.length,
      visits: history.visits.length,
    };
  })();
  o.log.debug(counts, 'seeded');
  return counts;
}
