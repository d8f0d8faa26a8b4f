/**
 * The config-file QR encoder (versions 1–25, byte mode): identical to the card encoder where both
 * exist (versions 1–4, itself checked against published matrices), the structure tables of
 * ISO/IEC 18004:2015 (alignment centres, Annex E; version information, Annex D; codeword counts,
 * Table 9), and a read-back of the symbol: modules unmasked, de-interleaved, every block's EC
 * codewords consistent, and the bytes equal to a real station config.
 */
import assert from 'node:assert/strict';
import { encodeQr, reedSolomon } from '#server/patrons/qr.ts';
import { alignmentCentres, dataCodewords, dataPositions, encodeLargeQr, totalCodewords, versionBits } from '#server/stations/qr-config.ts';
import { handoutQrText, stationHandout } from '#server/stations/station-config.ts';

const MASKS: ((r: number, c: number) => boolean)[] = [
  (r, c) => (r + c) % 2 === 0,
  (r) => r % 2 === 0,
  (_r, c) => c % 3 === 0,
  (r, c) => (r + c) % 3 === 0,
  (r, c) => (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0,
  (r, c) => ((r * c) % 2) + ((r * c) % 3) === 0,
  (r, c) => (((r * c) % 2) + ((r * c) % 3)) % 2 === 0,
  (r, c) => (((r + c) % 2) + ((r * c) % 3)) % 2 === 0,
];

/** Table 9: [blocks, EC per block] for level L, versions 7, 10, 11, 15. */
const TABLE9_L: Record<number, [number, number]> = { 7: [2, 20], 10: [4, 18], 11: [4, 20], 15: [6, 22] };

describe('config QR encoder (versions 1–25)', () => {
  it('matches the card encoder on versions 1–4, every mask', () => {
    for (const ec of ['L', 'M'] as const) {
      for (const text of ['1', 'kiosk-1', 'x'.repeat(30), 'y'.repeat(60)]) {
        for (let mask = 0; mask < 8; mask++) {
          let card;
          try {
            card = encodeQr(text, { ecLevel: ec, mask });
          } catch {
            continue; // beyond version 4
          }
          assert.deepEqual(encodeLargeQr(text, { ecLevel: ec, mask }).modules, card.modules, `${ec} ${text.length} mask ${mask}`);
        }
      }
    }
  });

  it('follows the standard\'s tables', () => {
    assert.deepEqual(alignmentCentres(7), [6, 22, 38]);
    assert.deepEqual(alignmentCentres(15), [6, 26, 48, 70]);
    assert.deepEqual(alignmentCentres(22), [6, 26, 50, 74, 98]);
    assert.deepEqual(alignmentCentres(25), [6, 32, 58, 84, 110]);
    assert.equal(versionBits(7), 0x07c94);
    assert.equal(versionBits(10), 0x0a4d3);
    assert.deepEqual([totalCodewords(7), totalCodewords(10), totalCodewords(15), totalCodewords(25)], [196, 346, 655, 1588]);
    for (const [v, [blocks, ec]] of Object.entries(TABLE9_L)) assert.equal(dataCodewords(Number(v), 'L'), totalCodewords(Number(v)) - blocks * ec);
    assert.equal(dataCodewords(10, 'L'), 274);
  });

  it('reads back a station config file byte for byte, with consistent EC in every block', () => {
    const handout = stationHandout({
      school: { id: 'thcs-nguyendu', name: 'Trường THCS Nguyễn Du', isil: 'VN-THCS01', institution: '0001' },
      device: 'kiosk-12',
      role: 'kiosk',
      password: 'abcdefghjkmnpqrstuvwxyzAB',
      mqttUrl: 'mqtts://thuvien.local:8883',
    });
    const qrText = handoutQrText(handout);
    assert.match(qrText, /^[\x20-\x7e]+$/, 'ASCII only: no scanner misreads the charset');
    assert.deepEqual(JSON.parse(qrText), handout.config, 'the same config, Vietnamese name included');
    for (const text of [qrText, 'z'.repeat(150), 'đ'.repeat(250)]) {
      const bytes = new TextEncoder().encode(text);
      const q = encodeLargeQr(text, { ecLevel: 'L' });
      assert.ok(q.version >= 7, 'large enough to need version information');
      const n = q.modules.length;
      assert.equal(n, 17 + 4 * q.version);
      // Unmask and read the zigzag.
      const bits = dataPositions(q.functionModules).map(([r, c]) => q.modules[r]![c]! !== MASKS[q.mask]!(r, c));
      const cws: number[] = [];
      for (let i = 0; i + 8 <= bits.length && cws.length < totalCodewords(q.version); i += 8) cws.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | (b ? 1 : 0), 0));
      // De-interleave with Table 9's block structure.
      assert.ok(TABLE9_L[q.version], `version ${q.version} is in the table above`);
      const [blocks, ecLen] = TABLE9_L[q.version]!;
      const total = totalCodewords(q.version);
      const shortBlocks = blocks - (total % blocks);
      const shortLen = Math.floor(total / blocks) - ecLen;
      const data: number[][] = Array.from({ length: blocks }, () => []);
      let k = 0;
      for (let i = 0; i <= shortLen; i++) for (let b = 0; b < blocks; b++) if (i < shortLen + (b < shortBlocks ? 0 : 1)) data[b]!.push(cws[k++]!);
      const ecs: number[][] = Array.from({ length: blocks }, () => []);
      for (let i = 0; i < ecLen; i++) for (let b = 0; b < blocks; b++) ecs[b]!.push(cws[k++]!);
      data.forEach((blk, b) => assert.deepEqual(reedSolomon(blk, ecLen), ecs[b], `block ${b}`));
      // Byte mode, 8-bit count before version 10, 16-bit from 10.
      const stream = data.flat();
      const bitAt = (i: number) => (stream[i >>> 3]! >>> (7 - (i & 7))) & 1;
      const read = (from: number, len: number) => Array.from({ length: len }, (_, j) => bitAt(from + j)).reduce((a, b) => (a << 1) | b, 0);
      assert.equal(read(0, 4), 0b0100);
      const countBits = q.version < 10 ? 8 : 16;
      assert.equal(read(4, countBits), bytes.length);
      const got = Uint8Array.from({ length: bytes.length }, (_, j) => read(4 + countBits + 8 * j, 8));
      assert.equal(new TextDecoder().decode(got), text);
    }
  });
});
