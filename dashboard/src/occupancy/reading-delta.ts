/** How many people one counter reading adds, given the previous reading of the same counter. */

export interface ReadingCounts {
  boot: string;
  seq: number;
  in: number;
  out: number;
}

/**
 * People in and out since `prev`. Counts are cumulative per boot: after a reboot (a new boot id) the
 * reading's whole counts are new people. Null for a reading that is not newer than `prev` (a
 * duplicate or a late copy): it adds nothing. Counts that went down within one boot cannot come
 * from the firmware; they are taken as a restart rather than as negative people.
 */
export function readingDelta(prev: ReadingCounts | null, next: ReadingCounts): { in: number; out: number; restarted: boolean } | null {
  if (!prev) return { in: next.in, out: next.out, restarted: false };
  if (prev.boot !== next.boot) return { in: next.in, out: next.out, restarted: true };
  if (next.seq <= prev.seq) return null;
  if (next.in < prev.in || next.out < prev.out) return { in: next.in, out: next.out, restarted: true };
  return { in: next.in - prev.in, out: next.out - prev.out, restarted: false };
}
