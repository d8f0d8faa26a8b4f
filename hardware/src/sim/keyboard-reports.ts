/** Encodes text as the boot-keyboard reports a keyboard-wedge scanner sends: press, release, per key. */
import { SHIFT_BITS, USAGE_ENTER, USAGE_TAB, charToUsage } from '../hid/keyboard-usage.ts';

/** Reports for text followed by the terminator key. Throws on a character a US keyboard cannot type. */
export function keyboardReports(text: string, terminator: 'enter' | 'tab' = 'enter'): Buffer[] {
  const reports: Buffer[] = [];
  const release = () => Buffer.alloc(8);
  for (const ch of text) {
    const k = charToUsage(ch);
    if (!k) throw new RangeError(`a keyboard-mode scanner cannot type ${JSON.stringify(ch)}`);
    const r = Buffer.alloc(8);
    r[0] = k.shift ? SHIFT_BITS & 0x02 : 0;
    r[2] = k.usage;
    reports.push(r, release());
  }
  const end = Buffer.alloc(8);
  end[2] = terminator === 'enter' ? USAGE_ENTER : USAGE_TAB;
  reports.push(end, release());
  return reports;
}
