import assert from 'node:assert/strict';
import { crc16IsoHost, encodeFrame, IsoHostFrameDecoder, statusName, type IsoHostFrame } from '#hardware/rfid/iso-host-frame.ts';
import { seededRandom } from '../../core/rfid/seeded-random.ts';

const bytes = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1 ');

/*
 * Frames worked out by hand from System-Manual ID ISC.MR/PR/PRH101 (H60301-3e-ID-B): layout from
 * §2.1 "Data Format and Protocol Frames", commands from §5.4 [0x65], §5.6 [0x69], §6.1.1 [0x01]
 * Inventory and §6.1.4 [0x23] Read Multiple Blocks, answers from ANNEX D (status bytes); CRC by
 * the C example of Manual ID ISC.MR102 (H01113-4e-ID-B) §3.3 "CRC16 Calculation Algorithm",
 * transcribed separately (not with the code under test), sent LSB first as §2.1 draws it.
 */
const HOST_FRAMES: [string, { address: number; control: number; body: string; advanced?: boolean }, string][] = [
  ['[0x65] Get Software Version, any reader', { address: 0xff, control: 0x65, body: '' }, '05 FF 65 E5 CB'],
  ['[0x69] RF Reset', { address: 0xff, control: 0x69, body: '' }, '05 FF 69 89 01'],
  ['[0xB0][0x01] Inventory, new inventory', { address: 0xff, control: 0xb0, body: '01 00' }, '07 FF B0 01 00 1C 56'],
  ['[0xB0][0x01] Inventory, MORE', { address: 0xff, control: 0xb0, body: '01 80' }, '07 FF B0 01 80 14 D2'],
  [
    '[0xB0][0x23] Read Multiple Blocks, addressed, blocks 0–8',
    { address: 0xff, control: 0xb0, body: '23 01 E0 04 01 00 12 34 56 78 00 09' },
    '11 FF B0 23 01 E0 04 01 00 12 34 56 78 00 09 8E C7',
  ],
  ['[0xB0][0x01] Inventory in an advanced frame', { address: 0xff, control: 0xb0, body: '01 00', advanced: true }, '02 00 09 FF B0 01 00 18 43'],
];

const READER_FRAMES: [string, string, { address: number; control: number; status: number; data: string }][] = [
  ['no transponder in the field', '06 00 B0 01 5C 63', { address: 0, control: 0xb0, status: 0x01, data: '' }],
  ['one ISO 15693 tag (TR-TYPE 03, DSFID 00)', '11 00 B0 00 01 03 00 E0 04 01 00 12 34 56 78 D8 35', { address: 0, control: 0xb0, status: 0, data: '01 03 00 E0 04 01 00 12 34 56 78' }],
  ['write error at block 0 (DB-ADR-E)', '07 00 B0 03 00 7E A0', { address: 0, control: 0xb0, status: 0x03, data: '00' }],
  ['OK without data', '06 00 B0 00 D5 72', { address: 0, control: 0xb0, status: 0x00, data: '' }],
];

function decodeAll(dec: IsoHostFrameDecoder, chunks: Uint8Array[]): IsoHostFrame[] {
  return chunks.flatMap((c) => dec.push(c));
}

describe('hardware/rfid/iso-host-frame', () => {
  it('CRC16 is CRC-16/MCRF4XX: check value 0x6F91 for "123456789"', () => {
    assert.equal(crc16IsoHost(new TextEncoder().encode('123456789')), 0x6f91);
  });

  describe('host → reader frames', () => {
    for (const [name, f, expected] of HOST_FRAMES) {
      it(`encodes ${name}`, () => {
        assert.equal(hex(encodeFrame({ ...f, body: bytes(f.body) })), expected);
      });
    }

    it('switches to an advanced frame when a standard one would pass 255 bytes', () => {
      const f = encodeFrame({ address: 0, control: 0xb0, body: new Uint8Array(251) });
      assert.equal(f[0], 0x02);
      assert.equal(f.readUInt16BE(1), 258);
      assert.equal(encodeFrame({ address: 0, control: 0xb0, body: new Uint8Array(250) })[0], 255);
    });

    it('the request decoder reads them back', () => {
      const dec = new IsoHostFrameDecoder({ direction: 'request' });
      const frames = decodeAll(dec, HOST_FRAMES.map(([, , h]) => bytes(h)));
      assert.deepEqual(
        frames.map((f) => [f.advanced, f.control, hex(f.body)]),
        HOST_FRAMES.map(([, f]) => [f.advanced === true, f.control, hex(bytes(f.body))]),
      );
    });
  });

  describe('reader → host frames', () => {
    for (const [name, h, want] of READER_FRAMES) {
      it(`decodes ${name}`, () => {
        const [f, ...rest] = new IsoHostFrameDecoder({ direction: 'response' }).push(bytes(h));
        assert.equal(rest.length, 0);
        assert.deepEqual([f!.address, f!.control, f!.body[0], hex(f!.body.subarray(1))], [want.address, want.control, want.status, hex(bytes(want.data))]);
      });
    }

    it('decodes a frame arriving one byte at a time', () => {
      const dec = new IsoHostFrameDecoder({ direction: 'response' });
      const frames = decodeAll(dec, [...bytes(READER_FRAMES[1]![1])].map((b) => Uint8Array.of(b)));
      assert.equal(frames.length, 1);
      assert.equal(dec.pending, 0);
    });

    it('names the status bytes of ANNEX D', () => {
      assert.equal(statusName(0x01), 'no transponder');
      assert.equal(statusName(0x95), 'ISO 15693 error');
      assert.equal(statusName(0x42), 'status 0x42');
    });
  });

  describe('resynchronisation after garbage', () => {
    const answer = bytes(READER_FRAMES[1]![1]);

    it('skips bytes that cannot start a frame', () => {
      const dec = new IsoHostFrameDecoder({ direction: 'response' });
      assert.equal(decodeAll(dec, [bytes('00 01 03 04 05'), answer]).length, 1);
      assert.equal(dec.discarded, 5);
    });

    it('drops a candidate whose CRC fails and finds the frame behind it', () => {
      const dec = new IsoHostFrameDecoder({ direction: 'response' });
      // 0x08 claims an 8-byte frame that ends inside the answer; its CRC cannot match.
      assert.equal(decodeAll(dec, [bytes('08 AA'), answer]).length, 1);
    });

    it('does not wait forever behind a garbage byte that claims 255 bytes', () => {
      const dec = new IsoHostFrameDecoder({ direction: 'response' });
      const frames = decodeAll(dec, [bytes('FF'), answer.subarray(0, 9), answer.subarray(9)]);
      assert.equal(frames.length, 1);
      assert.equal(hex(frames[0]!.body), '00 01 03 00 E0 04 01 00 12 34 56 78');
    });

    it('does not wait behind a false STX claiming a long advanced frame', () => {
      const dec = new IsoHostFrameDecoder({ direction: 'response' });
      assert.equal(decodeAll(dec, [bytes('02 40 00'), answer]).length, 1);
    });

    it('loses a frame with a broken CRC but takes the next one', () => {
      const broken = Buffer.from(answer);
      broken[10] = broken[10]! ^ 0x01;
      const dec = new IsoHostFrameDecoder({ direction: 'response' });
      assert.equal(decodeAll(dec, [broken]).length, 0);
      assert.equal(decodeAll(dec, [answer]).length, 1);
    });

    it('reset() forgets a half-received frame', () => {
      const dec = new IsoHostFrameDecoder({ direction: 'response' });
      dec.push(answer.subarray(0, 5));
      dec.reset();
      assert.equal(dec.pending, 0);
      assert.equal(decodeAll(dec, [answer]).length, 1);
    });

    it('property: random garbage before each answer, random chunking: every answer comes out, in order', () => {
      const rng = seededRandom(0xfe16);
      for (let run = 0; run < 300; run++) {
        const dec = new IsoHostFrameDecoder({ direction: 'response' });
        const sent: string[] = [];
        const got: string[] = [];
        for (let k = 0; k < 5; k++) {
          const frame = encodeFrame({ address: rng.int(0, 255), control: rng.pick([0xb0, 0xb1, 0x65]), body: rng.bytes(rng.int(1, rng.next() < 0.1 ? 400 : 60)) });
          sent.push(hex(frame));
          const line = Buffer.concat([rng.bytes(rng.int(0, 40)), frame]);
          // The reader is silent after an answer, so the last chunk ends with the frame.
          let at = 0;
          while (at < line.length) {
            const n = rng.int(1, line.length - at);
            got.push(...dec.push(line.subarray(at, at + n)).map((f) => hex(encodeFrame({ address: f.address, control: f.control, body: f.body, advanced: f.advanced }))));
            at += n;
          }
        }
        assert.deepEqual(got, sent, `run ${run}`);
      }
    });

    it('property: random bytes never throw and never grow the buffer past its limit', () => {
      const rng = seededRandom(99);
      const dec = new IsoHostFrameDecoder({ direction: 'response', maxBuffer: 512 });
      for (let i = 0; i < 2000; i++) {
        dec.push(rng.bytes(rng.int(0, 64)));
        assert.ok(dec.pending <= 512 + 64);
      }
    });
  });
});
