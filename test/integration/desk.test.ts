/**
 * Desk circulation end to end without a browser: real aedes, real SQLite, the server and a station
 * in role "desk". The desk is driven by its simulated card reader and scanner (HID bytes through
 * /api/sim/card and /api/sim/scanner, decoded by the real drivers) and by the dashboard's HTTP API
 * (a logged-in librarian with the CSRF token): checkout, return, renew, class set, lost and damaged.
 * A station that is not the desk cannot make the server take a desk view as the desk's.
 */
import assert from 'node:assert/strict';
import { connectMqtt } from '#core/node/mqtt.ts';
import { localDate } from '#core/calendar.ts';
import { DEMO_CALENDAR } from '#core/demo-calendar.ts';
import { topics } from '#core/protocol/topics.ts';
import type { DeskView } from '#core/protocol/messages.ts';
import { startSchool, testConfig, waitUntil, withDesk, type TestSchool } from '#test/school.ts';
import type { RunningStation } from '#station/station.ts';
import { Client, errorCode } from '../dashboard/auth-helpers.ts';

describe('desk circulation (station role desk, dashboard commands)', function () {
  this.timeout(90000);
  let school: TestSchool;
  let desk: RunningStation;
  let librarian: Client;
  let viewer: Client;

  before(async () => {
    school = await startSchool(await withDesk(await testConfig()), ['desk-1', 'kiosk-1']);
    desk = school.stations[0]!;
    librarian = new Client(`http://127.0.0.1:${school.server.httpPort}`);
    assert.equal((await librarian.login('thuthu', 'thuvien')).status, 200);
    viewer = new Client(`http://127.0.0.1:${school.server.httpPort}`);
    assert.equal((await viewer.login('hieutruong', 'hieutruong')).status, 200);
  });
  after(async () => {
    await school?.stop();
  });

  const db = () => school.server.db;
  const typeInto = async (device: 'card' | 'scanner', code: string) => {
    const r = await fetch(`http://127.0.0.1:${desk.httpPort}/api/sim/${device}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    assert.equal(r.status, 200, await r.text());
  };
  /**
   * Scans a book and waits for the desk's answer to it, as a librarian waits for the beep. The
   * simulated scanner types from inside this (busy) test process: when the event loop stalls for
   * more than the decoder's 500 ms between two key reports, the decoder drops the half-read start,
   * and the desk answers "unknown" for the tail. Then the librarian scans again, once.
   */
  const scanBook = async (code: string) => {
    for (let attempt = 0; ; attempt++) {
      const seen = desk.desk!.view.results.length;
      await typeInto('scanner', code);
      await waitUntil(() => desk.desk!.view.results.length > seen && !desk.desk!.view.busy, 15000, `the desk's answer to ${code}`);
      const got = desk.desk!.view.results[0]!.barcode;
      if (got === code) return;
      assert.ok(attempt === 0 && code.endsWith(got), `the desk read ${got} for ${code}`);
    }
  };
  /** The desk's view as the server relays it. */
  const served = () => school.server.desk.view('desk-1');
  const serverSees = (what: string, cond: (v: DeskView) => boolean) => waitUntil(() => !!served() && cond(served()!), 15000, what);
  const command = async (body: unknown, as = librarian) => as.send('POST', '/api/desk/desk-1/command', body);
  const openLoan = (barcode: string) =>
    db().prepare(`SELECT l.patron_id AS patronId, l.class_id AS classId, l.station, l.due_date AS dueDate, l.renewals FROM loans l JOIN copies c ON c.id = l.copy_id WHERE c.barcode = ? AND l.returned_at IS NULL`).get(barcode) as
      | { patronId: string; classId: string | null; station: string; dueDate: string; renewals: number }
      | undefined;

  /** An active pupil without loans or blocks, with a barcode card. */
  function freePupil(skip: string[] = []): { id: string; card: string } {
    const rows = db()
      .prepare(
        `SELECT p.id, i.value AS card FROM patrons p JOIN patron_identifiers i ON i.patron_id = p.id AND i.kind = 'barcode'
         WHERE p.kind = 'pupil' AND p.active = 1 AND p.blocked_reason IS NULL
           AND NOT EXISTS (SELECT 1 FROM loans l WHERE l.patron_id = p.id AND l.returned_at IS NULL) ORDER BY p.id LIMIT 20`,
      )
      .all() as { id: string; card: string }[];
    return rows.find((r) => !skip.includes(r.id))!;
  }
  /** Books on the shelf any pupil may borrow. */
  function shelfBooks(n: number, skip: string[] = []): string[] {
    return (
      db()
        .prepare(`SELECT c.barcode FROM copies c WHERE c.status = 'on_shelf' AND c.reference_only = 0 AND c.collection IN ('children', 'general') AND NOT EXISTS (SELECT 1 FROM loans l WHERE l.copy_id = c.id AND l.returned_at IS NULL) ORDER BY c.barcode LIMIT ?`)
        .all(n + skip.length) as { barcode: string }[]
    )
      .map((r) => r.barcode)
      .filter((b) => !skip.includes(b))
      .slice(0, n);
  }

  it('the librarian sees the desk; a viewer does not', async () => {
    await serverSees('the desk view', (v) => v.open && v.online);
    const r = await librarian.get('/api/desk');
    assert.equal(r.status, 200);
    const body = (await r.json()) as { desks: { device: string; view: DeskView | null }[] };
    assert.deepEqual(body.desks.map((d) => d.device), ['desk-1']);
    assert.equal(body.desks[0]!.view?.mode, 'checkout');
    assert.equal((await viewer.get('/api/desk')).status, 403);
    assert.equal((await command({ type: 'finish' }, viewer)).status, 403);
  });

  it('checks out by scanner: card, then books, recorded against the desk station', async () => {
    const pupil = freePupil();
    const books = shelfBooks(2);
    await typeInto('card', pupil.card);
    await serverSees('the pupil at the desk', (v) => v.patron?.id === pupil.id);
    for (const b of books) await scanBook(b);
    await serverSees('both scans answered at the desk', (v) => v.results.filter((x) => x.action === 'checkout').length === 2);
    // On a loaded machine the server may answer after the station's deadline: the desk then lends
    // offline and the journal replays it, so the loans may reach the server a moment later.
    await waitUntil(() => books.every((b) => openLoan(b) !== undefined), 20000, 'both loans recorded by the server');
    for (const b of books) {
      const l = openLoan(b);
      assert.equal(l?.patronId, pupil.id);
      assert.equal(l?.station, 'desk-1');
    }
    assert.deepEqual(served()!.loans.map((l) => l.barcode).sort(), [...books].sort());
  });

  it('renews and returns from the dashboard buttons, and by scanner in return mode', async () => {
    const v0 = served()!;
    const [first, second] = v0.loans.map((l) => l.barcode);
    const r1 = await command({ type: 'renew', barcode: first });
    const renewBody = await r1.json();
    // A loan made today cannot always be renewed yet: either it is, or the desk says why.
    if (r1.status === 200) {
      const after = (renewBody as { view: DeskView }).view.results[0]!;
      assert.equal(after.action, 'renew');
      if (after.ok) assert.equal(openLoan(first!)?.renewals, 1);
      else assert.ok(after.reason?.message_vi);
    } else assert.fail(`renew answered ${r1.status} ${JSON.stringify(renewBody)}`);

    const r2 = await command({ type: 'return', barcode: first });
    assert.equal(r2.status, 200);
    assert.equal(openLoan(first!), undefined);
    assert.deepEqual((await r2.json() as { view: DeskView }).view.loans.map((l) => l.barcode), [second]);

    assert.equal((await command({ type: 'mode', mode: 'return' })).status, 200);
    await typeInto('scanner', second!);
    await waitUntil(() => openLoan(second!) === undefined, 15000, 'the scanned book returned');
    await serverSees('the return on the desk', (v) => v.mode === 'return' && v.results[0]?.barcode === second && v.results[0]?.action === 'checkin' && v.results[0].ok);
    assert.equal((await command({ type: 'finish' })).status, 200);
    await serverSees('the desk cleared', (v) => v.patron === null && v.mode === 'checkout');
  });

  it('renews by scanner in renew mode: the due date moves', async () => {
    // A loan due soon (made earlier), so renewing it is allowed.
    const pupil = freePupil();
    const [book] = shelfBooks(1);
    await typeInto('card', pupil.card);
    await serverSees('the pupil', (v) => v.patron?.id === pupil.id);
    await typeInto('scanner', book!);
    await waitUntil(() => openLoan(book!) !== undefined, 15000, 'the loan');
    const before = openLoan(book!)!;
    // Due today (lent a while ago): a renewal now moves the due date (a fresh loan is "too early").
    db().prepare(`UPDATE loans SET loaned_at = datetime('now', '-10 days'), due_date = ? WHERE copy_id = (SELECT id FROM copies WHERE barcode = ?) AND returned_at IS NULL`).run(localDate(new Date(), DEMO_CALENDAR), book);
    const dueBefore = openLoan(book!)!.dueDate;
    assert.equal((await command({ type: 'mode', mode: 'renew' })).status, 200);
    await typeInto('scanner', book!);
    await serverSees('the renewal answered', (v) => v.results[0]?.action === 'renew' && v.results[0].barcode === book);
    const line = served()!.results[0]!;
    assert.equal(line.ok, true, JSON.stringify(line.reason));
    assert.equal(openLoan(book!)!.renewals, before.renewals + 1);
    assert.ok(openLoan(book!)!.dueDate > dueBefore, 'the due date moved');
    assert.equal(line.dueDate, openLoan(book!)!.dueDate);
    await command({ type: 'return', barcode: book });
    await command({ type: 'finish' });
  });

  it('lends a class set to a homeroom teacher, recorded for the class', async () => {
    const teacher = db()
      .prepare(
        `SELECT p.id, i.value AS card, c.id AS classId FROM classes c JOIN patrons p ON p.id = c.homeroom_teacher_id JOIN patron_identifiers i ON i.patron_id = p.id AND i.kind = 'barcode'
         WHERE p.active = 1 AND p.blocked_reason IS NULL ORDER BY c.id LIMIT 1`,
      )
      .get() as { id: string; card: string; classId: string };
    assert.ok(teacher, 'the demo school has a homeroom teacher with a card');
    await typeInto('card', teacher.card);
    await serverSees('the teacher', (v) => v.patron?.id === teacher.id);
    const r = await command({ type: 'forClass', on: true });
    assert.equal(r.status, 200, JSON.stringify(await r.clone().json()));
    assert.ok((await r.json() as { view: DeskView }).view.forClass);
    const books = shelfBooks(3);
    for (const b of books) await scanBook(b);
    await waitUntil(() => books.every((b) => openLoan(b) !== undefined), 15000, 'the class set lent');
    for (const b of books) assert.equal(openLoan(b)!.classId, teacher.classId);
    await command({ type: 'finish' });
  });

  it('refuses a class set for a pupil, and bad or unknown commands, with a clear error', async () => {
    const pupil = freePupil();
    await typeInto('card', pupil.card);
    await serverSees('the pupil', (v) => v.patron?.id === pupil.id);
    const r = await command({ type: 'forClass', on: true });
    assert.equal(r.status, 409);
    assert.equal(await errorCode(r), 'NO_HOMEROOM_CLASS');
    assert.equal(await errorCode(await command({ type: 'explode' })), 'BAD_COMMAND');
    assert.equal(await errorCode(await command({ type: 'renew', barcode: '' })), 'BAD_COMMAND');
    assert.equal(await errorCode(await librarian.send('POST', '/api/desk/kiosk-1/command', { type: 'finish' })), 'NO_SUCH_DESK');
    const noCsrf = await fetch(`${librarian.base}/api/desk/desk-1/command`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: librarian.cookie }, body: '{"type":"finish"}' });
    assert.equal(noCsrf.status, 403);
    await command({ type: 'finish' });
  });

  it('marks a copy on loan lost (its loan is closed) and a copy on the shelf damaged', async () => {
    const pupil = freePupil();
    const [book, other] = shelfBooks(2);
    await typeInto('card', pupil.card);
    await serverSees('the pupil', (v) => v.patron?.id === pupil.id);
    await typeInto('scanner', book!);
    await waitUntil(() => openLoan(book!) !== undefined, 15000, 'the loan');
    const r = await librarian.send('POST', `/api/desk/copies/${book}/status`, { status: 'lost', note: 'mất khi đi dã ngoại' });
    assert.equal(r.status, 200);
    const body = (await r.json()) as { status: string; closedLoan: { patronId: string } | null };
    assert.equal(body.closedLoan?.patronId, pupil.id);
    assert.equal(openLoan(book!), undefined);
    const copy = db().prepare(`SELECT status, status_note AS note FROM copies WHERE barcode = ?`).get(book) as { status: string; note: string };
    assert.deepEqual(copy, { status: 'lost', note: 'mất khi đi dã ngoại' });
    const closed = db().prepare(`SELECT return_tx FROM loans l JOIN copies c ON c.id = l.copy_id WHERE c.barcode = ? ORDER BY l.id DESC LIMIT 1`).get(book) as { return_tx: string };
    assert.equal(closed.return_tx, 'desk-lost:thuthu');
    // Stations learn it: the desk's replica has the copy as lost and no loan on it.
    await waitUntil(() => desk.replica.item(book!)?.status === 'lost' && desk.replica.loan(book!) === null, 15000, 'the replica updated');

    const d = await librarian.send('POST', `/api/desk/copies/${other}/status`, { status: 'damaged' });
    assert.equal(d.status, 200);
    assert.equal(((await d.json()) as { closedLoan: unknown }).closedLoan, null);
    assert.equal((db().prepare(`SELECT status FROM copies WHERE barcode = ?`).get(other) as { status: string }).status, 'damaged');

    assert.equal(await errorCode(await librarian.send('POST', `/api/desk/copies/${other}/status`, { status: 'withdrawn' })), 'BAD_REQUEST');
    assert.equal(await errorCode(await librarian.send('POST', `/api/desk/copies/NO-SUCH-COPY/status`, { status: 'lost' })), 'NO_COPY');
    assert.equal((await viewer.send('POST', `/api/desk/copies/${other}/status`, { status: 'lost' })).status, 403);
    await command({ type: 'finish' });
  });

  it('a station that is not the desk cannot publish a desk view as the desk', async () => {
    await serverSees('the desk idle', (v) => v.patron === null);
    const before = served()!;
    const rejectedBefore = school.server.desk.rejectedCount.spoofed;
    const kiosk = connectMqtt(school.server.mqttUrl, { username: 'kiosk-1', password: 'pw-kiosk-1', clientId: 'spoof-test', reconnectPeriod: 0 });
    await new Promise<void>((resolve, reject) => {
      kiosk.once('connect', () => resolve());
      kiosk.once('error', reject);
    });
    const fake: DeskView = { ...before, patron: { id: 'x', kind: 'pupil', fullName: 'Giả Mạo', className: null, homeroomClass: null }, seq: before.seq + 1000, at: new Date().toISOString() };
    // Under the desk's id: the broker's access table refuses it (aedes closes the publisher).
    kiosk.publish(topics.deskState('demo', 'desk-1'), JSON.stringify(fake), { qos: 0, retain: true });
    // Under its own id, claiming to be the desk: the server refuses it (not a desk station).
    const kiosk2 = connectMqtt(school.server.mqttUrl, { username: 'kiosk-1', password: 'pw-kiosk-1', clientId: 'spoof-test-2', reconnectPeriod: 0 });
    await new Promise<void>((resolve) => kiosk2.once('connect', () => resolve()));
    await kiosk2.publishAsync(topics.deskState('demo', 'kiosk-1'), JSON.stringify(fake), { qos: 1 });
    await waitUntil(() => school.server.desk.rejectedCount.spoofed > rejectedBefore, 10000, 'the kiosk\'s desk view rejected');
    // The desk's own next view still comes through, and the fake never showed.
    assert.equal((await command({ type: 'mode', mode: 'renew' })).status, 200);
    await serverSees('the desk\'s own view', (v) => v.mode === 'renew');
    assert.equal(served()!.patron, null);
    assert.equal(school.server.desk.list().length, 1);
    await command({ type: 'finish' });
    kiosk.end(true);
    await kiosk2.endAsync(true);
  });

  it('a desk that stops leaves a closed view, and a command to it times out with a clear error', async () => {
    await desk.stop();
    school.stations.splice(school.stations.indexOf(desk), 1); // stopped here, not again by school.stop()
    await serverSees('the closed desk', (v) => !v.open && v.patron === null);
    const r = await command({ type: 'finish' });
    assert.equal(r.status, 504);
    assert.equal(await errorCode(r), 'DESK_NO_ANSWER');
  });
});
