/**
 * DLE EOT answers decoded from the bit layout in the ESC/POS reference (escpos_vietnamese_and_status.md
 * in the shared data): fixed bits 1 and 4 set, 0 and 7 clear; n=4 bits 2+3 near end, 5+6 paper end.
 * The bytes are written out here by hand, not produced by the simulator.
 */
import assert from 'node:assert/strict';
import {
  decodeOfflineCause,
  decodePaperSensor,
  decodePrinterStatus,
  isStatusByte,
  paperSensorByte,
  paperStateOf,
  StatusByteError,
} from '#hardware/printer/status.ts';

describe('hardware/printer/status', () => {
  it('reads the roll paper sensor (DLE EOT 4): ok, near end, out, both', () => {
    assert.equal(paperStateOf(0b0001_0010), 'ok'); // 0x12
    assert.equal(paperStateOf(0b0001_1110), 'near_end'); // 0x1E: bits 2+3
    assert.equal(paperStateOf(0b0111_0010), 'out'); // 0x72: bits 5+6
    assert.equal(paperStateOf(0b0111_1110), 'out'); // 0x7E: roll gone, near-end sensor empty too
    assert.deepEqual(decodePaperSensor(0x7e), { nearEnd: true, end: true });
    assert.deepEqual(decodePaperSensor(0x12), { nearEnd: false, end: false });
  });

  it('counts a sensor pair when a clone sets only one of its two bits', () => {
    assert.equal(paperStateOf(0b0001_0110), 'near_end'); // bit 2 only
    assert.equal(paperStateOf(0b0001_1010), 'near_end'); // bit 3 only
    assert.equal(paperStateOf(0b0011_0010), 'out'); // bit 5 only
    assert.equal(paperStateOf(0b0101_0010), 'out'); // bit 6 only
  });

  it('decodes an out-of-paper printer\'s answers to DLE EOT 1, 2 and 4 (0x1A, 0x32, 0x7E)', () => {
    const p = decodePrinterStatus(0x1a);
    assert.equal(p.offline, true);
    assert.equal(p.drawerPin3High, false);
    const c = decodeOfflineCause(0x32);
    assert.equal(c.stoppedByPaperEnd, true);
    assert.equal(c.coverOpen, false);
    assert.equal(paperStateOf(0x7e), 'out');
  });

  it('decodes a cover open (DLE EOT 2 bit 2) and a pressed feed button (DLE EOT 1 bit 6)', () => {
    assert.deepEqual(decodeOfflineCause(0b0001_0110), { coverOpen: true, feedingByButton: false, stoppedByPaperEnd: false, error: false });
    const p = decodePrinterStatus(0b0101_0010);
    assert.equal(p.feedButtonPressed, true);
    assert.equal(p.offline, false);
  });

  it('refuses bytes without the fixed bits instead of guessing', () => {
    for (const b of [0x00, 0xff, 0x13, 0x10, 0x02, 0x92]) {
      assert.equal(isStatusByte(b), false, `0x${b.toString(16)}`);
      assert.throws(() => paperStateOf(b), StatusByteError);
    }
  });

  it('the simulator answers with the documented bytes for each paper state', () => {
    assert.equal(paperSensorByte('ok'), 0x12);
    assert.equal(paperSensorByte('near_end'), 0x1e);
    assert.equal(paperSensorByte('out'), 0x7e);
  });
});
