import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChallengeResult } from '@vident/protocol';
import { challengeClosed, challengeIssued, challengesFromWelcome, currentChallenge } from '../challenge-list.ts';
import { DEFAULT_CHALLENGE_THRESHOLDS } from './challenge-rules.ts';
import { ChallengeSampler } from './challenge-sampler.ts';
import type { FaceDescription } from './face-choice.ts';

/* The challenges a page holds, and the sampler driving the rules with a fake engine and fake timers. */

const at = '2026-12-03T09:00:00.000Z';

describe('challenge list', () => {
  it('performs the oldest open challenge; a result or an end closes it; a repeated issue is ignored', () => {
    let list = challengeIssued([], { id: 'a', action: 'turn_left', issuedAt: at });
    list = challengeIssued(list, { id: 'b', action: 'blink_twice', issuedAt: at });
    list = challengeIssued(list, { id: 'a', action: 'turn_left', issuedAt: at });
    expect(list.map((c) => c.id)).toEqual(['a', 'b']);
    expect(currentChallenge(list)?.id).toBe('a');
    const result = { outcome: 'done' as const, startedAt: at, endedAt: at, figures: { yawPeak: 25 }, recordedAt: at };
    list = challengeClosed(list, 'a', result);
    expect(list[0]).toMatchObject({ ended: true, result });
    expect(currentChallenge(list)?.id).toBe('b');
    expect(currentChallenge(challengeClosed(list, 'b'))).toBeNull();
    expect(challengesFromWelcome([{ id: 'a', action: 'look_up', issuedAt: at, origin: 'drawn', result }, { id: 'c', action: 'id_close', issuedAt: at, origin: 'chosen' }])).toEqual([
      { id: 'a', action: 'look_up', issuedAt: at, result, ended: true },
      { id: 'c', action: 'id_close', issuedAt: at },
    ]);
  });
});

describe('ChallengeSampler', () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.parse(at) }));
  afterEach(() => vi.useRealTimers());

  const face = (yaw: number): FaceDescription => ({
    embedding: [],
    box: { x: 0, y: 0, width: 100, height: 100 },
    score: 0.9,
    faceCount: 1,
    imageWidth: 640,
    imageHeight: 480,
    pose: { yaw, pitch: 0, roll: 0 },
    live: 0.9,
  });

  function sampler(yawAt: (n: number) => number | null) {
    const results: ChallengeResult[] = [];
    let n = 0;
    const s = new ChallengeSampler({
      engine: async () => ({ describe: async () => (yawAt(n) === null ? (n++, null) : face(yawAt(n++)!)) }),
      frame: () => ({}) as ImageData,
      onResult: (r) => results.push(r),
      onProgress: () => undefined,
    });
    return { s, results };
  }

  it('reports done once the customer turns left (Human yaw negative), with its figures and hints', async () => {
    const { s, results } = sampler((n) => (n >= 15 && n < 25 ? -28 : 0));
    s.measure({ id: 'a', action: 'turn_left' });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ id: 'a', outcome: 'done', figures: { yawPeak: 28 }, hints: { live: 0.9 } });
    expect(Date.parse(results[0]!.endedAt)).toBeGreaterThan(Date.parse(results[0]!.startedAt));
  });

  it('reports failed at the deadline for a still face or no face at all, and nothing for a replaced challenge', async () => {
    const still = sampler(() => 0);
    still.s.measure({ id: 'a', action: 'turn_left' });
    await vi.advanceTimersByTimeAsync(DEFAULT_CHALLENGE_THRESHOLDS.windowMs + 1_000);
    expect(still.results).toMatchObject([{ id: 'a', outcome: 'failed' }]);

    const empty = sampler(() => null);
    empty.s.measure({ id: 'b', action: 'blink_twice' });
    empty.s.measure({ id: 'c', action: 'look_up' });
    await vi.advanceTimersByTimeAsync(DEFAULT_CHALLENGE_THRESHOLDS.windowMs + 1_000);
    expect(empty.results).toMatchObject([{ id: 'c', outcome: 'failed', figures: { faceFrames: 0 } }]);
    empty.s.stop();
  });
});
