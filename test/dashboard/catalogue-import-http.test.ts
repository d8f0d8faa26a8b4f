// The catalogue import/export HTTP API inside the real dashboard server: login and roles, CSRF,
// raw and multipart uploads, progress over socket.io, cancel, the stored run, and the export.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { io as connect, type Socket } from 'socket.io-client';
import { readIso2709 } from '#core/marc/iso2709.ts';
import { readMarcXml } from '#core/marc/marcxml.ts';
import { IMPORT_EVENT, multipartFile, type ImportEvent } from '#server/catalogue/routes.ts';
import type { ImportReport } from '#server/catalogue/import.ts';
import { Client, errorCode, startDashboard, type TestDashboard } from './auth-helpers.ts';

const fixture = (p: string): Buffer => readFileSync(new URL(`../fixtures/marc/${p}`, import.meta.url));

async function waitUntil(check: () => boolean, ms = 60000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('dashboard/catalogue import and export over HTTP', function () {
  this.timeout(120000);
  let d: TestDashboard;
  let librarian: Client;
  let viewer: Client;
  let socket: Socket;
  const events: ImportEvent[] = [];

  const upload = (c: Client, path: string, body: Buffer, type = 'application/marc', csrf = true): Promise<Response> =>
    fetch(d.url + path, {
      method: 'POST',
      headers: { 'content-type': type, cookie: c.cookie, ...(csrf ? { 'x-csrf-token': c.csrf } : {}) },
      body: new Uint8Array(body),
    });

  before(async () => {
    d = await startDashboard();
    librarian = new Client(d.url);
    viewer = new Client(d.url);
    assert.equal((await librarian.login('thuthu', 'thuvien')).status, 200);
    assert.equal((await viewer.login('hieutruong', 'hieutruong')).status, 200);
    socket = connect(d.url, { transports: ['websocket'], extraHeaders: { cookie: librarian.cookie }, reconnection: false });
    socket.on(IMPORT_EVENT, (e: ImportEvent) => events.push(e));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
  });
  after(async () => {
    socket?.close();
    await d?.stop();
  });

  const records = (): number => (d.db.prepare('SELECT COUNT(*) AS n FROM records').get() as { n: number }).n;

  it('refuses a viewer, a request without the CSRF token, and an empty body; nothing is imported', async () => {
    const asViewer = await upload(viewer, '/api/catalogue/import?wait=1', fixture('vn-school/vn-school-utf8.mrc'));
    assert.equal(asViewer.status, 403);
    const noCsrf = await upload(librarian, '/api/catalogue/import?wait=1', fixture('vn-school/vn-school-utf8.mrc'), 'application/marc', false);
    assert.equal(noCsrf.status, 403);
    const empty = await upload(librarian, '/api/catalogue/import?wait=1', Buffer.alloc(0));
    assert.equal(empty.status, 400);
    assert.equal(await errorCode(empty), 'EMPTY_FILE');
    const anonymous = await fetch(`${d.url}/api/catalogue/import?wait=1`, { method: 'POST', body: new Uint8Array(fixture('vn-school/vn-school-utf8.mrc')) });
    assert.equal(anonymous.status, 401);
    assert.equal(records(), 0);
    assert.equal((d.db.prepare('SELECT COUNT(*) AS n FROM import_runs').get() as { n: number }).n, 0);
  });

  it('imports a raw upload and answers with the report (wait=1); the run is stored with the user', async () => {
    const res = await upload(librarian, '/api/catalogue/import?wait=1&name=vn-school-utf8.mrc', fixture('vn-school/vn-school-utf8.mrc'));
    assert.equal(res.status, 200);
    const report = (await res.json()) as ImportReport;
    assert.deepEqual([report.status, report.read, report.imported, report.rejected, report.file], ['done', 15, 15, 0, 'vn-school-utf8.mrc']);
    assert.equal(records(), 15);
    const run = (await (await librarian.get(`/api/catalogue/import/${report.runId}`)).json()) as Record<string, unknown>;
    assert.deepEqual([run.status, run.imported, run.byUser, run.fileName], ['done', 15, 'thuthu', 'vn-school-utf8.mrc']);
  });

  it('imports a multipart upload in the background: 202, progress over socket.io, then the report', async () => {
    events.length = 0;
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(fixture('pymarc/bad_records.mrc'))]), 'bad_records.mrc');
    const res = await fetch(`${d.url}/api/catalogue/import`, { method: 'POST', headers: { cookie: librarian.cookie, 'x-csrf-token': librarian.csrf }, body: form });
    assert.equal(res.status, 202);
    const { runId } = (await res.json()) as { runId: number };
    await waitUntil(() => events.some((e) => e.runId === runId && e.status !== 'running'));
    const mine = events.filter((e) => e.runId === runId);
    assert.equal(mine[0]!.status, 'running');
    const last = mine[mine.length - 1] as ImportReport & { total: number; done: number };
    assert.deepEqual([last.status, last.file, last.read, last.imported + last.updated, last.rejected, last.done], ['done', 'bad_records.mrc', 8, 2, 6, 8]);
    assert.deepEqual(
      last.problems.map((p) => p.record),
      [2, 3, 4, 5, 6, 7],
    );
    // A viewer may read the stored run.
    const run = (await (await viewer.get(`/api/catalogue/import/${runId}`)).json()) as { rejected: number; problems: unknown[] };
    assert.equal(run.rejected, 6);
    assert.equal(run.problems.length, 6);
    const list = (await (await viewer.get('/api/catalogue/imports')).json()) as { id: number }[];
    assert.equal(list[0]!.id, runId);
  });

  it('cancel stops a running import between batches; what was written is whole', async () => {
    // 3,000 records (the 500 French records six times) make 15 batches.
    const big = Buffer.concat(Array.from({ length: 6 }, () => fixture('evergreen/lul_fre_500.mrc')));
    const before = records();
    events.length = 0;
    const res = await upload(librarian, '/api/catalogue/import?name=big.mrc', big);
    assert.equal(res.status, 202);
    const { runId } = (await res.json()) as { runId: number };
    const cancel = await librarian.send('POST', `/api/catalogue/import/${runId}/cancel`, {});
    assert.equal(cancel.status, 200);
    await waitUntil(() => events.some((e) => e.runId === runId && e.status !== 'running'));
    const last = events.filter((e) => e.runId === runId).pop() as ImportReport;
    assert.equal(last.status, 'cancelled');
    assert.ok(last.notProcessed > 0);
    assert.equal(last.imported + last.updated + last.rejected + last.notProcessed, 3000);
    assert.equal(records() - before, last.imported);
    const again = await librarian.send('POST', `/api/catalogue/import/${runId}/cancel`, {});
    assert.equal(again.status, 404);
    assert.equal(await errorCode(again), 'NOT_RUNNING');
  });

  it('exports the catalogue as ISO 2709 and as MARCXML', async () => {
    const iso = await viewer.get('/api/catalogue/export?format=iso2709');
    assert.equal(iso.status, 200);
    assert.match(iso.headers.get('content-disposition') ?? '', /attachment; filename="catalogue-\d{4}-\d{2}-\d{2}\.mrc"/);
    const isoRead = readIso2709(Buffer.from(await iso.arrayBuffer()));
    assert.deepEqual(isoRead.errors, []);
    assert.equal(isoRead.records.length, records());
    const xml = await viewer.get('/api/catalogue/export?format=marcxml');
    assert.match(xml.headers.get('content-type') ?? '', /marcxml\+xml/);
    const xmlRead = readMarcXml(Buffer.from(await xml.arrayBuffer()));
    assert.deepEqual(xmlRead.errors, []);
    assert.deepEqual(
      xmlRead.records.map((r) => r.fields),
      isoRead.records.map((r) => r.fields),
    );
    const marc8 = await viewer.get('/api/catalogue/export?format=iso2709&encoding=marc8');
    const marc8Read = readIso2709(Buffer.from(await marc8.arrayBuffer()));
    assert.deepEqual(marc8Read.errors, []);
    assert.ok(marc8Read.records.every((r) => r.leader[9] === ' '));
    assert.deepEqual(
      marc8Read.records.map((r) => r.fields),
      isoRead.records.map((r) => r.fields),
    );
    assert.equal(await errorCode(await viewer.get('/api/catalogue/export?format=marcxml&encoding=marc8')), 'BAD_ENCODING');
    const bad = await viewer.get('/api/catalogue/export?format=pdf');
    assert.equal(bad.status, 400);
    assert.equal(await errorCode(bad), 'BAD_FORMAT');
  });

  it('multipartFile takes the first file part of a browser form', () => {
    const body = Buffer.from(
      '--XyZ\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n' +
        '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="s\u00e1ch.mrc"\r\nContent-Type: application/octet-stream\r\n\r\nDATA\r\nMORE\r\n--XyZ--\r\n',
    );
    const part = multipartFile(body, 'multipart/form-data; boundary=XyZ');
    assert.equal(part?.name, 'sách.mrc');
    assert.equal(part?.data.toString(), 'DATA\r\nMORE');
    assert.equal(multipartFile(body, 'application/marc'), null);
  });
});
