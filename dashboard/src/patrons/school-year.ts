/** School years are named "2026-2027": they start in the first calendar year. */

export const SCHOOL_YEAR = /^(\d{4})-(\d{4})$/;

/** True for "YYYY-YYYY" where the second year follows the first. */
export function isSchoolYear(s: string): boolean {
  const m = SCHOOL_YEAR.exec(s);
  return !!m && Number(m[2]) === Number(m[1]) + 1;
}

/** The calendar year a school year starts in ("2026-2027" → 2026). */
export function startYearOf(year: string): number {
  return Number(year.slice(0, 4));
}

/** The school year after this one. */
export function nextSchoolYear(year: string): string {
  const s = startYearOf(year) + 1;
  return `${s}-${s + 1}`;
}

/** A class id as the demo seed makes them: start year and name ("2026-4A"). */
export function classIdFor(year: string, name: string): string {
  return `${startYearOf(year)}-${name}`;
}
