import type { ErrorCode } from '@vident/protocol';

/** Backoff before reconnect attempt `attempt` (1-based); null once we should give up. */
export function reconnectDelayMs(attempt: number, maxAttempts = 6): number | null {
  if (attempt < 1 || attempt > maxAttempts) return null;
  return Math.min(8000, 500 * 2 ** (attempt - 1));
}

/**
 * Whether a socket close deserves a reconnect. 1000 is a deliberate close by the server (e.g. a newer
 * tab took over the seat) and 1008/4xxx are refusals; retrying those would just loop.
 */
export function shouldReconnect(closeCode: number): boolean {
  return !(closeCode === 1000 || closeCode === 1008 || (closeCode >= 4000 && closeCode <= 4999));
}

/** Server errors after which this page cannot continue the call with the same token. */
const FATAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'unauthorized',
  'token_invalid',
  'token_expired',
  'token_revoked',
  'forbidden',
  'not_found',
  'session_ended',
]);

/** True when an `error` frame with this code ends the call attempt. */
export function isFatalServerError(code: ErrorCode): boolean {
  return FATAL_CODES.has(code);
}
