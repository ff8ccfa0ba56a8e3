import { isTerminalState, type Role } from '@vident/protocol';
import { ROLES, type SessionRecord } from './session-record.ts';
import type { LifecycleEvent } from './session-state.ts';

/*
 * Every timer of a session (link expiry, maximum duration, each participant's reconnect grace) is a
 * deadline stored in its record; the Durable Object's one alarm is set to the earliest. Computing
 * from stored deadlines and the clock makes the alarm idempotent: run twice, or late, it finds the
 * same due events, and a deadline that was cleared (the customer reconnected) is simply absent.
 */

export interface Deadline {
  at: number;
  event: LifecycleEvent;
}

/** The deadlines that still matter for the record's current state, earliest first. */
export function deadlines(r: SessionRecord): Deadline[] {
  if (isTerminalState(r.state)) return [];
  const out: Deadline[] = [{ at: Date.parse(r.expiresAt), event: { type: 'max-duration' } }];
  if (r.state === 'created') out.push({ at: Date.parse(r.linkExpiresAt), event: { type: 'link-expired' } });
  for (const role of ROLES) {
    const at = r.participants[role].graceEndsAt;
    if (at !== null) out.push({ at, event: { type: 'grace-over', participant: role as Role } });
  }
  // Stable on ties: max-duration first, then link expiry, then graces in role order.
  return out.sort((a, b) => a.at - b.at);
}

/** What the alarm should set: the earliest deadline, or null when nothing is pending. */
export function nextAlarm(r: SessionRecord): number | null {
  return deadlines(r)[0]?.at ?? null;
}

/** Events whose deadline has passed at `now`, earliest first (the first that applies wins). */
export function dueEvents(r: SessionRecord, now: number): LifecycleEvent[] {
  return deadlines(r)
    .filter((d) => d.at <= now)
    .map((d) => d.event);
}

/**
 * The alarm time once the webhook outbox is counted: its next delivery attempt is one more
 * deadline, and it outlives the session (a terminal session keeps its alarm until the outbox drains).
 */
export function withWebhookDeadline(timerAt: number | null, webhookAt: number | null): number | null {
  if (timerAt === null) return webhookAt;
  if (webhookAt === null) return timerAt;
  return Math.min(timerAt, webhookAt);
}
