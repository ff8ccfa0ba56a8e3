import type { Role } from '@vident/protocol';

/*
 * Per-session budgets (security review finding 6): what one session may cost whatever its
 * participants send. Every frame a participant sends may become a signed node command, a stored
 * record or an audit row, and reconnects write audit rows and directory updates, so each of these
 * is bounded per session and role, not per connection (a reconnect must not reset a budget).
 * The numbers are the defaults of the SESSION_* variables (config.ts); README lists them.
 */

/** The limits one session runs under. */
export interface SessionLimits {
  /** Frames a role may send at once (token bucket capacity), any frame type, valid or not. */
  frameBurst: number;
  /** Frames a role earns back per second once the burst is spent. */
  framesPerSecond: number;
  /** Sockets a role may open per minute (joins and reconnects); excess upgrades answer 429 rate_limited. */
  joinsPerMinute: number;
  /** Chat lines per session (both roles); then `limit_reached`. */
  chatLines: number;
  /** The agent's captures per session; then `limit_reached`. */
  captures: number;
  /** Recording segments (publishes) per role; then `limit_reached`. */
  segments: number;
  /** Audit rows the participants' own actions may write per session; then `limit_reached`. */
  participantAuditRows: number;
}

/** The defaults: far above what a real 30-minute call needs, far below what fills storage. */
export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  // A page sends a burst of trickle candidates (two legs) plus publish and media-state at start.
  frameBurst: 60,
  framesPerSecond: 20,
  joinsPerMinute: 10,
  chatLines: 500,
  captures: 50,
  segments: 100,
  participantAuditRows: 5000,
};

/** The audit actors whose rows count against participantAuditRows. */
export const PARTICIPANT_ACTORS: readonly Role[] = ['customer', 'agent'];

/** A token bucket's state: tokens left at `at` (ms since epoch). Plain data, so it can be stored. */
export interface BucketState {
  tokens: number;
  at: number;
}

/**
 * Takes one token from a bucket of `capacity` refilled at `perSecond`, or refuses without taking
 * any. Pure: answers the bucket's new state and, when refused, how long until a token is back.
 */
export function takeToken(
  state: BucketState | null,
  now: number,
  capacity: number,
  perSecond: number,
): { ok: boolean; state: BucketState; retryAfterMs: number } {
  const elapsed = state ? Math.max(0, now - state.at) : 0;
  const tokens = state ? Math.min(capacity, state.tokens + (elapsed / 1000) * perSecond) : capacity;
  if (tokens >= 1) return { ok: true, state: { tokens: tokens - 1, at: now }, retryAfterMs: 0 };
  return { ok: false, state: { tokens, at: now }, retryAfterMs: Math.ceil(((1 - tokens) / perSecond) * 1000) };
}

/**
 * Each role's frame bucket, in memory. A session's Durable Object is one instance for all its
 * sockets, so a reconnect keeps the bucket. It is lost only when the object is evicted, which
 * happens after it has been idle for seconds: longer than a spent bucket takes to refill
 * (frameBurst / framesPerSecond = 3 s by default), so eviction gives nothing a wait would not.
 */
export class FrameBudget {
  private readonly buckets = new Map<Role, BucketState>();
  private readonly refused = new Map<Role, number>();

  constructor(private readonly limits: () => SessionLimits) {}

  /** Takes one frame from the role's budget at `now`; false when it is spent. */
  allow(role: Role, now: number): boolean {
    const { frameBurst, framesPerSecond } = this.limits();
    const out = takeToken(this.buckets.get(role) ?? null, now, frameBurst, framesPerSecond);
    this.buckets.set(role, out.state);
    this.refused.set(role, out.ok ? 0 : (this.refused.get(role) ?? 0) + 1);
    return out.ok;
  }

  /** Frames of the role refused since its last admitted one (1: the flood just started; log once). */
  refusedInARow(role: Role): number {
    return this.refused.get(role) ?? 0;
  }
}

/**
 * Each role's join bucket, in the session's SQLite: eviction happens between two slow reconnects,
 * so an in-memory bucket would reset exactly when a patient reconnect loop needs it to.
 */
export class JoinBudget {
  constructor(
    private readonly sql: SqlStorage,
    private readonly limits: () => SessionLimits,
  ) {
    sql.exec('CREATE TABLE IF NOT EXISTS join_budget (role TEXT PRIMARY KEY, tokens REAL NOT NULL, at INTEGER NOT NULL)');
  }

  /** Admits one more socket of the role at `now`, or says how long to wait (seconds, at least 1). */
  admit(role: Role, now: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const perMinute = this.limits().joinsPerMinute;
    const row = this.sql.exec<{ tokens: number; at: number }>('SELECT tokens, at FROM join_budget WHERE role = ?', role).toArray()[0];
    const out = takeToken(row ?? null, now, perMinute, perMinute / 60);
    this.sql.exec(
      'INSERT INTO join_budget (role, tokens, at) VALUES (?, ?, ?) ON CONFLICT (role) DO UPDATE SET tokens = excluded.tokens, at = excluded.at',
      role,
      out.state.tokens,
      out.state.at,
    );
    return out.ok ? { ok: true } : { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(out.retryAfterMs / 1000)) };
  }
}
