/**
 * Builds the two browser apps into dist/: the kiosk (served by each station) and the librarian's
 * dashboard (served by the school server). Each gets app.js, app.css, index.html and the
 * Be Vietnam Pro fonts it needs, so a school without internet still gets its own font.
 */
import { copyFile, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fontDir = join(dirname(createRequire(import.meta.url).resolve('@fontsource/be-vietnam-pro/package.json')), 'files');

interface AppSpec {
  name: string;
  entry: string;
  html: string;
  /** Further pages in a sub-folder of the app: entry → <dir>/app.js, html → <dir>/index.html. */
  pages?: { dir: string; entry: string; html: string }[];
  /** Further scripts at the app's root, output name → entry (e.g. a service worker). */
  scripts?: Record<string, string>;
}

const APPS: AppSpec[] = [
  { name: 'kiosk', entry: 'kiosk/src/main.tsx', html: 'kiosk/index.html', pages: [{ dir: 'tagging', entry: 'kiosk/tagging/main.tsx', html: 'kiosk/tagging/index.html' }], scripts: { sw: 'kiosk/src/sw.ts' } },
  { name: 'dashboard', entry: 'dashboard/app/main.tsx', html: 'dashboard/app/index.html' },
];

// Vietnamese needs both subsets: "ư ơ đ ă ĩ ũ" and the stacked tones live in `vietnamese`,
// "à á â ê ô" in `latin`. The browser fetches a file only when the page uses its range.
const FONT_SUBSETS = ['vietnamese', 'latin'] as const;
const FONT_WEIGHTS = [400, 700] as const;

export interface OutputFile {
  path: string;
  bytes: number;
  gzipBytes: number;
}

export interface AppReport {
  name: string;
  outdir: string;
  files: OutputFile[];
  /** JS + CSS, gzipped: what the size budget is about. */
  codeGzipBytes: number;
}

export interface BuildOptions {
  /** Where the apps go, one folder each; default `dist` in the project. */
  outRoot?: string;
}

/**
 * Steps that generate sources the bundles or the server import (e.g. scripts/gen-marc8.ts, the
 * MARC-8 tables) run here first, so a build never bundles stale generated code.
 */
async function generateSources(): Promise<void> {
  // none yet
}

/** Builds every app; returns the sizes of what it wrote (bytes, raw and gzipped). */
export async function build(options: BuildOptions = {}): Promise<AppReport[]> {
  await generateSources();
  const outRoot = resolve(root, options.outRoot ?? 'dist');
  const fontCss = await fontFaceCss();
  return Promise.all(APPS.map((app) => buildApp(app, join(outRoot, app.name), fontCss)));
}

async function buildApp(app: AppSpec, outdir: string, fontCss: string): Promise<AppReport> {
  // Only this app's folder: other steps may write elsewhere in dist/.
  await rm(outdir, { recursive: true, force: true });
  await mkdir(join(outdir, 'fonts'), { recursive: true });
  for (const p of app.pages ?? []) await mkdir(join(outdir, p.dir), { recursive: true });
  await Promise.all([
    esbuild.build({
      absWorkingDir: root,
      entryPoints: { app: app.entry, ...Object.fromEntries((app.pages ?? []).map((p) => [`${p.dir}/app`, p.entry])), ...app.scripts },
      outdir,
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2020',
      jsx: 'automatic',
      jsxImportSource: 'preact',
      sourcemap: 'linked',
      banner: { css: fontCss },
      logLevel: 'warning',
    }),
    copyFile(join(root, app.html), join(outdir, 'index.html')),
    ...(app.pages ?? []).map((p) => copyFile(join(root, p.html), join(outdir, p.dir, 'index.html'))),
    ...fontFiles().map((f) => copyFile(join(fontDir, f), join(outdir, 'fonts', f))),
  ]);
  const files = await sizes(outdir);
  const codeGzipBytes = files.filter((f) => /\.(js|css)$/.test(f.path)).reduce((n, f) => n + f.gzipBytes, 0);
  return { name: app.name, outdir, files, codeGzipBytes };
}

function fontFiles(): string[] {
  return FONT_SUBSETS.flatMap((s) => FONT_WEIGHTS.map((w) => `be-vietnam-pro-${s}-${w}-normal.woff2`));
}

/** @font-face rules for the copied files, with fontsource's own unicode ranges. */
async function fontFaceCss(): Promise<string> {
  const ranges = JSON.parse(await readFile(join(fontDir, '..', 'unicode.json'), 'utf8')) as Record<string, string>;
  return FONT_SUBSETS.flatMap((s) =>
    FONT_WEIGHTS.map(
      (w) =>
        `@font-face{font-family:'Be Vietnam Pro';font-style:normal;font-weight:${w};font-display:swap;` +
        `src:url(./fonts/be-vietnam-pro-${s}-${w}-normal.woff2) format('woff2');unicode-range:${ranges[s]}}`,
    ),
  ).join('\n');
}

async function sizes(dir: string): Promise<OutputFile[]> {
  const out: OutputFile[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const data = await readFile(path);
    out.push({ path: relative(dir, path), bytes: data.length, gzipBytes: gzipSync(data).length });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

function kB(n: number): string {
  return `${(n / 1024).toFixed(1)} kB`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  const reports = await build();
  for (const r of reports) {
    console.log(`\n${relative(root, r.outdir)}/`);
    for (const f of r.files) console.log(`  ${f.path.padEnd(48)} ${kB(f.bytes).padStart(10)} ${kB(f.gzipBytes).padStart(10)} gz`);
    console.log(`  ${'JS + CSS'.padEnd(48)} ${''.padStart(10)} ${kB(r.codeGzipBytes).padStart(10)} gz`);
  }
  console.log(`\nbuilt in ${Math.round(performance.now() - started)} ms`);
}
