/**
 * The drop box's logic on the station's real parts, offline (no broker): the journal and replica in
 * a real SQLite file, StationCirculation deciding alone, the RFID pad polling the byte-level FEIG
 * simulator, the simulated ESC/POS printer. What the broker would receive is recorded by a
 * publisher that can be "connected" at will.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '#core/config.ts';
import { openDatabase, type Db } from '#core/node/sqlite.ts';
import type { DeviceCommand } from '#core/protocol/messages.ts';
import { createRfidPad } from '#hardware/rfid/factory.ts';
import type { RfidPad } from '#hardware/rfid/rfid-pad.ts';
import type { SimFeigReader } from '#hardware/rfid/sim-reader.ts';
import { createPrinter } from '#hardware/printer/factory.ts';
import type { SimPrinter } from '#hardware/printer/sim-printer.ts';
import type { ReceiptPrinter } from '#hardware/interfaces.ts';
import { STATION_MIGRATIONS } from '#station/db/migrations.ts';
import { Replica } from '#station/replica.ts';
import { Journal } from '#station/journal.ts';
import { ServerLink } from '#station/server-link.ts';
import { StationCirculation } from '#station/circulation.ts';
import { DropBox, type DropboxOptions } from '#station/dropbox/dropbox.ts';
import type { DropboxPublisher } from '#station/dropbox/link.ts';
import { SimSignalOutput } from '#station/dropbox/signal.ts';
import { receiptFor } from '#station/dropbox/receipt.ts';
import { quietLog, waitUntil } from '#test/school.ts';

const ISIL = 'VN-THCS01';
const ON_LOAN = ['30001000000101', '30001000000119', '30001000000127'];
const ON_SHELF = '30001000000200';

/** Records what would reach the broker; offline until connect(). */
class RecordingPublisher extends EventEmitter<{ connected: []; command: [DeviceCommand] }> implements DropboxPublisher {
  connected = false;
  readonly published: { topic: string; payload: string; retain: boolean }[] = [];
  async publish(topic: string, payload: string, retain: boolean): Promise<boolean> {
    if (!this.connected) return false;
    this.published.push({ topic, payload, retain });
    return true;
  }
  connect(): void {
    this.connected = true;
    this.emit('connected');
  }
  alerts(): { code: string; barcode?: string }[] {
    return this.published.filter((p) => p.topic.endsWith('/event/alert')).map((p) => JSON.parse(p.payload) as { code: string; barcode?: string });
  }
  lastBin(): { count: number; nearlyFull: boolean } {
    const b = this.published.filter((p) => p.topic.endsWith('/bin')).at(-1)!;
    assert.equal(b.retain, true);
    return JSON.parse(b.payload) as { count: number; nearlyFull: boolean };
  }
}

interface Rig {
  db: Db;
  dir: string;
  journal: Journal;
  replica: Replica;
  circulation: StationCirculation;
  pad: RfidPad;
  sim: SimFeigReader;
  signal: SimSignalOutput;
  publisher: RecordingPublisher;
  box: DropBox;
  printerSim: SimPrinter | null;
  clock: { now: number };
  stop(): Promise<void>;
}

function options(o: Partial<DropboxOptions> = {}): DropboxOptions {
  const station = parseConfig({ mode: 'sim', stations: [{ device: 'dropbox-1', role: 'dropbox', password: 'x', dropbox: o }] }).stations[0]!;
  return station.dropbox;
}

async function rig(o: { dir?: string; options?: Partial<DropboxOptions>; printer?: boolean; seed?: boolean } = {}): Promise<Rig> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'openshelf-dropbox-'));
  const db = openDatabase(join(dir, 'station.sqlite'), STATION_MIGRATIONS);
  const replica = new Replica(db);
  if (o.seed !== false) {
    replica.applySync({
      mode: 'snapshot',
      seq: 10,
      changes: [
        ...[...ON_LOAN, ON_SHELF].map((b, i) => ({ seq: i + 1, entity: 'item' as const, key: b, data: { barcode: b, title: `Sách ${b.slice(-3)}`, collection: 'children', referenceOnly: false, status: 'available' } })),
        ...ON_LOAN.map((b, i) => ({ seq: 10 + i, entity: 'loan' as const, key: b, data: { barcode: b, patronId: 'p1', dueDate: '2026-12-31', renewals: 0 } })),
      ],
    });
  }
  const journal = new Journal(db);
  const clock = { now: Date.parse('2026-10-15T03:00:00Z') };
  // Never started: the link is not connected, so every check-in is decided offline and journaled.
  const link = new ServerLink({ url: 'mqtt://127.0.0.1:1', school: 'demo', device: 'dropbox-1', password: 'x', log: quietLog });
  const circulation = new StationCirculation({ link, replica, journal, device: 'dropbox-1', deadlineMs: 200, log: quietLog, clock: () => new Date(clock.now) });
  const { pad, sim } = createRfidPad({ driver: 'sim', baudRate: 38400, busAddress: 0xff, afiInLibrary: 0x07, afiOnLoan: 0xc2, useEas: false, pollMs: 50 }, quietLog, { isil: ISIL });
  let printer: ReceiptPrinter | null = null;
  let printerSim: SimPrinter | null = null;
  if (o.printer) {
    const p = await createPrinter({ driver: 'sim', baudRate: 19200, port: 9100, paperMm: 58, widthChars: 32 }, join(dir, 'printer'), quietLog);
    p.printer!.start();
    printer = p.printer;
    printerSim = p.sim ?? null;
  }
  const signal = new SimSignalOutput();
  const publisher = new RecordingPublisher();
  const box = new DropBox({
    db,
    circulation,
    journal,
    replica,
    pad: pad!,
    signal,
    fullSensor: null,
    printer,
    link: publisher,
    options: options(o.options),
    school: 'demo',
    device: 'dropbox-1',
    isil: ISIL,
    schoolName: 'Trường Thử',
    widthChars: 32,
    log: quietLog,
  });
  pad!.on('tags', (ev) => box.onTags(ev));
  box.start();
  pad!.start();
  return {
    db,
    dir,
    journal,
    replica,
    circulation,
    pad: pad!,
    sim: sim!,
    signal,
    publisher,
    box,
    printerSim,
    clock,
    async stop() {
      await pad!.stop();
      await box.stop();
      await printer?.close();
      db.close();
    },
  };
}

const done = (r: Rig) => r.box.store.latest(100).filter((d) => d.state === 'done');

describe('drop box (station side, offline)', function () {
  this.timeout(20000);
  const rigs: Rig[] = [];
  const make = async (o?: Parameters<typeof rig>[0]) => {
    const r = await rig(o);
    rigs.push(r);
    return r;
  };
  afterEach(async () => {
    for (const r of rigs.splice(0)) {
      await r.stop();
      rmSync(r.dir, { recursive: true, force: true });
    }
  });

  it('takes back a lent book offline, writes "in the library", and alerts for one that was not lent', async () => {
    const r = await make();
    const [uidLent, uidShelf] = r.sim.placeTags([
      { itemId: ON_LOAN[0]!, afi: 0xc2 },
      { itemId: ON_SHELF, afi: 0x07 },
    ]);
    await waitUntil(() => done(r).length === 2, 10000, 'two drops handled');
    const rows = new Map(done(r).map((d) => [d.barcode, d]));
    assert.equal(rows.get(ON_LOAN[0]!)!.outcome, 'RETURNED');
    assert.equal(rows.get(ON_LOAN[0]!)!.offline, true);
    assert.equal(rows.get(ON_SHELF)!.outcome, 'NOT_ON_LOAN');
    assert.equal(r.sim.tag(uidLent!)!.afi, 0x07);
    assert.equal(r.sim.tag(uidShelf!)!.afi, 0x07);
    assert.equal(r.replica.loan(ON_LOAN[0]!), null, 'the replica knows it is back');
    // Journal first: the offline check-in waits for its replay.
    const entries = r.journal.pending();
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.offline, true);
    assert.deepEqual((entries[0]!.request as { items: string[] }).items.sort(), [ON_LOAN[0]!, ON_SHELF].sort());
    assert.equal(r.signal.recorded.at(-1)?.kind, 'problem');
    // The alert waits in the outbox until the broker is there, then goes out once.
    assert.deepEqual(r.publisher.alerts(), []);
    r.publisher.connect();
    await waitUntil(() => r.publisher.alerts().length === 1, 5000, 'the alert published');
    assert.equal(r.publisher.alerts()[0]!.code, 'NOT_ON_LOAN');
    assert.equal(r.publisher.alerts()[0]!.barcode, ON_SHELF);
    assert.equal(r.box.store.outbox().length, 0);
    await waitUntil(() => r.publisher.published.some((p) => p.topic === 'library/v1/demo/dropbox-1/bin'), 5000, 'the bin published');
    assert.equal(r.publisher.lastBin().count, 2);
  });

  it('the two parts of a set are one drop, and both tags get their security back', async () => {
    const r = await make();
    const uids = r.sim.placeTags([
      { itemId: ON_LOAN[1]!, parts: 2, part: 1, afi: 0xc2 },
      { itemId: ON_LOAN[1]!, parts: 2, part: 2, afi: 0xc2 },
    ]);
    await waitUntil(() => done(r).length === 1, 10000, 'one drop');
    await r.box.idle();
    assert.equal(r.box.store.latest(10).length, 1);
    assert.deepEqual(r.box.store.latest(1)[0]!.uids.sort(), [...uids].sort());
    for (const u of uids) assert.equal(r.sim.tag(u)!.afi, 0x07);
    assert.equal(r.signal.recorded.at(-1)?.kind, 'ok');
  });

  it('a tag seen again after the dedupe window is a new drop', async () => {
    const r = await make({ options: { dedupeWindowSec: 5 } });
    const [uid] = r.sim.placeTags([{ itemId: ON_LOAN[2]!, afi: 0xc2 }]);
    await waitUntil(() => done(r).length === 1, 10000, 'the first drop');
    r.sim.removeTag(uid!);
    await waitUntil(() => r.pad.snapshot().items.length === 0, 5000, 'the tag gone');
    r.sim.placeTags([{ itemId: ON_LOAN[2]! }]); // within the window: the same drop
    await waitUntil(() => r.box.repeats === 1, 5000, 'read again');
    r.sim.removeAll();
    await waitUntil(() => r.pad.snapshot().items.length === 0, 5000, 'gone again');
    r.clock.now += 6000;
    r.sim.placeTags([{ itemId: ON_LOAN[2]! }]);
    await waitUntil(() => done(r).length === 2, 10000, 'a second drop');
    // Lent again meanwhile is the server's business; offline the replica no longer has the loan.
    assert.equal(done(r)[0]!.outcome, 'NOT_ON_LOAN');
  });

  it('after a power cut: drops never journaled are sent, journaled ones wait for the replay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openshelf-dropbox-'));
    // The state a power cut leaves: two drops recorded, one of them already in a journaled check-in.
    {
      const db = openDatabase(join(dir, 'station.sqlite'), STATION_MIGRATIONS);
      const { DropStore } = await import('#station/dropbox/store.ts');
      const store = new DropStore(db);
      store.record(
        [
          { key: `${ISIL}/${ON_LOAN[0]}`, uid: 'E004010000000001', barcode: ON_LOAN[0]!, owner: ISIL },
          { key: `${ISIL}/${ON_LOAN[1]}`, uid: 'E004010000000002', barcode: ON_LOAN[1]!, owner: ISIL },
        ],
        '2026-10-15T02:59:00.000Z',
        '2026-10-15T02:58:00.000Z',
      );
      new Journal(db).add({ id: '0199e6a0-0000-7000-8000-000000000001', type: 'checkin', items: [ON_LOAN[1]!], replyTo: 'library/v1/demo/dropbox-1/reply', device: 'dropbox-1', at: '2026-10-15T02:59:00.000Z' });
      db.close();
    }
    const r = await make({ dir });
    await r.box.idle();
    await waitUntil(() => done(r).length === 1, 10000, 'the unjournaled drop handled');
    const rows = new Map(r.box.store.latest(10).map((d) => [d.barcode, d]));
    assert.equal(rows.get(ON_LOAN[0]!)!.outcome, 'RETURNED');
    assert.equal(rows.get(ON_LOAN[1]!)!.state, 'sent');
    assert.equal(rows.get(ON_LOAN[1]!)!.tx, '0199e6a0-0000-7000-8000-000000000001');
    const entries = r.journal.pending();
    assert.equal(entries.length, 2, 'the old entry and one new check-in');
    assert.deepEqual((entries[1]!.request as { items: string[] }).items, [ON_LOAN[0]!], 'only the unjournaled book is sent again');
    // The replay answers the old entry (the station clears it): the drop is settled, not sent again.
    r.journal.clear('0199e6a0-0000-7000-8000-000000000001');
    await waitUntil(() => r.box.store.latest(10).every((d) => d.state === 'done'), 5000, 'settled');
    assert.equal(r.box.store.latest(10).find((d) => d.barcode === ON_LOAN[1])!.outcome, 'REPLAYED');
    assert.equal(r.journal.count(), 1);
  });

  it('counts the bin, warns once per filling, and is emptied by the server\'s command', async () => {
    const r = await make({ options: { nearlyFullAt: 2, binCapacity: 3 } });
    r.publisher.connect();
    r.sim.placeTags([{ itemId: ON_LOAN[0]! }, { itemId: ON_LOAN[1]! }]);
    await waitUntil(() => done(r).length === 2, 10000, 'two drops');
    await waitUntil(() => r.publisher.alerts().some((a) => a.code === 'BIN_NEARLY_FULL'), 5000, 'nearly full');
    assert.deepEqual(r.box.binState().count, 2);
    assert.equal(r.box.binState().nearlyFull, true);
    r.sim.placeTags([{ itemId: ON_LOAN[2]! }]);
    await waitUntil(() => done(r).length === 3, 10000, 'a third drop');
    assert.equal(r.publisher.alerts().filter((a) => a.code === 'BIN_NEARLY_FULL').length, 1, 'once per filling');

    const emptied: DeviceCommand = { id: 'cmd-1', type: 'bin-emptied', at: new Date(r.clock.now + 1000).toISOString(), by: 'thuthu' };
    r.publisher.emit('command', emptied);
    assert.equal(r.box.binState().count, 0);
    assert.equal(r.publisher.lastBin().count, 0);
    // The retained command again (a reconnect), or an older one: nothing moves.
    r.publisher.emit('command', emptied);
    r.publisher.emit('command', { id: 'cmd-0', type: 'bin-emptied', at: '2026-01-01T00:00:00.000Z', by: 'thuthu' });
    assert.equal(r.box.binState().emptiedAt, emptied.at);
    // A new filling warns again.
    r.clock.now += 200_000;
    r.sim.removeAll();
    await waitUntil(() => r.pad.snapshot().items.length === 0, 5000, 'slot empty');
    r.sim.placeTags([{ itemId: ON_LOAN[0]! }, { itemId: ON_SHELF }]);
    await waitUntil(() => r.box.binState().count === 2, 10000, 'two more');
    await waitUntil(() => r.publisher.alerts().filter((a) => a.code === 'BIN_NEARLY_FULL').length === 2, 5000, 'warned again');
  });

  it('prints one return receipt for a batch when a printer is fitted and receipts are on', async () => {
    const r = await make({ printer: true, options: { receipt: true, receiptAfterMs: 300 } });
    r.sim.placeTags([{ itemId: ON_LOAN[0]! }, { itemId: ON_LOAN[1]! }]);
    await waitUntil(() => done(r).length === 2, 10000, 'two drops');
    await waitUntil(() => (r.printerSim?.jobs.length ?? 0) === 1, 10000, 'one receipt');
    assert.equal(r.printerSim!.jobs[0]!.error, null);
    assert.ok(r.printerSim!.jobs[0]!.pngPath, 'the receipt decodes to a picture');
  });

  it('lays the receipt out in Vietnamese first, in school time', () => {
    const slip = receiptFor({ schoolName: 'Trường Thử', items: [{ barcode: ON_LOAN[0]!, title: 'Dế Mèn phiêu lưu ký' }], at: new Date('2026-10-15T03:00:00Z'), width: 32 });
    assert.equal(slip.lines[1], 'PHIẾU TRẢ SÁCH / RETURN RECEIPT');
    assert.equal(slip.lines[2], '15/10/2026 10:00');
    assert.ok(slip.lines.includes('1. Dế Mèn phiêu lưu ký'));
    assert.ok(slip.lines.every((l) => l.length <= 32));
  });
});
