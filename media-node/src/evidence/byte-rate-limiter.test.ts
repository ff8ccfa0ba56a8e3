import { describe, expect, it } from 'vitest';
import { ByteRateLimiter } from './byte-rate-limiter.ts';

describe('ByteRateLimiter', () => {
  it('lets bytes through at the configured rate, shared by every caller', async () => {
    const limiter = new ByteRateLimiter(100_000);
    const started = Date.now();
    // 50 KB now, then 2 x 25 KB from two callers: the last must wait ~0.75 s in all.
    await limiter.take(50_000);
    await Promise.all([limiter.take(25_000), limiter.take(25_000)]);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(700);
    expect(elapsed).toBeLessThan(1_200);
  });

  it('slices writes so one goes out about every 100 ms', () => {
    expect(new ByteRateLimiter(100_000).sliceBytes).toBe(10_000);
    expect(new ByteRateLimiter(100 * 1024 * 1024).sliceBytes).toBe(64 * 1024);
    expect(new ByteRateLimiter(2_000).sliceBytes).toBe(1024);
  });

  it('stops waiting when aborted', async () => {
    const limiter = new ByteRateLimiter(1_000);
    await limiter.take(10_000);
    const controller = new AbortController();
    const waiting = limiter.take(1_000, controller.signal);
    controller.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
  });

  it('refuses a rate of zero (0 means unlimited: no limiter at all)', () => {
    expect(() => new ByteRateLimiter(0)).toThrow();
  });
});
