import { sleepUnlessAborted } from '../backoff.ts';

/**
 * Paces outgoing bytes to at most `bytesPerSecond` across every request that shares it, so an
 * upload never takes the bandwidth live calls need. `take(n)` resolves when n more bytes may go
 * out; a reservation is made before waiting, so concurrent callers queue fairly.
 */
export class ByteRateLimiter {
  private nextFreeAt = 0;

  constructor(readonly bytesPerSecond: number) {
    if (!(bytesPerSecond > 0)) throw new Error('bytesPerSecond must be positive');
  }

  /** Slice size that keeps writes flowing about every 100 ms (so idle timeouts never fire). */
  get sliceBytes(): number {
    return Math.max(1024, Math.min(64 * 1024, Math.floor(this.bytesPerSecond / 10)));
  }

  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    const now = Date.now();
    const start = Math.max(now, this.nextFreeAt);
    this.nextFreeAt = start + (bytes / this.bytesPerSecond) * 1000;
    const wait = start - now;
    if (wait <= 0) return;
    await sleepUnlessAborted(wait, signal);
  }
}
