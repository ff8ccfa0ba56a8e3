/*
 * Human's face similarity (@vladmandic/human 3.3.6, src/face/match.ts `similarity` with its default
 * options: Euclidean distance scaled by 25, normalized to 0.2..0.8, clamped to 0..1, 2 decimals).
 * Its published reading: above 0.5 the faces can be considered the same person. Kept here rather than
 * imported so the page does not load Human's 2 MB bundle for a dozen lines of arithmetic;
 * face-similarity.test.ts checks it against Human's own function.
 */

const MULTIPLIER = 25;
const MIN = 0.2;
const MAX = 0.8;

/** Similarity of two faceres embeddings, 0 (unlike) to 1 (identical); 0 when their lengths differ. */
export function faceSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || a.length !== b.length) return 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = a[i]! - b[i]!;
    sum += diff * diff;
  }
  const distance = Math.round(100 * MULTIPLIER * sum) / 100;
  if (distance === 0) return 1;
  const root = Math.sqrt(distance);
  const normalized = (1 - root / 100 - MIN) / (MAX - MIN);
  return Math.round(100 * Math.max(Math.min(normalized, 1), 0)) / 100;
}
