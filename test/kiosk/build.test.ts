import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type AppReport } from '../../scripts/build.ts';

describe('browser build', () => {
  let out: string;
  let reports: AppReport[];

  before(async () => {
    out = await mkdtemp(join(tmpdir(), 'openshelf-build-'));
    reports = await build({ outRoot: out });
  });

  after(() => rm(out, { recursive: true, force: true }));

  it('keeps the kiosk small enough for a Pi on a slow school network (JS + CSS < 60 kB gzipped)', () => {
    const kiosk = reports.find((r) => r.name === 'kiosk');
    assert.ok(kiosk);
    assert.ok(kiosk.codeGzipBytes < 60 * 1024, `${kiosk.codeGzipBytes} bytes`);
  });

  it('ships the page, the code and its own fonts for each app', () => {
    for (const r of reports) {
      const paths = r.files.map((f) => f.path);
      for (const p of ['index.html', 'app.js', 'app.css', 'fonts/be-vietnam-pro-vietnamese-400-normal.woff2', 'fonts/be-vietnam-pro-latin-700-normal.woff2']) {
        assert.ok(paths.includes(p), `${r.name} is missing ${p}`);
      }
    }
  });

  it('points @font-face at the copied files, not a CDN', async () => {
    const css = await readFile(join(out, 'kiosk', 'app.css'), 'utf8');
    assert.match(css, /url\(\.\/fonts\/be-vietnam-pro-vietnamese-700-normal\.woff2\)/);
    assert.doesNotMatch(css, /https?:\/\//);
  });

  it('keeps zod and browser storage out of the kiosk bundle', async () => {
    const js = await readFile(join(out, 'kiosk', 'app.js'), 'utf8');
    assert.doesNotMatch(js, /ZodError|localStorage|sessionStorage|indexedDB/);
  });
});
