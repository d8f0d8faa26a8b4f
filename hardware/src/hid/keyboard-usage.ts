/**
 * USB HID keyboard usage ids (HID Usage Tables, page 0x07) to characters, US layout: what a
 * keyboard-wedge scanner types. Index = usage id; [unshifted, shifted].
 */
const table = new Map<number, [string, string]>();
const letters = 'abcdefghijklmnopqrstuvwxyz';
for (let i = 0; i < 26; i++) table.set(0x04 + i, [letters[i]!, letters[i]!.toUpperCase()]);
const digits = '1234567890';
const digitShift = '!@#$%^&*()';
for (let i = 0; i < 10; i++) table.set(0x1e + i, [digits[i]!, digitShift[i]!]);
const punct: [number, string, string][] = [
  [0x2c, ' ', ' '],
  [0x2d, '-', '_'],
  [0x2e, '=', '+'],
  [0x2f, '[', '{'],
  [0x30, ']', '}'],
  [0x31, '\\', '|'],
  [0x33, ';', ':'],
  [0x34, "'", '"'],
  [0x35, '`', '~'],
  [0x36, ',', '<'],
  [0x37, '.', '>'],
  [0x38, '/', '?'],
  // Keypad: some scanners send digits from the numeric keypad.
  [0x54, '/', '/'],
  [0x55, '*', '*'],
  [0x56, '-', '-'],
  [0x57, '+', '+'],
];
for (const [u, a, b] of punct) table.set(u, [a, b]);
const keypadDigits = '1234567890';
for (let i = 0; i < 10; i++) table.set(0x59 + i, [keypadDigits[i]!, keypadDigits[i]!]);
table.set(0x63, ['.', '.']);

export const USAGE_ENTER = 0x28;
export const USAGE_KEYPAD_ENTER = 0x58;
export const USAGE_TAB = 0x2b;
/** Left and right shift bits in the modifier byte. */
export const SHIFT_BITS = 0x02 | 0x20;
/** Usage 0x01 in every slot: the keyboard reports "too many keys" (ErrorRollOver). */
export const USAGE_ROLLOVER = 0x01;
/** Usages 0x01–0x03 (ErrorRollOver, POSTFail, ErrorUndefined) say the key state is unknown. */
export function isErrorUsage(usage: number): boolean {
  return usage >= 0x01 && usage <= 0x03;
}
/** LeftShift and RightShift as key usages: boot reports carry them as bits, some devices also as keys. */
export const USAGE_LEFT_SHIFT = 0xe1;
export const USAGE_RIGHT_SHIFT = 0xe5;

/** The character a usage id types, or undefined for keys that type nothing we use. */
export function usageToChar(usage: number, shift: boolean): string | undefined {
  const e = table.get(usage);
  return e ? e[shift ? 1 : 0] : undefined;
}

/** The usage id and shift state that type a character (for the simulator), or undefined. */
export function charToUsage(ch: string): { usage: number; shift: boolean } | undefined {
  for (const [usage, [a, b]] of table) {
    if (usage >= 0x54) continue; // prefer the main block, as scanners do
    if (a === ch) return { usage, shift: false };
    if (b === ch) return { usage, shift: true };
  }
  return undefined;
}
