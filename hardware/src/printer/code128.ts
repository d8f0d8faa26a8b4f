/**
 * CODE128 symbols for the slip preview: turns GS k 73 data ("{B…", "{C…") back into symbol values,
 * the check symbol and bar widths, so the simulated printer draws the bars a real one would.
 * Patterns from ISO/IEC 15417: six element widths (bar first) per symbol value; 106 is the stop.
 */

// prettier-ignore
export const CODE128_PATTERNS: readonly string[] = [
  '212222', '222122', '222221', '121223', '121322', '131222', '122213', '122312', '132212', '221213',
  '221312', '231212', '112232', '122132', '122231', '113222', '123122', '123221', '223211', '221132',
  '221231', '213212', '223112', '312131', '311222', '321122', '321221', '312212', '322112', '322211',
  '212123', '212321', '232121', '111323', '131123', '131321', '112313', '132113', '132311', '211313',
  '231113', '231311', '112133', '112331', '132131', '113123', '113321', '133121', '313121', '211331',
  '231131', '213113', '213311', '213131', '311123', '311321', '331121', '312113', '312311', '332111',
  '314111', '221411', '431111', '111224', '111422', '121124', '121421', '141122', '141221', '112214',
  '112412', '122114', '122411', '142112', '142211', '241211', '221114', '413111', '241112', '134111',
  '111242', '121142', '121241', '114212', '124112', '124211', '411212', '421112', '421211', '212141',
  '214121', '412121', '111143', '111341', '131141', '114113', '114311', '411113', '411311', '113141',
  '114131', '311141', '411131', '211412', '211214', '211232', '2331112',
];

const START = { A: 103, B: 104, C: 105 } as const;
const SWITCH_TO = { A: 101, B: 100, C: 99 } as const; // value of "Code X" in the other sets
const STOP = 106;

export class Code128DataError extends Error {
  override name = 'Code128DataError';
}

export interface Code128Symbol {
  /** Symbol values: start, data, check, stop. */
  values: number[];
  /** Human-readable text (what the printer prints under the bars). */
  text: string;
}

/**
 * Interprets GS k 73 data as printers do: it must open with "{A", "{B" or "{C"; "{{" is a brace;
 * "{A/B/C" switches set, "{S" shifts one character, "{1".."{4" are FNC1–FNC4.
 */
export function code128FromCommandData(data: Uint8Array): Code128Symbol {
  if (data.length < 2 || data[0] !== 0x7b || !'ABC'.includes(String.fromCharCode(data[1]!)))
    throw new Code128DataError('CODE128 data must start with {A, {B or {C');
  let set = String.fromCharCode(data[1]!) as 'A' | 'B' | 'C';
  const values: number[] = [START[set]];
  let text = '';
  let shift = false;
  for (let i = 2; i < data.length; i++) {
    const b = data[i]!;
    if (b === 0x7b) {
      const c = data[++i];
      if (c === undefined) throw new Code128DataError('CODE128 data ends after "{"');
      const k = String.fromCharCode(c);
      if (k === '{') {
        pushChar(0x7b);
        continue;
      }
      if (k === 'A' || k === 'B' || k === 'C') {
        if (k !== set) values.push(SWITCH_TO[k]);
        set = k;
      } else if (k === 'S') {
        if (set === 'C') throw new Code128DataError('SHIFT is not allowed in code set C');
        values.push(98);
        shift = true;
      } else if (k >= '1' && k <= '4') values.push(k === '1' ? 102 : k === '2' ? 97 : k === '3' ? 96 : set === 'A' ? 101 : 100);
      else throw new Code128DataError(`unknown CODE128 escape "{${k}"`);
      continue;
    }
    if (set === 'C') {
      if (b > 99) throw new Code128DataError(`code set C value ${b} > 99`);
      values.push(b);
      text += String(b).padStart(2, '0');
      continue;
    }
    pushChar(b);
  }
  function pushChar(b: number) {
    const active = shift ? (set === 'A' ? 'B' : 'A') : set;
    shift = false;
    if (active === 'A') {
      if (b > 0x5f) throw new Code128DataError(`0x${b.toString(16)} is not in code set A`);
      values.push(b >= 0x20 ? b - 0x20 : b + 64);
    } else {
      if (b < 0x20 || b > 0x7f) throw new Code128DataError(`0x${b.toString(16)} is not in code set B`);
      values.push(b - 0x20);
    }
    if (b >= 0x20 && b < 0x7f) text += String.fromCharCode(b);
  }
  let sum = values[0]!;
  for (let i = 1; i < values.length; i++) sum += values[i]! * i;
  values.push(sum % 103, STOP);
  return { values, text };
}

/** Element widths in modules, bar first, for a symbol's values (stop pattern included). */
export function code128Elements(values: number[]): number[] {
  const out: number[] = [];
  for (const v of values) for (const ch of CODE128_PATTERNS[v]!) out.push(Number(ch));
  return out;
}
