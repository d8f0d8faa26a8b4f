/**
 * Patron PINs, stored only as scrypt hashes ("scrypt$N$r$p$salt$hash", base64url). The station
 * verifies offline against the replica's hash, so the hash travels; the PIN itself never does
 * beyond the one request that carries it, and is never journaled or stored.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

const N = 1 << 14;
const R = 8;
const P = 1;
const KEYLEN = 32;

/** A PIN is 4 to 6 digits, as a child can type on the kiosk's keypad. */
export function isValidPin(pin: string): boolean {
  return /^\d{4,6}$/.test(pin);
}

export function hashPin(pin: string): string {
  if (!isValidPin(pin)) throw new RangeError('a PIN is 4 to 6 digits');
  const salt = randomBytes(16);
  const hash = scryptSync(pin, salt, KEYLEN, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** True when pin matches the stored hash; false for a malformed hash (never throws). */
export function verifyPin(pin: string, stored: string): boolean {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  try {
    const expected = Buffer.from(hash, 'base64url');
    const got = scryptSync(pin, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
    return timingSafeEqual(got, expected);
  } catch {
    return false;
  }
}
