/**
 * The demo school's roster: a combined primary and lower-secondary school (Trường TH&THCS,
 * grades 1–9) in the 2026-2027 school year, with about 600 pupils in 19 classes and 30 staff.
 * Deterministic: the same seed gives the same school, so the documentation can name its cards.
 *
 * Fixed fixtures the documentation and the integration tests rely on:
 *  - card 20001000000012 (patron serial 1) is a pupil of class 4A;
 *  - card 20001000090013 (patron serial 9001) is a teacher, homeroom teacher of 4A.
 * Neither is blocked; the history generator gives them no open loans.
 */
import { makeLibraryBarcode } from '#core/ids.ts';
import { createRng, type Rng } from './prng.ts';
import { randomFullName, type Gender } from './names.ts';

export const DEMO_SCHOOL_YEAR = '2026-2027';
/** Calendar year the school year starts in; pupils of grade g were born in START_YEAR - 5 - g. */
const START_YEAR = 2026;

export const FIXTURE_PUPIL_CARD = '20001000000012';
export const FIXTURE_TEACHER_CARD = '20001000090013';
export const FIXTURE_CLASS_NAME = '4A';

const FIXTURE_PUPIL_SERIAL = 1;
/**
 * Staff cards are numbered from 9001 so a librarian tells a staff card from a pupil's at a glance;
 * 4A's homeroom teacher is made first and so holds the first one.
 */
const FIXTURE_TEACHER_SERIAL = 9001;

export type PatronKindOfPerson = 'pupil' | 'teacher' | 'staff';

export type StaffRole =
  | 'principal'
  | 'vice_principal'
  | 'homeroom_teacher'
  | 'subject_teacher'
  | 'librarian'
  | 'accountant'
  | 'school_nurse'
  | 'clerk';

export interface RosterClass {
  id: string;
  /** "4A" */
  name: string;
  grade: number;
  homeroomTeacherId: string;
}

export interface RosterPatron {
  id: string;
  kind: PatronKindOfPerson;
  fullName: string;
  gender: Gender;
  /** YYYY-MM-DD */
  dob: string;
  classId: string | null;
  /** 14-digit library barcode, type 2 (patron): what the card's barcode and QR carry. */
  cardBarcode: string;
  /** The card's RFID UID, 8 upper-case hex digits (a 4-byte UID). */
  cardUid: string;
  textbookEligible: boolean;
  pupilCode: string | null;
  /** Job at the school, for staff and teachers; null for pupils. */
  role: StaffRole | null;
  /** Subject taught (subject teachers), in Vietnamese. */
  subject?: string;
}

export interface Roster {
  schoolYear: string;
  classes: RosterClass[];
  patrons: RosterPatron[];
}

/** Classes per grade: two per grade, three in grade 6 (a larger intake), 19 in all. */
const CLASSES_PER_GRADE: Record<number, number> = { 1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 3, 7: 2, 8: 2, 9: 2 };

/** Non-homeroom jobs, in card-serial order after the homeroom teachers. */
const OTHER_STAFF: readonly { role: StaffRole; kind: 'teacher' | 'staff'; subject?: string }[] = [
  { role: 'principal', kind: 'staff' },
  { role: 'vice_principal', kind: 'staff' },
  { role: 'vice_principal', kind: 'staff' },
  { role: 'librarian', kind: 'staff' },
  { role: 'subject_teacher', kind: 'teacher', subject: 'Tiếng Anh' },
  { role: 'subject_teacher', kind: 'teacher', subject: 'Giáo dục thể chất' },
  { role: 'subject_teacher', kind: 'teacher', subject: 'Âm nhạc' },
  { role: 'subject_teacher', kind: 'teacher', subject: 'Tin học' },
  { role: 'accountant', kind: 'staff' },
  { role: 'school_nurse', kind: 'staff' },
  { role: 'clerk', kind: 'staff' },
];

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function classId(name: string): string {
  return `${START_YEAR}-${name}`;
}

function randomDate(rng: Rng, year: number): string {
  const start = Date.UTC(year, 0, 1);
  const days = (Date.UTC(year + 1, 0, 1) - start) / 86_400_000;
  return new Date(start + rng.int(0, days - 1) * 86_400_000).toISOString().slice(0, 10);
}

function uniqueUid(rng: Rng, used: Set<string>): string {
  for (;;) {
    const uid = rng.int(0, 0xffffffff).toString(16).toUpperCase().padStart(8, '0');
    if (!used.has(uid) && uid !== '00000000') {
      used.add(uid);
      return uid;
    }
  }
}

export interface RosterOptions {
  /** The 4-digit institution code in card barcodes. */
  institution?: string;
}

export function generateRoster(seed = 2026, options: RosterOptions = {}): Roster {
  const institution = options.institution ?? '0001';
  const rng = createRng(seed);
  const nameRng = rng.fork('names');
  const sizeRng = rng.fork('class-sizes');
  const uidRng = rng.fork('uids');
  const eligibleRng = rng.fork('textbook-eligible');
  const staffRng = rng.fork('staff');
  const usedUids = new Set<string>();

  // --- classes, in school order 1A, 1B, 2A … 9B ---------------------------------------------------
  const classList: { name: string; grade: number }[] = [];
  for (let grade = 1; grade <= 9; grade++) {
    for (let k = 0; k < CLASSES_PER_GRADE[grade]!; k++) {
      classList.push({ name: `${grade}${String.fromCharCode(65 + k)}`, grade });
    }
  }

  // --- staff: homeroom teachers first (4A's gets serial 9001), then the other jobs ------------------
  const staff: RosterPatron[] = [];
  const homeroomOrder = [
    ...classList.filter((c) => c.name === FIXTURE_CLASS_NAME),
    ...classList.filter((c) => c.name !== FIXTURE_CLASS_NAME),
  ];
  const homeroomOf = new Map<string, string>();
  let staffSerial = FIXTURE_TEACHER_SERIAL;
  const makeStaff = (kind: 'teacher' | 'staff', role: StaffRole, primary: boolean, subject?: string): RosterPatron => {
    const serial = staffSerial++;
    // Primary teaching is mostly done by women in Vietnam; lower secondary a little less so.
    const gender: Gender = staffRng.chance(primary ? 0.85 : 0.7) ? 'female' : 'male';
    const senior = role === 'principal' || role === 'vice_principal';
    const p: RosterPatron = {
      id: `${kind}-${serial}`,
      kind,
      fullName: randomFullName(nameRng, gender, 'adult'),
      gender,
      dob: randomDate(staffRng, senior ? staffRng.int(1970, 1980) : staffRng.int(1970, 2001)),
      classId: null,
      cardBarcode: makeLibraryBarcode('patron', institution, serial),
      cardUid: uniqueUid(uidRng, usedUids),
      textbookEligible: false,
      pupilCode: null,
      role,
    };
    if (subject) p.subject = subject;
    return p;
  };
  for (const c of homeroomOrder) {
    const t = makeStaff('teacher', 'homeroom_teacher', c.grade <= 5);
    homeroomOf.set(c.name, t.id);
    staff.push(t);
  }
  for (const job of OTHER_STAFF) staff.push(makeStaff(job.kind, job.role, false, job.subject));

  const classes: RosterClass[] = classList.map((c) => ({
    id: classId(c.name),
    name: c.name,
    grade: c.grade,
    homeroomTeacherId: homeroomOf.get(c.name)!,
  }));

  // --- pupils ----------------------------------------------------------------------------------------
  // The 4A fixture pupil takes serial 1; everyone else is numbered from 2 in class order.
  const pupils: RosterPatron[] = [];
  let nextSerial = FIXTURE_PUPIL_SERIAL + 1;
  const pupilSeqByEntryYear = new Map<number, number>();
  for (const c of classList) {
    // Class sizes 29–34 (within the Ministry's limits of 35 in primary, 45 in lower secondary).
    const size = sizeRng.int(29, 34);
    const namesInClass = new Set<string>();
    for (let k = 0; k < size; k++) {
      const gender: Gender = nameRng.chance(0.52) ? 'male' : 'female';
      let fullName = randomFullName(nameRng, gender, 'child');
      // Two pupils with the same full name in one class would confuse the roll call and the demo.
      while (namesInClass.has(fullName)) fullName = randomFullName(nameRng, gender, 'child');
      namesInClass.add(fullName);
      const isFixture = c.name === FIXTURE_CLASS_NAME && k === 0;
      const serial = isFixture ? FIXTURE_PUPIL_SERIAL : nextSerial++;
      // Pupils entered grade 1 of this school (grades 6–9 may have come from elsewhere, but the
      // code is still issued by year of entry into the school's records).
      const entryYear = START_YEAR - (c.grade - 1);
      const seq = (pupilSeqByEntryYear.get(entryYear) ?? 0) + 1;
      pupilSeqByEntryYear.set(entryYear, seq);
      pupils.push({
        id: `pupil-${serial}`,
        kind: 'pupil',
        fullName,
        gender,
        dob: randomDate(nameRng, START_YEAR - 5 - c.grade),
        classId: classId(c.name),
        cardBarcode: makeLibraryBarcode('patron', institution, serial),
        cardUid: uniqueUid(uidRng, usedUids),
        // The fixture pupil is not eligible (so the demo can show the refusal); the pupil after
        // them in 4A is (so it can show a textbook loan). Elsewhere about one pupil in ten.
        textbookEligible: isFixture ? false : c.name === FIXTURE_CLASS_NAME && k === 1 ? true : eligibleRng.chance(0.1),
        pupilCode: `HS${entryYear}${pad(seq, 4)}`,
        role: null,
      });
    }
  }

  // Fixture pupil first, then by serial, so listings start with the documented card.
  pupils.sort((a, b) => Number(a.id.slice(6)) - Number(b.id.slice(6)));
  return { schoolYear: DEMO_SCHOOL_YEAR, classes, patrons: [...pupils, ...staff] };
}
