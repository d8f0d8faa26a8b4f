/**
 * One shared headless Chromium (Debian's /usr/bin/chromium through playwright-core) for the e2e
 * tests. With CI=true a missing Chromium fails; locally it skips.
 */
import { chromium, type Browser } from 'playwright-core';
import { requireTool } from './require-tool.ts';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

let shared: Promise<Browser> | null = null;

/** The shared browser; the first caller launches it. Closed by the root hook after all tests. */
export async function sharedChromium(ctx: Mocha.Context): Promise<Browser> {
  const executablePath = requireTool(ctx, 'Chromium', CHROMIUM);
  shared ??= chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  return shared;
}

export async function closeSharedChromium(): Promise<void> {
  if (!shared) return;
  const b = await shared.catch(() => null);
  shared = null;
  await b?.close();
}
