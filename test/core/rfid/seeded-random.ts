/**
 * A small seeded PRNG (mulberry32) for property-style loops: the same seed gives the same cases,
 * so a failure names its seed and case and can be replayed. Not for anything but tests.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  bytes(n: number): Uint8Array;
  pick<T>(xs: readonly T[]): T;
}

export function seededRandom(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    bytes: (n) => Uint8Array.from({ length: n }, () => int(0, 255)),
    pick: (xs) => xs[int(0, xs.length - 1)]!,
  };
}
