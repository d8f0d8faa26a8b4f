/**
 * MARC-8 → Unicode decoding.
 *
 * MARC-8 is the pre-Unicode character encoding of MARC 21 records: ISO 2022-style graphic sets
 * switched by escape sequences, with ASCII as the default G0 set (bytes 0x21–0x7E) and ANSEL
 * ("Extended Latin") as the default G1 set (0xA1–0xFE). Diacritics are separate combining
 * characters that come BEFORE the letter they sit on, while Unicode puts combining marks AFTER
 * the base letter; the decoder holds them back until the base arrives, then normalises to NFC so
 * that "\xE3\xE2e" (circumflex, acute, e) becomes the single letter "ế". Numeric character
 * references ("&#x2019;") are resolved, as the MARC 21 lossless conversion model asks.
 *
 * The mapping tables are generated from the Library of Congress code tables by
 * scripts/gen-marc8.ts, so the set names and code lists are the LoC's, not hand-typed.
 */
import tables from './marc8-tables.generated.json' with { type: 'json' };

/** Final bytes ("ISOcode") of the character sets MARC-8 designates with escape sequences. */
export const MARC8_SET = {
  ASCII: 0x42,
  ANSEL: 0x45,
  GREEK_SYMBOLS: 0x67,
  SUBSCRIPTS: 0x62,
  SUPERSCRIPTS: 0x70,
  HEBREW: 0x32,
  CYRILLIC: 0x4e,
  EXTENDED_CYRILLIC: 0x51,
  ARABIC: 0x33,
  EXTENDED_ARABIC: 0x34,
  GREEK: 0x53,
  EACC: 0x31,
} as const;

export interface Marc8Issue {
  /** Byte offset within the decoded buffer. */
  offset: number;
  message: string;
}

interface CharSet {
  name: string;
  bytesPerChar: number;
  /** MARC-8 code (graphic bytes masked to 7 bits) → code point; -1 means "emit nothing". */
  map: Map<number, number>;
  combining: Set<number>;
}

interface RawSet {
  name: string;
  bytesPerChar: number;
  entries: number[][];
  combining: number[];
}

const rawSets = (tables as { sets: Record<string, RawSet> }).sets;

// The tables are immutable; building a set's Map on first use keeps start-up cheap (the EACC set
// alone has 15,000 rows and most libraries never meet it).
const built = new Map<number, CharSet>();

function charSet(finalByte: number): CharSet | undefined {
  const cached = built.get(finalByte);
  if (cached) return cached;
  const raw = rawSets[finalByte.toString(16).toUpperCase().padStart(2, '0')];
  if (!raw) return undefined;
  const set: CharSet = {
    name: raw.name,
    bytesPerChar: raw.bytesPerChar,
    map: new Map(raw.entries.map((e) => [e[0]!, e[1]!] as [number, number])),
    combining: new Set(raw.combining),
  };
  built.set(finalByte, set);
  return set;
}

/** Whether the generated tables know the set with this final byte. */
export function hasMarc8Set(finalByte: number): boolean {
  return charSet(finalByte) !== undefined;
}

const ESC = 0x1b;

/**
 * MARC 21's lossless conversion model writes a Unicode character that MARC-8 lacks as a numeric
 * character reference, "&#x2019;" for ’, so it survives a round trip through MARC-8.
 */
function resolveNcrs(s: string): string {
  if (!s.includes('&#x')) return s;
  return s.replace(/&#x([0-9A-Fa-f]{1,6});/g, (whole, h: string) => {
    const cp = parseInt(h, 16);
    return cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : whole;
  });
}
const REPLACEMENT = '\uFFFD';

const noIssue = (): void => {};

/** Appends a base character, then the diacritics that were waiting for it. */
function emitBase(out: string[], pending: string[], s: string): void {
  out.push(s);
  if (pending.length > 0) {
    for (const p of pending) out.push(p);
    pending.length = 0;
  }
}

function hex(b: number): string {
  return '0x' + b.toString(16).toUpperCase().padStart(2, '0');
}

/**
 * A decoder with the G0/G1 designation state. MARC-8 escape designations last to the end of the
 * field, so a caller decoding a field subfield by subfield keeps one decoder for the field and
 * makes a new one for the next field.
 */
export class Marc8Decoder {
  g0: number = MARC8_SET.ASCII;
  g1: number = MARC8_SET.ANSEL;

  /**
   * Decodes one run of bytes (for instance one subfield) to NFC text. Problems (unknown escape,
   * byte with no character) become U+FFFD in the text and are passed to onIssue; decoding never
   * throws, because one odd byte must not cost the librarian a whole record.
   */
  decode(bytes: Uint8Array, onIssue?: (issue: Marc8Issue) => void): string {
    const out: string[] = [];
    // Diacritics read but not yet placed: they follow the next base character.
    const pending: string[] = [];
    const issue = onIssue ? (offset: number, message: string): void => onIssue({ offset, message }) : noIssue;

    let i = 0;
    const n = bytes.length;
    while (i < n) {
      const b = bytes[i]!;
      if (b > 0x20 && b < 0x7f && this.g0 === MARC8_SET.ASCII) {
        // A run of plain ASCII letters is copied in one piece (the common case, and fast).
        let j = i + 1;
        while (j < n && bytes[j]! >= 0x20 && bytes[j]! < 0x7f) j++;
        const run = String.fromCharCode.apply(null, bytes.subarray(i, j) as unknown as number[]);
        // Diacritics waiting for their letter go right after the run's first letter.
        if (pending.length > 0) {
          emitBase(out, pending, run[0]!);
          if (run.length > 1) out.push(run.slice(1));
        } else {
          out.push(run);
        }
        i = j;
        continue;
      }
      if (b === ESC) {
        i = this.escape(bytes, i, issue);
        continue;
      }
      if (b <= 0x20 || b === 0x7f) {
        // Space and controls are the same in every set and are never part of a multibyte code.
        emitBase(out, pending, String.fromCharCode(b));
        i += 1;
        continue;
      }
      if (b >= 0x80 && b <= 0xa0) {
        // C1 range: only ANSEL defines codes here (non-sort marks, joiners), whatever G1 is.
        const cp = charSet(MARC8_SET.ANSEL)?.map.get(b);
        if (cp === undefined) {
          issue(i, `byte ${hex(b)} is not a MARC-8 character`);
          emitBase(out, pending, REPLACEMENT);
        } else if (cp >= 0) {
          emitBase(out, pending, String.fromCodePoint(cp));
        }
        i += 1;
        continue;
      }
      const finalByte = b < 0x80 ? this.g0 : this.g1;
      const set = charSet(finalByte);
      if (!set) {
        // Unreachable through escape() (it refuses unknown sets), kept for callers that set g0/g1.
        issue(i, `character set ${hex(finalByte)} is not in the MARC-8 tables`);
        emitBase(out, pending, REPLACEMENT);
        i += 1;
        continue;
      }
      let key: number;
      let width: number;
      if (set.bytesPerChar === 3) {
        if (i + 3 > n) {
          issue(i, `a ${set.name} character is cut off at the end of the text`);
          emitBase(out, pending, REPLACEMENT);
          break;
        }
        key = ((b & 0x7f) << 16) | ((bytes[i + 1]! & 0x7f) << 8) | (bytes[i + 2]! & 0x7f);
        width = 3;
      } else {
        key = b & 0x7f;
        width = 1;
      }
      const cp = set.map.get(key);
      if (cp === undefined) {
        const code = width === 3 ? key.toString(16).toUpperCase().padStart(6, '0') : hex(b);
        issue(i, `code ${code} has no character in the MARC-8 set "${set.name}"`);
        emitBase(out, pending, REPLACEMENT);
      } else if (set.combining.has(key)) {
        if (cp >= 0) pending.push(String.fromCodePoint(cp));
      } else if (cp >= 0) {
        emitBase(out, pending, String.fromCodePoint(cp));
      }
      i += width;
    }
    // Diacritics with no letter after them (a damaged or cut field) are kept rather than dropped.
    for (const p of pending) out.push(p);
    return resolveNcrs(out.join('')).normalize('NFC');
  }

  /** Applies the escape sequence at bytes[i] and returns the index after it. */
  private escape(bytes: Uint8Array, i: number, issue: (offset: number, message: string) => void): number {
    const at = (k: number): number | undefined => bytes[i + k];
    const b1 = at(1);
    const designate = (target: 'g0' | 'g1', finalByte: number | undefined, length: number): number => {
      if (finalByte === undefined) {
        issue(i, 'an escape sequence is cut off at the end of the text');
        return bytes.length;
      }
      if (!hasMarc8Set(finalByte)) {
        issue(i, `escape sequence selects character set ${hex(finalByte)}, which MARC-8 does not define`);
      } else {
        this[target] = finalByte;
      }
      return i + length;
    };
    // Intermediate "!" is used by some systems for ANSEL (ESC ) ! E); it changes nothing here.
    const withBang = (k: number): [number | undefined, number] => (at(k) === 0x21 ? [at(k + 1), k + 2] : [at(k), k + 1]);
    switch (b1) {
      case 0x28: // ( G0, 94 characters
      case 0x2c: {
        // , G0, 96 characters
        const [f, len] = withBang(2);
        return designate('g0', f, len);
      }
      case 0x29: // ) G1
      case 0x2d: {
        // - G1
        const [f, len] = withBang(2);
        return designate('g1', f, len);
      }
      case 0x24: {
        // $ multibyte: ESC $ F and ESC $ , F designate G0; ESC $ ) F and ESC $ - F designate G1.
        const b2 = at(2);
        if (b2 === 0x2c || b2 === 0x28) return designate('g0', at(3), 4);
        if (b2 === 0x29 || b2 === 0x2d) return designate('g1', at(3), 4);
        return designate('g0', b2, 3);
      }
      case 0x67: // g: Greek symbols (technique 1, replaces G0)
      case 0x62: // b: subscripts
      case 0x70: // p: superscripts
        return designate('g0', b1, 2);
      case 0x73: // s: back to ASCII
        this.g0 = MARC8_SET.ASCII;
        return i + 2;
      case undefined:
        issue(i, 'an escape character ends the text');
        return i + 1;
      default:
        issue(i, `unknown escape sequence ESC ${hex(b1)}`);
        return i + 1;
    }
  }
}

/** Decodes a whole MARC-8 string (default sets at the start) to NFC Unicode text. */
export function decodeMarc8(bytes: Uint8Array, onIssue?: (issue: Marc8Issue) => void): string {
  return new Marc8Decoder().decode(bytes, onIssue);
}

// ---- Encoding (Unicode → MARC-8), for exporting to systems that still only read MARC-8 ---------

/** Sets MARC-8 puts in G1 (high bytes); every other set is designated as G0. */
const G1_SETS = new Set<number>([MARC8_SET.ANSEL, MARC8_SET.EXTENDED_CYRILLIC, MARC8_SET.EXTENDED_ARABIC]);
/** Sets designated by "technique 1" (ESC F, back to ASCII with ESC s). */
const TECHNIQUE_1 = new Set<number>([MARC8_SET.GREEK_SYMBOLS, MARC8_SET.SUBSCRIPTS, MARC8_SET.SUPERSCRIPTS]);
/** Search order: the default sets first, so the plainest encoding wins. */
const ENCODE_ORDER = [
  MARC8_SET.ASCII,
  MARC8_SET.ANSEL,
  MARC8_SET.GREEK_SYMBOLS,
  MARC8_SET.SUBSCRIPTS,
  MARC8_SET.SUPERSCRIPTS,
] as number[];

interface Target {
  set: number;
  /** Key as in the tables (graphic bytes masked to 7 bits; ANSEL's C1 codes as they are). */
  key: number;
  combining: boolean;
}

let reverse: Map<number, Target> | null = null;

function reverseTable(): Map<number, Target> {
  if (reverse) return reverse;
  const map = new Map<number, Target>();
  const order = [...ENCODE_ORDER, ...Object.keys(rawSets).map((k) => parseInt(k, 16))];
  for (const finalByte of order) {
    const raw = rawSets[finalByte.toString(16).toUpperCase().padStart(2, '0')];
    if (!raw) continue;
    const combining = new Set(raw.combining);
    for (const [key, cp] of raw.entries) {
      if (cp === undefined || key === undefined || cp < 0x20 || map.has(cp)) continue;
      // ASCII only for its graphic range; controls and space are written as they are.
      if (finalByte === MARC8_SET.ASCII && (key < 0x21 || key > 0x7e)) continue;
      map.set(cp, { set: finalByte, key, combining: combining.has(key) });
    }
  }
  reverse = map;
  return map;
}

/**
 * Encodes text as MARC-8: ASCII and ANSEL (the default G0 and G1 sets) where they suffice,
 * escape sequences to other sets when needed (and back before the end of the text), combining
 * diacritics before their letter, and a numeric character reference ("&#x2019;") for a character
 * MARC-8 lacks, as the MARC 21 lossless conversion model asks. decodeMarc8(encodeMarc8(s)) is
 * s in NFC.
 */
export function encodeMarc8(text: string): Uint8Array {
  const table = reverseTable();
  const out: number[] = [];
  let g0: number = MARC8_SET.ASCII;
  let g1: number = MARC8_SET.ANSEL;
  const ascii = (s: string): void => {
    for (let k = 0; k < s.length; k++) out.push(s.charCodeAt(k));
  };
  const useG0 = (set: number): void => {
    if (g0 === set) return;
    if (set === MARC8_SET.ASCII) out.push(ESC, TECHNIQUE_1.has(g0) ? 0x73 : 0x28, ...(TECHNIQUE_1.has(g0) ? [] : [MARC8_SET.ASCII]));
    else if (TECHNIQUE_1.has(set)) out.push(ESC, set);
    else if (charSet(set)?.bytesPerChar === 3) out.push(ESC, 0x24, set);
    else out.push(ESC, 0x28, set);
    g0 = set;
  };
  const useG1 = (set: number): void => {
    if (g1 === set) return;
    out.push(ESC, 0x29, set);
    g1 = set;
  };
  const emit = (t: Target): void => {
    if (t.set === MARC8_SET.ANSEL && t.key >= 0x80) {
      out.push(t.key); // ANSEL's C1 codes (non-sort marks, joiners) need no designation
      return;
    }
    if (G1_SETS.has(t.set)) {
      useG1(t.set);
      out.push(t.key | 0x80);
      return;
    }
    // From one technique-1 set to another set, go back to ASCII first (ESC s).
    if (TECHNIQUE_1.has(g0) && g0 !== t.set) useG0(MARC8_SET.ASCII);
    useG0(t.set);
    if (charSet(t.set)?.bytesPerChar === 3) out.push((t.key >> 16) & 0x7f, (t.key >> 8) & 0x7f, t.key & 0x7f);
    else out.push(t.key & 0x7f);
  };
  const ncr = (cp: number): void => {
    useG0(MARC8_SET.ASCII);
    ascii(`&#x${cp.toString(16).toUpperCase()};`);
  };
  /** The MARC-8 of one character as [diacritics..., base], or null when MARC-8 lacks it. */
  const spell = (ch: string): Target[] | null => {
    const cp = ch.codePointAt(0)!;
    const direct = table.get(cp);
    if (direct) return [direct];
    // A letter MARC-8 has only as base + diacritics: the longest base it has, then the marks
    // ("ớ" = acute + ơ, "ế" = circumflex + acute + e).
    const nfd = [...ch.normalize('NFD')];
    for (let k = nfd.length - 1; k >= 1; k--) {
      const base = nfd.slice(0, k).join('').normalize('NFC');
      if ([...base].length !== 1) continue;
      const bt = table.get(base.codePointAt(0)!);
      const marks = nfd.slice(k).map((m) => table.get(m.codePointAt(0)!));
      if (!bt || bt.combining || marks.some((m) => !m || !m.combining)) continue;
      return [...(marks as Target[]), bt];
    }
    return null;
  };
  const chars = [...text.normalize('NFC')];
  for (let i = 0; i < chars.length; ) {
    // A cluster: a character and the combining marks NFC left after it (Hebrew points, marks
    // with no precomposed form). MARC-8 writes every mark before its base.
    let j = i + 1;
    while (j < chars.length && /\p{M}/u.test(chars[j]!)) j++;
    const base = chars[i]!;
    const extra = chars.slice(i + 1, j);
    i = j;
    const baseCp = base.codePointAt(0)!;
    const marks = extra.map((m) => table.get(m.codePointAt(0)!));
    // A mark with no letter before it would land on the next letter in MARC-8: keep it as a reference.
    const baseSpelling = baseCp <= 0x20 || baseCp === 0x7f ? [] : /\p{M}/u.test(base) ? null : spell(base);
    if (baseSpelling === null || marks.some((m) => !m || !m.combining)) {
      // Something MARC-8 lacks: references keep the order and the text.
      for (const c of [base, ...extra]) {
        const sp = c.codePointAt(0)! <= 0x20 ? [] : spell(c);
        if (sp && sp.length === 1 && !sp[0]!.combining) emit(sp[0]!);
        else if (c.codePointAt(0)! <= 0x20) out.push(c.codePointAt(0)!);
        else ncr(c.codePointAt(0)!);
      }
      continue;
    }
    // Marks in Unicode order (the base's own, then those after it), then the base.
    for (const t of baseSpelling.slice(0, -1)) emit(t);
    for (const m of marks) emit(m!);
    if (baseCp <= 0x20 || baseCp === 0x7f) out.push(baseCp); // space and controls are the same in every set
    else emit(baseSpelling[baseSpelling.length - 1]!);
  }
  useG0(MARC8_SET.ASCII);
  useG1(MARC8_SET.ANSEL);
  return Uint8Array.from(out);
}
