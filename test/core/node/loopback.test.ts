/** Device simulators answer only on this machine: anything from the LAN is refused. */
import assert from 'node:assert/strict';
import type express from 'express';
import { isLoopback, loopbackOnly } from '#core/node/loopback.ts';

describe('core/node/loopback', () => {
  it('knows loopback addresses in IPv4, IPv6 and IPv4-mapped form', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) assert.equal(isLoopback(a), true, a);
    for (const a of ['192.168.1.20', '10.0.0.5', '::ffff:192.168.1.20', 'fe80::1', '', undefined]) assert.equal(isLoopback(a), false, String(a));
  });

  it('answers 403 with a Vietnamese message to a caller from the LAN', () => {
    let status = 0;
    let body: unknown;
    const req = { socket: { remoteAddress: '192.168.1.20' } } as unknown as express.Request;
    const res = {
      status(s: number) {
        status = s;
        return this;
      },
      json(b: unknown) {
        body = b;
      },
    } as unknown as express.Response;
    let passed = false;
    loopbackOnly(req, res, () => (passed = true));
    assert.equal(passed, false);
    assert.equal(status, 403);
    assert.match(JSON.stringify(body), /Chỉ dùng được trên chính máy này/);
  });
});
