import { describe, expect, it } from 'vitest';
import { faceSimilarity } from './face-similarity.ts';

type HumanSimilarity = (a: number[], b: number[]) => number;

/**
 * Human's own `similarity`: src/face/match.ts of the installed package (no imports), which vitest
 * compiles; a computed specifier, so tsc does not type-check Human's source with this project's rules.
 */
async function humansSimilarity(): Promise<HumanSimilarity> {
  const source = new URL('../../../node_modules/@vladmandic/human/src/face/match.ts', import.meta.url).pathname;
  const module = (await import(/* @vite-ignore */ source)) as { similarity: HumanSimilarity };
  return module.similarity;
}

/** A deterministic pseudo-random embedding of faceres's length, spread so that blends span every band. */
function embedding(seed: number, length = 1024): number[] {
  let x = seed;
  return Array.from({ length }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return (x / 2 ** 31 - 0.5) * 3;
  });
}

/** `base` moved towards another embedding by `t` (0: itself, 1: the other). */
function blend(base: number[], other: number[], t: number): number[] {
  return base.map((v, i) => v * (1 - t) + other[i]! * t);
}

describe('faceSimilarity', () => {
  it('equals Human 3.3.6 similarity() over the whole range', async () => {
    const human = await humansSimilarity();
    const a = embedding(1);
    const b = embedding(2);
    const pairs: [number[], number[]][] = [[a, a], [a, b]];
    for (let t = 0.005; t < 0.5; t += 0.007) pairs.push([a, blend(a, b, t)]);
    const scores = pairs.map(([x, y]) => faceSimilarity(x, y));
    expect(scores).toEqual(pairs.map(([x, y]) => human(x, y)));
    // The pairs span the range: identical, matching, unsure, different.
    expect(Math.max(...scores)).toBe(1);
    expect(Math.min(...scores)).toBeLessThan(0.3);
    expect(scores.some((s) => s > 0.4 && s < 0.5)).toBe(true);
  });

  it('is symmetric, 1 for the same embedding, 0 for embeddings of different lengths or none', () => {
    const a = embedding(3);
    const b = embedding(4);
    expect(faceSimilarity(a, b)).toBe(faceSimilarity(b, a));
    expect(faceSimilarity(a, [...a])).toBe(1);
    expect(faceSimilarity(a, a.slice(1))).toBe(0);
    expect(faceSimilarity([], [])).toBe(0);
  });
});
