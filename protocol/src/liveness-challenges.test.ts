import { describe, expect, it } from 'vitest';
import {
  CHALLENGE_DRAW_MAX,
  CHALLENGE_DRAW_MIN,
  ChallengeAction,
  ChallengeResult,
  ClientMessage,
  drawChallengeActions,
  ServerMessage,
  type RandomSource,
} from './index.ts';

/** A seeded 32-bit PRNG (xorshift32): the test's fixed seed; production uses crypto.getRandomValues. */
function seeded(seed: number): RandomSource {
  let x = seed >>> 0 || 1;
  return (words) => {
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      words[i] = x;
    }
    return words;
  };
}

/** Pearson's chi-squared statistic of observed counts against equal expectations. */
function chiSquared(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

describe('drawChallengeActions', () => {
  const DRAWS = 60_000;
  const random = seeded(0x5eed_2026);
  const draws = Array.from({ length: DRAWS }, () => drawChallengeActions(random));

  it('draws 2 or 3 distinct actions of the catalog each time', () => {
    const known = new Set<string>(ChallengeAction.options);
    const bad = draws.filter(
      (d) => d.length < CHALLENGE_DRAW_MIN || d.length > CHALLENGE_DRAW_MAX || new Set(d).size !== d.length || d.some((a) => !known.has(a)),
    );
    expect(bad).toEqual([]);
  });

  it('is uniform over actions, over positions and over the draw size (chi-squared, fixed seed)', () => {
    const actions = ChallengeAction.options;
    const overall = actions.map((a) => draws.filter((d) => d.includes(a)).length);
    const first = actions.map((a) => draws.filter((d) => d[0] === a).length);
    const second = actions.map((a) => draws.filter((d) => d[1] === a).length);
    const sizes = [2, 3].map((n) => draws.filter((d) => d.length === n).length);
    // Critical values at p = 0.001: 5 degrees of freedom 20.52, 1 degree 10.83.
    expect(chiSquared(overall)).toBeLessThan(20.52);
    expect(chiSquared(first)).toBeLessThan(20.52);
    expect(chiSquared(second)).toBeLessThan(20.52);
    expect(chiSquared(sizes)).toBeLessThan(10.83);
    // Every ordered pair of distinct actions comes up as the first two (30 of them): 29 dof, p = 0.001: 58.30.
    const pairs = new Map<string, number>();
    for (const d of draws) pairs.set(`${d[0]}>${d[1]}`, (pairs.get(`${d[0]}>${d[1]}`) ?? 0) + 1);
    expect(pairs.size).toBe(30);
    expect(chiSquared([...pairs.values()])).toBeLessThan(58.3);
  });

  it('would notice a biased source (the test can fail)', () => {
    // A source whose words are always small: `% 6` of them favours low indexes; rejection sampling
    // would loop forever on a constant above the limit, so feed it a narrow cycle instead.
    let n = 0;
    const narrow: RandomSource = (words) => {
      for (let i = 0; i < words.length; i++) words[i] = n++ % 4;
      return words;
    };
    const biased = Array.from({ length: 6000 }, () => drawChallengeActions(narrow));
    const counts = ChallengeAction.options.map((a) => biased.filter((d) => d[0] === a).length);
    expect(chiSquared(counts)).toBeGreaterThan(20.52);
  });

  it('uses the platform CSPRNG by default', () => {
    expect(drawChallengeActions().length).toBeGreaterThanOrEqual(CHALLENGE_DRAW_MIN);
  });
});

describe('challenge frames', () => {
  const result = { id: '0123456789abcdef', outcome: 'done', startedAt: '2026-12-03T09:00:00.000Z', endedAt: '2026-12-03T09:00:04.000Z', figures: { yawPeak: 28.5, frames: 20 } };

  it('accepts a result and refuses one ending before it started, with text figures or too many', () => {
    expect(ChallengeResult.safeParse(result).success).toBe(true);
    expect(ChallengeResult.safeParse({ ...result, endedAt: '2026-12-03T08:59:59.000Z' }).success).toBe(false);
    expect(ChallengeResult.safeParse({ ...result, figures: { note: 'x' } }).success).toBe(false);
    expect(ChallengeResult.safeParse({ ...result, figures: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`f${i}`, i])) }).success).toBe(false);
    expect(ChallengeResult.safeParse({ ...result, hints: { real: 1.2 } }).success).toBe(false);
  });

  it('parses challenge-start and challenge-result from the agent, challenge and challenge-recorded to the pages', () => {
    expect(ClientMessage.safeParse({ type: 'challenge-start' }).success).toBe(true);
    expect(ClientMessage.safeParse({ type: 'challenge-start', action: 'turn_left', replaces: '0123456789abcdef' }).success).toBe(true);
    expect(ClientMessage.safeParse({ type: 'challenge-start', action: 'dance' }).success).toBe(false);
    expect(ClientMessage.safeParse({ type: 'challenge-result', result }).success).toBe(true);
    expect(ServerMessage.safeParse({ type: 'challenge', id: result.id, action: 'blink_twice', issuedAt: result.startedAt }).success).toBe(true);
    const recorded = { id: result.id, action: 'turn_left', issuedAt: result.startedAt, origin: 'drawn', result: { ...result, recordedAt: result.endedAt } };
    expect(ServerMessage.safeParse({ type: 'challenge-recorded', challenge: recorded }).success).toBe(true);
    expect(ServerMessage.safeParse({ type: 'challenge-ended', id: result.id }).success).toBe(true);
  });
});
