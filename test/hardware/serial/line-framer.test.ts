import assert from 'node:assert/strict';
import { LineFramer } from '#hardware/serial/line-framer.ts';
import { prng, randomBytes } from '../random-bytes.ts';

const b = (s: string) => Buffer.from(s, 'latin1');
const all = (f: LineFramer, chunks: string[]) => chunks.flatMap((c) => f.push(b(c)));

describe('hardware/serial/line-framer', () => {
  describe("suffix 'any' (default)", () => {
    it('ends a line on CR, LF or CRLF, with no empty codes', () => {
      assert.deepEqual(all(new LineFramer(), ['111\r222\n333\r\n444\n\r\r\n']), ['111', '222', '333', '444']);
    });
    it('joins a line split across chunks, even between CR and LF', () => {
      assert.deepEqual(all(new LineFramer(), ['3000', '10000', '00101\r', '\n2000', '1000000012\r', '\n']), ['30001000000101', '20001000000012']);
    });
  });

  describe('configured suffixes', () => {
    it("'cr': LF inside nothing; a leftover LF after CR is skipped", () => {
      assert.deepEqual(all(new LineFramer({ suffix: 'cr' }), ['12\r\n34\r']), ['12', '34']);
    });
    it("'crlf': only CR LF ends a line; a lone CR makes the line garbage", () => {
      const f = new LineFramer({ suffix: 'crlf' });
      assert.deepEqual(all(f, ['12\r\n', '3\r4\r\n', '56\r\n']), ['12', '56']);
      assert.equal(f.garbage, 1);
    });
    it('a custom suffix (Tab) and an STX prefix with ETX suffix', () => {
      assert.deepEqual(all(new LineFramer({ suffix: { custom: '\t' } }), ['AB\tCD\t']), ['AB', 'CD']);
      assert.deepEqual(all(new LineFramer({ suffix: { custom: '\x03' }, prefix: '\x02' }), ['\x02978604\x03\x0212', '34\x03']), ['978604', '1234']);
    });
    it('refuses an empty custom suffix', () => {
      assert.throws(() => new LineFramer({ suffix: { custom: '' } }), RangeError);
    });
  });

  describe('garbage recovery', () => {
    it('drops a line with control bytes and reads the next', () => {
      const f = new LineFramer();
      assert.deepEqual(all(f, ['\x00\x00\x1b[0m12\r', '42\r']), ['42']);
      assert.equal(f.garbage, 1);
    });
    it('drops a line of invalid UTF-8 (wrong baud rate) and keeps valid UTF-8', () => {
      const f = new LineFramer();
      assert.deepEqual(f.push(Buffer.from([0xe0, 0xff, 0x80, 0x0d])), []);
      assert.deepEqual(f.push(Buffer.concat([Buffer.from('Lê Lợi', 'utf8'), Buffer.from([0x0d])])), ['Lê Lợi']);
      assert.equal(f.garbage, 1);
    });
    it('drops an over-long line up to its suffix, then reads the next', () => {
      const f = new LineFramer({ maxLength: 16 });
      assert.deepEqual(all(f, ['x'.repeat(10), 'x'.repeat(30), '\r1234567890123456\r']), ['1234567890123456']);
      assert.equal(f.overlong, 1);
    });
    it('over-long with a multi-byte suffix still finds the suffix', () => {
      const f = new LineFramer({ maxLength: 4, suffix: 'crlf' });
      assert.deepEqual(all(f, ['abcdefgh\r', '\n12\r\n']), ['12']);
      assert.equal(f.overlong, 1);
    });
    it('drops a half line after a pause longer than the timeout', () => {
      let now = 0;
      const f = new LineFramer({ now: () => now });
      f.push(b('123'));
      now += 501;
      assert.deepEqual(f.push(b('456\r')), ['456']);
      assert.equal(f.stale, 1);
      now += 400;
      f.push(b('78'));
      now += 400;
      assert.deepEqual(f.push(b('9\r')), ['789']);
    });

    for (const seed of [11, 12, 13, 14, 15, 16, 17, 18]) {
      it(`after random garbage and one suffix, the next lines come out exactly (seed ${seed})`, () => {
        const rand = prng(seed);
        const f = new LineFramer();
        const out: string[] = [];
        for (let i = 0; i < 50; i++) out.push(...f.push(randomBytes(rand, 64)));
        for (const line of out) assert.ok([...line].every((ch) => ch.charCodeAt(0) >= 0x20 && ch !== '\x7f'), 'nothing with control bytes gets through');
        f.push(b('\r'));
        const codes = ['30001000000101', '9786041234567', 'HS0042'];
        // Split the good lines at random points, as USB packets do.
        const stream = b(codes.map((c) => `${c}\r\n`).join(''));
        const got: string[] = [];
        for (let at = 0; at < stream.length; ) {
          const n = 1 + Math.floor(rand() * 8);
          got.push(...f.push(stream.subarray(at, at + n)));
          at += n;
        }
        assert.deepEqual(got, codes);
      });
    }
  });
});
