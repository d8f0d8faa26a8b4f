/**
 * The desk behind a real private Debian mosquitto loaded with the ACL generated from core/access.ts:
 * the desk publishes its view and takes the server's commands, while another station can neither
 * read the desk's view (who is at the desk) nor send the desk a command.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { connectMqtt } from '#core/node/mqtt.ts';
import { topics } from '#core/protocol/topics.ts';
import { brokerAccounts } from '#server/broker/accounts.ts';
import { MOSQUITTO, startMosquitto, type PrivateMosquitto } from '#test/mosquitto.ts';
import { requireTool } from '#test/require-tool.ts';
import { startSchool, testConfig, waitUntil, withDesk, type TestSchool } from '#test/school.ts';
import { Client } from '../dashboard/auth-helpers.ts';

function login(url: string, username: string, password: string): Promise<MqttClient> {
  const client = connectMqtt(url, { username, password, clientId: `${username}-probe-${Math.random().toString(36).slice(2)}`, reconnectPeriod: 0, connectTimeout: 10000 });
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
  });
}

describe('desk behind mosquitto (generated ACL)', function () {
  this.timeout(90000);
  let broker: PrivateMosquitto;
  let school: TestSchool;
  let kiosk: MqttClient;

  before(async function () {
    const bin = requireTool(this, 'mosquitto', MOSQUITTO);
    const draft = await withDesk(await testConfig());
    broker = await startMosquitto(bin, draft.school.id, brokerAccounts(draft));
    rmSync(draft.dataDir, { recursive: true, force: true });
    school = await startSchool(await withDesk(await testConfig({ brokerUrl: broker.url })), ['desk-1']);
    kiosk = await login(broker.url, 'kiosk-1', 'pw-kiosk-1');
  });
  after(async () => {
    await kiosk?.endAsync(true);
    await school?.stop();
    await broker?.stop();
  });

  it('another station reads nothing of the desk and cannot command it; the server can', async () => {
    const school_ = school.config.school.id;
    const desk = school.stations[0]!;
    const leaked: string[] = [];
    kiosk.on('message', (topic) => leaked.push(topic));
    await kiosk.subscribeAsync([topics.deskState(school_, 'desk-1'), topics.deskReply(school_, 'desk-1')], { qos: 1 }).catch(() => undefined);

    const pupil = school.server.db
      .prepare(`SELECT p.id, i.value AS card FROM patrons p JOIN patron_identifiers i ON i.patron_id = p.id AND i.kind = 'barcode' WHERE p.kind = 'pupil' AND p.active = 1 ORDER BY p.id LIMIT 1`)
      .get() as { id: string; card: string };
    await desk.desk!.card(pupil.card);
    await waitUntil(() => school.server.desk.view('desk-1')?.patron?.id === pupil.id, 15000, 'the server sees the pupil at the desk');

    // A forged "finish" from the kiosk's login: mosquitto drops it (the ACL gives kiosk-1 its own subtree only).
    await kiosk.publishAsync(topics.deskCommand(school_, 'desk-1'), JSON.stringify({ id: 'forged-1', type: 'finish' }), { qos: 1 });
    // The server's command goes through and is answered; the forged one never reached the desk.
    const librarian = new Client(`http://127.0.0.1:${school.server.httpPort}`);
    assert.equal((await librarian.login('thuthu', 'thuvien')).status, 200);
    const r = await librarian.send('POST', '/api/desk/desk-1/command', { type: 'mode', mode: 'return' });
    assert.equal(r.status, 200);
    assert.equal(desk.desk!.view.mode, 'return');
    assert.equal(desk.desk!.view.patron?.id, pupil.id, 'the forged finish did not clear the desk');

    // A round trip through the broker for the kiosk's own client, after the desk's publications.
    await kiosk.publishAsync(topics.status(school_, 'kiosk-1') + '/probe', '{}', { qos: 1 }).catch(() => undefined);
    assert.deepEqual(leaked, [], 'the kiosk received nothing from the desk');
    await librarian.send('POST', '/api/desk/desk-1/command', { type: 'finish' });
  });
});
