/**
 * CODE128 symbols for the slip preview: turns GS k 73 data ("{B…", "{C…") back into symbol values
 * and the check symbol, so the simulated printer draws the bars a real one would (the pattern
 * table and widths are core/barcode/code128.ts, shared with the labels and cards).
 */
import { CODE_A, CODE_B, CODE_C, START_A, START_B, START_C, STOP, code128Check } from '#core/barcode/code128.ts';


const START = { A: START_A, B: START_B, C: START_C } as const;
const SWITCH_TO = { A: CODE_A, B: CODE_B, C: CODE_C } as const; // value of "Code X" in the other sets

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
  values.push(code128Check(values), STOP);
  return { values, text };
}
