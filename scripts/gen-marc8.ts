// Generates core/marc/marc8-tables.generated.json from the Library of Congress code tables
// (dashboard/seed-data/marc/loc/codetables.xml), so that nothing parses 2 MB of XML at start-up.
//
//   node --import tsx scripts/gen-marc8.ts [--check]
//
// --check regenerates in memory and fails if the committed file differs (for CI).
//
// The XML is simple (elements, attributes, text, no namespaces, no CDATA in practice), so a
// small tokenizer is enough and the project needs no XML dependency.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'dashboard/seed-data/marc/loc/codetables.xml');
const target = path.join(root, 'core/marc/marc8-tables.generated.json');

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body.startsWith('#x')) return String.fromCodePoint(parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(parseInt(body.slice(1), 10));
    return ENTITIES[body] ?? whole;
  });
}

/** Parses the document into a tree; text is kept per element (concatenated, entities decoded). */
export function parseXml(xml: string): XmlElement {
  const docRoot: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [docRoot];
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const top = stack[stack.length - 1]!;
    if (lt < 0) {
      top.text += decodeEntities(xml.slice(i));
      break;
    }
    if (lt > i) top.text += decodeEntities(xml.slice(i, lt));
    if (xml.startsWith('<?', lt)) {
      i = xml.indexOf('?>', lt) + 2;
    } else if (xml.startsWith('<!--', lt)) {
      i = xml.indexOf('-->', lt) + 3;
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt);
      top.text += xml.slice(lt + 9, end);
      i = end + 3;
    } else if (xml.startsWith('<!', lt)) {
      i = xml.indexOf('>', lt) + 1;
    } else if (xml[lt + 1] === '/') {
      const gt = xml.indexOf('>', lt);
      const name = xml.slice(lt + 2, gt).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`XML: </${name}> does not close <${open?.name}> at ${lt}`);
      i = gt + 1;
    } else {
      const gt = xml.indexOf('>', lt);
      if (gt < 0) throw new Error(`XML: unterminated tag at ${lt}`);
      let body = xml.slice(lt + 1, gt);
      const selfClosing = body.endsWith('/');
      if (selfClosing) body = body.slice(0, -1);
      const m = /^([^\s/>]+)/.exec(body);
      if (!m) throw new Error(`XML: bad tag at ${lt}`);
      const el: XmlElement = { name: m[1]!, attrs: {}, children: [], text: '' };
      for (const a of body.slice(m[1]!.length).matchAll(/([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
        el.attrs[a[1]!] = decodeEntities(a[3] ?? a[4] ?? '');
      }
      top.children.push(el);
      if (!selfClosing) stack.push(el);
      i = gt + 1;
    }
  }
  if (stack.length !== 1) throw new Error(`XML: <${stack[stack.length - 1]!.name}> is never closed`);
  return docRoot;
}

function* descendants(el: XmlElement, name: string): Generator<XmlElement> {
  for (const c of el.children) {
    if (c.name === name) yield c;
    else yield* descendants(c, name);
  }
}

function childText(el: XmlElement, name: string): string | undefined {
  const c = el.children.find((x) => x.name === name);
  return c === undefined ? undefined : c.text.trim();
}

/**
 * One character set as the decoder needs it. Keys are the MARC-8 code with the high bit of every
 * graphic byte cleared (0xA1 → 0x21), because a set may be designated as G0 (bytes 0x21–0x7E) or
 * as G1 (0xA1–0xFE) and the table lists it in only one of the two forms. Control codes
 * (0x1B, 0x88 …) keep their value. A code point of -1 means "no character" (the second half of
 * the ANSEL ligature, which Unicode expresses with the first half alone).
 */
export interface GeneratedSet {
  name: string;
  bytesPerChar: 1 | 3;
  entries: [number, number][];
  combining: number[];
}

function normaliseKey(hex: string): number {
  let key = 0;
  for (let k = 0; k < hex.length; k += 2) {
    let b = parseInt(hex.slice(k, k + 2), 16);
    if ((b >= 0xa1 && b <= 0xfe) || (hex.length > 2 && b >= 0x80)) b &= 0x7f;
    key = key * 256 + b;
  }
  return key;
}

export function generate(xml: string): { _comment: string; sets: Record<string, GeneratedSet> } {
  const doc = parseXml(xml);
  const sets: Record<string, GeneratedSet> = {};
  for (const cs of descendants(doc, 'characterSet')) {
    const iso = cs.attrs.ISOcode;
    const name = cs.attrs.name;
    if (!iso || !name) throw new Error('characterSet without ISOcode or name');
    const entries = new Map<number, number>();
    const combining: number[] = [];
    let bytesPerChar: 1 | 3 = 1;
    for (const code of descendants(cs, 'code')) {
      const marc = childText(code, 'marc');
      if (!marc) continue;
      if (marc.length === 6) bytesPerChar = 3;
      // An empty <ucs> with an <alt> is a deliberate "no character" only for the ligature/double
      // tilde second halves; elsewhere (some EACC rows) the alternate is the only mapping.
      const ucs = childText(code, 'ucs') ?? '';
      const alt = childText(code, 'alt') ?? '';
      const isCombining = childText(code, 'isCombining') === 'true';
      let cp: number;
      if (ucs !== '') cp = parseInt(ucs, 16);
      else if (alt !== '' && !isCombining) cp = parseInt(alt, 16);
      else cp = -1;
      const key = normaliseKey(marc);
      if (entries.has(key)) continue;
      entries.set(key, cp);
      if (isCombining) combining.push(key);
    }
    sets[iso.toUpperCase()] = {
      name,
      bytesPerChar,
      entries: [...entries].sort((a, b) => a[0] - b[0]),
      combining: combining.sort((a, b) => a - b),
    };
  }
  return {
    _comment:
      'Generated by scripts/gen-marc8.ts from dashboard/seed-data/marc/loc/codetables.xml (Library of Congress, via marc4j). Do not edit. Keys: set final byte (ISOcode); entries: [MARC-8 code with graphic bytes masked to 7 bits, Unicode code point or -1].',
    sets,
  };
}

function serialise(data: ReturnType<typeof generate>): string {
  // One entry per line would make a 16,000-line file; one set per line keeps diffs readable enough.
  const lines = Object.entries(data.sets).map(
    ([iso, s]) => `    ${JSON.stringify(iso)}: ${JSON.stringify(s)}`,
  );
  return `{\n  "_comment": ${JSON.stringify(data._comment)},\n  "sets": {\n${lines.join(',\n')}\n  }\n}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = serialise(generate(readFileSync(source, 'utf8')));
  if (process.argv.includes('--check')) {
    const current = readFileSync(target, 'utf8');
    if (current !== text) {
      console.error(`${path.relative(root, target)} is out of date: run node --import tsx scripts/gen-marc8.ts`);
      process.exit(1);
    }
    console.log(`${path.relative(root, target)} is up to date`);
  } else {
    writeFileSync(target, text);
    const parsed = JSON.parse(text) as ReturnType<typeof generate>;
    for (const [iso, s] of Object.entries(parsed.sets)) {
      console.log(`${iso} ${s.name}: ${s.entries.length} codes, ${s.combining.length} combining`);
    }
    console.log(`wrote ${path.relative(root, target)} (${text.length} bytes)`);
  }
}
