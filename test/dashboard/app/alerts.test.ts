import assert from 'node:assert/strict';
import { stationAlerts } from '../../../dashboard/app/alerts.ts';
import { csrfToken, withCsrf } from '../../../dashboard/app/adapter/http.ts';
import { station } from './fixtures.ts';

describe('dashboard station alerts', () => {
  it('raises one alert for an offline station and one for a printer out of paper', () => {
    const off = station('kiosk-2', 'offline');
    const paper = station('kiosk-1');
    paper.devices = { scanner: { driver: 'sim', ok: true }, printer: { driver: 'sim', ok: true, paper: 'out' } };
    const low = station('kiosk-3');
    low.devices = { printer: { driver: 'sim', ok: true, paper: 'near_end' } };
    const fine = station('kiosk-4');
    fine.devices = { printer: { driver: 'sim', ok: true, paper: 'ok' } };
    const alerts = stationAlerts([off, paper, low, fine]);
    assert.deepEqual(
      alerts.map((a) => [a.device, a.level, a.text.en]),
      [
        ['kiosk-2', 'bad', 'kiosk-2 is offline'],
        ['kiosk-1', 'bad', 'kiosk-1: printer out of paper'],
        ['kiosk-3', 'warn', 'kiosk-3: printer paper running low'],
      ],
    );
    assert.match(alerts[1]!.text.vi, /hết giấy/);
  });

  it('says nothing about the devices of a station that is offline (their report is stale)', () => {
    const off = station('kiosk-1', 'offline');
    off.devices = { printer: { driver: 'sim', ok: false, paper: 'out' } };
    assert.equal(stationAlerts([off]).length, 1);
  });
});

describe('dashboard CSRF header', () => {
  it('reads the token from the cookie and adds it to same-origin writes only', async () => {
    assert.equal(csrfToken('a=1; openshelf_csrf=tok%2Den; b=2'), 'tok-en');
    assert.equal(csrfToken('a=1'), '');
    const seen: { url: string; method: string; token: string | null }[] = [];
    const fake = (async (input: RequestInfo | URL, init?: RequestInit) => {
      seen.push({ url: String(input), method: init?.method ?? 'GET', token: new Headers(init?.headers).get('x-csrf-token') });
      return new Response('{}');
    }) as typeof fetch;
    const f = withCsrf(fake, () => 'T0K', 'http://school.local');
    await f('/api/settings', { method: 'PUT', body: '{}' });
    await f('/api/summary');
    await f('http://school.local/api/accounts', { method: 'POST' });
    await f('https://elsewhere.example/x', { method: 'POST' });
    assert.deepEqual(seen, [
      { url: '/api/settings', method: 'PUT', token: 'T0K' },
      { url: '/api/summary', method: 'GET', token: null },
      { url: 'http://school.local/api/accounts', method: 'POST', token: 'T0K' },
      { url: 'https://elsewhere.example/x', method: 'POST', token: null },
    ]);
  });
});
