import assert from 'node:assert/strict';
import { CardNumberError, normaliseCardNumber, type CardNumberErrorCode } from '#core/card-number.ts';

/** Asserts that normalising throws a CardNumberError with this code. */
function rejects(fn: () => unknown, code: CardNumberErrorCode): void {
  assert.throws(fn, (err: unknown) => err instanceof CardNumberError && err.code === code && err.cardNumberError);
}

// Vectors from public descriptions of the formats (worked through by hand, not by this code):
// - a reader maker's output-format table: EM ID "01026F6C3A" → 8H10D "0040856634", 10H→12D "004335823930";
// - a terminal manual: 5-byte 08 01 16 1D D6 → 10-digit decimal "0018226646" (of 01161DD6h);
//   4-byte UID 52 9D 06 E3 → "529D06E3", reversed "E3069D52", decimal 1386022627 and, reversed, 3808861522;
// - a card printed "0013961168 213,02000": 0013961168 = 00D507D0h, and 213,02000 is its Wiegand-26 form;
// - an access-control vendor note: 40-bit ID 322126887957 = customer 75 (4Bh) + data bits 4340757.
describe('core/card-number', () => {
  describe('em4100-decimal10', () => {
    const f = 'em4100-decimal10' as const;
    it('10 hex digits (version byte + 32 data bits) → the 32 data bits as 10 decimal digits', () => {
      assert.equal(normaliseCardNumber('01026F6C3A', f), '0040856634');
      assert.equal(normaliseCardNumber('0801161DD6', f), '0018226646');
      assert.equal(normaliseCardNumber('0801161dd6', f), '0018226646');
    });
    it('8 hex digits (data bits only)', () => {
      assert.equal(normaliseCardNumber('026F6C3A', f), '0040856634');
      assert.equal(normaliseCardNumber('529D06E3', f), '1386022627');
    });
    it('a reader that types decimal: kept, padded to 10 digits', () => {
      assert.equal(normaliseCardNumber('0013961168', f), '0013961168');
      assert.equal(normaliseCardNumber('13961168', f), '0013961168');
      assert.equal(normaliseCardNumber('4340757', f), '0004340757');
      assert.equal(normaliseCardNumber(' 0040856634\n', f), '0040856634');
    });
    it('all 40 bits in decimal (10H→12D, 12–13 digits) → the 32 data bits', () => {
      assert.equal(normaliseCardNumber('004335823930', f), '0040856634');
      assert.equal(normaliseCardNumber('322126887957', f), '0004340757');
    });
    it('the boundaries of 32 bits', () => {
      assert.equal(normaliseCardNumber('4294967295', f), '4294967295');
      assert.equal(normaliseCardNumber('FFFFFFFFFF', f), '4294967295');
      assert.equal(normaliseCardNumber('0', f), '0000000000');
      rejects(() => normaliseCardNumber('4294967296', f), 'out-of-range');
      rejects(() => normaliseCardNumber('9999999999999', f), 'out-of-range');
    });
    it('input "hex" reads an all-digit code as hex; "decimal" refuses hex', () => {
      assert.equal(normaliseCardNumber('0012345678', f, 'hex'), String(0x12345678).padStart(10, '0'));
      rejects(() => normaliseCardNumber('026F6C3A', f, 'decimal'), 'bad-characters');
    });
    it('refuses impossible input with a typed error', () => {
      rejects(() => normaliseCardNumber('', f), 'empty');
      rejects(() => normaliseCardNumber('   ', f), 'empty');
      rejects(() => normaliseCardNumber('12AB5', f), 'bad-length'); // 5 hex digits
      rejects(() => normaliseCardNumber('01026F6C3A00', f), 'bad-length'); // 12 hex digits
      rejects(() => normaliseCardNumber('0x026F6C3A', f), 'bad-characters');
      rejects(() => normaliseCardNumber('STK.000123', f), 'bad-characters');
      rejects(() => normaliseCardNumber('12345678901234', f), 'bad-length');
      rejects(() => normaliseCardNumber('213,02000', f), 'lossy-format');
    });
  });

  describe('uid-hex and uid-hex-reversed', () => {
    it('hex in reader order, upper case; reversed byte order', () => {
      assert.equal(normaliseCardNumber('529d06e3', 'uid-hex'), '529D06E3');
      assert.equal(normaliseCardNumber('529D06E3', 'uid-hex-reversed'), 'E3069D52');
    });
    it('a 4-byte UID typed as 10 decimal digits', () => {
      assert.equal(normaliseCardNumber('1386022627', 'uid-hex'), '529D06E3');
      assert.equal(normaliseCardNumber('1386022627', 'uid-hex-reversed'), 'E3069D52');
      assert.equal(normaliseCardNumber('3808861522', 'uid-hex'), 'E3069D52');
    });
    it('7-byte (ISO 14443 double size) and 8-byte (ISO 15693) UIDs, with separators', () => {
      assert.equal(normaliseCardNumber('04:a2:2b:92:7c:52:80', 'uid-hex'), '04A22B927C5280');
      assert.equal(normaliseCardNumber('04 A2 2B 92 7C 52 80', 'uid-hex-reversed'), '80527C922BA204');
      assert.equal(normaliseCardNumber('E004010012345678', 'uid-hex-reversed'), '78563412000104E0');
    });
    it('an all-digit 8-character code is a hex UID (only 10 digits mean decimal)', () => {
      assert.equal(normaliseCardNumber('12345678', 'uid-hex'), '12345678');
      assert.equal(normaliseCardNumber('12345678', 'uid-hex', 'decimal'), '00BC614E');
    });
    it('an EM4100 ID (5 bytes) read as a UID', () => {
      assert.equal(normaliseCardNumber('0801161DD6', 'uid-hex'), '0801161DD6');
      // 10 digits over 32 bits cannot be decimal: it is the 5-byte hex form.
      assert.equal(normaliseCardNumber('9912345678', 'uid-hex'), '9912345678');
    });
    it('refuses impossible UIDs', () => {
      rejects(() => normaliseCardNumber('529D06', 'uid-hex'), 'bad-length');
      rejects(() => normaliseCardNumber('529D06E', 'uid-hex'), 'bad-length');
      rejects(() => normaliseCardNumber('529D06E3G', 'uid-hex'), 'bad-characters');
      rejects(() => normaliseCardNumber('12345678901', 'uid-hex', 'decimal'), 'bad-length');
      rejects(() => normaliseCardNumber('4294967296', 'uid-hex', 'decimal'), 'out-of-range');
    });
  });

  describe('as-read', () => {
    it('keeps the code as typed, trimmed', () => {
      assert.equal(normaliseCardNumber(' HS-2024-0042 ', 'as-read'), 'HS-2024-0042');
      assert.equal(normaliseCardNumber('20001000000012', 'as-read'), '20001000000012');
      rejects(() => normaliseCardNumber('', 'as-read'), 'empty');
    });
  });

  it('the error names what to change and keeps the raw input', () => {
    try {
      normaliseCardNumber('213,02000', 'em4100-decimal10');
      assert.fail('expected a CardNumberError');
    } catch (err) {
      assert.ok(err instanceof CardNumberError);
      assert.equal(err.raw, '213,02000');
      assert.match(err.message, /10-digit decimal/);
    }
  });
});
