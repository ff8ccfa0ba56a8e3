/*
 * Unpredictable draws a session makes (issue 15: which security features the agent checks, the
 * one-time code): uniform integers from a CSPRNG by rejection sampling, never `% bound` on raw
 * bytes (which favours the low values whenever 2^32 is not a multiple of the bound). Pure over a
 * random source so a test can seed it; production passes crypto.getRandomValues.
 */

/** Fills the array with random 32-bit words (crypto.getRandomValues fits). */
export type RandomSource = (words: Uint32Array<ArrayBuffer>) => Uint32Array<ArrayBuffer>;

/** The platform's CSPRNG (Workers, Node 20 and browsers alike). */
export const cryptoRandom: RandomSource = (words) => crypto.getRandomValues(words);

const RANGE = 2 ** 32;

/** A uniform integer in [0, bound) for 1 <= bound <= 2^32, drawn without modulo bias. */
export function randomBelow(bound: number, random: RandomSource = cryptoRandom): number {
  if (!Number.isInteger(bound) || bound < 1 || bound > RANGE) throw new RangeError(`bound must be an integer in 1..2^32, got ${bound}`);
  // The largest multiple of `bound` that fits in 32 bits: words at or above it are redrawn.
  const limit = RANGE - (RANGE % bound);
  const word = new Uint32Array(1);
  for (;;) {
    const value = random(word)[0]!;
    if (value < limit) return value % bound;
  }
}

/** `count` distinct indexes of [0, size) in random order (a partial Fisher-Yates shuffle). */
export function sampleIndexes(size: number, count: number, random: RandomSource = cryptoRandom): number[] {
  if (count > size) throw new RangeError(`cannot draw ${count} of ${size}`);
  const pool = Array.from({ length: size }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + randomBelow(size - i, random);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
}
