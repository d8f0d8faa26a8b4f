/**
 * The bytes of a Vietnamese slip: raster only for the text, exactly 384 or 576 dots wide, nothing
 * above 0x7F outside raster commands, no code page selection. The walker here skips GS v 0 data by its
 * own header arithmetic, independently of decode.ts.
 */
import assert from 'node:assert/strict';
import { sampleSlip } from '#hardware/printer/sample-slip.ts';
import { encodeSlip } from '#hardware/printer/slip-job.ts';

interface Walk {
  bands: { widthBytes: number; rows: number }[];
  /** Every byte outside GS v 0 commands (their binary sizes and data). */
  outside: number[];
  /** Offsets of ESC t outside raster data. */
  codePage: number[];
}

function walk(b: Uint8Array): Walk {
  const w: Walk = { bands: [], outside: [], codePage: [] };
  let i = 0;
  while (i < b.length) {
    if (b[i] === 0x1d && b[i + 1] === 0x76 && b[i + 2] === 0x30) {
      const widthBytes = b[i + 4]! + 256 * b[i + 5]!;
      const rows = b[i + 6]! + 256 * b[i + 7]!;
      w.bands.push({ widthBytes, rows });
      w.outside.push(...b.subarray(i, i + 4)); // command and mode; the sizes are binary
      i += 8 + widthBytes * rows;
      continue;
    }
    if (b[i] === 0x1b && b[i + 1] === 0x74) w.codePage.push(i);
    w.outside.push(b[i]!);
    i++;
  }
  assert.equal(i, b.length, 'a raster band runs past the end of the job');
  return w;
}

describe('hardware/printer/slip-job', () => {
  for (const [mm, dots] of [
    [58, 384],
    [80, 576],
  ] as const) {
    it(`a Vietnamese slip on ${mm} mm paper is raster ${dots} dots wide, with no code-page text`, () => {
      const job = encodeSlip(sampleSlip(), { paperMm: mm });
      assert.equal(job.widthDots, dots);
      const w = walk(job.bytes);
      assert.ok(w.bands.length >= 2);
      for (const band of w.bands) {
        assert.equal(band.widthBytes * 8, dots);
        assert.ok(band.rows >= 1 && band.rows <= 128);
      }
      assert.equal(w.bands.reduce((a, x) => a + x.rows, 0), job.rasterRows);
      assert.deepEqual(w.codePage, []);
      const high = w.outside.filter((x) => x >= 0x80);
      assert.deepEqual(high, [], 'bytes ≥ 0x80 outside raster data');
      // The UTF-8 of a name must not be anywhere in the job, raster aside.
      assert.equal(Buffer.from(w.outside).includes(Buffer.from('Nguy', 'latin1')), false);
      // Starts with ESC @, ends with GS V 66 0 (feed to the cutter, partial cut).
      assert.deepEqual([...job.bytes.subarray(0, 2)], [0x1b, 0x40]);
      assert.deepEqual([...job.bytes.subarray(-4)], [0x1d, 0x56, 66, 0]);
    });
  }

  it('sends the slip number natively as CODE128 in code set C (GS k 73)', () => {
    const job = encodeSlip(sampleSlip(), { paperMm: 58 });
    const at = job.bytes.indexOf(Buffer.from([0x1d, 0x6b, 73]));
    assert.ok(at > 0);
    const n = job.bytes[at + 3]!;
    assert.deepEqual([...job.bytes.subarray(at + 4, at + 4 + n)], [0x7b, 0x43, 20, 25, 10, 8, 0, 42]);
  });

  it('without a cutter feeds 4 lines instead of cutting', () => {
    const job = encodeSlip({ lines: ['Hạn trả: 15/10/2025'] }, { paperMm: 58, cut: false });
    assert.deepEqual([...job.bytes.subarray(-3)], [0x1b, 0x64, 4]);
    assert.equal(job.bytes.includes(Buffer.from([0x1d, 0x56])), false);
  });

  it('prints QR data as text on printers without GS ( k, and as GS ( k on those with it', () => {
    const slip = { lines: [], blocks: [{ type: 'qr' as const, data: 'https://thuvien.example/p/42' }] };
    const without = encodeSlip(slip, { paperMm: 58, qr: false });
    assert.equal(without.bytes.includes(Buffer.from([0x1d, 0x28, 0x6b])), false);
    assert.ok(without.rasterRows > 0);
    const withQr = encodeSlip(slip, { paperMm: 80, qr: true });
    assert.ok(withQr.bytes.includes(Buffer.from([0x1d, 0x28, 0x6b, 3, 0, 49, 81, 48])));
    assert.ok(withQr.bytes.includes(Buffer.from('https://thuvien.example/p/42', 'ascii')));
  });

  it('a code too wide for 58 mm is printed as text, never cut off', () => {
    const data = 'ULID-01JB6Z3K8V9QW2XR7T5N4M3P2A';
    const job = encodeSlip({ lines: [], blocks: [{ type: 'barcode', data }] }, { paperMm: 58 });
    assert.equal(job.bytes.includes(Buffer.from([0x1d, 0x6b])), false);
    assert.ok(job.rasterRows > 0);
  });

  it('bands are at most the configured number of rows', () => {
    const job = encodeSlip(sampleSlip(), { paperMm: 58, bandRows: 24 });
    const w = walk(job.bytes);
    assert.ok(w.bands.every((b) => b.rows <= 24));
    assert.ok(w.bands.length >= Math.ceil(job.rasterRows / 24));
  });
});
