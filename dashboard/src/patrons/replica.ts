/**
 * Every patron change reaches the station replicas as a numbered 'patron' change: the patron as the
 * current school year sees them, or null when they are no longer active (the replica holds active
 * patrons only, as Library.snapshot() does).
 */
import type { Db } from '#core/node/sqlite.ts';
import { Library, replicaPatron } from '../db/library.ts';

/** Appends one replica change per patron id (each id once), in the given order. */
export function recordPatronChanges(db: Db, currentYear: string, patronIds: Iterable<string>): number {
  const lib = new Library(db, currentYear);
  const ids = db.prepare(`SELECT value FROM patron_identifiers WHERE patron_id = ? ORDER BY kind, value`);
  let n = 0;
  for (const id of new Set(patronIds)) {
    const p = lib.patronById(id);
    if (!p) continue;
    const identifiers = (ids.all(id) as { value: string }[]).map((r) => r.value);
    lib.recordChange('patron', id, p.active ? replicaPatron(p, identifiers) : null);
    n++;
  }
  return n;
}
