/**
 * The dashboard over HTTPS with a self-signed certificate made at the first start: reached with that
 * certificate as the only trusted CA (no NODE_TLS_REJECT_UNAUTHORIZED), Secure cookies, the live
 * feed (socket.io) over TLS too, the same certificate kept at the next start, and a provided pair.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { io as ioClient } from 'socket.io-client';
import type { Config } from '#core/config.ts';
import { startServer } from '#server/server.ts';
import { quietLog, testConfig } from '#test/school.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function httpsCall(port: number, ca: Buffer | undefined, path: string, o: { method?: string; body?: unknown; cookie?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    const req = request(
      { host: '127.0.0.1', servername: 'localhost', port, path, method: o.method ?? 'GET', ca, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(o.cookie ? { cookie: o.cookie } : {}) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('dashboard over HTTPS', function () {
  this.timeout(60000);
  let config: Config;

  before(async () => {
    config = await testConfig();
    config.server!.https = { selfSigned: true, hosts: ['thuvien.local'] };
  });
  after(() => rmSync(config.dataDir, { recursive: true, force: true }));

  it('serves the dashboard with the self-signed certificate it made; cookies are Secure; socket.io rides TLS', async () => {
    const server = await startServer({ config, log: quietLog });
    try {
      const certFile = join(config.dataDir, 'server', 'tls', 'cert.pem');
      const ca = readFileSync(certFile);
      const health = await httpsCall(server.httpPort, ca, '/api/health');
      assert.equal(health.status, 200);
      // A client that does not trust this certificate is refused by TLS itself.
      await assert.rejects(httpsCall(server.httpPort, undefined, '/api/health'), /self[- ]signed/i);
      // Plain HTTP on the same port gets no dashboard.
      const plain = await fetch(`http://127.0.0.1:${server.httpPort}/api/health`).then(
        (r) => r.status,
        () => 'refused',
      );
      assert.notEqual(plain, 200);

      const login = await httpsCall(server.httpPort, ca, '/api/login', { method: 'POST', body: { username: 'thuthu', password: 'thuvien' } });
      assert.equal(login.status, 200);
      const cookies = login.headers['set-cookie'] as string[];
      assert.equal(cookies.length, 2);
      for (const c of cookies) assert.match(c, /;\s*Secure/i, c);
      const cookie = cookies.map((c) => c.split(';')[0]).join('; ');
      const me = await httpsCall(server.httpPort, ca, '/api/me', { cookie });
      assert.equal(JSON.parse(me.body).username, 'thuthu');

      const socket = ioClient(`https://localhost:${server.httpPort}`, { transports: ['websocket'], ca: ca.toString('utf8'), extraHeaders: { cookie }, reconnection: false });
      try {
        const summary = await new Promise<unknown>((resolve, reject) => {
          socket.once('summary', resolve);
          socket.once('connect_error', reject);
        });
        assert.ok(summary && typeof summary === 'object' && 'loans' in summary);
      } finally {
        socket.close();
      }
    } finally {
      await server.stop();
    }
  });

  it('keeps the certificate at the next start, and serves a provided certificate and key', async () => {
    const certFile = join(config.dataDir, 'server', 'tls', 'cert.pem');
    const keyFile = join(config.dataDir, 'server', 'tls', 'key.pem');
    const first = readFileSync(certFile, 'utf8');
    const again = await startServer({ config, log: quietLog });
    await again.stop();
    assert.equal(readFileSync(certFile, 'utf8'), first, 'the same certificate, so devices that trust it keep trusting it');

    config.server!.https = { certFile, keyFile };
    const provided = await startServer({ config, log: quietLog });
    try {
      assert.equal((await httpsCall(provided.httpPort, readFileSync(certFile), '/api/health')).status, 200);
    } finally {
      await provided.stop();
    }
    config.server!.https = { certFile: join(config.dataDir, 'missing.pem'), keyFile };
    await assert.rejects(startServer({ config, log: quietLog }), /missing\.pem does not exist/);
  });
});
