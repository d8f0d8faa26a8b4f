/** The ESC/POS decoder against byte strings written from the command reference (not from our encoder). */
import assert from 'node:assert/strict';
import { code128Widths } from '#core/barcode/code128.ts';
import { code128FromCommandData } from '#hardware/printer/code128.ts';
import { decodeEscPos, decodeOne, EscPosDecodeError } from '#hardware/printer/decode.ts';

const hex = (s: string) => Uint8Array.from(s.trim().split(/\s+/).map((h) => parseInt(h, 16)));

describe('hardware/printer/decode', () => {
  it('decodes init, alignment, feeds and a partial cut', () => {
    const ops = decodeEscPos(hex('1B 40 1B 61 01 1B 64 04 1B 4A 18 0A 1D 56 42 00'));
    assert.deepEqual(
      ops.map(({ at: _a, length: _l, ...op }) => op),
      [
        { op: 'init' },
        { op: 'align', align: 1 },
        { op: 'feed-lines', n: 4 },
        { op: 'feed-dots', n: 24 },
        { op: 'lf' },
        { op: 'cut', partial: true, feed: 0 },
      ],
    );
  });

  it('decodes a GS v 0 raster band: width in bytes, height in rows, MSB-left data', () => {
    // 16 dots × 2 rows: row 0 = left 8 dots black, row 1 = rightmost dot black
    const [op] = decodeEscPos(hex('1D 76 30 00 02 00 02 00 FF 00 00 01'));
    assert.ok(op && op.op === 'raster');
    assert.equal(op.widthBytes, 2);
    assert.equal(op.height, 2);
    assert.deepEqual([...op.data], [0xff, 0x00, 0x00, 0x01]);
    assert.equal(op.length, 12);
  });

  it('decodes a CODE128 barcode (GS k 73 n) with its settings, and the QR functions of GS ( k', () => {
    const ops = decodeEscPos(
      hex(`1D 68 50 1D 77 02 1D 48 02 1D 6B 49 06 7B 42 41 42 43 31
           1D 28 6B 04 00 31 41 32 00  1D 28 6B 03 00 31 43 06  1D 28 6B 03 00 31 45 31
           1D 28 6B 05 00 31 50 30 48 49  1D 28 6B 03 00 31 51 30`),
    );
    assert.deepEqual(
      ops.map((o) => o.op),
      ['barcode-height', 'barcode-module', 'hri-position', 'barcode', 'qr-model', 'qr-module', 'qr-level', 'qr-store', 'qr-print'],
    );
    const bc = ops[3]!;
    assert.ok(bc.op === 'barcode');
    assert.equal(bc.system, 73);
    assert.equal(Buffer.from(bc.data).toString('latin1'), '{BABC1');
    const lvl = ops[6]!;
    assert.ok(lvl.op === 'qr-level' && lvl.level === 'M');
    const store = ops[7]!;
    assert.ok(store.op === 'qr-store' && Buffer.from(store.data).toString('latin1') === 'HI');
  });

  it('recognises ESC t (code page) and DLE EOT, so a capture can be checked for them', () => {
    const ops = decodeEscPos(hex('1B 74 1E 10 04 04'));
    assert.deepEqual(
      ops.map(({ at: _a, length: _l, ...op }) => op),
      [{ op: 'codepage', n: 30 }, { op: 'status', n: 4 }],
    );
  });

  it('refuses unknown commands, code-page text and cut-off commands with typed errors', () => {
    const err = (b: Uint8Array) => {
      try {
        decodeEscPos(b);
      } catch (e) {
        assert.ok(e instanceof EscPosDecodeError);
        return e;
      }
      assert.fail('no error');
    };
    const unknown = err(hex('1B 40 1B 99 00'));
    assert.equal(unknown.reason, 'unknown_command');
    assert.equal(unknown.offset, 2);
    // "Việt" in CP1258 (the shared vectors): the é-like byte 0xEA must not pass as text
    const cp1258 = err(hex('56 69 EA F2 74'));
    assert.equal(cp1258.reason, 'non_ascii_text');
    assert.equal(cp1258.offset, 2);
    assert.equal(err(hex('1D 76 30 00 30 00 10 00 FF')).reason, 'truncated');
    assert.equal(err(hex('1D 76 31 00 01 00 01 00 00')).reason, 'bad_parameter');
    assert.equal(err(hex('1F')).reason, 'unknown_command');
  });

  it('asks for more bytes (null) when a command is split across reads', () => {
    assert.equal(decodeOne(hex('1D 76 30 00 02 00 02 00 FF'), 0), null);
    assert.equal(decodeOne(hex('10 04'), 0), null);
    assert.equal(decodeOne(hex('1D 28 6B 05 00 31 50'), 0), null);
  });

  describe('CODE128 symbols', () => {
    it('reads code set C digit pairs and code set B characters back, with the mod-103 check', () => {
      const c = code128FromCommandData(Uint8Array.of(0x7b, 0x43, 20, 25, 10, 8))
      assert.equal(c.text, '20251008');
      // start C (105) + 20·1 + 25·2 + 10·3 + 8·4 = 237 → 237 mod 103 = 31
      assert.deepEqual(c.values, [105, 20, 25, 10, 8, 31, 106]);
      const b = code128FromCommandData(Buffer.from('{BSTK.0{{1', 'latin1'));
      assert.equal(b.text, 'STK.0{1');
      assert.equal(code128Widths(b.values).reduce((a, x) => a + x, 0), 11 * (b.values.length - 1) + 13);
      assert.throws(() => code128FromCommandData(Buffer.from('ABC')), /must start with/);
    });
  });
});
