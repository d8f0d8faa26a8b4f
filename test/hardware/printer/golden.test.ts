/**
 * The decoded picture of the sample slip must match the committed PNGs dot for dot. The PNGs were
 * looked at by a person (diacritics, line breaks); a change in the font, the layout or the encoder
 * shows up here. Regenerate with `node --import tsx test/hardware/printer/golden.ts` and look again.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pngToBitmap } from '#hardware/printer/preview.ts';
import { GOLDEN, goldenPreview } from './golden.ts';

describe('hardware/printer golden slip', () => {
  for (const mm of [58, 80] as const) {
    it(`the ${mm} mm slip decodes to ${mm === 58 ? 'docs/slip-golden.png' : 'docs/slip-golden-80mm.png'} pixel for pixel`, async () => {
      const actual = goldenPreview(mm);
      const golden = await pngToBitmap(readFileSync(GOLDEN[mm]));
      assert.equal(actual.bitmap.width, mm === 58 ? 384 : 576);
      const differ = () => {
        let n = 0;
        for (let i = 0; i < golden.bits.length; i++) for (let b = actual.bitmap.bits[i]! ^ golden.bits[i]!; b; b &= b - 1) n++;
        return n;
      };
      const same = actual.bitmap.width === golden.width && actual.bitmap.height === golden.height && differ() === 0;
      if (!same) {
        const out = join(tmpdir(), `slip-actual-${mm}mm.png`);
        writeFileSync(out, actual.png);
        assert.fail(
          `decoded slip differs from the golden (${actual.bitmap.width}×${actual.bitmap.height} vs ${golden.width}×${golden.height}` +
            `${actual.bitmap.height === golden.height ? `, ${differ()} dots` : ''}); actual written to ${out}`,
        );
      }
    });
  }
});
