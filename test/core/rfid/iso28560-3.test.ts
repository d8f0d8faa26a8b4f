import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  TYPE_OF_USAGE,
  crc16CcittFalse,
  decodeBasicBlock,
  encodeBasicBlock,
  Iso28560DecodeError,
  Iso28560EncodeError,
  reverseBlocks,
  splitIsil,
  tryDecodeBasicBlock,
  type BlockOrder,
  type Layout,
} from '#core/rfid/iso28560-3.ts';
import { seededRandom } from './seeded-random.ts';

interface Vector {
  name: string;
  hex: string;
  expect_invalid?: boolean;
  expect: { version?: number; usage?: number; parts?: number; part?: number; item_id?: string; crc?: string; country?: string; isil?: string; order?: string };
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/rfid/ddm_test_vectors.json', import.meta.url), 'utf8')) as {
  crc_reference: { input_ascii: string; crc16_ccitt_false: string };
  vectors: Vector[];
};
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

function decodeError(memory: Uint8Array): Iso28560DecodeError {
  try {
    decodeBasicBlock(memory);
  } catch (err) {
    assert.ok(err instanceof Iso28560DecodeError, `expected Iso28560DecodeError, got ${String(err)}`);
    return err;
  }
  assert.fail('decodeBasicBlock accepted the memory');
}

describe('core/rfid/iso28560-3', () => {
  describe('CRC-16/CCITT-FALSE', () => {
    it('matches the reference string of the vectors file and the CRC catalogue check value', () => {
      const ref = fixture.crc_reference;
      assert.equal(crc16CcittFalse(ascii(ref.input_ascii)), parseInt(ref.crc16_ccitt_false, 16));
      // CRC-16/IBM-3740 (a.k.a. CCITT-FALSE) check value from the catalogue of parametrised CRCs.
      assert.equal(crc16CcittFalse(ascii('123456789')), 0x29b1);
    });
  });

  describe('shared vectors (libdanrfid DDMDataTest + generated)', () => {
    for (const v of fixture.vectors) {
      it(v.name, () => {
        const memory = hex(v.hex);
        if (v.expect_invalid) {
          assert.equal(decodeError(memory).reason, 'bad-crc');
          return;
        }
        const b = decodeBasicBlock(memory);
        const e = v.expect;
        if (e.version !== undefined) assert.equal(b.version, e.version);
        if (e.usage !== undefined) assert.equal(b.usage, e.usage);
        if (e.parts !== undefined) assert.equal(b.parts, e.parts);
        if (e.part !== undefined) assert.equal(b.part, e.part);
        if (e.item_id !== undefined) assert.equal(b.itemId, e.item_id);
        if (e.crc !== undefined) assert.equal(b.crc, parseInt(e.crc, 16));
        if (e.country !== undefined) assert.equal(b.country, e.country);
        if (e.isil !== undefined) assert.equal(b.library, e.isil);
        assert.equal(b.order, e.order === 'block-reversed' ? 'block-reversed' : 'forward');
        assert.equal(b.layout, 32, 'all shared vectors are 32-byte tags');
      });
    }

    it('reads the libdanrfid tag as item 11223344 of DE-705, and its block-reversed twin the same', () => {
      const [forward, reversed] = fixture.vectors;
      const a = decodeBasicBlock(hex(forward!.hex));
      const b = decodeBasicBlock(hex(reversed!.hex));
      assert.equal(a.owner, 'DE-705');
      assert.deepEqual({ ...b, order: 'forward' }, a);
    });

    it('encodes the generated vectors byte for byte (an independent encoder made them)', () => {
      const cases: [string, Parameters<typeof encodeBasicBlock>[0]][] = [
        ['generated: circulating school-library item, 14-digit codabar id', { itemId: '30234000517861', owner: 'VN-HN-THCS01' }],
        ['generated: part 1 of a 2-part set', { itemId: 'MS0000123', owner: 'VN-HN-THCS01', parts: 2, part: 1 }],
        ['generated: patron card (type of usage 8)', { itemId: 'HS2024A0457', owner: 'VN-HN-THCS01', usage: TYPE_OF_USAGE.patronCard }],
        ['generated: discarded item (type of usage 7)', { itemId: '30234000517861', owner: 'VN-HN-THCS01', usage: TYPE_OF_USAGE.discarded }],
        ['libdanrfid DDMDataTest (real, GPL-3 test data)', { itemId: '11223344', owner: 'DE-705' }],
      ];
      for (const [name, input] of cases) {
        const v = fixture.vectors.find((x) => x.name === name);
        assert.ok(v, name);
        assert.equal(toHex(encodeBasicBlock(input, { layout: 32 })), v.hex, name);
      }
      const reversed = fixture.vectors.find((x) => x.name.includes('block-reversed'))!;
      assert.equal(toHex(encodeBasicBlock({ itemId: '11223344', owner: 'DE-705' }, { layout: 32, order: 'block-reversed' })), reversed.hex);
    });
  });

  describe('layouts and block orders', () => {
    const long = { itemId: 'STK.000123', owner: 'VN-HCM-THCS001' }; // 11-character library: needs the 34-byte layout

    it('writes the 34-byte layout as 9 blocks and reads it back in both orders', () => {
      for (const order of ['forward', 'block-reversed'] as const) {
        const mem = encodeBasicBlock(long, { order });
        assert.equal(mem.length, 36);
        const b = decodeBasicBlock(mem);
        assert.equal(b.layout, 34);
        assert.equal(b.order, order);
        assert.equal(b.owner, 'VN-HCM-THCS001');
        assert.equal(b.itemId, 'STK.000123');
      }
    });

    it('reads a 34-byte tag whose extra memory follows (a 28-block ICODE SLI read in full)', () => {
      const mem = new Uint8Array(112).fill(0xa5);
      mem.set(encodeBasicBlock({ itemId: '30001000000101', owner: 'VN-THCS01' }), 0);
      assert.equal(decodeBasicBlock(mem).itemId, '30001000000101');
    });

    it('reads a 32-byte-layout tag written on a larger chip whose bytes 32–35 hold other data', () => {
      const mem = new Uint8Array(40).fill(0x5a);
      mem.set(encodeBasicBlock({ itemId: '30001000000119', owner: 'VN-THCS01' }, { layout: 32, order: 'block-reversed' }), 0);
      const b = decodeBasicBlock(mem);
      assert.deepEqual([b.layout, b.order, b.itemId], [32, 'block-reversed', '30001000000119']);
    });

    it('says bad-crc when only 8 blocks of a 34-byte tag with an 11-character library were read', () => {
      assert.equal(decodeError(encodeBasicBlock(long).subarray(0, 32)).reason, 'bad-crc');
    });

    it('refuses a library longer than 9 characters in the 32-byte layout', () => {
      assert.throws(() => encodeBasicBlock(long, { layout: 32 }), (e: unknown) => e instanceof Iso28560EncodeError && e.reason === 'bad-owner');
    });

    it('reverseBlocks is its own inverse and leaves a partial last block alone', () => {
      const x = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      assert.deepEqual([...reverseBlocks(x)], [4, 3, 2, 1, 8, 7, 6, 5, 9, 10]);
      assert.deepEqual(reverseBlocks(reverseBlocks(x)), x);
    });
  });

  describe('typed errors', () => {
    it('truncated: fewer than 32 bytes', () => {
      assert.equal(decodeError(new Uint8Array(31)).reason, 'truncated');
      assert.equal(decodeError(new Uint8Array(0)).reason, 'truncated');
    });

    it('blank: a new tag (all 0x00) or an erased one (all 0xFF)', () => {
      assert.equal(decodeError(new Uint8Array(36)).reason, 'blank');
      assert.equal(decodeError(new Uint8Array(32).fill(0xff)).reason, 'blank');
    });

    it('unknown-version: a valid CRC over version 2, and an ISO 28560-2 tag', () => {
      const mem = encodeBasicBlock({ itemId: 'X1', owner: 'VN-THCS01' }, { layout: 32 });
      mem[0] = 0x21;
      const crc = crc16CcittFalse(Uint8Array.from([...mem.subarray(0, 19), ...mem.subarray(21, 32), 0, 0]));
      mem[19] = crc & 0xff;
      mem[20] = crc >> 8;
      assert.equal(decodeError(mem).reason, 'unknown-version');
      // ISO 28560-2 starts with a precursor byte (offset flag + integer compaction + OID 1), not a version nibble.
      const part2 = new Uint8Array(32);
      part2.set([0x91, 0x00, 0x05, 0x1c, 0xbe, 0x99, 0x1a, 0x14], 0);
      assert.equal(decodeError(part2).reason, 'unknown-version');
    });

    it('bad-text: a CRC-valid block whose item id is not UTF-8', () => {
      const mem = encodeBasicBlock({ itemId: 'AB', owner: 'VN-THCS01' }, { layout: 32 });
      mem[3] = 0xc3; // a lone UTF-8 lead byte
      mem[4] = 0x28;
      const crc = crc16CcittFalse(Uint8Array.from([...mem.subarray(0, 19), ...mem.subarray(21, 32), 0, 0]));
      mem[19] = crc & 0xff;
      mem[20] = crc >> 8;
      assert.equal(decodeError(mem).reason, 'bad-text');
    });

    it('tryDecodeBasicBlock returns the error instead of throwing', () => {
      const r = tryDecodeBasicBlock(hex(fixture.vectors.at(-1)!.hex));
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.error.reason, 'bad-crc');
    });

    it('encode refuses a 17-byte item id, NUL or control characters, an ISIL without prefix, part > parts and usage 16', () => {
      const reason = (f: () => unknown) => {
        try {
          f();
        } catch (e) {
          assert.ok(e instanceof Iso28560EncodeError);
          return e.reason;
        }
        return 'accepted';
      };
      assert.equal(reason(() => encodeBasicBlock({ itemId: '12345678901234567' })), 'bad-item-id');
      assert.equal(reason(() => encodeBasicBlock({ itemId: 'Sách' })), 'accepted', 'UTF-8 within 16 bytes is fine');
      assert.equal(reason(() => encodeBasicBlock({ itemId: 'A\u0000B' })), 'bad-item-id');
      assert.equal(reason(() => encodeBasicBlock({ itemId: 'A\nB' })), 'bad-item-id');
      assert.equal(reason(() => encodeBasicBlock({ itemId: 'A', owner: 'THCS01' })), 'bad-owner');
      assert.equal(reason(() => encodeBasicBlock({ itemId: 'A', parts: 2, part: 3 })), 'bad-set');
      assert.equal(reason(() => encodeBasicBlock({ itemId: 'A', parts: 0, part: 0 })), 'bad-set');
      assert.equal(reason(() => encodeBasicBlock({ itemId: 'A', usage: 16 })), 'bad-usage');
    });

    it('splitIsil takes the 2-letter prefix and keeps the rest whole', () => {
      assert.deepEqual(splitIsil('VN-THCS01'), { country: 'VN', library: 'THCS01' });
      assert.deepEqual(splitIsil('VN-HN-THCS01'), { country: 'VN', library: 'HN-THCS01' });
      assert.equal(splitIsil('THCS01'), null);
    });
  });

  describe('properties (seeded loops)', () => {
    it('random bytes of any length never throw anything but Iso28560DecodeError', () => {
      const rng = seededRandom(0x28560);
      let decoded = 0;
      for (let i = 0; i < 20000; i++) {
        const mem = rng.bytes(rng.int(0, 48));
        try {
          decodeBasicBlock(mem);
          decoded++;
        } catch (err) {
          assert.ok(err instanceof Iso28560DecodeError, `case ${i} (${toHex(mem)}) threw ${String(err)}`);
        }
      }
      assert.ok(decoded < 5, `random bytes decoded ${decoded} times: the CRC check is too weak`);
    });

    it('random tags with the version nibble right and one CRC byte off never throw other errors', () => {
      const rng = seededRandom(7);
      for (let i = 0; i < 5000; i++) {
        const mem = rng.bytes(rng.pick([32, 34, 36, 40]));
        mem[0] = 0x10 | (mem[0]! & 0x0f);
        const r = tryDecodeBasicBlock(mem);
        if (!r.ok) assert.ok(['bad-crc', 'unknown-version', 'bad-text', 'blank'].includes(r.error.reason), r.error.reason);
      }
    });

    it('every single-byte corruption of a 32-byte tag is rejected', () => {
      const rng = seededRandom(11);
      for (const v of fixture.vectors.filter((x) => !x.expect_invalid)) {
        for (let i = 0; i < 32; i++) {
          const mem = hex(v.hex);
          mem[i] = mem[i]! ^ rng.int(1, 255);
          const r = tryDecodeBasicBlock(mem);
          assert.equal(r.ok, false, `${v.name}: byte ${i} changed and still decoded`);
        }
      }
    });

    it('encode then decode gives back what was written, for random items, owners, sets, layouts and orders', () => {
      const rng = seededRandom(2024);
      const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-/ ';
      const word = (n: number) => Array.from({ length: n }, () => rng.pick([...chars])).join('');
      for (let i = 0; i < 3000; i++) {
        const layout = rng.pick<Layout>([32, 34]);
        const order = rng.pick<BlockOrder>(['forward', 'block-reversed']);
        const parts = rng.int(1, 255);
        const input = {
          itemId: word(rng.int(1, 16)).trim() || 'X',
          owner: rng.next() < 0.2 ? null : `VN-${word(rng.int(1, layout === 34 ? 11 : 9)).replace(/ /g, 'A')}`,
          usage: rng.int(0, 15),
          parts,
          part: rng.int(1, parts),
        };
        const b = decodeBasicBlock(encodeBasicBlock(input, { layout, order }));
        assert.deepEqual(
          { itemId: b.itemId, owner: b.owner, usage: b.usage, parts: b.parts, part: b.part, order: b.order },
          { ...input, order },
          `case ${i}`,
        );
      }
    });
  });
});
