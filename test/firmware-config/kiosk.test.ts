/**
 * firmware-config/kiosk: the launcher really runs Debian's Chromium (headless here, there is no
 * screen) on the station page with the kiosk flags, in a fresh profile that is wiped when Chromium
 * dies and is started again; the labwc files leave the pupil no key, button or panel to leave by.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '#core/node/load-config.ts';
import { CHROMIUM, sharedChromium } from '#test/chromium.ts';
import { freePort } from '#test/ports.ts';
import { requireTool } from '#test/require-tool.ts';
import { waitUntil } from '#test/school.ts';

const DIR = join(process.cwd(), 'firmware-config/kiosk');
const stationPort = loadConfig('config/production.example.json').stations[0]!.httpPort;

/** Pids of Chromium browser processes (not its helpers) whose command line names `profile`. */
function browsersUsing(profile: string): { pid: number; args: string[] }[] {
  const found: { pid: number; args: string[] }[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue;
    }
    if (args.includes(`--user-data-dir=${profile}`) && !args.some((a) => a.startsWith('--type='))) found.push({ pid: Number(e), args });
  }
  return found;
}

describe('firmware-config/kiosk', function () {
  this.timeout(180000);

  describe('openshelf-kiosk.sh with the real Chromium', () => {
    let server: Server;
    let port: number;
    let runtime: string;
    let launcher: ReturnType<typeof spawn> | undefined;
    const hits: { path: string; ua: string }[] = [];

    before(async function () {
      const chromium = requireTool(this, 'Chromium', CHROMIUM);
      runtime = mkdtempSync(join(tmpdir(), 'openshelf-kiosk-'));
      port = await freePort();
      server = createServer((req, res) => {
        if (req.url === '/') hits.push({ path: req.url, ua: req.headers['user-agent'] ?? '' });
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>OpenShelf</title><p>Chạm thẻ để bắt đầu</p>');
      });
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
      const headless = ['--headless=new', '--disable-gpu', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])];
      launcher = spawn('sh', [join(DIR, 'openshelf-kiosk.sh')], {
        detached: true, // its own process group, so the test can end it with everything it started
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, XDG_RUNTIME_DIR: runtime, OPENSHELF_KIOSK_URL: `http://127.0.0.1:${port}/`, OPENSHELF_CHROMIUM: chromium, OPENSHELF_KIOSK_FLAGS: headless.join(' ') },
      });
    });
    after(async () => {
      if (launcher?.pid && launcher.exitCode === null) {
        const gone = new Promise((r) => launcher!.once('exit', r));
        process.kill(-launcher.pid, 'SIGTERM');
        await gone;
      }
      if (runtime) await waitUntil(() => browsersUsing(join(runtime, 'openshelf-kiosk-profile')).length === 0, 20000, 'Chromium to exit');
      server?.close();
      if (runtime) rmSync(runtime, { recursive: true, force: true });
    });

    it('opens the station page in Chromium with the kiosk flags, in a private profile in the runtime dir', async () => {
      await waitUntil(() => hits.some((h) => /Chrome/.test(h.ua)), 90000, 'Chromium to load the page');
      const profile = join(runtime, 'openshelf-kiosk-profile');
      const [browser] = browsersUsing(profile);
      assert.ok(browser, 'the Chromium browser process');
      for (const flag of [
        '--kiosk',
        `--app=http://127.0.0.1:${port}/`,
        '--incognito',
        '--noerrdialogs',
        '--disable-session-crashed-bubble',
        '--overscroll-history-navigation=0',
        '--disable-pinch',
        '--check-for-update-interval=31536000',
        // The kiosk's Web Audio beeps play before any touch (docs/operations.md).
        '--autoplay-policy=no-user-gesture-required',
      ]) {
        assert.ok(browser.args.includes(flag), `${flag} in ${browser.args.join(' ')}`);
      }
      assert.equal(statSync(profile).mode & 0o777, 0o700);
    });

    it('when Chromium dies it starts again, with the old profile wiped', async () => {
      const profile = join(runtime, 'openshelf-kiosk-profile');
      const marker = join(profile, 'left-by-a-pupil');
      writeFileSync(marker, 'Nguyễn Văn A, 4A');
      const chromeLoads = () => hits.filter((h) => /Chrome/.test(h.ua)).length;
      const loads = chromeLoads();
      const [browser] = browsersUsing(profile);
      process.kill(browser!.pid, 'SIGKILL'); // as a crash would
      await waitUntil(() => chromeLoads() > loads, 90000, 'Chromium to be started again and load the page');
      assert.ok(!existsSync(marker), 'nothing from the previous run survives');
      assert.equal(browsersUsing(profile).length, 1);
    });
  });

  it('labwc autostart starts only the kiosk: no panel, desktop, on-screen keyboard or screen blanker', () => {
    const lines = readFileSync(join(DIR, 'labwc/autostart'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    assert.deepEqual(lines, ['/usr/bin/lwrespawn /usr/local/bin/openshelf-kiosk &']);
  });

  it('labwc rc.xml is well-formed and binds no key or mouse button to anything', async function () {
    const browser = await sharedChromium(this);
    const page = await browser.newPage();
    try {
      const xml = readFileSync(join(DIR, 'labwc/rc.xml'), 'utf8');
      // Chromium's own XML parser. Passed as source text: tsx would wrap a TypeScript function
      // in helpers that do not exist in the page.
      const parsed = (await page.evaluate(`(() => {
        const doc = new DOMParser().parseFromString(${JSON.stringify(xml)}, 'application/xml');
        const names = (sel) => [...doc.querySelectorAll(sel)].map((a) => a.getAttribute('name'));
        return {
          error: doc.querySelector('parsererror')?.textContent ?? null,
          root: doc.documentElement.nodeName,
          defaults: doc.querySelectorAll('keyboard > default, mouse > default').length,
          keyActions: names('keybind action'),
          mouseActions: names('mousebind action'),
          desktops: doc.querySelector('desktops')?.getAttribute('number') ?? null,
        };
      })()`)) as { error: string | null; root: string; defaults: number; keyActions: string[]; mouseActions: string[]; desktops: string | null };
      assert.equal(parsed.error, null);
      assert.equal(parsed.root, 'labwc_config');
      assert.equal(parsed.defaults, 0, 'no <default />: labwc would load Alt-Tab, Alt-F4, menus');
      assert.ok(parsed.keyActions.length >= 1, 'at least one key binding, or labwc loads its defaults');
      assert.ok(parsed.mouseActions.length >= 1, 'at least one mouse binding, or labwc loads its defaults');
      assert.deepEqual([...new Set([...parsed.keyActions, ...parsed.mouseActions])], ['None']);
      assert.equal(parsed.desktops, '1');
    } finally {
      await page.close();
    }
  });

  it('Wayfire (older images) also starts only the kiosk and never blanks the screen', () => {
    const ini = readFileSync(join(DIR, 'wayfire/wayfire.ini'), 'utf8');
    const section = (name: string) => Object.fromEntries([...(new RegExp(`^\\[${name}\\]\\n([^[]*)`, 'm').exec(ini)?.[1] ?? '').matchAll(/^(\w+) *= *(.*)$/gm)].map((m) => [m[1]!, m[2]!.trim()]));
    const auto = section('autostart');
    assert.equal(auto.autostart_wf_shell, 'false');
    assert.equal(auto.panel, '');
    assert.equal(auto.background, '');
    assert.equal(auto.kiosk, '/usr/local/bin/openshelf-kiosk');
    assert.equal(auto.screensaver, 'false');
    assert.equal(auto.dpms, 'false');
    assert.deepEqual(section('idle'), { screensaver_timeout: '-1', dpms_timeout: '-1' });
  });

  it('the Chromium policy forces incognito and allows only the station page', () => {
    const p = JSON.parse(readFileSync(join(DIR, 'chromium/openshelf-kiosk.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(p.IncognitoModeAvailability, 2, '2 = incognito forced');
    assert.equal(p.ForceEphemeralProfiles, true);
    assert.equal(p.DeveloperToolsAvailability, 2);
    assert.deepEqual(p.URLBlocklist, ['*']);
    assert.deepEqual(p.URLAllowlist, [`http://localhost:${stationPort}`, `http://127.0.0.1:${stationPort}`]);
    // The launcher's default page is the one the policy allows.
    assert.match(readFileSync(join(DIR, 'openshelf-kiosk.sh'), 'utf8'), new RegExp(`OPENSHELF_KIOSK_URL:-http://localhost:${stationPort}\\}`));
  });
});
