/** Shared by the printer tests: temp dirs and waiting for a health change (an event, not a sleep). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EscPosPrinter, PrinterHealth } from '#hardware/printer/escpos-printer.ts';

export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'openshelf-printer-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Resolves with the printer's health once `pred` holds (now or at a later 'health' event). */
export function healthWhen(p: EscPosPrinter, pred: (h: PrinterHealth) => boolean, timeoutMs = 5000): Promise<PrinterHealth> {
  const now = p.health();
  if (pred(now)) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      p.off('health', on);
      reject(new Error(`health never matched; last: ${JSON.stringify(p.health())}`));
    }, timeoutMs);
    const on = (h: PrinterHealth) => {
      if (!pred(h)) return;
      clearTimeout(timer);
      p.off('health', on);
      resolve(h);
    };
    p.on('health', on);
  });
}
