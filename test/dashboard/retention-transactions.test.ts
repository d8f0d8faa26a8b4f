/**
 * Retention of the server's idempotency records (`transactions`), against a real server and its
 * embedded broker: past the privacy limit a transaction loses the card code and the pupil's name
 * and loans but keeps its id, so a station replaying it from its journal (same id, months later)
 * gets the recorded outcome and nothing is applied twice; past IDEMPOTENCY_DAYS the row goes.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { DEMO_CALENDAR } from '#core/demo-calendar.ts';
import { uuidv7 } from '#core/ids.ts';
import { topics } from '#core/protocol/topics.ts';
import { applyRetention, IDEMPOTENCY_DAYS } from '#server/stats/retention.ts';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';

const DAY = 86_400_000;

describe('retention of idempotency records', function () {
  this.timeout(60000);
  let school: TestSchool;
  let kiosk: MqttClient;
  const replies: { id: string; status: string; data?: unknown; serverTime?: string }[] = [];

  before(async () => {
    school = await startSchool(await testConfig(), []);
    kiosk = await mqtt.connectAsync(school.server.mqttUrl, { username: 'kiosk-1', password: 'pw-kiosk-1', reconnectPeriod: 0 });
    kiosk.on('message', (_t, p) => replies.push(JSON.parse(p.toString()) as (typeof replies)[number]));
    await kiosk.subscribeAsync(topics.reply(school.config.school.id, 'kiosk-1'), { qos: 1 });
  });
  after(async () => {
    await kiosk?.endAsync();
    await school?.stop();
  });

  async function ask(req: Record<string, unknown>): Promise<(typeof replies)[number]> {
    const before = replies.length;
    await kiosk.publishAsync(topics.request(school.config.school.id, 'kiosk-1'), JSON.stringify(req), { qos: 1 });
    await waitUntil(() => replies.length > before, 20000, `the reply to ${String(req.id)}`);
    return replies[replies.length - 1]!;
  }

  it('strips old transactions to their outcome, answers a late replay from them without applying it twice, and deletes them after IDEMPOTENCY_DAYS', async () => {
    const db = school.server.db;
    const school_ = school.config.school.id;
    const card = '20001000001911';
    const req = { id: uuidv7(Date.now(), randomBytes(10)), type: 'identify', device: 'kiosk-1', replyTo: topics.reply(school_, 'kiosk-1'), at: new Date().toISOString(), code: card };
    const first = await ask(req);
    assert.equal(first.status, 'ok');
    assert.match(JSON.stringify(first.data), /fullName/);
    const row = () => db.prepare(`SELECT request, response FROM transactions WHERE id = ?`).get(req.id) as { request: string; response: string } | undefined;
    assert.match(row()!.request, new RegExp(card));

    // A year and a bit later, with a 365-day limit: the row stays, without the card or the pupil.
    const later = new Date(Date.now() + 400 * DAY);
    const out = applyRetention(db, DEMO_CALENDAR, later, 365);
    assert.ok(out.transactions >= 1);
    assert.equal(out.transactionsDeleted, 0);
    const stripped = row()!;
    assert.doesNotMatch(stripped.request, new RegExp(card));
    assert.doesNotMatch(stripped.response, /fullName|loans/);
    assert.deepEqual(JSON.parse(stripped.response), { id: req.id, status: 'ok', data: null });
    assert.equal(applyRetention(db, DEMO_CALENDAR, later, 365).transactions, 0, 'running it again changes nothing');

    // The station replays the same transaction from its journal: the recorded outcome, no second visit.
    const visitsBefore = (db.prepare(`SELECT COUNT(*) AS n FROM visits`).get() as { n: number }).n;
    const eventsBefore = (db.prepare(`SELECT COUNT(*) AS n FROM events`).get() as { n: number }).n;
    const again = await ask({ ...req, offline: true });
    assert.deepEqual(again, { id: req.id, status: 'ok', data: null }, 'no serverTime: an old answer must not set the station clock back');
    assert.equal((db.prepare(`SELECT COUNT(*) AS n FROM visits`).get() as { n: number }).n, visitsBefore);
    assert.equal((db.prepare(`SELECT COUNT(*) AS n FROM events`).get() as { n: number }).n, eventsBefore);

    // Past IDEMPOTENCY_DAYS the id goes too.
    const out2 = applyRetention(db, DEMO_CALENDAR, new Date(Date.now() + (IDEMPOTENCY_DAYS + 1) * DAY), 365);
    assert.ok(out2.transactionsDeleted >= 1);
    assert.equal(row(), undefined);
  });

  it('keeps the item results of a circulation answer (an offline replay compares them)', () => {
    const db = school.server.db;
    const id = uuidv7(Date.now(), randomBytes(10));
    const response = { id, status: 'ok', data: { items: [{ barcode: '30001000000101', ok: true, title: 'Dế Mèn phiêu lưu ký', dueDate: '2026-12-15' }] }, serverTime: new Date().toISOString() };
    db.prepare(`INSERT INTO transactions (id, device, type, at, received_at, request, response) VALUES (?, 'kiosk-1', 'checkout', ?, ?, ?, ?)`).run(
      id,
      new Date().toISOString(),
      new Date().toISOString(),
      JSON.stringify({ id, type: 'checkout', patronId: 'p-1', items: ['30001000000101'] }),
      JSON.stringify(response),
    );
    applyRetention(db, DEMO_CALENDAR, new Date(Date.now() + 400 * DAY), 365);
    const r = db.prepare(`SELECT request, response FROM transactions WHERE id = ?`).get(id) as { request: string; response: string };
    assert.doesNotMatch(r.request, /p-1/);
    assert.deepEqual(JSON.parse(r.response), { id, status: 'ok', data: response.data });
  });
});
