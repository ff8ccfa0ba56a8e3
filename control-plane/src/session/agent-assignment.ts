import { isTerminalState, type ErrorCode } from '@vident/protocol';
import type { SessionRecord } from './session-record.ts';
import type { AgentClaim } from './session-rpc.ts';

/** What the session answers when the desk gives it to an agent. */
export type AssignmentStep =
  | { kind: 'refuse'; code: ErrorCode; message: string }
  /** The same agent again (a retried accept): nothing changes, the agent gets its link again. */
  | { kind: 'already' }
  | { kind: 'assign' };

/**
 * One agent per session: the first assignment wins, a second agent is refused with `conflict`, and
 * so is any agent once someone joined through the bank's own agent link.
 */
export function assignmentStep(r: SessionRecord, agent: { id: string }): AssignmentStep {
  if (isTerminalState(r.state)) return { kind: 'refuse', code: 'session_ended', message: 'the session has ended' };
  if (r.agent) {
    return r.agent.id === agent.id ? { kind: 'already' } : { kind: 'refuse', code: 'conflict', message: 'another agent has taken this customer' };
  }
  if (r.participants.agent.joinedAt !== null) return { kind: 'refuse', code: 'conflict', message: 'an agent has already joined this session' };
  return { kind: 'assign' };
}

/**
 * The desk takes the session back from an agent who never joined: refused (`conflict`) once that
 * agent is in; a session given to someone else, or to nobody, has nothing to release.
 */
export function releaseStep(r: SessionRecord, agentId: string): { kind: 'refuse'; code: ErrorCode; message: string } | { kind: 'nothing' } | { kind: 'release' } {
  if (r.agent?.id !== agentId || isTerminalState(r.state)) return { kind: 'nothing' };
  if (r.participants.agent.joinedAt !== null) return { kind: 'refuse', code: 'conflict', message: 'the agent has joined the call' };
  return { kind: 'release' };
}

/**
 * Whether the session admits an agent token (joining the call, taking a capture) now. A desk link
 * names its agent and assignment and admits only while that assignment is current, so a link of an
 * agent released after the no-show timeout, or of an agent the bank revoked, is refused. The bank's
 * own agent link names nobody: it admits only a session the desk never gave to an agent.
 */
export function agentAdmission(r: SessionRecord, claim: AgentClaim | null): { ok: true } | { ok: false; code: 'token_revoked'; message: string } {
  const refuse = (message: string) => ({ ok: false, code: 'token_revoked', message }) as const;
  const assigned = r.agent;
  if (claim === null) {
    // A record from before agent-bound links: its agent holds an unnamed link, as before.
    if (assigned !== undefined && assigned.assignmentId === undefined && assigned.revokedAt === undefined) return { ok: true };
    if (r.deskAssignedAt !== undefined || assigned !== undefined) return refuse('this session was given to a desk agent; the bank agent link no longer admits anyone');
    return { ok: true };
  }
  if (!assigned || assigned.id !== claim.agentId || assigned.assignmentId !== claim.assignmentId) {
    return refuse('this agent link is no longer valid: the session is not (or no longer) assigned to it');
  }
  if (assigned.revokedAt !== undefined) return refuse("this agent's access was revoked");
  return { ok: true };
}
