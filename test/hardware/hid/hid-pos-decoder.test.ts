import assert from 'node:assert/strict';
import { HID_POS_LAYOUT, HidPosDecoder } from '#hardware/hid/hid-pos-decoder.ts';
import { hidPosReports } from '#hardware/sim/hid-pos-reports.ts';
import { prng, randomBytes } from '../random-bytes.ts';

/**
 * One input report laid out by hand from the scanner makers' table (HID POS mode, 64 bytes):
 * byte 0 report id 2, byte 1 data length, bytes 2–4 AIM id, 5–60 data, 61 code id, 62 reserved,
 * 63 bit 0 "data continued". Independent of hardware/src/sim/hid-pos-reports.ts.
 */
function documented(data: string, opts: { aim?: string; codeId?: number; continued?: boolean; id?: number; length?: number } = {}): Buffer {
  const r = Buffer.alloc(64);
  r[0] = opts.id ?? 0x02;
  r[1] = opts.length ?? Buffer.byteLength(data, 'latin1');
  if (opts.aim !== undefined) r.write(opts.aim, 2, 'latin1');
  r.write(data, 5, 'latin1');
  r[61] = opts.codeId ?? 0;
  r[62] = 0;
  r[63] = opts.continued ? 0x01 : 0x00;
  return r;
}

// The manual's example: a 60-byte code (a boarding pass in a QR code, AIM "]Q0", code id "s")
// split into a 56-byte report flagged continued and a 4-byte report " 100" that ends it.
const FIRST_56 = 'M1GATHERGOOD/MICHAEL YABCDEF LHRDURAK 3542 052Y003D23   '.slice(0, 56);
const EXAMPLE = [documented(FIRST_56, { aim: ']Q0', codeId: 0x73, continued: true }), documented(' 100', { aim: ']Q0', codeId: 0x73 })];

describe('hardware/hid/hid-pos-decoder', () => {
  it('joins the documented two-report example into one 60-byte scan', () => {
    assert.equal(FIRST_56.length, 56);
    assert.equal(EXAMPLE[0]![1], 0x38);
    const d = new HidPosDecoder();
    assert.deepEqual(d.push(EXAMPLE[0]!), []);
    assert.equal(d.pending, true);
    const [scan] = d.push(EXAMPLE[1]!);
    assert.ok(scan);
    assert.equal(scan.data.length, 60);
    assert.equal(scan.text, `${FIRST_56} 100`);
    assert.equal(scan.aim, ']Q0');
    assert.equal(scan.codeId, 's');
    assert.equal(d.pending, false);
  });

  it('reads a single-report EAN-13 (ISBN) scan', () => {
    const d = new HidPosDecoder();
    assert.deepEqual(d.push(documented('9786041234567', { aim: ']E0', codeId: 0x64 })), [
      { data: Buffer.from('9786041234567'), text: '9786041234567', aim: ']E0', codeId: 'd' },
    ]);
  });

  it('strips a CR/LF suffix the scanner was configured to add; keeps data without AIM id', () => {
    const d = new HidPosDecoder();
    const [scan] = d.push(documented('30001000000101\r\n'));
    assert.equal(scan?.text, '30001000000101');
    assert.equal(scan?.aim, undefined);
    assert.equal(scan?.codeId, undefined);
  });

  it('decodes UTF-8 data (a QR code with Vietnamese text)', () => {
    const text = 'Nguyễn Văn An';
    const r = Buffer.alloc(64);
    r[0] = 2;
    const bytes = Buffer.from(text, 'utf8');
    r[1] = bytes.length;
    r.write(']Q1', 2, 'latin1');
    bytes.copy(r, 5);
    assert.equal(new HidPosDecoder().push(r)[0]?.text, text);
  });

  it('ignores other report ids, counts short reports and impossible lengths', () => {
    const d = new HidPosDecoder();
    assert.deepEqual(d.push(documented('123', { id: 0x04 })), []);
    assert.deepEqual(d.push(Buffer.alloc(8)), []);
    assert.deepEqual(d.push(documented('x', { length: 57 })), []);
    assert.deepEqual([d.ignored, d.malformed], [1, 2]);
    assert.equal(d.push(documented('42'))[0]?.text, '42');
  });

  it('an impossible length in a continuation drops the half code', () => {
    const d = new HidPosDecoder();
    d.push(EXAMPLE[0]!);
    d.push(documented('zz', { length: 200 }));
    assert.equal(d.pending, false);
    assert.deepEqual(d.push(EXAMPLE[1]!).map((s) => s.text), [' 100']);
  });

  it('drops a continuation that comes more than 500 ms late', () => {
    let now = 0;
    const d = new HidPosDecoder({ now: () => now });
    d.push(EXAMPLE[0]!);
    now += 501;
    assert.deepEqual(d.push(EXAMPLE[1]!).map((s) => s.text), [' 100']);
    assert.equal(d.stale, 1);
  });

  it('drops an over-long code whole and reads the next', () => {
    const d = new HidPosDecoder({ maxLength: 100 });
    const long = hidPosReports('7'.repeat(150));
    assert.equal(long.length, 3);
    assert.deepEqual(long.flatMap((r) => d.push(r)), []);
    assert.equal(d.overlong, 1);
    assert.equal(d.push(documented('1'))[0]?.text, '1');
  });

  describe('the simulator against the documented layout', () => {
    it('puts the fields at the documented offsets', () => {
      const [r] = hidPosReports('9786041234567');
      assert.ok(r);
      assert.equal(r.length, 64);
      assert.equal(r.toString('hex'), documented('9786041234567', { aim: ']E0', codeId: 0x64 }).toString('hex'));
    });

    for (const n of [1, 13, 55, 56, 57, 112, 113, 300]) {
      it(`round-trips a ${n}-byte code (${Math.ceil(n / HID_POS_LAYOUT.dataMax)} reports)`, () => {
        const code = Array.from({ length: n }, (_, i) => String.fromCharCode(0x21 + (i % 90))).join('');
        const reports = hidPosReports(code);
        assert.equal(reports.length, Math.ceil(n / 56));
        reports.slice(0, -1).forEach((r) => assert.equal(r[63]! & 1, 1));
        assert.equal(reports.at(-1)![63]! & 1, 0);
        const d = new HidPosDecoder();
        assert.deepEqual(reports.flatMap((r) => d.push(r)).map((s) => s.text), [code]);
      });
    }
  });

  describe('random input (seeded property test)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      it(`never throws on random reports, and reads a scan after a pause (seed ${seed})`, () => {
        const rand = prng(seed);
        let now = 0;
        const d = new HidPosDecoder({ now: () => now });
        for (let i = 0; i < 2000; i++) {
          const r = randomBytes(rand, 80);
          if (rand() < 0.3 && r.length >= 64) r[0] = 2; // make some look like scanned data
          if (rand() < 0.3 && r.length >= 64) r[1] = Math.floor(rand() * 57);
          now += 1;
          for (const scan of d.push(r)) assert.equal(typeof scan.text, 'string');
        }
        now += 1000;
        assert.deepEqual(d.push(documented('20001000000012')).map((s) => s.text), ['20001000000012']);
      });
    }
  });
});
