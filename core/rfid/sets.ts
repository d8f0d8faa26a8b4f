/**
 * Multi-part sets (ISO 28560-1 element 4, "set information"): a book with its CD carries one tag
 * per part, each with the same item id, the number of parts and its own part number. Circulation
 * must lend or return the whole set, so a station checks which parts are on the pad. Pure.
 */

export interface SetMember {
  itemId: string;
  owner: string | null;
  setInfo: { parts: number; part: number };
}

export interface SetStatus {
  itemId: string;
  owner: string | null;
  parts: number;
  /** Part numbers seen, ascending, without duplicates. */
  present: number[];
  /** Part numbers 1..parts not seen, ascending. */
  missing: number[];
  complete: boolean;
}

/** Groups tags by (owner, item id) and tells for each set which parts are on the pad; single-part items are complete sets of 1. */
export function groupSets(members: readonly SetMember[]): SetStatus[] {
  const byKey = new Map<string, { itemId: string; owner: string | null; parts: number; present: Set<number> }>();
  for (const m of members) {
    const key = `${m.owner ?? ''}\u0000${m.itemId}`;
    let g = byKey.get(key);
    if (!g) {
      g = { itemId: m.itemId, owner: m.owner, parts: 0, present: new Set() };
      byKey.set(key, g);
    }
    // Parts disagreeing about the set size: trust the largest, so nothing goes out incomplete.
    g.parts = Math.max(g.parts, m.setInfo.parts, 1);
    g.present.add(m.setInfo.part);
  }
  return [...byKey.values()].map((g) => {
    const present = [...g.present].sort((a, b) => a - b);
    const missing: number[] = [];
    for (let p = 1; p <= g.parts; p++) if (!g.present.has(p)) missing.push(p);
    return { itemId: g.itemId, owner: g.owner, parts: g.parts, present, missing, complete: missing.length === 0 };
  });
}
