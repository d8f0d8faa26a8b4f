/**
 * Tests that need a system tool (Chromium, Mosquitto) skip locally when it is missing, but with
 * CI=true a missing tool fails the run: CI must never pass by skipping.
 */
import { existsSync } from 'node:fs';

export function toolPath(candidates: string[]): string | null {
  return candidates.find((p) => existsSync(p)) ?? null;
}

/** Returns the tool's path, or skips (locally) / throws (CI) when none of the paths exists. */
export function requireTool(ctx: Mocha.Context, name: string, candidates: string[]): string {
  const p = toolPath(candidates);
  if (p) return p;
  if (process.env.CI === 'true') throw new Error(`${name} is required in CI but was not found at ${candidates.join(' or ')}`);
  ctx.skip();
  throw new Error('unreachable');
}
