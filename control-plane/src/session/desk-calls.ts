import { isTerminalState, type QueueStatus } from '@vident/protocol';
import type { Caller } from '../base/caller.ts';
import type { Failure } from '../base/http-error.ts';
import { actorOf } from './audit-input.ts';
import { log } from '../base/log.ts';
import { assignmentStep, releaseStep } from './agent-assignment.ts';
import type { SessionCore } from './session-core.ts';
import { failure } from './session-failure.ts';
import type { AssignResult, DeskSessionRpc } from './session-rpc.ts';
import { CLOSE_REVOKED } from './participant-sockets.ts';

/** The agents' desk's calls on a session: assigning and releasing its agent, and the customer's queue position. */
export class DeskCalls implements DeskSessionRpc {
  constructor(private readonly core: SessionCore) {}

  /** The desk gives the session to an agent: the first wins, another is refused (`conflict`); audited. */
  assignAgent(agent: { id: string; name: string }, via: 'pick' | 'random'): Promise<AssignResult | Failure> {
    return this.core.withSession(async ({ record: r }) => {
      const step = assignmentStep(r, agent);
      if (step.kind === 'refuse') return failure(step.code, step.message);
      if (step.kind === 'assign') {
        // The agent link the desk mints names this assignment: only it admits the agent (agentAdmission).
        r.agent = { id: agent.id, name: agent.name, assignmentId: crypto.randomUUID() };
        r.deskAssignedAt ??= new Date().toISOString();
        await this.core.saveAndPublish(r);
        await this.core.appendAudit({ actor: via === 'pick' ? 'agent' : 'system', action: 'agent.assigned', detail: { agentId: agent.id, name: agent.name, via } });
        log('agent_assigned', { sessionId: r.sessionId, agentId: agent.id, via });
      } else if (r.agent!.assignmentId === undefined) {
        r.agent!.assignmentId = crypto.randomUUID();
        r.deskAssignedAt ??= new Date().toISOString();
        await this.core.saveAndPublish(r);
      }
      return { ok: true, expiresAt: r.expiresAt, locale: r.locale, assignmentId: r.agent!.assignmentId! };
    });
  }

  /** The desk takes the session back from an agent who did not join in time (audited); another may take it. */
  releaseAgent(agentId: string): Promise<{ ok: true } | Failure> {
    return this.core.withSession(async ({ record: r }) => {
      const step = releaseStep(r, agentId);
      if (step.kind === 'refuse') return failure(step.code, step.message);
      if (step.kind === 'release') {
        delete r.agent;
        await this.core.saveAndPublish(r);
        await this.core.appendAudit({ actor: 'system', action: 'agent.released', detail: { agentId, reason: 'did_not_join' } });
      }
      return { ok: true } as const;
    });
  }

  /**
   * The bank revoked the agent. Not joined yet: the session is released as for a no-show (the
   * customer is offered again). In the call: its link admits nobody any more and its socket is
   * closed; its reconnect grace then runs out as for any agent who left. Audited; idempotent.
   */
  async revokeAgent(agentId: string, caller?: Caller): Promise<{ ok: true }> {
    await this.core.withSession(async ({ record: r }) => {
      if (r.agent?.id !== agentId || r.agent.revokedAt !== undefined || isTerminalState(r.state)) return;
      if (r.participants.agent.joinedAt === null) {
        delete r.agent;
        await this.core.saveAndPublish(r);
        await this.core.appendAudit({ actor: actorOf(caller), action: 'agent.released', detail: { agentId, reason: 'revoked' }, from: caller?.from ?? null });
        return;
      }
      r.agent.revokedAt = new Date().toISOString();
      await this.core.saveAndPublish(r);
      await this.core.appendAudit({ actor: actorOf(caller), action: 'agent.revoked', detail: { agentId }, from: caller?.from ?? null });
      this.core.sockets.send('agent', { type: 'error', code: 'token_revoked', message: "this agent's access was revoked" });
      this.core.sockets.close('agent', CLOSE_REVOKED, 'access revoked');
      log('agent_revoked', { sessionId: r.sessionId, agentId });
    });
    return { ok: true };
  }

  /** The desk's queue position for the waiting customer. Not serialized: it changes nothing, it only tells. */
  async queueUpdate(status: QueueStatus): Promise<void> {
    const r = this.core.conduct?.record;
    if (!r || isTerminalState(r.state) || r.participants.agent.joinedAt !== null) return;
    this.core.sockets.send('customer', { type: 'queue', ...status });
  }
}
