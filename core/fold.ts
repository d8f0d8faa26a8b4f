/**
 * Vietnamese text folding for search: "Đất rừng phương Nam" and "dat rung phuong nam" must meet.
 * Tone and vowel marks are stripped through Unicode decomposition; đ/Đ are separate letters (no
 * decomposition) so they are mapped by hand (SQLite FTS5's remove_diacritics does not do it either).
 */

// Combining marks left over after NFD: the five tones plus the breve, circumflex and horn.
const COMBINING_MARKS = /\p{M}+/gu;
// đ (U+0111) is the real letter; ð (U+00F0, from Ð) appears when CP1258 text was decoded as CP1252.
const D_LETTERS = /[đð]/g;

/** Lower-case, decomposed, marks stripped, đ → d, whitespace collapsed to single spaces and trimmed. Precomposed and NFD input fold alike. */
export function foldVietnamese(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(D_LETTERS, 'd')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The folded words of s, in order, split on anything that is not a letter or digit (punctuation never sticks to a word). */
export function searchTokens(s: string): string[] {
  return foldVietnamese(s)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** True when every word of query starts some word of text, both folded ("dat rung" finds "Đất rừng phương Nam"); an empty query matches nothing. */
export function matchesSearch(text: string, query: string): boolean {
  const want = searchTokens(query);
  if (want.length === 0) return false;
  const have = searchTokens(text);
  return want.every((q) => have.some((w) => w.startsWith(q)));
}
