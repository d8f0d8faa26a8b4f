import assert from 'node:assert/strict';
import { benchSlip } from '#hardware/printer/bench.ts';

describe('hardware/printer/bench', () => {
  it('measures render + encode per paper width (figures for npm run bench, not a budget here)', () => {
    const rows = benchSlip(3);
    assert.deepEqual(
      rows.map((r) => [r.paperMm, r.n]),
      [
        [58, 3],
        [80, 3],
      ],
    );
    for (const r of rows) assert.ok(r.p50 > 0 && r.p99 >= r.p50 && r.bytes > 10_000);
  });
});
