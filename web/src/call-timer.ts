/**
 * Formats a call duration as mm:ss (hh:mm:ss past an hour). Negative or non-finite input
 * (a client clock behind the server's startedAt) shows as 00:00 rather than a negative time.
 */
export function formatDuration(ms: number): string {
  const total = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const mmss = `${pad(minutes)}:${pad(seconds)}`;
  return hours > 0 ? `${pad(hours)}:${mmss}` : mmss;
}

/** Milliseconds since an ISO timestamp; 0 when the timestamp is missing or unparsable. */
export function elapsedSince(startedAt: string | null, nowMs: number): number {
  if (startedAt === null) return 0;
  const start = Date.parse(startedAt);
  return Number.isNaN(start) ? 0 : Math.max(0, nowMs - start);
}

function pad(n: number): string {
  return n.toString().padStart(2, '0');
}
