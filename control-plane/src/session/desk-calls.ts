import { isTerminalState, type Locale, type QueueStatus } from '@vident/protocol';
import type { Failure } from '../base/http-error.ts';
import { log } from '../base/log.ts';
import { assignmentStep, releaseStep } from './agent-assignment.ts';
import type { SessionCore } from './session-core.ts';
import { failure } from './session-failure.ts';
import type { DeskSessionRpc } from './session-rpc.ts';

/** The agents' desk's calls on a session: assigning and releasing its agent, and the customer's queue position. */
export class DeskCalls implements DeskSessionRpc {
  constructor(private readonly core: SessionCore) {}

  /** The desk gives the session to an agent: the first wins, another is refused (`conflict`); audited. */
  assignAgent(agent: { id: string; name: string }, via: 'pick' | 'random'): Promise<{ ok: true; expiresAt: string; locale: Locale } | Failure> {
    return this.core.withSession(async ({ record: r }) => {
      const step = assignmentStep(r, agent);
      if (step.kind === 'refuse') return failure(step.code, step.message);
      if (step.kind === 'assign') {
        r.agent = { id: agent.id, name: agent.name };
        await this.core.saveAndPublish(r);
        await this.core.appendAudit({ actor: via === 'pick' ? 'agent' : 'system', action: 'agent.assigned', detail: { agentId: agent.id, name: agent.name, via } });
        log('agent_assigned', { sessionId: r.sessionId, agentId: agent.id, via });
      }
      return { ok: true, expiresAt: r.expiresAt, locale: r.locale };
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

  /** The desk's queue position for the waiting customer. Not serialized: it changes nothing, it only tells. */
  async queueUpdate(status: QueueStatus): Promise<void> {
    const r = this.core.conduct?.record;
    if (!r || isTerminalState(r.state) || r.participants.agent.joinedAt !== null) return;
    this.core.sockets.send('customer', { type: 'queue', ...status });
  }
}
