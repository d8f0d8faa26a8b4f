import assert from 'node:assert/strict';
import {
  isbn13CheckDigit,
  isValidEan13,
  isValidIsbn10,
  isValidIsbn13,
  isValidLibraryBarcode,
  luhnCheckDigit,
  makeLibraryBarcode,
  normalizeIsbn,
  parseLibraryBarcode,
  uuidv7,
} from '#core/ids.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('core/ids', () => {
  describe('ISBN and EAN-13', () => {
    it('accepts the real Vietnamese textbook ISBN 978-604-0-35127-2', () => {
      assert.equal(isValidIsbn13('978-604-0-35127-2'), true);
      assert.equal(isValidIsbn13('978 604 0 35127 2'), true);
      assert.equal(isbn13CheckDigit('978604035127'), 2);
      assert.equal(normalizeIsbn('978-604-0-35127-2'), '9786040351272');
    });

    it('rejects a wrong ISBN-13 check digit, a non-978/979 prefix and the wrong length', () => {
      assert.equal(isValidIsbn13('978-604-0-35127-3'), false);
      assert.equal(isValidIsbn13('4006381333931'), false, 'a valid EAN-13 that is not an ISBN');
      assert.equal(isValidIsbn13('978604035127'), false);
      assert.equal(normalizeIsbn('978-604-0-35127-3'), null);
    });

    it('checks ISBN-10 with an X check digit and converts it to ISBN-13', () => {
      assert.equal(isValidIsbn10('0-8044-2957-X'), true);
      assert.equal(isValidIsbn10('0-8044-2957-x'), true);
      assert.equal(isValidIsbn10('0-8044-2957-1'), false);
      assert.equal(isValidIsbn10('X-8044-2957-0'), false, 'X only in the last place');
      assert.equal(normalizeIsbn('0-8044-2957-X'), '9780804429573');
      assert.equal(isValidIsbn13('9780804429573'), true);
    });

    it('normalizes an ISBN with a label and stray spaces', () => {
      assert.equal(normalizeIsbn(' ISBN 978-604-0-35127-2 '), '9786040351272');
      assert.equal(normalizeIsbn('ISBN-10: 0-8044-2957-X'), '9780804429573');
      assert.equal(normalizeIsbn('978\u2011604\u20110\u201135127\u20112'), '9786040351272', 'non-breaking hyphens');
      assert.equal(normalizeIsbn(''), null);
      assert.equal(normalizeIsbn('not an isbn'), null);
    });

    it('checks EAN-13 strictly (13 digits, no hyphens)', () => {
      assert.equal(isValidEan13('4006381333931'), true);
      assert.equal(isValidEan13('4006381333932'), false);
      assert.equal(isValidEan13('400-6381333931'), false);
      assert.throws(() => isbn13CheckDigit('12345'), RangeError);
    });
  });

  describe('14-digit library Codabar', () => {
    it('accepts the published valid vectors and rejects the invalid ones', () => {
      assert.equal(isValidLibraryBarcode('30234000517861'), true);
      assert.equal(isValidLibraryBarcode('33191000105864'), true);
      assert.equal(isValidLibraryBarcode('22390000027896'), false);
      assert.equal(isValidLibraryBarcode('35555000012349'), false);
    });

    it('accepts the demo patron and item codes', () => {
      assert.deepEqual(parseLibraryBarcode('20001000000012'), { type: 'patron', institution: '0001', serial: 1 });
      assert.deepEqual(parseLibraryBarcode('30001000000101'), { type: 'item', institution: '0001', serial: 10 });
    });

    it('rejects a wrong type digit, a wrong length and letters', () => {
      assert.equal(isValidLibraryBarcode(`1${'0001000000012'}`), false);
      assert.equal(isValidLibraryBarcode('2000100000001'), false);
      assert.equal(isValidLibraryBarcode('2000100000001A'), false);
      assert.equal(parseLibraryBarcode('22390000027896'), null);
      assert.equal(parseLibraryBarcode('STK.000123'), null);
    });

    it('round-trips make → parse and matches the demo codes', () => {
      assert.equal(makeLibraryBarcode('patron', '0001', 1), '20001000000012');
      assert.equal(makeLibraryBarcode('item', '0001', 10), '30001000000101');
      for (const serial of [0, 7, 123456, 99_999_999]) {
        const code = makeLibraryBarcode('item', '0042', serial);
        assert.equal(code.length, 14);
        assert.deepEqual(parseLibraryBarcode(code), { type: 'item', institution: '0042', serial });
      }
      assert.throws(() => makeLibraryBarcode('item', '42', 1), RangeError);
      assert.throws(() => makeLibraryBarcode('item', '0001', 100_000_000), RangeError);
      assert.throws(() => makeLibraryBarcode('patron', '0001', 1.5), RangeError);
    });

    it('computes the Luhn check digit of a payload', () => {
      assert.equal(luhnCheckDigit('7992739871'), 3, 'the classic Luhn example 79927398713');
      assert.equal(luhnCheckDigit('3023400051786'), 1);
      assert.throws(() => luhnCheckDigit('12a'), RangeError);
    });
  });

  describe('uuidv7', () => {
    const rnd = (fill: number): Uint8Array => new Uint8Array(10).fill(fill);

    it('has the RFC 9562 layout: version 7, variant 10, time in the first 48 bits', () => {
      const id = uuidv7(Date.UTC(2026, 8, 7, 1, 0, 0), rnd(0xff));
      assert.match(id, UUID_V7);
      assert.equal(parseInt(id.slice(0, 8) + id.slice(9, 13), 16), Date.UTC(2026, 8, 7, 1, 0, 0));
      assert.match(uuidv7(0, rnd(0)), UUID_V7);
      assert.equal(uuidv7(0, rnd(0)), '00000000-0000-7000-8000-000000000000');
      assert.equal(uuidv7(2 ** 48 - 1, rnd(0xff)), 'ffffffff-ffff-7fff-bfff-ffffffffffff');
    });

    it('sorts by time as plain strings, whatever the random bytes', () => {
      const t0 = Date.UTC(2027, 0, 18, 2, 30);
      const ids = [5, 1, 4, 2, 3, 0].map((k) => ({ k, id: uuidv7(t0 + k * 1000 + k, rnd(255 - k * 40)) }));
      const sorted = [...ids].sort((a, b) => (a.id < b.id ? -1 : 1)).map((x) => x.k);
      assert.deepEqual(sorted, [0, 1, 2, 3, 4, 5]);
    });

    it('refuses a bad time or too few random bytes', () => {
      assert.throws(() => uuidv7(-1, rnd(0)), RangeError);
      assert.throws(() => uuidv7(2 ** 48, rnd(0)), RangeError);
      assert.throws(() => uuidv7(1.5, rnd(0)), RangeError);
      assert.throws(() => uuidv7(0, new Uint8Array(9)), RangeError);
    });
  });
});
