import assert from 'node:assert/strict';
import { benchHidScan } from '#hardware/hid/bench-hid-scan.ts';

describe('hardware/hid/bench-hid-scan', () => {
  it('decodes every bench scan through the real transport and reports percentiles in ms', async () => {
    const r = await benchHidScan(20);
    for (const s of [r.keyboardLastReport, r.keyboardWholeScan, r.hidPos]) {
      assert.equal(s.n, 20);
      assert.ok(s.p50 >= 0 && s.p50 <= s.p99 && s.p99 <= s.max);
    }
  });
});
