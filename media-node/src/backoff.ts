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
