/**
 * The golden slip: the sample slip encoded to ESC/POS, decoded back and drawn as the paper would
 * look. `node --import tsx test/hardware/printer/golden.ts` rewrites docs/slip-golden*.png; look at
 * them before committing (every diacritic, no clipped line).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeEscPos } from '#hardware/printer/decode.ts';
import { renderPreview, type Preview } from '#hardware/printer/preview.ts';
import { sampleSlip } from '#hardware/printer/sample-slip.ts';
import { encodeSlip } from '#hardware/printer/slip-job.ts';

export const GOLDEN = {
  58: fileURLToPath(new URL('../../../docs/slip-golden.png', import.meta.url)),
  80: fileURLToPath(new URL('../../../docs/slip-golden-80mm.png', import.meta.url)),
} as const;

/** The sample slip as the simulated printer draws it (cut on, QR off: the path a 58 mm kiosk takes). */
export function goldenPreview(paperMm: 58 | 80): Preview {
  const job = encodeSlip(sampleSlip(), { paperMm, cut: true });
  return renderPreview(decodeEscPos(job.bytes), job.widthDots);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const mm of [58, 80] as const) {
    writeFileSync(GOLDEN[mm], goldenPreview(mm).png);
    console.log(`wrote ${GOLDEN[mm]}`);
  }
}
