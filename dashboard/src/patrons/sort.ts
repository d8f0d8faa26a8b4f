/**
 * Vietnamese name order, as class lists are read out: by given name (the last word), then by the
 * rest (family and middle names) from the left. Letters follow the Vietnamese alphabet
 * (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, with f j w z in their Latin places for
 * foreign names); tone marks are compared only when the letters are equal, in the order
 * ngang, huyền, hỏi, ngã, sắc, nặng (a à ả ã á ạ), as in Vietnamese dictionaries and CLDR.
 * Table-driven on purpose: the same order in Node and every browser, whatever their ICU data.
 */

const ALPHABET = 'a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z'.split(' ');
const LETTER_RANK = new Map(ALPHABET.map((l, i) => [l, i + 1]));

// Combining tone marks after NFD, in dictionary order (0 = ngang, no mark).
const TONE_RANK: Record<string, number> = { '\u0300': 1, '\u0309': 2, '\u0303': 3, '\u0301': 4, '\u0323': 5 };
// Marks that make a letter of its own: breve (ă), circumflex (â ê ô), horn (ơ ư).
const LETTER_MARKS = new Set(['\u0306', '\u0302', '\u031b']);

interface WordKey {
  /** Letter ranks (digits and other characters after the letters, by code point). */
  letters: number[];
  /** Tone per syllable letter position, 0..5. */
  tones: number[];
  /** Upper-case flags, the last tie-breaker. */
  cases: number[];
}

/** The collation key of one piece of text (one name or part of a name). */
function keyOf(text: string): WordKey {
  const letters: number[] = [];
  const tones: number[] = [];
  const cases: number[] = [];
  const chars = [...text.normalize('NFD')];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (/\p{M}/u.test(ch)) continue; // marks are read with their base letter below
    let base = ch.toLowerCase();
    const upper = base !== ch ? 1 : 0;
    let tone = 0;
    for (let j = i + 1; j < chars.length && /\p{M}/u.test(chars[j]!); j++) {
      const m = chars[j]!;
      if (LETTER_MARKS.has(m)) base = (base + m).normalize('NFC');
      else if (m in TONE_RANK) tone = TONE_RANK[m]!;
    }
    if (base === 'ð') base = 'đ'; // CP1258 text decoded as CP1252
    const rank = LETTER_RANK.get(base);
    // Spaces sort before every letter (so "An" < "An Bình" < "Anh"); other characters after letters.
    letters.push(base === ' ' ? 0 : rank ?? 1000 + base.codePointAt(0)!);
    tones.push(tone);
    cases.push(upper);
  }
  return { letters, tones, cases };
}

function compareArrays(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Compares two strings the Vietnamese way: letters first, then tones, then case. */
export function compareVietnamese(a: string, b: string): number {
  const ka = keyOf(a.trim().replace(/\s+/g, ' '));
  const kb = keyOf(b.trim().replace(/\s+/g, ' '));
  return compareArrays(ka.letters, kb.letters) || compareArrays(ka.tones, kb.tones) || compareArrays(ka.cases, kb.cases);
}

/** Splits a full name into its given name (last word) and the rest. */
export function splitName(fullName: string): { given: string; rest: string } {
  const words = fullName.trim().split(/\s+/).filter(Boolean);
  return { given: words.at(-1) ?? '', rest: words.slice(0, -1).join(' ') };
}

/** Compares two full names: given name first, then family and middle names. */
export function compareNames(a: string, b: string): number {
  const na = splitName(a);
  const nb = splitName(b);
  return compareVietnamese(na.given, nb.given) || compareVietnamese(na.rest, nb.rest);
}

/** A sorted copy of items by the Vietnamese order of name(item); stable for equal names. */
export function sortByName<T>(items: readonly T[], name: (item: T) => string): T[] {
  return items
    .map((item, i) => ({ item, i }))
    .sort((x, y) => compareNames(name(x.item), name(y.item)) || x.i - y.i)
    .map((x) => x.item);
}
