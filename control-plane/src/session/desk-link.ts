import { isTerminalState } from '@vident/protocol';
import type { AgentDeskRpc } from '../desk/agent-desk-rpc.ts';
import { log } from '../base/log.ts';
import { durationMs, type SessionRecord } from './session-record.ts';

/*
 * The session's side of the agents' desk. The session owns the truth; after each save it tells the
 * desk what its customer is doing with respect to the queue. Every call is idempotent, so telling
 * twice (e.g. after the Durable Object woke up and forgot what it told) is harmless.
 */

/** What the desk should know about a session now. */
export type DeskSignal =
  /** Nothing to tell: the customer never came (or is not back yet) and nothing was queued. */
  | { kind: 'idle' }
  /** The customer is connected and no agent has ever joined: queued. */
  | { kind: 'waiting' }
  | { kind: 'customer_left' }
  /** An agent joined: the wait is over for good (an agent who drops gets its reconnect grace). */
  | { kind: 'agent_joined' }
  | { kind: 'ended'; callMs: number };

export function deskSignal(r: SessionRecord): DeskSignal {
  if (isTerminalState(r.state)) return { kind: 'ended', callMs: durationMs(r) };
  const customer = r.participants.customer;
  if (r.participants.agent.joinedAt !== null) return { kind: 'agent_joined' };
  if (customer.connectionId !== null) return { kind: 'waiting' };
  return customer.joinedAt === null ? { kind: 'idle' } : { kind: 'customer_left' };
}

/** Tells the desk about changes, once per change; a desk failure never breaks the call. */
export class DeskLink {
  /** What was last told, with the customer's connection: a replaced connection is told again (it needs its position). */
  private told: string | null = null;

  constructor(private readonly desk: () => DurableObjectStub<AgentDeskRpc>) {}

  async sync(r: SessionRecord): Promise<void> {
    const signal = deskSignal(r);
    const key = signal.kind === 'waiting' ? `waiting:${r.participants.customer.connectionId}` : signal.kind;
    if (key === this.told || signal.kind === 'idle') return;
    try {
      const desk = this.desk();
      switch (signal.kind) {
        case 'waiting':
          await desk.customerWaiting({ sessionId: r.sessionId, externalRef: r.externalRef, locale: r.locale });
          break;
        case 'customer_left':
        case 'agent_joined':
          await desk.waitEnded({ sessionId: r.sessionId, reason: signal.kind });
          break;
        case 'ended':
          await desk.waitEnded({ sessionId: r.sessionId, reason: 'ended', callMs: signal.callMs });
          break;
      }
      this.told = key;
    } catch (err) {
      log('desk_update_failed', { sessionId: r.sessionId, message: err instanceof Error ? err.message : String(err) });
    }
  }
}
