import { assertNever } from '@vident/protocol';
import type { ActiveState, CancelledBy, DecidingAgent, Decision, ReasonCode, Role, SessionOutcome, SessionState, TerminalState } from '@vident/protocol';

/*
 * The session lifecycle as a pure function:
 *
 *   created --customer-connected--> waiting --publishers-up--> in_call --decide--> decided
 *
 *   any active state --cancel(by)--> cancelled        any active state --max-duration--> expired
 *   created --link-expired--> expired                 waiting | in_call --grace-over(role)--> abandoned
 *   any active state --fail(cause)--> failed
 *
 * Repeats that change nothing are accepted (customer-connected again, publishers-up again in
 * in_call) because reconnects produce them. Terminal states are final: every event is refused there.
 */

export type Lifecycle = { state: ActiveState; outcome: null } | { state: TerminalState; outcome: SessionOutcome };

export type LifecycleEvent =
  | { type: 'customer-connected' }
  | { type: 'publishers-up' }
  /** `checklist` (each configured item: ticked or not) is audited only; the outcome does not carry it. */
  | {
      type: 'decide';
      decision: Decision;
      reasonCodes: ReasonCode[];
      note: string;
      checklist?: Record<string, boolean>;
      /** The session's desk agent (the only agent its socket admits); absent for the bank's own agent link. */
      agent?: DecidingAgent;
      /** The agent aborted the identification for a procedure reason (frame `abort`). */
      aborted?: true;
    }
  | { type: 'cancel'; by: CancelledBy }
  | { type: 'link-expired' }
  | { type: 'max-duration' }
  | { type: 'grace-over'; participant: Role }
  | { type: 'fail'; cause: string };

export type TransitionResult =
  | { ok: true; lifecycle: Lifecycle }
  | { ok: false; code: 'invalid_transition'; message: string };

export const INITIAL_LIFECYCLE: Lifecycle = { state: 'created', outcome: null };


const refuse = (from: SessionState, event: LifecycleEvent, why: string): TransitionResult => ({
  ok: false,
  code: 'invalid_transition',
  message: `cannot ${event.type} in state ${from}: ${why}`,
});

const active = (state: ActiveState): TransitionResult => ({ ok: true, lifecycle: { state, outcome: null } });

const terminal = (outcome: SessionOutcome): TransitionResult => ({ ok: true, lifecycle: { state: outcome.state, outcome } });

/** Applies one event. Never throws; an event that makes no sense in a state is refused unchanged. */
export function transition(current: Lifecycle, event: LifecycleEvent): TransitionResult {
  if (current.outcome !== null) return refuse(current.state, event, 'the session has ended');
  const state = current.state;
  switch (event.type) {
    case 'customer-connected':
      return active(state === 'created' ? 'waiting' : state);
    case 'publishers-up':
      return state === 'created' ? refuse(state, event, 'the customer has not connected') : active('in_call');
    case 'decide':
      if (state !== 'in_call') return refuse(state, event, 'a decision needs a running call');
      if (event.decision === 'rejected' && event.reasonCodes.length === 0) {
        return refuse(state, event, 'a rejection needs at least one reason code');
      }
      return terminal({
        state: 'decided',
        decision: event.decision,
        reasonCodes: event.reasonCodes,
        note: event.note,
        decidedBy: 'agent',
        ...(event.agent ? { agent: event.agent } : {}),
        ...(event.aborted ? { aborted: true as const } : {}),
      });
    case 'cancel':
      return terminal({ state: 'cancelled', by: event.by });
    case 'link-expired':
      return state === 'created' ? terminal({ state: 'expired', cause: 'link_expired' }) : refuse(state, event, 'the customer has joined');
    case 'max-duration':
      return terminal({ state: 'expired', cause: 'max_duration' });
    case 'grace-over':
      return state === 'created'
        ? refuse(state, event, 'nobody is abandoned before the customer joins')
        : terminal({ state: 'abandoned', participant: event.participant });
    case 'fail':
      return terminal({ state: 'failed', cause: event.cause.slice(0, 256) });
    default:
      return assertNever(event);
  }
}
