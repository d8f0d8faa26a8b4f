import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { decodeBasicBlock } from '#core/rfid/iso28560-3.ts';
import { SimFeigReader } from '#hardware/rfid/sim-reader.ts';

/** The reader end of a serial line: what the simulator writes is collected, hex, space-separated. */
function wire(sim: SimFeigReader) {
  const line = new EventEmitter() as EventEmitter & { write(b: Buffer): void };
  const out: string[] = [];
  line.write = (b: Buffer) => out.push(b.toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1 '));
  sim.attachToStream(line);
  return { send: (hex: string) => line.emit('data', Buffer.from(hex.replace(/ /g, ''), 'hex')), out };
}

describe('hardware/rfid/sim-reader', () => {
  it('answers the manual\'s inventory frame byte for byte (frames worked out from §2.1, §6.1.1, ANNEX D)', () => {
    const sim = new SimFeigReader();
    const w = wire(sim);
    w.send('07 FF B0 01 00 1C 56');
    sim.addTag({ uid: 'E004010012345678', memory: new Uint8Array(112) });
    w.send('07 FF B0 01 00 1C 56');
    assert.deepEqual(w.out, ['06 00 B0 01 5C 63', '11 00 B0 00 01 03 00 E0 04 01 00 12 34 56 78 D8 35']);
  });

  it('stays silent on a bad CRC and on another bus address', () => {
    const sim = new SimFeigReader({ address: 2 });
    const w = wire(sim);
    w.send('07 FF B0 01 00 1C 57');
    w.send('07 05 B0 01 00 99 FD');
    assert.deepEqual([w.out, sim.stats.ignored], [[], 1]);
  });

  it('answers an unknown command with 0x80 and an inventory without MODE with 0x81 (length error)', () => {
    const sim = new SimFeigReader();
    const w = wire(sim);
    w.send('05 FF 42 58 9E');
    w.send('06 FF B0 01 AF A5');
    assert.deepEqual(w.out, ['06 00 42 80 65 B9', '06 00 B0 81 54 E7']);
  });

  it('gives each book a stable UID, and a book laid down again keeps the AFI written on it', () => {
    const sim = new SimFeigReader();
    const [a] = sim.setTags([{ itemId: '30001000000101' }]);
    sim.tag(a!)!.afi = 0xc2;
    const [b, c] = sim.setTags([{ itemId: '30001000000101' }, { itemId: '30001000000119' }]);
    assert.equal(b, a);
    assert.notEqual(c, a);
    assert.equal(sim.tag(a!)!.afi, 0xc2);
    assert.equal(new SimFeigReader().placeTags([{ itemId: '30001000000101' }])[0], a, 'another simulator derives the same UID');
  });

  it('two copies of the same tag on the pad are two tags', () => {
    const sim = new SimFeigReader();
    const [a, b] = sim.placeTags([{ itemId: 'A' }, { itemId: 'A' }]);
    assert.notEqual(a, b);
    assert.equal(sim.tags.length, 2);
  });

  it('writes the owner and layout a library tagging station would', () => {
    const sim = new SimFeigReader({ owner: 'VN-THCS02' });
    sim.placeTags([{ itemId: 'X1' }, { itemId: 'X2', owner: null, blockCount: 8 }]);
    const [t1, t2] = sim.tags.map((t) => decodeBasicBlock(t.memory));
    assert.deepEqual([t1!.owner, t1!.layout, t2!.owner, t2!.layout], ['VN-THCS02', 34, null, 32]);
  });
});
