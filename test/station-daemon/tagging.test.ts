/**
 * The tagging desk against the real stack: TaggingService → RfidPad → FeigIsoHostReader → the
 * byte-level SimFeigReader. What lands on a tag is checked by decoding the simulator's memory
 * independently of the service.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { openDatabase, type Db } from '#core/node/sqlite.ts';
import { decodeBasicBlock, encodeBasicBlock } from '#core/rfid/iso28560-3.ts';
import { FeigIsoHostReader } from '#hardware/rfid/feig-reader.ts';
import type { RfidReader } from '#hardware/rfid/interface.ts';
import { RfidPad } from '#hardware/rfid/rfid-pad.ts';
import { SimFeigReader } from '#hardware/rfid/sim-reader.ts';
import { STATION_MIGRATIONS } from '#station/db/migrations.ts';
import { Replica, type ReplicaItem } from '#station/replica.ts';
import type { TaggingFailure, TaggingStatus, TaggingSuccess } from '#station/tagging/api.ts';
import { isStaffRequest, mountTagging } from '#station/tagging/http.ts';
import { TaggingService, migrateTagging } from '#station/tagging/service.ts';
import type { CodeReader } from '#hardware/interfaces.ts';

const ISIL = 'VN-THCS01';
const BOOK = '30001000001505';
const OTHER = '30001000000101';
const CD_BOOK = '30001000000200';
/** A blank ICODE SLIX: 28 blocks of zeros, AFI 0 as it leaves the factory. */
const blank = () => ({ memory: new Uint8Array(112), afi: 0x00 });

function item(barcode: string, over: Partial<ReplicaItem> = {}): ReplicaItem {
  return { barcode, title: `Sách ${barcode}`, collection: 'children', referenceOnly: false, status: 'on_shelf', ...over };
}

interface Rig {
  sim: SimFeigReader;
  pad: RfidPad;
  db: Db;
  replica: Replica;
  service: TaggingService;
  clock: { now: Date };
}

/** A station database with three items in its replica, a pad on a simulated reader and the service; `wrap` may tamper with the reader. */
function rig(wrap: (r: RfidReader) => RfidReader = (r) => r): Rig {
  const sim = new SimFeigReader({ owner: ISIL });
  const pad = new RfidPad({ connect: async () => wrap(new FeigIsoHostReader(sim.createTransport(), { timeoutMs: 200, driver: 'sim' })), pollMs: 5 });
  const db = openDatabase(':memory:', STATION_MIGRATIONS);
  const replica = new Replica(db);
  for (const b of [BOOK, OTHER, CD_BOOK]) replica.applyChange({ seq: 1, entity: 'item', key: b, data: item(b) });
  // 2026-10-05 09:00 in Vietnam (UTC+7).
  const clock = { now: new Date('2026-10-05T02:00:00Z') };
  const service = new TaggingService({ db, replica, pad, isil: ISIL, now: () => clock.now });
  return { sim, pad, db, replica, service, clock };
}

function ok(r: Awaited<ReturnType<TaggingService['write']>>): TaggingSuccess {
  assert.ok(r.ok, `expected success, got ${JSON.stringify(r)}`);
  return r;
}
function refused(r: Awaited<ReturnType<TaggingService['write']>>, code: string): TaggingFailure {
  assert.ok(!r.ok, `expected ${code}, got success`);
  assert.equal(r.error.code, code, JSON.stringify(r.error));
  assert.ok(r.error.message_vi.length > 0 && r.error.message_en.length > 0, 'a reason in both languages');
  assert.notEqual(r.error.message_vi, r.error.message_en);
  return r;
}

/** The tag's memory as the simulator holds it, decoded independently of the service. */
function onTag(sim: SimFeigReader, uid: string) {
  const t = sim.tag(uid);
  assert.ok(t, `tag ${uid} on the pad`);
  return { ...decodeBasicBlock(t.memory), afi: t.afi };
}

describe('station-daemon tagging', () => {
  let r: Rig;
  afterEach(async () => {
    await r?.pad.stop();
    r?.db.close();
  });

  it('writes a blank tag: item id, owner, one part, AFI in the library; reads it back and counts it', async () => {
    r = rig();
    const uid = r.sim.addTag(blank());
    const res = ok(await r.service.write({ barcode: BOOK }));
    assert.equal(res.barcode, BOOK);
    assert.equal(res.title, `Sách ${BOOK}`);
    assert.deepEqual(res.tags, [{ uid, part: 1, parts: 1, afi: 0x07, overwrote: null }]);
    assert.equal(res.again, false);
    const tag = onTag(r.sim, uid);
    assert.equal(tag.itemId, BOOK);
    assert.equal(tag.owner, ISIL);
    assert.deepEqual([tag.parts, tag.part, tag.usage, tag.layout, tag.order], [1, 1, 1, 34, 'forward']);
    assert.equal(tag.afi, 0x07);
    assert.deepEqual(res.progress, { today: 1, total: 1, items: 3 });
    // The pad itself now reads it as that item (what a kiosk would see).
    const seen = await r.pad.pollOnce();
    assert.deepEqual(
      seen.items.map((i) => [i.uid, i.itemId, i.owner]),
      [[uid, BOOK, ISIL]],
    );
  });

  it('writes a book and its CD as a set of 2 parts on the two blank tags', async () => {
    r = rig();
    const [a, b] = [r.sim.addTag(blank()), r.sim.addTag(blank())];
    const res = ok(await r.service.write({ barcode: CD_BOOK, parts: 2 }));
    assert.deepEqual(
      res.tags.map((t) => [t.uid, t.part, t.parts]),
      [
        [a, 1, 2],
        [b, 2, 2],
      ],
    );
    for (const [uid, part] of [
      [a, 1],
      [b, 2],
    ] as const) {
      const tag = onTag(r.sim, uid);
      assert.deepEqual([tag.itemId, tag.owner, tag.parts, tag.part, tag.afi], [CD_BOOK, ISIL, 2, part, 0x07]);
    }
    // One item, however many tags.
    assert.deepEqual(res.progress, { today: 1, total: 1, items: 3 });
  });

  it('refuses with a reason when no tag lies on the pad', async () => {
    r = rig();
    refused(await r.service.write({ barcode: BOOK }), 'NO_TAG');
    assert.equal(r.service.progress().total, 0);
  });

  it('refuses more tags than parts, and fewer, writing nothing', async () => {
    r = rig();
    const [a, b] = [r.sim.addTag(blank()), r.sim.addTag(blank())];
    const more = refused(await r.service.write({ barcode: BOOK }), 'TOO_MANY_TAGS');
    assert.deepEqual(new Set(more.error.uids), new Set([a, b]));
    assert.match(more.error.message_en, /2 tags on the pad/);
    r.sim.removeTag(b);
    refused(await r.service.write({ barcode: CD_BOOK, parts: 2 }), 'TOO_FEW_TAGS');
    assert.ok(r.sim.tag(a)!.memory.every((x) => x === 0), 'the tag is still blank');
    assert.equal(r.service.progress().total, 0);
  });

  it('refuses a barcode the replica does not know', async () => {
    r = rig();
    const uid = r.sim.addTag(blank());
    const res = refused(await r.service.write({ barcode: '30001000999999' }), 'UNKNOWN_BARCODE');
    assert.match(res.error.message_vi, /30001000999999/);
    assert.ok(r.sim.tag(uid)!.memory.every((x) => x === 0));
  });

  it('refuses barcodes that do not fit a tag or are not printable', async () => {
    r = rig();
    r.sim.addTag(blank());
    refused(await r.service.write({ barcode: '12345678901234567' }), 'BAD_BARCODE');
    refused(await r.service.write({ barcode: '   ' }), 'BAD_BARCODE');
    refused(await r.service.write({ barcode: BOOK, parts: 0 }), 'BAD_REQUEST');
  });

  it('writes over a tag carrying another item id only with the explicit overwrite flag', async () => {
    r = rig();
    const [uid] = r.sim.placeTags([{ itemId: OTHER }]);
    const no = refused(await r.service.write({ barcode: BOOK }), 'TAG_HAS_OTHER_ITEM');
    assert.equal(no.error.overwritable, true);
    assert.deepEqual(no.error.uids, [uid]);
    assert.match(no.error.message_vi, new RegExp(OTHER));
    assert.equal(onTag(r.sim, uid!).itemId, OTHER, 'untouched');

    const yes = ok(await r.service.write({ barcode: BOOK, overwrite: true }));
    assert.equal(yes.tags[0]!.overwrote, OTHER);
    assert.equal(onTag(r.sim, uid!).itemId, BOOK);
    const row = r.db.prepare(`SELECT overwrote FROM tagging_log WHERE barcode = ?`).get(BOOK) as { overwrote: string };
    assert.equal(row.overwrote, OTHER);
  });

  it('treats another library\'s tag and foreign data as taken, and rewrites its own item without asking', async () => {
    r = rig();
    const [theirs] = r.sim.placeTags([{ itemId: BOOK, owner: 'VN-HN0002' }]);
    const res = refused(await r.service.write({ barcode: BOOK }), 'TAG_HAS_OTHER_ITEM');
    assert.match(res.error.message_en, /VN-HN0002/);
    r.sim.removeAll();

    const bad = encodeBasicBlock({ itemId: 'X1', owner: ISIL });
    bad[5] = bad[5]! ^ 0x40;
    r.sim.addTag({ memory: bad });
    refused(await r.service.write({ barcode: BOOK }), 'TAG_HAS_OTHER_ITEM');
    ok(await r.service.write({ barcode: BOOK, overwrite: true }));
    r.sim.removeAll();

    // A tag already carrying this very item (a retry after a failed set) is rewritten without the flag.
    const [ours] = r.sim.placeTags([{ itemId: BOOK }]);
    const again = ok(await r.service.write({ barcode: BOOK }));
    assert.equal(again.again, true);
    assert.deepEqual(again.tags.map((t) => [t.uid, t.overwrote]), [[ours, null]]);
    assert.notEqual(theirs, ours);
  });

  it('refuses and counts nothing when the write fails; a retry then succeeds', async () => {
    r = rig();
    const uid = r.sim.addTag(blank());
    r.sim.failNextWrite(uid, 'write-error');
    const res = refused(await r.service.write({ barcode: BOOK }), 'WRITE_FAILED');
    assert.deepEqual(res.error.uids, [uid]);
    assert.equal(r.service.progress().total, 0);
    ok(await r.service.write({ barcode: BOOK }));
    assert.equal(r.service.progress().total, 1);
  });

  it('refuses when the tag does not read back what was written (a weak tag)', async () => {
    // The tag stores one byte wrong: the write is acknowledged, the read-back does not match.
    let corrupt = true;
    r = rig((reader) => {
      const writeBlocks = reader.writeBlocks.bind(reader);
      reader.writeBlocks = async (uid, first, data, size) => {
        const stored = Uint8Array.from(data);
        if (corrupt) stored[7] = stored[7]! ^ 0x01;
        return writeBlocks(uid, first, stored, size);
      };
      return reader;
    });
    r.sim.addTag(blank());
    const res = refused(await r.service.write({ barcode: BOOK }), 'VERIFY_FAILED');
    assert.match(res.error.message_vi, /Đọc lại thẻ không khớp/);
    assert.equal(r.service.progress().total, 0);
    corrupt = false;
    ok(await r.service.write({ barcode: BOOK }));
  });

  it('refuses when the AFI cannot be set, naming the tags already written', async () => {
    let failAfi = true;
    r = rig((reader) => {
      const writeAfi = reader.writeAfi.bind(reader);
      reader.writeAfi = async (uid, afi) => {
        if (failAfi) {
          failAfi = false;
          throw new Error('simulated AFI lock');
        }
        return writeAfi(uid, afi);
      };
      return reader;
    });
    const uid = r.sim.addTag(blank());
    const res = refused(await r.service.write({ barcode: BOOK }), 'AFI_FAILED');
    assert.deepEqual(res.written, [uid]);
    assert.equal(r.sim.tag(uid)!.afi, 0x00);
    ok(await r.service.write({ barcode: BOOK }));
    assert.equal(r.sim.tag(uid)!.afi, 0x07);
  });

  it('refuses when the station has no pad', async () => {
    const db = openDatabase(':memory:', STATION_MIGRATIONS);
    try {
      const service = new TaggingService({ db, replica: new Replica(db), pad: null, isil: ISIL });
      refused(await service.write({ barcode: BOOK }), 'NO_PAD');
      assert.equal(service.status().pad.fitted, false);
    } finally {
      db.close();
    }
  });

  it('counts distinct items: today by the school\'s date, in total, against the replica', async () => {
    r = rig();
    const uid = r.sim.addTag(blank());
    ok(await r.service.write({ barcode: BOOK }));
    ok(await r.service.write({ barcode: BOOK })); // the same book twice counts once
    r.sim.removeTag(uid);
    // 23:30 UTC is already the next morning in Vietnam.
    r.clock.now = new Date('2026-10-05T23:30:00Z');
    r.sim.addTag(blank());
    ok(await r.service.write({ barcode: OTHER }));
    assert.deepEqual(r.service.progress(), { today: 1, total: 2, items: 3 });
    r.clock.now = new Date('2026-10-05T16:59:00Z'); // still the 5th in Vietnam
    assert.deepEqual(r.service.progress(), { today: 1, total: 2, items: 3 });
    // The migration is idempotent: a restart keeps the log.
    migrateTagging(r.db);
    assert.equal(new TaggingService({ db: r.db, replica: r.replica, pad: r.pad, isil: ISIL, now: () => r.clock.now }).progress().total, 2);
  });

  it('serialises concurrent writes', async () => {
    r = rig();
    r.sim.addTag(blank());
    const [x, y] = await Promise.all([r.service.write({ barcode: BOOK }), r.service.write({ barcode: BOOK })]);
    ok(x);
    assert.equal(ok(y).again, true);
  });

  it('reports the pad\'s tags (blank ones too) and the station scanner\'s last code in its status', async () => {
    r = rig();
    const b = r.sim.addTag(blank());
    const [o] = r.sim.placeTags([{ itemId: OTHER }]);
    await r.pad.pollOnce();
    r.service.noteScan(BOOK);
    r.service.noteScan(BOOK);
    const s = r.service.status();
    assert.equal(s.isil, ISIL);
    assert.deepEqual(s.pad.tags.map((t) => [t.uid, t.state, t.itemId]), [
      [o, 'item', OTHER],
      [b, 'blank', undefined],
    ]);
    assert.equal(s.pad.tags[0]!.title, `Sách ${OTHER}`);
    assert.equal(s.lastScan?.code, BOOK);
    assert.equal(s.lastScan?.seq, 2);
    assert.deepEqual(s.progress, { today: 0, total: 0, items: 3 });
  });

  describe('over HTTP', () => {
    let server: Server;
    let base: string;
    let scanned: ((code: string) => void) | undefined;

    beforeEach(async () => {
      r = rig();
      const app = express();
      app.use(express.json());
      const scanner: CodeReader = { kind: 'scanner', onCode: (l) => (scanned = l), health: () => ({ driver: 'test', ok: true }), close: async () => undefined };
      mountTagging(app, { db: r.db, replica: r.replica, pad: r.pad, isil: ISIL, readers: [scanner], now: () => r.clock.now });
      server = app.listen(0, '127.0.0.1');
      await new Promise((res) => server.once('listening', res));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterEach(async () => {
      await new Promise((res) => server.close(res));
    });

    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${base}/api/tagging/write`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

    it('tags through POST /api/tagging/write and shows progress and the scanner\'s code in GET /api/tagging/status', async () => {
      const uid = r.sim.addTag(blank());
      scanned!(BOOK);
      const st = (await (await fetch(`${base}/api/tagging/status`)).json()) as TaggingStatus;
      assert.equal(st.lastScan?.code, BOOK);
      const res = await post({ barcode: BOOK });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as TaggingSuccess).tags[0]!.uid, uid);
      const after = (await (await fetch(`${base}/api/tagging/status`)).json()) as TaggingStatus;
      assert.deepEqual(after.progress, { today: 1, total: 1, items: 3 });
    });

    it('answers refusals with an HTTP status and the reason in both languages', async () => {
      const none = await post({ barcode: BOOK });
      assert.equal(none.status, 409);
      const body = (await none.json()) as TaggingFailure;
      assert.equal(body.error.code, 'NO_TAG');
      assert.ok(body.error.message_vi && body.error.message_en);
      assert.equal((await post({ barcode: '30001000999999' })).status, 404);
      assert.equal((await post({ barcode: BOOK, parts: 'two' })).status, 400);
      assert.equal((await post({ barcode: BOOK, overwrite: 'yes' })).status, 400);
      const text = await fetch(`${base}/api/tagging/write`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ barcode: BOOK }) });
      assert.equal(text.status, 400);
    });

    it('is staff only: refuses other origins and other host names (DNS rebinding) even from loopback', async () => {
      r.sim.addTag(blank());
      const cross = await post({ barcode: BOOK }, { origin: 'http://evil.example' });
      assert.equal(cross.status, 403);
      assert.equal(((await cross.json()) as TaggingFailure).error.code, 'NOT_STAFF');
      assert.equal((await fetch(`${base}/api/tagging/status`, { headers: { origin: 'null' } })).status, 403);
      const same = await post({ barcode: BOOK }, { origin: base });
      assert.equal(same.status, 200);
      const fake = (remoteAddress: string, host: string, origin?: string) =>
        ({ socket: { remoteAddress }, headers: { host, ...(origin ? { origin } : {}) } }) as unknown as Parameters<typeof isStaffRequest>[0];
      assert.equal(isStaffRequest(fake('192.168.1.20', '192.168.1.5:8080')), false, 'the LAN');
      assert.equal(isStaffRequest(fake('127.0.0.1', 'evil.example:8080')), false, 'a rebound name');
      assert.equal(isStaffRequest(fake('::ffff:127.0.0.1', 'localhost:8080')), true);
      assert.equal(isStaffRequest(fake('::1', '[::1]:8080', 'http://[::1]:8080')), true);
    });
  });
});
