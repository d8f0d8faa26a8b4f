import assert from 'node:assert/strict';
import { once } from 'node:events';
import { encodeBasicBlock } from '#core/rfid/iso28560-3.ts';
import { groupSets } from '#core/rfid/sets.ts';
import { FeigIsoHostReader } from '#hardware/rfid/feig-reader.ts';
import { RfidStatusError } from '#hardware/rfid/interface.ts';
import { RfidPad, type PadTagsEvent, type RfidPadOptions } from '#hardware/rfid/rfid-pad.ts';
import { SimFeigReader } from '#hardware/rfid/sim-reader.ts';
import { mockLine } from './mock-line.ts';

function padOn(sim: SimFeigReader, opts: Partial<RfidPadOptions> = {}): RfidPad {
  return new RfidPad({
    connect: async () => new FeigIsoHostReader(sim.createTransport(), { timeoutMs: 100, driver: 'sim' }),
    pollMs: 5,
    backoff: { initialMs: 5, maxMs: 20 },
    ...opts,
  });
}

const ids = (e: PadTagsEvent) => e.items.map((i) => i.itemId);

describe('hardware/rfid/rfid-pad', () => {
  let pad: RfidPad | undefined;
  afterEach(async () => {
    await pad?.stop();
    pad = undefined;
  });

  it('decodes the ISO 28560-3 items on the pad: item id, owner, set information, AFI', async () => {
    const sim = new SimFeigReader();
    const uids = sim.placeTags([{ itemId: '30001000000101' }, { itemId: '30001000000119', afi: 0xc2 }]);
    pad = padOn(sim);
    const e = await pad.pollOnce();
    assert.deepEqual(e.items, [
      { uid: uids[0], itemId: '30001000000101', owner: 'VN-THCS01', setInfo: { parts: 1, part: 1 }, usage: 1, afi: 0x07, order: 'forward', layout: 34 },
      { uid: uids[1], itemId: '30001000000119', owner: 'VN-THCS01', setInfo: { parts: 1, part: 1 }, usage: 1, afi: 0xc2, order: 'forward', layout: 34 },
    ]);
    assert.deepEqual(e.unreadable, []);
  });

  it('emits "tags" when the pad changes and stays quiet while it does not', async () => {
    const sim = new SimFeigReader();
    pad = padOn(sim);
    const events: PadTagsEvent[] = [];
    pad.on('tags', (e: PadTagsEvent) => events.push(e));
    sim.placeTags([{ itemId: 'A1' }]);
    await pad.pollOnce();
    await pad.pollOnce();
    sim.placeTags([{ itemId: 'A2' }]);
    await pad.pollOnce();
    sim.removeAll();
    await pad.pollOnce();
    await pad.pollOnce();
    assert.deepEqual(events.map(ids), [['A1'], ['A1', 'A2'], []]);
  });

  it('reads each tag once while it stays on the pad', async () => {
    const sim = new SimFeigReader();
    sim.placeTags([{ itemId: 'A1' }, { itemId: 'A2' }]);
    pad = padOn(sim);
    await pad.pollOnce();
    const after1 = sim.stats.answered;
    await pad.pollOnce();
    assert.equal(sim.stats.answered - after1, 1, 'only the inventory');
  });

  it('reports unreadable tags with the decoder\'s reason: blank, bad CRC, another data model', async () => {
    const sim = new SimFeigReader();
    const blank = sim.addTag({ memory: new Uint8Array(112) });
    const bad = encodeBasicBlock({ itemId: 'X', owner: 'VN-THCS01' });
    bad[5] = bad[5]! ^ 0x40;
    const badCrc = sim.addTag({ memory: bad });
    const part2 = sim.addTag({ memory: Uint8Array.from([0x91, 0x00, 0x05, 0x1c, 0xbe, 0x99, 0x1a, 0x14, ...new Uint8Array(104)]), dsfid: 0x06 });
    sim.placeTags([{ itemId: 'OK1' }]);
    pad = padOn(sim);
    const e = await pad.pollOnce();
    assert.deepEqual(ids(e), ['OK1']);
    assert.deepEqual(
      e.unreadable.map((u) => [u.uid, u.reason]),
      [
        [blank, 'blank'],
        [badCrc, 'bad-crc'],
        [part2, 'unknown-version'],
      ],
    );
  });

  it('reads 32-byte tags (8 blocks), block-reversed tags and both parts of a set', async () => {
    const sim = new SimFeigReader();
    sim.placeTags([
      { itemId: 'TAGIT-1', blockCount: 8 },
      { itemId: 'FKI-1', order: 'block-reversed' },
      { itemId: 'MS0000123', parts: 2, part: 1 },
      { itemId: 'MS0000123', parts: 2, part: 2 },
    ]);
    pad = padOn(sim);
    const e = await pad.pollOnce();
    assert.deepEqual(
      e.items.map((i) => [i.itemId, i.layout, i.order, i.setInfo.part]),
      [
        ['TAGIT-1', 32, 'forward', 1],
        ['FKI-1', 34, 'block-reversed', 1],
        ['MS0000123', 34, 'forward', 1],
        ['MS0000123', 34, 'forward', 2],
      ],
    );
    assert.deepEqual(
      groupSets(e.items).map((s) => [s.itemId, s.complete]),
      [
        ['TAGIT-1', true],
        ['FKI-1', true],
        ['MS0000123', true],
      ],
    );
  });

  describe('loan state', () => {
    it('on loan writes AFI 0xC2 and resets EAS; back in the library writes 0x07 and sets EAS', async () => {
      const sim = new SimFeigReader();
      const uids = sim.placeTags([{ itemId: 'A1', eas: true }, { itemId: 'A2', eas: true }]);
      pad = padOn(sim, { useEas: true });
      await pad.pollOnce();
      assert.deepEqual(await pad.markOnLoan(uids), uids.map((uid) => ({ uid, ok: true })));
      assert.deepEqual(sim.tags.map((t) => [t.afi, t.eas]), [[0xc2, false], [0xc2, false]]);
      assert.deepEqual(pad.snapshot().items.map((i) => i.afi), [0xc2, 0xc2]);
      await pad.markInLibrary(uids);
      assert.deepEqual(sim.tags.map((t) => [t.afi, t.eas]), [[0x07, true], [0x07, true]]);
    });

    it('uses the configured AFI values and leaves EAS alone unless asked', async () => {
      const sim = new SimFeigReader();
      const [uid] = sim.placeTags([{ itemId: 'A1', eas: true }]);
      pad = padOn(sim, { afiOnLoan: 0x9c });
      await pad.markOnLoan([uid!]);
      assert.deepEqual([sim.tags[0]!.afi, sim.tags[0]!.eas], [0x9c, true]);
    });

    it('a failed write is reported for that tag only, as a typed error', async () => {
      const sim = new SimFeigReader();
      const uids = sim.placeTags([{ itemId: 'A1' }, { itemId: 'A2' }]);
      sim.failNextWrite(uids[0]!);
      pad = padOn(sim);
      const [r1, r2] = await pad.markOnLoan(uids);
      assert.equal(r1!.ok, false);
      assert.ok(r1!.error instanceof RfidStatusError && r1!.error.writeFailed);
      assert.equal(r2!.ok, true);
      assert.deepEqual(sim.tags.map((t) => t.afi), [0x07, 0xc2]);
    });
  });

  describe('tagging', () => {
    it('writes an item onto a blank tag, verifies it and shows it on the pad', async () => {
      const sim = new SimFeigReader();
      const uid = sim.addTag({ memory: new Uint8Array(112) });
      pad = padOn(sim);
      assert.equal((await pad.pollOnce()).unreadable[0]!.reason, 'blank');
      const tags = once(pad, 'tags');
      const item = await pad.writeItem(uid, { itemId: '30001000000127', owner: 'VN-THCS01' });
      assert.equal(item.itemId, '30001000000127');
      const [e] = (await tags) as [PadTagsEvent];
      assert.deepEqual([ids(e), e.unreadable], [['30001000000127'], []]);
    });

    it('a write that fails raises RfidStatusError and leaves the tag blank', async () => {
      const sim = new SimFeigReader();
      const uid = sim.addTag({ memory: new Uint8Array(32) });
      sim.failNextWrite(uid);
      pad = padOn(sim);
      await assert.rejects(pad.writeItem(uid, { itemId: 'X' }), (e: unknown) => e instanceof RfidStatusError && e.status === 0x03);
      assert.ok(sim.tag(uid)!.memory.every((b) => b === 0));
    });
  });

  describe('the reader coming and going', () => {
    it('starts without a reader, reconnects with backoff, and empties the pad while the reader is gone', async () => {
      const sim = new SimFeigReader();
      sim.placeTags([{ itemId: 'A1' }]);
      sim.unplug();
      pad = padOn(sim);
      const events: PadTagsEvent[] = [];
      pad.on('tags', (e: PadTagsEvent) => events.push(e));
      pad.start();
      // Connecting fails while unplugged; the pad keeps trying.
      while (!/connect failed/.test(pad.health().lastError ?? '')) await new Promise((r) => setImmediate(r));
      assert.equal(pad.health().connected, false);
      sim.plug();
      await once(pad, 'tags');
      assert.deepEqual(events.map(ids), [['A1']]);
      assert.equal(pad.health().ok, true);

      sim.unplug();
      await once(pad, 'tags');
      assert.deepEqual(events.map(ids), [['A1'], []]);
      assert.equal(pad.health().connected, false);
      assert.match(pad.health().lastError ?? '', /unplugged|closed/);

      sim.plug();
      await once(pad, 'tags');
      assert.deepEqual(events.map(ids), [['A1'], [], ['A1']]);
      assert.equal(pad.health().reconnects, 1);
    });

    it('treats a reader that stops answering as gone after 3 timeouts', async () => {
      const sim = new SimFeigReader();
      sim.placeTags([{ itemId: 'A1' }]);
      let connects = 0;
      pad = new RfidPad({
        connect: async () => {
          connects++;
          return new FeigIsoHostReader(sim.createTransport(), { timeoutMs: 20, busAddress: connects === 1 ? 7 : 0 });
        },
      });
      for (let i = 0; i < 3; i++) await pad.pollOnce().catch(() => undefined);
      assert.equal(pad.health().connected, false);
      assert.deepEqual(ids(await pad.pollOnce()), ['A1'], 'the second connection (right address) works');
    });

    it('runs over SerialPortMock the same way', async () => {
      const line = await mockLine();
      line.sim.placeTags([{ itemId: 'A1' }, { itemId: 'A2' }, { itemId: 'A3' }]);
      pad = new RfidPad({ connect: async () => line.reader, pollMs: 5 });
      pad.start();
      const [e] = (await once(pad, 'tags')) as [PadTagsEvent];
      assert.deepEqual(ids(e), ['A1', 'A2', 'A3']);
    });
  });
});
