/**
 * MQTT event ingest into SQLite (issue 6): several simulated stations (real MQTT clients with the
 * stations' own broker logins) publish visit requests ("identify": a pupil taps a card, the server
 * records the visit, a transaction row and a `visit` event) at QoS 1, all at once, through the
 * embedded aedes broker into the real server's MqttService. Figures: requests/s from the first
 * publish until the last reply (each reply is sent after its transaction committed), and at the
 * end the rows in the database, which must be exactly N (nothing lost, nothing doubled).
 * Peer, same broker, same run: the raw publish → subscribe rate of the same number of messages of
 * the same size from the same station clients to a plain subscriber that only counts them.
 */
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { uuidv7 } from '#core/ids.ts';
import { ROOT, topics } from '#core/protocol/topics.ts';
import { startSchool, testConfig } from '#test/school.ts';

export interface IngestResult {
  stations: number;
  n: number;
  /** Requests per second, first publish → last reply. */
  ingestPerSecond: number;
  ingestMs: number;
  /** Messages per second, first publish → last message counted by the plain subscriber. */
  rawPerSecond: number;
  rawMs: number;
  replies: number;
  okReplies: number;
  /** Rows the run added, counted in the database at the end. */
  transactions: number;
  visitEvents: number;
  lost: number;
}

function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const end = Date.now() + ms;
    const tick = () => {
      if (cond()) resolve();
      else if (Date.now() > end) reject(new Error(`ingest bench: timed out waiting for ${what}`));
      else setTimeout(tick, 5);
    };
    tick();
  });
}

export async function ingestBench(n = 5000, stationCount = 4): Promise<IngestResult> {
  const config = await testConfig();
  const sc = config.server!;
  for (let i = sc.devices.length + 1; i <= stationCount; i++) sc.devices.push({ username: `kiosk-${i}`, password: `pw-kiosk-${i}`, role: 'kiosk' });
  const devices = sc.devices.filter((d) => d.role === 'kiosk').slice(0, stationCount);
  if (devices.length < stationCount) throw new Error(`only ${devices.length} kiosk logins in the config`);
  const school = await startSchool(config, []);
  const clients: MqttClient[] = [];
  try {
    const { db, library } = school.server;
    const schoolId = config.school.id;
    const cards = (db.prepare(`SELECT value FROM patron_identifiers WHERE kind = 'barcode' ORDER BY value`).all() as { value: string }[])
      .map((r) => r.value)
      .filter((v) => {
        const p = library.patronByIdentifier(v);
        return p?.active && p.kind === 'pupil';
      });
    if (cards.length === 0) throw new Error('no active pupil cards in the demo school');

    const connect = (username: string, password: string) =>
      mqtt.connectAsync(school.server.mqttUrl, { username, password, clientId: `bench-${username}-${randomBytes(3).toString('hex')}`, reconnectPeriod: 0 });
    const stations = await Promise.all(devices.map((d) => connect(d.username, d.password)));
    clients.push(...stations);
    const counter = await connect(sc.mqtt.username, sc.mqtt.password);
    clients.push(counter);

    // Every request made up front (ids, payloads), so timing covers publish → broker → server → SQLite only.
    const perStation = Math.ceil(n / stationCount);
    const work = devices.map((d, s) => {
      const count = Math.min(perStation, n - s * perStation);
      return Array.from({ length: Math.max(0, count) }, (_, i) =>
        JSON.stringify({
          id: uuidv7(Date.now(), randomBytes(10)),
          type: 'identify',
          device: d.username,
          replyTo: topics.reply(schoolId, d.username),
          at: new Date().toISOString(),
          code: cards[(s * perStation + i) % cards.length]!,
        }),
      );
    });
    const total = work.reduce((a, w) => a + w.length, 0);

    // Peer: raw publish → subscribe through the same broker, same clients, same payloads.
    let counted = 0;
    const rawTopic = (device: string) => `${ROOT}/${schoolId}/${device}/bench`;
    counter.on('message', (topic) => {
      if (topic.endsWith('/bench')) counted++;
    });
    await counter.subscribeAsync(`${ROOT}/${schoolId}/+/bench`, { qos: 1 });
    const r0 = performance.now();
    await Promise.all(stations.map((c, s) => Promise.all(work[s]!.map((p) => c.publishAsync(rawTopic(devices[s]!.username), p, { qos: 1 })))));
    await waitFor(() => counted >= total, 120000, `${total} raw messages`);
    const rawMs = performance.now() - r0;

    // Ingest: the same messages as requests into the server.
    const txBefore = (db.prepare(`SELECT COUNT(*) AS n FROM transactions`).get() as { n: number }).n;
    const evBefore = (db.prepare(`SELECT COUNT(*) AS n FROM events WHERE type = 'visit'`).get() as { n: number }).n;
    let replies = 0;
    let okReplies = 0;
    for (const [s, c] of stations.entries()) {
      c.on('message', (topic, payload) => {
        if (topic !== topics.reply(schoolId, devices[s]!.username)) return;
        replies++;
        if ((JSON.parse(payload.toString()) as { status: string }).status === 'ok') okReplies++;
      });
      await c.subscribeAsync(topics.reply(schoolId, devices[s]!.username), { qos: 1 });
    }
    const t0 = performance.now();
    await Promise.all(stations.map((c, s) => Promise.all(work[s]!.map((p) => c.publishAsync(topics.request(schoolId, devices[s]!.username), p, { qos: 1 })))));
    await waitFor(() => replies >= total, 300000, `${total} replies`);
    const ingestMs = performance.now() - t0;

    const transactions = (db.prepare(`SELECT COUNT(*) AS n FROM transactions`).get() as { n: number }).n - txBefore;
    const visitEvents = (db.prepare(`SELECT COUNT(*) AS n FROM events WHERE type = 'visit'`).get() as { n: number }).n - evBefore;
    return {
      stations: stationCount,
      n: total,
      ingestPerSecond: total / (ingestMs / 1000),
      ingestMs,
      rawPerSecond: total / (rawMs / 1000),
      rawMs,
      replies,
      okReplies,
      transactions,
      visitEvents,
      lost: total - Math.min(transactions, visitEvents),
    };
  } finally {
    await Promise.all(clients.map((c) => c.endAsync().catch(() => undefined)));
    await school.stop();
  }
}

// `node --import tsx bench/ingest.ts [n] [stations]` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await ingestBench(Number(process.argv[2] ?? 5000), Number(process.argv[3] ?? 4));
  console.log(r);
}
