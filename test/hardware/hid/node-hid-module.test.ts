import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

// Loads the real node-hid in a child process: the backend is process-wide, so this test must not
// choose it for the rest of the suite. Needs Debian's libusb-1.0-0 (CI installs it).
const SCRIPT = `
import { loadNodeHid } from '#hardware/hid/node-hid-module.ts';
const out = {};
try {
  const hid = await loadNodeHid('libusb');
  out.list = Array.isArray(await hid.devicesAsync(0xffff, 0xfffe));
  out.same = (await loadNodeHid('libusb')) === hid;
  try { await loadNodeHid('hidraw'); out.conflict = 'none'; } catch (e) { out.conflict = e.name; }
} catch (e) { out.error = e.name + ': ' + e.message; }
console.log(JSON.stringify(out));
`;

describe('hardware/hid/node-hid-module (real node-hid)', function () {
  this.timeout(20000);

  it('loads node-hid with the libusb backend once per process and refuses a second backend', async function () {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], { cwd: process.cwd() });
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as { list?: boolean; same?: boolean; conflict?: string; error?: string };
    if (out.error?.startsWith('HidUnavailableError') && process.env.CI !== 'true') this.skip();
    assert.deepEqual(out, { list: true, same: true, conflict: 'HidBackendConflictError' });
  });
});
