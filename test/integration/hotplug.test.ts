/**
 * Devices come and go while the daemon runs: each simulated device kind is unplugged and plugged
 * back; the station keeps running, its retained status (as the dashboard sees it) says so, and it
 * lends again once everything is back.
 */
import assert from 'node:assert/strict';
import { startSchool, testConfig, waitUntil, type TestSchool } from '#test/school.ts';
import type { RunningStation } from '#station/station.ts';

describe('hot-plug at a running station', function () {
  this.timeout(60000);
  let school: TestSchool;
  let kiosk: RunningStation;

  before(async () => {
    school = await startSchool(await testConfig(), ['kiosk-1']);
    kiosk = school.stations[0]!;
  });
  after(async () => school?.stop());

  const devicesSeen = () => school.server.dashboard.stations().find((r) => r.device === 'kiosk-1')?.devices ?? {};

  it('reports each device unplugged and back, and keeps working', async () => {
    await waitUntil(() => Object.keys(devicesSeen()).length >= 4, 10000, 'the first status');
    assert.deepEqual(Object.keys(devicesSeen()).sort(), ['card', 'printer', 'rfid', 'scanner']);

    kiosk.sim!.card!.unplug();
    kiosk.sim!.scanner!.unplug();
    kiosk.printerSim!.unplug();
    kiosk.rfidSim!.unplug();
    await waitUntil(() => {
      const d = devicesSeen();
      return ['card', 'scanner', 'printer', 'rfid'].every((k) => d[k]?.ok === false);
    }, 20000, 'every device reported missing');
    assert.equal(kiosk.link.connected, true, 'the station itself stays up');

    kiosk.sim!.card!.replug();
    kiosk.sim!.scanner!.replug();
    kiosk.printerSim!.replug();
    kiosk.rfidSim!.plug();
    await waitUntil(() => {
      const d = devicesSeen();
      return ['card', 'scanner', 'printer', 'rfid'].every((k) => d[k]?.ok === true);
    }, 30000, 'every device reported back');

    await kiosk.sim!.card!.type('20001000000012');
    await waitUntil(() => kiosk.session.view.screen === 'patron', 5000, 'a card read after replug');
    await kiosk.sim!.scanner!.type('30001000000127');
    await waitUntil(() => kiosk.session.view.items[0]?.state === 'ok', 5000, 'a scan after replug');
    await kiosk.session.finish();
    assert.equal(kiosk.session.view.slip, 'printed');
  });
});
