import assert from 'node:assert/strict';
import { blankBitmap, encodeRaster, getDot, renderBlocks, threshold, wrap, type MonoBitmap } from '#hardware/printer/raster.ts';

const black = (bm: MonoBitmap) => {
  let n = 0;
  for (const byte of bm.bits) for (let b = byte; b; b &= b - 1) n++;
  return n;
};

/** Rows that have at least one black dot. */
const inkRows = (bm: MonoBitmap) => {
  const rows: number[] = [];
  for (let y = 0; y < bm.height; y++) if (bm.bits.subarray(y * bm.widthBytes, (y + 1) * bm.widthBytes).some((x) => x !== 0)) rows.push(y);
  return rows;
};

describe('hardware/printer/raster', () => {
  it('renders exactly as wide as the print head: 384 dots (58 mm) or 576 (80 mm)', () => {
    for (const widthDots of [384, 576] as const) {
      const bm = renderBlocks([{ type: 'text', text: 'Nguyễn Thị Ánh Dương' }], { widthDots });
      assert.equal(bm.width, widthDots);
      assert.equal(bm.widthBytes * 8, widthDots);
      assert.equal(bm.bits.length, bm.widthBytes * bm.height);
      assert.ok(black(bm) > 200);
    }
  });

  it('draws the diacritics: a Vietnamese name has ink above the capitals that its folded form lacks', () => {
    const viet = renderBlocks([{ type: 'text', text: 'ĐỖ VĂN ĐỨC' }], { widthDots: 384 });
    const ascii = renderBlocks([{ type: 'text', text: 'DO VAN DUC' }], { widthDots: 384 });
    assert.equal(viet.height, ascii.height, 'same line box whatever the marks');
    assert.ok(black(viet) > black(ascii));
    // The stacked marks of Ỗ and Ứ sit above the cap height, where the plain capitals have nothing.
    assert.ok(inkRows(viet)[0]! < inkRows(ascii)[0]! - 3);
  });

  it('keeps stacked marks inside their own line: consecutive lines never touch', () => {
    const bm = renderBlocks(
      [
        { type: 'text', text: 'ẪỄỖ ẪỄỖ ẪỄỖ' },
        { type: 'text', text: 'gỵjpq gỵjpq' },
        { type: 'text', text: 'ẪỄỖ ẪỄỖ ẪỄỖ' },
      ],
      { widthDots: 384 },
    );
    const rows = new Set(inkRows(bm));
    let gaps = 0;
    for (let y = 1; y < bm.height; y++) if (rows.has(y - 1) && !rows.has(y)) gaps++;
    assert.ok(gaps >= 2, 'blank rows between the three lines');
  });

  it('wraps by measured width and breaks a word only when it cannot fit', () => {
    const m = (s: string) => s.length * 10;
    assert.deepEqual(wrap('Dế Mèn phiêu lưu ký', 80, m), ['Dế Mèn', 'phiêu', 'lưu ký']);
    assert.deepEqual(wrap('ABCDEFGHIJKL', 50, m), ['ABCDE', 'FGHIJ', 'KL']);
    assert.deepEqual(wrap('', 50, m), ['']);
  });

  it('centres and right-aligns text, and leaves the margins blank', () => {
    const left = renderBlocks([{ type: 'text', text: 'X' }], { widthDots: 384 });
    const right = renderBlocks([{ type: 'text', text: 'X', align: 'right' }], { widthDots: 384 });
    const firstCol = (bm: MonoBitmap) => {
      for (let x = 0; x < bm.width; x++) for (let y = 0; y < bm.height; y++) if (getDot(bm, x, y)) return x;
      return -1;
    };
    assert.ok(firstCol(left) >= 8 && firstCol(left) < 16);
    assert.ok(firstCol(right) > 340 && firstCol(right) < 376);
  });

  it('thresholds luminance: dark grey prints, light grey does not, transparent is paper', () => {
    const px = (r: number, a = 255) => [r, r, r, a];
    const rgba = Uint8Array.from([...px(0), ...px(100), ...px(200), ...px(0, 0), ...px(159), ...px(160), ...px(255), ...px(20)]);
    const bm = threshold(rgba, 8, 1, 160);
    assert.equal(bm.bits[0], 0b1100_1001);
  });

  it('encodes GS v 0 bands of at most bandRows rows with little-endian width and height', () => {
    const bm = blankBitmap(384, 300);
    bm.bits[0] = 0x80;
    const bands = encodeRaster(bm, 128);
    assert.deepEqual(
      bands.map((b) => [...b.subarray(0, 8)]),
      [
        [0x1d, 0x76, 0x30, 0, 48, 0, 128, 0],
        [0x1d, 0x76, 0x30, 0, 48, 0, 128, 0],
        [0x1d, 0x76, 0x30, 0, 48, 0, 44, 0],
      ],
    );
    assert.equal(bands[0]![8], 0x80);
    assert.equal(bands.reduce((a, b) => a + b.length - 8, 0), 48 * 300);
  });
});
