import { describe, expect, it } from 'vitest';
import { afterFailure, retryDelayMs, WEBHOOK_GIVE_UP_MS } from './webhook-outbox.ts';

describe('webhook retry schedule', () => {
  it('backs off exponentially from 5 s, capped at 1 h', () => {
    expect([1, 2, 3, 4, 5, 6].map(retryDelayMs)).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000]);
    expect(retryDelayMs(10)).toBe(2_560_000);
    expect(retryDelayMs(11)).toBe(3_600_000);
    expect(retryDelayMs(500)).toBe(3_600_000);
    expect(retryDelayMs(0)).toBe(5_000);
  });

  it('retries until 24 h after the event, with a last try at the 24 h mark, then gives up', () => {
    const t0 = 1_000_000;
    expect(afterFailure(t0, 1, t0)).toEqual({ retryAt: t0 + 5_000 });
    expect(afterFailure(t0, 20, t0 + WEBHOOK_GIVE_UP_MS - 60_000)).toEqual({ retryAt: t0 + WEBHOOK_GIVE_UP_MS });
    expect(afterFailure(t0, 21, t0 + WEBHOOK_GIVE_UP_MS)).toBe('give-up');
    // The whole schedule from a receiver that never answers: about 24 h of attempts, then failure.
    let now = t0;
    let failures = 0;
    for (;;) {
      const next = afterFailure(t0, ++failures, now);
      if (next === 'give-up') break;
      expect(next.retryAt).toBeGreaterThan(now);
      now = next.retryAt;
    }
    expect(now).toBe(t0 + WEBHOOK_GIVE_UP_MS);
    expect(failures).toBeGreaterThan(20);
    expect(failures).toBeLessThan(40);
  });
});
