import { isTerminalState, type Role, type SessionOutcome } from '@vident/protocol';
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

/**
 * When retention ends: the session's evidence is deleted (unless the bank deleted it before) and
 * its records purged. A deadline of ended sessions only, gone once the purge is done.
 */
export function retentionAt(r: SessionRecord): number | null {
  if (!isTerminalState(r.state) || r.evidence.purgedAt || r.evidence.retainUntil === null) return null;
  return Date.parse(r.evidence.retainUntil);
}

/**
 * When the evidence of a session that ended at `endedAt` is due for deletion: the retention period,
 * or the shorter one for verifications that did not end approved when one is configured.
 */
export function retainUntil(endedAt: string, outcome: SessionOutcome, policy: { retentionMs: number; unsuccessfulRetentionMs: number | null }): string {
  const approved = outcome.state === 'decided' && outcome.decision === 'approved';
  const keepMs = approved ? policy.retentionMs : (policy.unsuccessfulRetentionMs ?? policy.retentionMs);
  return new Date(Date.parse(endedAt) + keepMs).toISOString();
}

/** What the alarm should set: the earliest deadline (lifecycle or retention), or null when nothing is pending. */
export function nextAlarm(r: SessionRecord): number | null {
  return deadlines(r)[0]?.at ?? retentionAt(r);
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
  return earliestOf(timerAt, webhookAt);
}

/** The earliest of some deadlines, ignoring the absent ones (null when all are). */
export function earliestOf(...ats: Array<number | null>): number | null {
  const present = ats.filter((at): at is number => at !== null);
  return present.length ? Math.min(...present) : null;
}
