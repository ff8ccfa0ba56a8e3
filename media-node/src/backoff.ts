/*
 * Retrying with exponential backoff and jitter: the sidecar's loops that wait for a peer to come
 * back (Janus, the control plane) share one schedule, 250 ms doubling up to 10 s, +-25%.
 */

/** The delay before retry number `attempt` (0-based), in ms. */
export function backoff(attempt: number): number {
  return Math.min(10_000, 250 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
}

/** Waits `ms` without keeping the process alive. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** Waits `ms`, or rejects with the signal's reason as soon as it is aborted. */
export function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    }
    if (signal?.aborted) return aborted();
    signal?.addEventListener('abort', aborted, { once: true });
  });
}

/**
 * Runs `attempt` until it resolves or `stopped()` says to give up; after each failure
 * `onFailure` hears the error and the delay before the next try (the backoff stops growing
 * after the 7th).
 */
export async function retryWithBackoff(
  attempt: () => Promise<void>,
  opts: { stopped: () => boolean; onFailure: (err: unknown, retryInMs: number) => void },
): Promise<void> {
  for (let n = 0; !opts.stopped(); n++) {
    try {
      await attempt();
      return;
    } catch (err) {
      const delay = backoff(Math.min(n, 6));
      opts.onFailure(err, delay);
      await sleep(delay);
    }
  }
}
