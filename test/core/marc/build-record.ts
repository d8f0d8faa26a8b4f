// Builds ISO 2709 records byte by byte for tests, so each defect can be made on purpose.
export type TestField = [tag: string, body: string | Uint8Array];

const enc = new TextEncoder();

/** A data field body: indicators then subfields, e.g. df('10', ['a', 'Title /'], ['c', 'X']). */
export function df(ind: string, ...subs: [string, string][]): string {
  return ind + subs.map(([c, v]) => `\x1f${c}${v}`).join('');
}

/**
 * Encodes a record. `leader9` is the character coding scheme ('a' UTF-8, ' ' MARC-8); string
 * bodies are written as UTF-8 and Uint8Array bodies as they are (for MARC-8 or invalid bytes).
 */
export function buildRecord(fields: TestField[], leader9 = 'a'): Uint8Array {
  const bodies = fields.map(([, b]) => {
    const bytes = typeof b === 'string' ? enc.encode(b) : b;
    const out = new Uint8Array(bytes.length + 1);
    out.set(bytes);
    out[bytes.length] = 0x1e;
    return out;
  });
  let dir = '';
  let start = 0;
  fields.forEach(([tag], i) => {
    dir += tag + String(bodies[i]!.length).padStart(4, '0') + String(start).padStart(5, '0');
    start += bodies[i]!.length;
  });
  const base = 24 + dir.length + 1;
  const total = base + start + 1;
  const leader = `${String(total).padStart(5, '0')}nam ${leader9}22${String(base).padStart(5, '0')} i 4500`;
  const out = new Uint8Array(total);
  out.set(enc.encode(leader + dir + '\x1e'));
  let p = base;
  for (const b of bodies) {
    out.set(b, p);
    p += b.length;
  }
  out[total - 1] = 0x1d;
  return out;
}

export function concat(...parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts.map((p) => Buffer.from(p)));
}

export function simpleRecord(id: string, title: string): Uint8Array {
  return buildRecord([
    ['001', id],
    ['245', df('10', ['a', `${title} /`], ['c', 'Tô Hoài'])],
    ['952', df('  ', ['p', '30001000000101'], ['o', '895.9223'])],
  ]);
}
