import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '#core/node/sqlite.ts';
import { uuidv7 } from '#core/ids.ts';
import { DEFAULT_POLICY } from '#core/policy.ts';
import { DEMO_CALENDAR } from '#core/demo-calendar.ts';
import type { Change, StationRequest, SyncData } from '#core/protocol/messages.ts';
import { STATION_MIGRATIONS } from '#station/db/migrations.ts';
import { Journal } from '#station/journal.ts';
import { Replica, type ReplicaItem, type ReplicaPatron } from '#station/replica.ts';

const T0 = Date.parse('2026-10-05T03:00:00Z');

/** A checkout request made at T0 + ms; `fill` sets the id's random bytes (so ids within one ms can be ordered at will). */
function checkout(ms: number, items: string[], fill = 0x55): StationRequest {
  return {
    type: 'checkout',
    id: uuidv7(T0 + ms, new Uint8Array(10).fill(fill)),
    replyTo: 'library/v1/demo/kiosk-1/reply',
    device: 'kiosk-1',
    at: new Date(T0 + ms).toISOString(),
    patronId: 'p-an',
    items,
  };
}

function patron(id: string, identifiers: string[], over: Partial<ReplicaPatron> = {}): ReplicaPatron {
  return { id, kind: 'pupil', fullName: `Học sinh ${id}`, className: '6A1', homeroomClass: null, active: true, blockedReason: null, textbookEligible: false, identifiers, ...over };
}

function item(barcode: string, over: Partial<ReplicaItem> = {}): ReplicaItem {
  return { barcode, title: `Sách ${barcode}`, collection: 'children', referenceOnly: false, status: 'on_shelf', ...over };
}

function patronChange(seq: number, p: ReplicaPatron | null, key = p?.id ?? ''): Change {
  return { seq, entity: 'patron', key, data: p };
}
function itemChange(seq: number, i: ReplicaItem | null, key = i?.barcode ?? ''): Change {
  return { seq, entity: 'item', key, data: i };
}

describe('station-daemon journal and replica (SQLite file)', () => {
  let dir: string;
  let file: string;
  const open: Db[] = [];

  function openDb(path = file): Db {
    const db = openDatabase(path, STATION_MIGRATIONS);
    open.push(db);
    return db;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'openshelf-station-db-'));
    file = join(dir, 'station', 'station.db'); // the sub-folder does not exist yet
  });

  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('Journal', () => {
    it('keeps a transaction until it is cleared', () => {
      const j = new Journal(openDb());
      const req = checkout(0, ['30001000000101']);
      j.add(req);
      assert.deepEqual(j.pending(), [{ id: req.id, request: req, offline: false, attempts: 0 }]);
      assert.equal(j.count(), 1);
      j.clear(req.id);
      assert.deepEqual(j.pending(), []);
      assert.equal(j.count(), 0);
    });

    it('adding the same transaction twice keeps one entry', () => {
      const j = new Journal(openDb());
      const req = checkout(0, ['30001000000101']);
      j.add(req);
      j.noteAttempt(req.id, 'no answer');
      j.add(req);
      assert.equal(j.count(), 1);
      assert.equal(j.pending()[0]?.attempts, 1);
    });

    it('markOffline flags the entry and stores the request to replay, marked offline', () => {
      const j = new Journal(openDb());
      const req = checkout(0, ['30001000000101', '30001000000119']);
      j.add(req);
      // Only the first book was lent offline: the replay must carry exactly that one.
      j.markOffline({ ...req, items: ['30001000000101'] } as StationRequest);
      const [e] = j.pending();
      assert.equal(e?.offline, true);
      assert.equal(e?.request.offline, true);
      assert.deepEqual((e?.request as Extract<StationRequest, { type: 'checkout' }>).items, ['30001000000101']);
    });

    it('counts attempts', () => {
      const j = new Journal(openDb());
      const req = checkout(0, ['30001000000101']);
      j.add(req);
      j.noteAttempt(req.id, 'no answer before the deadline');
      j.noteAttempt(req.id, 'no answer during replay');
      assert.equal(j.pending()[0]?.attempts, 2);
    });


    // BUG (station-daemon/src/journal.ts, pending(): `ORDER BY id`): ids are UUIDv7 from the station's
    // clock plus its server offset, which moves when an answer arrives, and within one millisecond the
    // order of two ids is decided by their random bits. So a checkout journaled before a check-in of the
    // same book can be replayed after it (the server then thinks the book is still out). Fix: replay in
    // the order the station wrote them: `ORDER BY rowid` (the journal table has an implicit rowid).
    it('replays in the order written even when a later id sorts first', () => {
      const j = new Journal(openDb());
      const lent = checkout(5_000, ['30001000000101'], 0xff);
      // Written next, but its id sorts first: same millisecond (or the clock was stepped back after sync).
      const returned = { ...checkout(5_000, ['30001000000101'], 0x00), type: 'checkin' } as StationRequest;
      assert.ok(returned.id < lent.id);
      j.add(lent);
      j.add(returned);
      assert.deepEqual(j.pending().map((e) => e.request.type), ['checkout', 'checkin']);
    });

    it('survives a power cut: what was journaled is there when the file is opened again', () => {
      const db = openDb();
      const j = new Journal(db);
      const a = checkout(0, ['30001000000101']);
      const b = checkout(1_000, ['30001000000119']);
      const gone = checkout(2_000, ['30001000000127']);
      j.add(a);
      j.add(b);
      j.add(gone);
      j.markOffline(b);
      j.noteAttempt(a.id, 'no answer');
      j.clear(gone.id);
      // Copy the files while the database is still open: the state a power cut leaves on the SD card
      // (a clean close would fold the WAL into the main file first).
      assert.ok(existsSync(file + '-wal') && statSync(file + '-wal').size > 0, 'the journal rows are still only in the WAL');
      mkdirSync(join(dir, 'after-power-cut'));
      const crashed = join(dir, 'after-power-cut', 'station.db');
      for (const suffix of ['', '-wal']) copyFileSync(file + suffix, crashed + suffix);
      const again = new Journal(openDb(crashed));
      const pending = again.pending();
      assert.deepEqual(pending.map((e) => e.id), [a.id, b.id]);
      assert.equal(pending[0]?.attempts, 1);
      assert.equal(pending[1]?.offline, true);
      assert.deepEqual(pending[0]?.request, a);
    });

    it('survives closing and reopening the file', () => {
      const db = openDb();
      const req = checkout(0, ['30001000000101']);
      new Journal(db).add(req);
      db.close();
      assert.deepEqual(new Journal(openDb()).pending().map((e) => e.request), [req]);
    });
  });

  describe('Replica', () => {
    function snapshot(seq: number, changes: Change[], extra: Partial<SyncData> = {}): SyncData {
      return { mode: 'snapshot', seq, changes, ...extra };
    }

    it('starts empty at seq 0 with the default policy and calendar', () => {
      const r = new Replica(openDb());
      assert.equal(r.seq, 0);
      assert.deepEqual(r.counts(), { patrons: 0, items: 0, loans: 0 });
      assert.deepEqual(r.policy(), DEFAULT_POLICY);
      assert.deepEqual(r.calendar(), DEMO_CALENDAR);
    });

    it('a snapshot replaces everything the replica held', () => {
      const r = new Replica(openDb());
      r.applySync(
        snapshot(10, [
          patronChange(1, patron('p-an', ['04A1B2C3', '20001000000012'])),
          itemChange(2, item('30001000000101')),
          { seq: 3, entity: 'loan', key: '30001000000101', data: { barcode: '30001000000101', patronId: 'p-an', dueDate: '2026-10-12', renewals: 0 } },
        ]),
      );
      assert.deepEqual(r.counts(), { patrons: 1, items: 1, loans: 1 });
      r.applySync(snapshot(20, [patronChange(11, patron('p-binh', ['04FFEE00'])), itemChange(12, item('30001000000119'))]));
      assert.equal(r.seq, 20);
      assert.deepEqual(r.counts(), { patrons: 1, items: 1, loans: 0 });
      assert.equal(r.patronById('p-an'), null);
      assert.equal(r.patronByIdentifier('04A1B2C3'), null, 'the old card no longer identifies anyone');
      assert.equal(r.item('30001000000101'), null);
      assert.deepEqual(r.loansOf('p-an'), []);
      assert.equal(r.patronByIdentifier('04FFEE00')?.id, 'p-binh');
    });

    it('stores the policy and calendar the server sends', () => {
      const r = new Replica(openDb());
      const policy = { ...DEFAULT_POLICY, maxItems: { ...DEFAULT_POLICY.maxItems, pupil: 3 } };
      r.applySync(snapshot(1, [], { policy, calendar: DEMO_CALENDAR }));
      assert.equal(r.policy().maxItems.pupil, 3);
      assert.deepEqual(r.calendar(), DEMO_CALENDAR);
    });

    it('changes apply in order on top of what is there', () => {
      const r = new Replica(openDb());
      r.applySync(snapshot(5, [patronChange(1, patron('p-an', ['04A1B2C3'])), itemChange(2, item('30001000000101')), itemChange(3, item('30001000000119'))]));
      r.applySync({
        mode: 'changes',
        seq: 8,
        changes: [
          itemChange(6, item('30001000000101', { title: 'Dế Mèn phiêu lưu ký' })),
          itemChange(7, null, '30001000000119'),
          patronChange(8, patron('p-an', ['04A1B2C3'], { active: false })),
          patronChange(8, patron('p-binh', ['04FFEE00'])),
        ],
      });
      assert.equal(r.seq, 8);
      assert.equal(r.item('30001000000101')?.title, 'Dế Mèn phiêu lưu ký');
      assert.equal(r.item('30001000000119'), null);
      assert.equal(r.patronById('p-an')?.active, false);
      assert.deepEqual(r.counts(), { patrons: 2, items: 1, loans: 0 });
    });

    it('finds a patron by any of their identifiers, and forgets replaced ones', () => {
      const r = new Replica(openDb());
      r.applySync(snapshot(1, [patronChange(1, patron('p-an', ['04A1B2C3', '20001000000012']))]));
      assert.equal(r.patronByIdentifier('04A1B2C3')?.fullName, 'Học sinh p-an');
      assert.equal(r.patronByIdentifier('20001000000012')?.id, 'p-an');
      assert.equal(r.patronByIdentifier('nobody'), null);
      // A lost card replaced by a new one: the old UID must not open a session any more.
      r.applySync({ mode: 'changes', seq: 2, changes: [patronChange(2, patron('p-an', ['04NEW000', '20001000000012']))] });
      assert.equal(r.patronByIdentifier('04A1B2C3'), null);
      assert.equal(r.patronByIdentifier('04NEW000')?.id, 'p-an');
      // A patron removed takes their identifiers along.
      r.applySync({ mode: 'changes', seq: 3, changes: [patronChange(3, null, 'p-an')] });
      assert.equal(r.patronByIdentifier('20001000000012'), null);
      assert.equal(r.patronById('p-an'), null);
    });

    it('noteLoan records a loan the station made and then its return', () => {
      const r = new Replica(openDb());
      r.applySync(snapshot(1, [patronChange(1, patron('p-an', ['04A1B2C3'])), itemChange(2, item('30001000000101'))]));
      const loan = { barcode: '30001000000101', patronId: 'p-an', dueDate: '2026-10-12', renewals: 0 };
      r.noteLoan('30001000000101', loan);
      assert.equal(r.item('30001000000101')?.status, 'on_loan');
      assert.deepEqual(r.loan('30001000000101'), loan);
      assert.deepEqual(r.loansOf('p-an'), [loan]);
      assert.equal(r.seq, 1, 'a local note does not pretend to be a server change');
      r.noteLoan('30001000000101', null);
      assert.equal(r.item('30001000000101')?.status, 'on_shelf');
      assert.equal(r.loan('30001000000101'), null);
      assert.deepEqual(r.loansOf('p-an'), []);
    });

    it('noteLoan of a book the replica does not know records the loan only', () => {
      const r = new Replica(openDb());
      r.noteLoan('39999000000000', { barcode: '39999000000000', patronId: 'p-an', dueDate: '2026-10-12', renewals: 0 });
      assert.equal(r.item('39999000000000'), null);
      assert.equal(r.loansOf('p-an').length, 1);
    });

    it('keeps its data and seq across reopening the file', () => {
      const db = openDb();
      new Replica(db).applySync(snapshot(42, [patronChange(1, patron('p-an', ['04A1B2C3']))]));
      db.close();
      const r = new Replica(openDb());
      assert.equal(r.seq, 42);
      assert.equal(r.patronByIdentifier('04A1B2C3')?.id, 'p-an');
    });
  });
});
