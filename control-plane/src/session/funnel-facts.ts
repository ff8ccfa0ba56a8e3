import { type FunnelFacts, type FunnelStep, type FunnelStopReason } from '@vident/protocol';
import { durationMs, type SessionRecord } from './session-record.ts';

/*
 * One ended session's funnel summary, from what the session knows: its record (states, consent,
 * call times, outcome, desk agent) and the pre-call marks its customer's page left before joining
 * (funnel-marks.ts). Pure: no storage, no clock. Ids and times only, never a name or a number.
 */

/** What the customer's page showed before it joined (absent: the page never said). */
export interface PrecheckMarks {
  /** The landing page was shown, or a network check ran (the link was opened either way). */
  linkOpened: boolean;
  /** The browser refused the camera or microphone. */
  permissionRefused: boolean;
  /** The latest network check the page reported, if any. */
  lastNetworkCheck: 'pass' | 'fail' | null;
}

export const NO_MARKS: PrecheckMarks = { linkOpened: false, permissionRefused: false, lastNetworkCheck: null };

/** The furthest step the record shows (the customer's page only joins after its pre-call check passed). */
export function lastStepOf(r: SessionRecord, marks: PrecheckMarks): FunnelStep {
  if (r.outcome?.state === 'decided') return 'decided';
  if (r.startedAt !== null) return 'in_call';
  const joined = r.participants.customer.joinedAt !== null;
  // Consent is its own step in recorded sessions only; elsewhere a joined customer is queued at once.
  const consented = joined && (!r.record || r.consent !== null);
  if (consented) return 'queued';
  if (joined) return 'precheck_passed';
  if (marks.linkOpened || marks.permissionRefused || marks.lastNetworkCheck !== null) return 'link_opened';
  return 'created';
}

/** Why a session that was not decided stopped at `step`. */
export function stopReasonOf(r: SessionRecord, step: FunnelStep, marks: PrecheckMarks): FunnelStopReason | null {
  const outcome = r.outcome;
  if (outcome === null || outcome.state === 'decided') return null;
  if (outcome.state === 'failed') return 'failed';
  // Stuck in the pre-call check: what the page saw is why, whatever ended the session later.
  if (step === 'link_opened') {
    if (marks.permissionRefused) return 'permission_refused';
    if (marks.lastNetworkCheck === 'fail') return 'network_check_failed';
  }
  switch (outcome.state) {
    case 'expired':
      return 'expired';
    case 'cancelled':
      if (outcome.by === 'bank') return 'cancelled_by_bank';
      if (outcome.by === 'agent') return 'cancelled_by_agent';
      // The customer's page cancels before consent only by declining it.
      if (step === 'precheck_passed' && r.record) return 'consent_declined';
      return step === 'queued' ? 'left_queue' : 'abandoned';
    case 'abandoned':
      return step === 'queued' && outcome.participant === 'customer' ? 'left_queue' : 'abandoned';
  }
}

/** The session's funnel facts; only meaningful once it ended (the caller checks). */
export function funnelFactsOf(r: SessionRecord, marks: PrecheckMarks = NO_MARKS): FunnelFacts {
  const lastStep = lastStepOf(r, marks);
  const queuedAt = r.consent?.at ?? r.participants.customer.joinedAt;
  const waitMs = r.startedAt !== null && queuedAt !== null ? Math.max(0, Date.parse(r.startedAt) - Date.parse(queuedAt)) : null;
  const decided = r.outcome?.state === 'decided' ? r.outcome : null;
  return {
    sessionId: r.sessionId,
    day: r.createdAt.slice(0, 10),
    agentId: r.agent?.id ?? null,
    lastStep,
    stopReason: stopReasonOf(r, lastStep, marks),
    waitMs,
    callMs: r.startedAt !== null && r.endedAt !== null ? durationMs(r) : null,
    decision: decided?.decision ?? null,
    reasonCodes: decided?.reasonCodes ?? [],
  };
}

