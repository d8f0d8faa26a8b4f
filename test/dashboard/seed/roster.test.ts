import assert from 'node:assert/strict';
import { isValidLibraryBarcode, makeLibraryBarcode, parseLibraryBarcode } from '#core/ids.ts';
import { FIXTURE_PUPIL_CARD, FIXTURE_TEACHER_CARD, generateRoster } from '#server/seed/roster.ts';
import { FAMILY_NAMES } from '#server/seed/names.ts';
import { createRng } from '#server/seed/prng.ts';

describe('dashboard/seed/roster generateRoster', () => {
  const roster = generateRoster();
  const pupils = roster.patrons.filter((p) => p.kind === 'pupil');
  const adults = roster.patrons.filter((p) => p.kind !== 'pupil');
  const classById = new Map(roster.classes.map((c) => [c.id, c]));

  it('is deterministic for a seed and differs between seeds', () => {
    assert.deepEqual(generateRoster(), roster);
    assert.deepEqual(generateRoster(2026), roster);
    const other = generateRoster(7);
    assert.notDeepEqual(
      other.patrons.map((p) => p.fullName),
      roster.patrons.map((p) => p.fullName),
    );
  });

  it('has 19 classes, grades 1–9, two per grade and three in grade 6', () => {
    assert.equal(roster.classes.length, 19);
    const perGrade = new Map<number, string[]>();
    for (const c of roster.classes) perGrade.set(c.grade, [...(perGrade.get(c.grade) ?? []), c.name]);
    assert.deepEqual([...perGrade.keys()], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(perGrade.get(1), ['1A', '1B']);
    assert.deepEqual(perGrade.get(6), ['6A', '6B', '6C']);
    assert.equal([...perGrade.values()].filter((v) => v.length === 3).length, 1);
    assert.equal(new Set(roster.classes.map((c) => c.id)).size, 19);
  });

  it('has about 600 pupils in classes of 29–34 and 30 staff', () => {
    assert.ok(pupils.length >= 570 && pupils.length <= 630, `${pupils.length} pupils`);
    assert.equal(adults.length, 30);
    for (const c of roster.classes) {
      const n = pupils.filter((p) => p.classId === c.id).length;
      assert.ok(n >= 29 && n <= 34, `${c.name}: ${n}`);
    }
    assert.ok(pupils.every((p) => classById.has(p.classId!)));
    assert.ok(adults.every((p) => p.classId === null && p.pupilCode === null && !p.textbookEligible));
  });

  it('gives every class its own homeroom teacher, and has a principal and a librarian', () => {
    const homeroom = roster.classes.map((c) => c.homeroomTeacherId);
    assert.equal(new Set(homeroom).size, 19);
    for (const id of homeroom) {
      const t = roster.patrons.find((p) => p.id === id);
      assert.equal(t?.kind, 'teacher');
      assert.equal(t?.role, 'homeroom_teacher');
    }
    assert.equal(adults.filter((p) => p.role === 'principal').length, 1);
    assert.equal(adults.filter((p) => p.role === 'librarian').length, 1);
    assert.ok(adults.filter((p) => p.kind === 'teacher').length >= 19);
  });

  it('issues valid, unique 14-digit patron barcodes for institution 0001 and unique 8-hex UIDs', () => {
    const cards = roster.patrons.map((p) => p.cardBarcode);
    assert.equal(new Set(cards).size, cards.length);
    for (const card of cards) {
      assert.ok(isValidLibraryBarcode(card), card);
      const parsed = parseLibraryBarcode(card)!;
      assert.equal(parsed.type, 'patron');
      assert.equal(parsed.institution, '0001');
    }
    const uids = roster.patrons.map((p) => p.cardUid);
    assert.equal(new Set(uids).size, uids.length);
    assert.ok(uids.every((u) => /^[0-9A-F]{8}$/.test(u)));
    assert.equal(new Set(pupils.map((p) => p.pupilCode)).size, pupils.length);
    assert.equal(new Set(roster.patrons.map((p) => p.id)).size, roster.patrons.length);
    assert.equal(generateRoster(2026, { institution: '0042' }).patrons[0]!.cardBarcode, makeLibraryBarcode('patron', '0042', 1));
  });

  it('has the documented fixtures: card 20001000000012 in 4A, card 20001000090013 its homeroom teacher', () => {
    assert.ok(isValidLibraryBarcode(FIXTURE_PUPIL_CARD));
    assert.ok(isValidLibraryBarcode(FIXTURE_TEACHER_CARD));
    assert.equal(makeLibraryBarcode('patron', '0001', 1), FIXTURE_PUPIL_CARD);
    assert.equal(makeLibraryBarcode('patron', '0001', 9001), FIXTURE_TEACHER_CARD);
    const pupil = roster.patrons.find((p) => p.cardBarcode === FIXTURE_PUPIL_CARD)!;
    assert.equal(pupil.kind, 'pupil');
    assert.equal(classById.get(pupil.classId!)!.name, '4A');
    const teacher = roster.patrons.find((p) => p.cardBarcode === FIXTURE_TEACHER_CARD)!;
    assert.equal(teacher.kind, 'teacher');
    const taught = roster.classes.find((c) => c.homeroomTeacherId === teacher.id);
    assert.equal(taught?.name, '4A');
    // Other seeds keep the fixtures.
    const other = generateRoster(99);
    const p2 = other.patrons.find((p) => p.cardBarcode === FIXTURE_PUPIL_CARD)!;
    assert.equal(other.classes.find((c) => c.id === p2.classId)!.name, '4A');
    const t2 = other.patrons.find((p) => p.cardBarcode === FIXTURE_TEACHER_CARD)!;
    assert.equal(other.classes.find((c) => c.homeroomTeacherId === t2.id)!.name, '4A');
  });

  it('gives pupils birth dates that match their grade (grade 1 born 2020)', () => {
    for (const p of pupils) {
      const grade = classById.get(p.classId!)!.grade;
      assert.equal(Number(p.dob.slice(0, 4)), 2026 - 5 - grade, `${p.fullName} in grade ${grade} born ${p.dob}`);
      assert.ok(!Number.isNaN(Date.parse(p.dob)));
    }
    for (const a of adults) {
      const y = Number(a.dob.slice(0, 4));
      assert.ok(y >= 1965 && y <= 2003, a.dob);
    }
  });

  it('marks about one pupil in ten as textbook-eligible', () => {
    const share = pupils.filter((p) => p.textbookEligible).length / pupils.length;
    assert.ok(share >= 0.06 && share <= 0.15, `share ${share}`);
  });

  it('writes realistic Vietnamese names: family + middle + given, NFC, Nguyễn most common', () => {
    const families = new Set(FAMILY_NAMES.map(([f]) => f));
    const counts = new Map<string, number>();
    for (const p of roster.patrons) {
      assert.equal(p.fullName, p.fullName.normalize('NFC'));
      const parts = p.fullName.split(' ');
      assert.ok(parts.length >= 3 && parts.length <= 4, p.fullName);
      assert.ok(families.has(parts[0]!), p.fullName);
      counts.set(parts[0]!, (counts.get(parts[0]!) ?? 0) + 1);
      assert.ok(p.gender === 'male' || p.gender === 'female');
    }
    const top = [...counts].sort((a, b) => b[1] - a[1])[0]!;
    assert.equal(top[0], 'Nguyễn');
    // No two pupils in one class share a full name.
    for (const c of roster.classes) {
      const names = pupils.filter((p) => p.classId === c.id).map((p) => p.fullName);
      assert.equal(new Set(names).size, names.length, c.name);
    }
  });
});

describe('dashboard/seed/prng', () => {
  it('repeats for a seed, stays in range and forks independently', () => {
    const a = createRng(1);
    const b = createRng(1);
    const xs = Array.from({ length: 1000 }, () => a.next());
    assert.deepEqual(xs, Array.from({ length: 1000 }, () => b.next()));
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(Math.abs(mean - 0.5) < 0.05);
    const r = createRng(5);
    for (let i = 0; i < 500; i++) {
      const n = r.int(3, 7);
      assert.ok(Number.isInteger(n) && n >= 3 && n <= 7);
    }
    assert.deepEqual(r.shuffle([1, 2, 3, 4, 5]).sort(), [1, 2, 3, 4, 5]);
    assert.equal(createRng(9).fork('x').next(), createRng(9).fork('x').next());
    assert.notEqual(createRng(9).fork('x').next(), createRng(9).fork('y').next());
    assert.throws(() => r.pick([]), RangeError);
  });
});
