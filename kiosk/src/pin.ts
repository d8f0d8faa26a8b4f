/**
 * The PIN typed on the kiosk's keypad: digits only, 4 to 6 of them (what the daemon accepts).
 * Pure string steps for the keypad; the digits themselves live only in the PinScreen component,
 * never in the store or in any browser storage.
 */
export const PIN_MIN = 4;
export const PIN_MAX = 6;

/** One more digit, unless the PIN is already as long as a PIN can be (or `digit` is not one digit). */
export function pressDigit(digits: string, digit: string): string {
  return digits.length < PIN_MAX && /^\d$/.test(digit) ? digits + digit : digits;
}

/** "Xoá": drops the last digit. */
export function deleteDigit(digits: string): string {
  return digits.slice(0, -1);
}

/** True when "Xong" may send the PIN: 4 to 6 digits. */
export function isCompletePin(digits: string): boolean {
  return digits.length >= PIN_MIN && digits.length <= PIN_MAX && /^\d+$/.test(digits);
}
