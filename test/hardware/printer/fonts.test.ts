/**
 * The committed slip fonts cover the whole Vietnamese alphabet themselves (every vowel with every
 * tone, Đ/đ), in both weights, so no slip ever depends on a fallback font of the machine it runs on.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { registerSlipFonts, SLIP_FONT_DIR, SLIP_FONT_FILES, SLIP_FONT_FAMILY } from '#hardware/printer/fonts.ts';
import { woff2CodePoints } from './woff2-cmap.ts';

const VOWELS = ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y'];
// no mark, grave, hook above, tilde, acute, dot below (Unicode combining marks, composed with NFC)
const TONES = ['', '\u0300', '\u0309', '\u0303', '\u0301', '\u0323'];

function vietnameseLetters(): string[] {
  const lower = VOWELS.flatMap((v) => TONES.map((t) => (v + t).normalize('NFC')));
  lower.push('đ', ...'bcdghklmnpqrstvx');
  return [...lower, ...lower.map((l) => l.toUpperCase())];
}

describe('hardware/printer/fonts', () => {
  it('all 134 toned vowels and Đ/đ are single precomposed letters', () => {
    const letters = vietnameseLetters().filter((l) => !/^[bcdghklmnpqrstvx]$/i.test(l));
    assert.equal(letters.length, 2 * (12 * 6 + 1));
    assert.ok(letters.every((l) => [...l].length === 1));
  });

  for (const weight of ['500', '700']) {
    it(`weight ${weight}: the latin + vietnamese files map every Vietnamese letter and the slip's punctuation`, () => {
      const files = SLIP_FONT_FILES.filter((f) => f.includes(`-${weight}-`));
      assert.equal(files.length, 2);
      const covered = new Set<number>();
      for (const f of files) for (const cp of woff2CodePoints(readFileSync(SLIP_FONT_DIR + f))) covered.add(cp);
      const needed = [...vietnameseLetters(), ...'0123456789 .,:;!?()/-&·—#'];
      const missing = needed.filter((ch) => !covered.has(ch.codePointAt(0)!));
      assert.deepEqual(missing, []);
      assert.ok(!covered.has('中'.codePointAt(0)!), 'the reader sees a real cmap, not "everything"');
    });
  }

  it('registers once under its own family name', () => {
    assert.equal(registerSlipFonts(), SLIP_FONT_FAMILY);
    assert.equal(registerSlipFonts(), SLIP_FONT_FAMILY);
  });
});
