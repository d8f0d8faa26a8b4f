import assert from 'node:assert/strict';
import { decodeBasicBlock, encodeBasicBlock } from '#core/rfid/iso28560-3.ts';
import { DeviceDisconnectedError } from '#hardware/interfaces.ts';
import { RfidStatusError, RfidTimeoutError } from '#hardware/rfid/interface.ts';
import { mockLine, type MockLine } from './mock-line.ts';

const books = (n: number, from = 101) => Array.from({ length: n }, (_, i) => ({ itemId: `300010000${String(from + i).padStart(5, '0')}` }));

async function rejects<E extends Error>(p: Promise<unknown>, type: new (...a: never[]) => E): Promise<E> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected ${type.name}, the command succeeded`);
}

describe('hardware/rfid/feig-reader over SerialPortMock + simulator', () => {
  let line: MockLine;
  afterEach(async () => {
    await line?.close();
  });

  describe('inventory', () => {
    it('sends the manual\'s inventory frame and finds nothing on an empty pad', async () => {
      line = await mockLine();
      assert.deepEqual(await line.reader.inventory(), []);
      assert.equal(line.written().toString('hex'), '07ffb001001c56');
    });

    for (const n of [1, 3, 10]) {
      it(`lists ${n} tag${n > 1 ? 's' : ''} with their UIDs and DSFID`, async () => {
        line = await mockLine();
        const uids = line.sim.placeTags(books(n));
        const tags = await line.reader.inventory();
        assert.deepEqual(tags.map((t) => t.uid), uids);
        assert.ok(tags.every((t) => t.trType === 0x03 && t.dsfid === 0 && t.uid.startsWith('E004')));
      });
    }

    it('follows STATUS 0x94 (more data) with MORE until all 30 tags are in', async () => {
      line = await mockLine();
      const uids = line.sim.placeTags(books(30));
      const tags = await line.reader.inventory();
      assert.deepEqual(tags.map((t) => t.uid), uids);
      assert.equal(line.sim.stats.answered, 2, 'a standard frame carries 24 data sets, so one MORE request');
      assert.ok(line.written().toString('hex').includes('07ffb0018014d2'), 'the second request has MODE.MORE set');
    });

    it('with advanced frames, 30 tags come in one answer', async () => {
      line = await mockLine({ reader: { advancedFrames: true } });
      line.sim.placeTags(books(30));
      assert.equal((await line.reader.inventory()).length, 30);
      assert.equal(line.sim.stats.answered, 1);
    });
  });

  describe('memory, AFI and EAS', () => {
    it('reads blocks in tag memory order (ISO-Host sends each block MSB first)', async () => {
      line = await mockLine();
      const [uid] = line.sim.placeTags([{ itemId: '30001000000101' }]);
      const mem = await line.reader.readBlocks(uid!, 0, 9);
      assert.deepEqual(mem, line.sim.tag(uid!)!.memory.subarray(0, 36));
      const b = decodeBasicBlock(mem);
      assert.deepEqual([b.itemId, b.owner, b.order], ['30001000000101', 'VN-THCS01', 'forward']);
    });

    it('reads 28 blocks in two requests', async () => {
      line = await mockLine();
      const [uid] = line.sim.placeTags([{ itemId: 'A' }]);
      assert.equal((await line.reader.readBlocks(uid!, 0, 28)).length, 112);
      assert.equal(line.sim.stats.answered, 2);
    });

    it('writes blocks that the tag then holds in memory order', async () => {
      line = await mockLine();
      const uid = line.sim.addTag({ memory: new Uint8Array(112) });
      const data = encodeBasicBlock({ itemId: 'STK.000123', owner: 'VN-THCS01' });
      await line.reader.writeBlocks(uid, 0, data);
      assert.deepEqual(line.sim.tag(uid)!.memory.subarray(0, 36), data);
      assert.equal(decodeBasicBlock(await line.reader.readBlocks(uid, 0, 9)).itemId, 'STK.000123');
      assert.equal(data[0], 0x11, 'the caller\'s buffer is not reversed in place');
    });

    it('writes the AFI and reads it back through Get System Information', async () => {
      line = await mockLine();
      const [uid] = line.sim.placeTags([{ itemId: '30001000000101' }]);
      assert.equal((await line.reader.systemInfo(uid!)).afi, 0x07);
      await line.reader.writeAfi(uid!, 0xc2);
      const info = await line.reader.systemInfo(uid!);
      assert.deepEqual([info.uid, info.afi, info.blockSize, info.blockCount], [uid, 0xc2, 4, 28]);
      assert.equal(line.sim.tag(uid!)!.afi, 0xc2);
    });

    it('sets and resets the EAS bit', async () => {
      line = await mockLine();
      const [uid] = line.sim.placeTags([{ itemId: 'A' }]);
      await line.reader.setEas(uid!);
      assert.equal(line.sim.tag(uid!)!.eas, true);
      await line.reader.resetEas(uid!);
      assert.equal(line.sim.tag(uid!)!.eas, false);
    });
  });

  describe('typed errors', () => {
    it('a failed block write is an RfidStatusError: write error at block 0, and the next write works', async () => {
      line = await mockLine();
      const [uid] = line.sim.placeTags([{ itemId: 'A' }]);
      line.sim.failNextWrite(uid!);
      const err = await rejects(line.reader.writeBlocks(uid!, 0, encodeBasicBlock({ itemId: 'B' })), RfidStatusError);
      assert.deepEqual([err.status, err.writeFailed, err.detail.blockAddress, err.detail.uid], [0x03, true, 0, uid]);
      assert.equal(decodeBasicBlock(line.sim.tag(uid!)!.memory).itemId, 'A', 'nothing was written');
      await line.reader.writeBlocks(uid!, 0, encodeBasicBlock({ itemId: 'B' }));
      assert.equal(decodeBasicBlock(line.sim.tag(uid!)!.memory).itemId, 'B');
    });

    it('a failed AFI write reports the tag\'s ISO error', async () => {
      line = await mockLine();
      const [uid] = line.sim.placeTags([{ itemId: 'A' }]);
      line.sim.failNextWrite(uid!, 'iso-error');
      const err = await rejects(line.reader.writeAfi(uid!, 0xc2), RfidStatusError);
      assert.deepEqual([err.status, err.detail.isoError, err.writeFailed], [0x95, 0x13, true]);
      assert.equal(line.sim.tag(uid!)!.afi, 0x07);
    });

    it('a tag that left the field is "no transponder"', async () => {
      line = await mockLine();
      const [uid] = line.sim.placeTags([{ itemId: 'A' }]);
      line.sim.removeAll();
      const err = await rejects(line.reader.systemInfo(uid!), RfidStatusError);
      assert.equal(err.noTransponder, true);
    });

    it('reading past the end of the tag is ISO error 0x10 (block not available)', async () => {
      line = await mockLine();
      const [uid] = line.sim.placeTags([{ itemId: 'A', blockCount: 8 }]);
      const err = await rejects(line.reader.readBlocks(uid!, 0, 9), RfidStatusError);
      assert.deepEqual([err.status, err.detail.isoError], [0x95, 0x10]);
    });

    it('an answer with a broken CRC is lost: the command times out, the next one works', async () => {
      line = await mockLine({ reader: { timeoutMs: 50 } });
      line.sim.placeTags(books(2));
      line.sim.corruptNextAnswer();
      await rejects(line.reader.inventory(), RfidTimeoutError);
      assert.match(line.reader.health().lastError ?? '', /no answer/);
      assert.equal((await line.reader.inventory()).length, 2);
      assert.equal(line.reader.health().ok, true);
    });

    it('a reader at another bus address stays silent', async () => {
      line = await mockLine({ sim: { address: 3 }, reader: { busAddress: 4, timeoutMs: 50 } });
      await rejects(line.reader.inventory(), RfidTimeoutError);
      assert.equal(line.sim.stats.ignored, 1);
    });

    it('a port that disappears (USB pulled) fails the command in flight with DeviceDisconnectedError', async () => {
      line = await mockLine({ sim: { answerDelayMs: 30 } });
      line.sim.placeTags(books(1));
      const inFlight = line.reader.inventory();
      // What serialport does when the device vanishes: close with a "disconnected" error.
      line.port.close(() => undefined, Object.assign(new Error('device disconnected'), { disconnected: true }));
      const err = await rejects(inFlight, DeviceDisconnectedError);
      assert.match(err.message, /disconnected/);
      assert.deepEqual([line.reader.health().connected, line.reader.health().ok], [false, false]);
    });

    it('after close, commands fail with DeviceDisconnectedError', async () => {
      line = await mockLine();
      await line.reader.close();
      await rejects(line.reader.inventory(), DeviceDisconnectedError);
      assert.equal(line.reader.health().connected, false);
    });
  });

  describe('line noise', () => {
    it('recovers answers behind garbage on the line, and counts the garbage', async () => {
      line = await mockLine();
      const uids = line.sim.placeTags(books(3));
      for (const noise of ['ff', '00 01 02', '02 7f 00 13', '11 ff b0 00 01', 'ff'.repeat(40)]) {
        line.sim.injectNoise(Buffer.from(noise.replace(/ /g, ''), 'hex'));
        assert.deepEqual((await line.reader.inventory()).map((t) => t.uid), uids, `after noise ${noise}`);
      }
      assert.ok((line.reader.health().garbageBytes ?? 0) >= 50);
    });

    it('the simulator ignores garbage from the host and answers the frame after it', async () => {
      line = await mockLine();
      line.sim.placeTags(books(1));
      await new Promise<void>((resolve, reject) => line.port.write(Buffer.from('ff0102', 'hex'), (err) => (err ? reject(err) : resolve())));
      assert.equal((await line.reader.inventory()).length, 1);
    });
  });
});
