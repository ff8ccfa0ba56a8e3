import { isTerminalState, type ErrorCode } from '@vident/protocol';
import type { SessionRecord } from './session-record.ts';

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
