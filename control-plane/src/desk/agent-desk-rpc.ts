import type { DeskAgent, Locale } from '@vident/protocol';
import type { Caller } from '../base/caller.ts';
import type { queueEntries } from './desk-queue.ts';

/** What the supervisor's overview takes from the desk. */
export interface DeskSnapshot {
  waiting: ReturnType<typeof queueEntries>;
  agents: DeskAgent[];
  averageWaitMs: number | null;
  averageCallMs: number | null;
}

/** Why a customer stopped waiting for an agent. */
export type WaitEnd = { sessionId: string; reason: 'agent_joined' | 'customer_left' } | { sessionId: string; reason: 'ended'; callMs: number };

/**
 * What the sessions and the Worker may call on the AgentDesk (besides the consoles' WebSocket
 * upgrade, its fetch). An interface apart from the class so env.ts can type the binding without
 * importing the Durable Object (which imports env.ts).
 */
export interface AgentDeskRpc extends Rpc.DurableObjectBranded {
  /** The session's customer is connected and no agent has joined yet. */
  customerWaiting(w: { sessionId: string; externalRef: string; locale: Locale }, now?: number): Promise<void>;
  /** The wait is over: an agent joined, the customer dropped out (may come back), or the session ended. */
  waitEnded(end: WaitEnd, now?: number): Promise<void>;
  /** What the supervisor sees of the desk; `since` bounds "today". */
  snapshot(since: number, now?: number): Promise<DeskSnapshot>;
  /** The agent's revocation generation (agent-revocations.ts): desk tokens of another are refused. */
  generation(agentId: string): Promise<number>;
  /** The bank revoked the agent: every desk token so far refused, consoles closed, its session told. */
  revokeAgent(agentId: string, caller?: Caller, now?: number): Promise<{ revokedAt: string; sessionId: string | null }>;
}
