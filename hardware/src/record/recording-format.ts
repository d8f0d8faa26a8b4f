/**
 * Raw device input as JSON lines, one per report or chunk: {"t": ms since the epoch, "hex": bytes}.
 * Human-greppable, appendable, and replayable with the original timing.
 */

export interface RecordedInput {
  /** When the bytes arrived, ms since the epoch. */
  t: number;
  /** The bytes, lower-case hex. */
  hex: string;
}

export function formatRecord(t: number, bytes: Uint8Array): string {
  return `${JSON.stringify({ t, hex: Buffer.from(bytes).toString('hex') })}\n`;
}

export interface ParsedRecording {
  records: RecordedInput[];
  /** Lines that were not a record (a truncated last line after a crash, hand edits). */
  skipped: number;
}

/** Parses a recording; bad lines are counted and skipped, never fatal. */
export function parseRecording(text: string): ParsedRecording {
  const records: RecordedInput[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const r = JSON.parse(line) as Partial<RecordedInput>;
      if (typeof r.t !== 'number' || !Number.isFinite(r.t) || typeof r.hex !== 'string' || !/^(?:[0-9a-f]{2})*$/i.test(r.hex)) {
        skipped++;
        continue;
      }
      records.push({ t: r.t, hex: r.hex.toLowerCase() });
    } catch {
      skipped++;
    }
  }
  return { records, skipped };
}
