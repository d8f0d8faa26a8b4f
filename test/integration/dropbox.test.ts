/**
 * The return drop box end to end: the real server (embedded aedes, SQLite) and a station in role
 * "dropbox" whose simulated FEIG reader is fed through the loopback simulator or directly; books are
 * checked in exactly once, security written back, alerts stored on the server, the bin counted,
 * reported as nearly full, and emptied from the dashboard.
 */
import assert from 'node:assert/strict';
import { parseConfig, type Config } from '#core/config.ts';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';
import { freePort } from '#test/ports.ts';
import type { RunningStation } from '#station/station.ts';
import { Client } from '../dashboard/auth-helpers.ts';

const AFI_ON_LOAN = 0xc2;
const AFI_IN_LIBRARY = 0x07;

async function dropboxConfig(dropbox: Record<string, unknown>): Promise<Config> {
  const base = await testConfig();
  const httpPort = await freePort();
  return parseConfig({
    ...base,
    server: { ...base.server!, devices: [...base.server!.devices, { username: 'dropbox-1', password: 'pw-dropbox-1', role: 'dropbox' }] },
    stations: [
      ...base.stations,
      {
        device: 'dropbox-1',
        role: 'dropbox',
        password: 'pw-dropbox-1',
        httpPort,
        mqttUrl: base.stations[0]!.mqttUrl,
        requestTimeoutMs: 1500,
        devices: { card: { driver: 'none' }, scanner: { driver: 'none' }, printer: { driver: 'none' }, rfid: { driver: 'sim', pollMs: 100 } },
        dropbox,
      },
    ],
  });
}

async function drop(port: number, tags: unknown[]): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/api/sim/rfid`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tags }) });
}

describe('drop box', function () {
  this.timeout(90000);
  let school: TestSchool;
  let box: RunningStation;
  let onLoan: string[];
  const db = () => school.server.db;
  const returnedAt = (barcode: string) =>
    db()
      .prepare(`SELECT l.returned_at AS r FROM loans l JOIN copies c ON c.id = l.copy_id WHERE c.barcode = ? ORDER BY l.id DESC LIMIT 1`)
      .get(barcode) as { r: string | null } | undefined;
  /** How many check-in events name this barcode (each check-in the server applied is one event). */
  const checkins = (barcode: string) =>
    (db().prepare(`SELECT COUNT(*) AS n FROM events e, json_each(e.payload, '$.items') i WHERE e.type = 'checkin' AND json_extract(i.value, '$.barcode') = ?`).get(barcode) as { n: number }).n;
  const alerts = () => db().prepare(`SELECT json_extract(payload, '$.code') AS code, json_extract(payload, '$.barcode') AS barcode, device FROM events WHERE type = 'alert' ORDER BY seq`).all() as { code: string; barcode: string | null; device: string }[];
  const done = () => box.dropbox!.dropbox.store.latest(1000).filter((d) => d.state === 'done').length;

  before(async () => {
    const config = await dropboxConfig({ binCapacity: 10, nearlyFullAt: 6, simDwellMs: 1500, signal: { driver: 'sim' }, fullSensor: { driver: 'sim' } });
    school = await startSchool(config, ['dropbox-1']);
    box = school.stations[0]!;
    onLoan = (db().prepare(`SELECT c.barcode FROM loans l JOIN copies c ON c.id = l.copy_id WHERE l.returned_at IS NULL ORDER BY c.barcode LIMIT 6`).all() as { barcode: string }[]).map((r) => r.barcode);
    assert.equal(onLoan.length, 6, 'the demo history leaves books on loan');
  });
  after(async () => {
    await school?.stop();
  });

  it('checks in 5 books dropped within one second, each once, and writes their security back', async () => {
    const five = onLoan.slice(0, 5);
    // One book every 200 ms: all five pass the slot within one second, several in the field at once.
    const answers = await Promise.all(five.map((b, i) => new Promise((res) => setTimeout(res, i * 200)).then(() => drop(box.httpPort, [b]))));
    const uids: string[] = [];
    for (const r of answers) {
      assert.equal(r.status, 200);
      uids.push(...((await r.json()) as { uids: string[] }).uids);
    }
    await waitUntil(() => five.every((b) => returnedAt(b)?.r), 20000, 'five check-ins on the server');
    for (const b of five) assert.equal(checkins(b), 1, `${b} checked in once`);
    await waitUntil(() => done() === 5, 10000, 'five drops done');
    const rows = box.dropbox!.dropbox.store.latest(10);
    assert.deepEqual(rows.map((r) => r.outcome).sort(), Array(5).fill('RETURNED'));
    assert.ok(rows.every((r) => r.security === 'ok'));
    // The tags say "in the library" again (read from the simulated tags' memory, written over ISO-Host).
    // Each book is laid on the reader again to read what its tag holds now.
    box.rfidSim!.placeTags(five.map((itemId) => ({ itemId })));
    for (const uid of uids) assert.equal(box.rfidSim!.tag(uid)?.afi, AFI_IN_LIBRARY, `AFI of ${uid}`);
    box.rfidSim!.removeAll();
    const signals = box.dropbox!.signal as unknown as { recorded: { kind: string }[] };
    assert.ok(signals.recorded.length >= 1 && signals.recorded.every((s) => s.kind === 'ok'), 'only "ok" signals');
    assert.deepEqual(alerts(), [], 'no alert');
  });

  it('a tag read 20 times makes one check-in', async () => {
    const book = onLoan[5]!;
    const sim = box.rfidSim!;
    const pad = () => box.dropbox!.dropbox;
    let uid = '';
    for (let i = 0; i < 20; i++) {
      // The same physical tag enters the field and leaves it again, 20 times; the pad reads it each time.
      uid = sim.placeTags([{ itemId: book, afi: i === 0 ? AFI_ON_LOAN : undefined }])[0]!;
      await waitUntil(() => deviceTags(box).includes(uid!), 10000, `read ${i + 1}`);
      sim.removeTag(uid!);
      await waitUntil(() => !deviceTags(box).includes(uid!), 10000, `gone ${i + 1}`);
    }
    await pad().idle();
    await waitUntil(() => Boolean(returnedAt(book)?.r), 10000, 'the check-in');
    assert.equal(checkins(book), 1);
    const rows = pad().store.latest(100).filter((r) => r.barcode === book);
    assert.equal(rows.length, 1, 'one drop recorded');
    sim.placeTags([{ itemId: book }]);
    assert.equal(sim.tag(uid)?.afi, AFI_IN_LIBRARY);
    sim.removeAll();
    const tx = db().prepare(`SELECT COUNT(*) AS n FROM transactions WHERE type = 'checkin' AND request LIKE ?`).get(`%${book}%`) as { n: number };
    assert.equal(tx.n, 1, 'one check-in transaction');
  });

  it('a book of another library and a book not on loan become alerts, not errors', async () => {
    const shelf = (db().prepare(`SELECT c.barcode FROM copies c WHERE NOT EXISTS (SELECT 1 FROM loans l WHERE l.copy_id = c.id AND l.returned_at IS NULL) ORDER BY c.barcode LIMIT 1`).get() as { barcode: string }).barcode;
    const r = await drop(box.httpPort, [{ itemId: '30009990000011', owner: 'VN-KHAC01' }, shelf]);
    assert.equal(r.status, 200);
    const about = () => alerts().filter((a) => a.code === 'FOREIGN_ITEM' || a.code === 'NOT_ON_LOAN');
    await waitUntil(() => about().length >= 2, 15000, 'two alerts on the server');
    const got = about().map((a) => `${a.code}:${a.barcode}:${a.device}`).sort();
    assert.deepEqual(got, [`FOREIGN_ITEM:30009990000011:dropbox-1`, `NOT_ON_LOAN:${shelf}:dropbox-1`].sort());
    // The foreign book was not sent to the server at all.
    assert.equal((db().prepare(`SELECT COUNT(*) AS n FROM transactions WHERE request LIKE '%30009990000011%'`).get() as { n: number }).n, 0);
    const signals = (box.dropbox!.signal as unknown as { recorded: { kind: string }[] }).recorded;
    assert.equal(signals.at(-1)?.kind, 'problem');
    // Bad simulator input is refused with a reason and changes nothing.
    const bad = await drop(box.httpPort, [{ itemId: 'x', owner: 'not an isil' }]);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'BAD_TAGS');
  });

  it('counts the bin, says "nearly full" on the dashboard, and is emptied by the librarian', async () => {
    const bin = () => box.dropbox!.dropbox.binState();
    await waitUntil(() => bin().count === 8, 10000, 'eight books in the bin');
    assert.equal(bin().nearlyFull, true);
    await waitUntil(() => alerts().some((a) => a.code === 'BIN_NEARLY_FULL'), 10000, 'the nearly-full alert');
    assert.equal(alerts().filter((a) => a.code === 'BIN_NEARLY_FULL').length, 1, 'raised once per filling');

    const url = `http://127.0.0.1:${school.server.httpPort}`;
    const viewer = new Client(url);
    assert.equal((await viewer.login('hieutruong', 'hieutruong')).status, 200);
    await waitUntil(async () => {
      const rows = (await (await viewer.get('/api/dropbox/bins')).json()) as { device: string; count: number; nearlyFull: boolean }[];
      return rows.length === 1 && rows[0]!.device === 'dropbox-1' && rows[0]!.count === 8 && rows[0]!.nearlyFull;
    }, 10000, 'the dashboard to show the bin');
    assert.equal((await viewer.send('POST', '/api/dropbox/dropbox-1/emptied', {})).status, 403, 'a viewer may not empty it');
    assert.equal(bin().count, 8);

    const librarian = new Client(url);
    assert.equal((await librarian.login('thuthu', 'thuvien')).status, 200);
    assert.equal((await librarian.send('POST', '/api/dropbox/nope/emptied', {})).status, 404);
    const res = await librarian.send('POST', '/api/dropbox/dropbox-1/emptied', {});
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { delivered: boolean }).delivered, true);
    await waitUntil(() => bin().count === 0, 10000, 'the drop box to learn it was emptied');
    assert.equal(bin().nearlyFull, false);
    await waitUntil(async () => {
      const rows = (await (await librarian.get('/api/dropbox/bins')).json()) as { count: number; lastEmptied: { by: string } | null }[];
      return rows[0]!.count === 0 && rows[0]!.lastEmptied?.by === 'thuthu';
    }, 10000, 'the dashboard to show the empty bin');

    // The full sensor: an alert at once, whatever the count.
    const full = await fetch(`http://127.0.0.1:${box.httpPort}/api/sim/bin-full`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ full: true }) });
    assert.equal(full.status, 200);
    await waitUntil(() => alerts().some((a) => a.code === 'BIN_FULL'), 10000, 'the bin-full alert');
    assert.equal(bin().sensorFull, true);
    assert.equal(bin().nearlyFull, true);

    // The drop box page answers, Vietnamese first.
    const page = await (await fetch(`http://127.0.0.1:${box.httpPort}/`)).text();
    assert.match(page, /<html lang="vi">/);
    assert.match(page, /Hộp trả sách/);
    const api = (await (await fetch(`http://127.0.0.1:${box.httpPort}/api/dropbox`)).json()) as { bin: { count: number }; drops: unknown[] };
    assert.equal(api.bin.count, 0);
    assert.ok(api.drops.length >= 8);
  });
});

/** UIDs the drop box's pad sees right now. */
function deviceTags(st: RunningStation): string[] {
  return st.dropbox!.pad!.snapshot().items.map((i) => i.uid);
}
