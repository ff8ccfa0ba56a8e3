import { endReasonOf, isTerminalState, type ServerMessage } from '@vident/protocol';
import { log } from '../base/log.ts';
import type { Actor } from './audit-input.ts';
import type { NodeCommands } from './node-commands.ts';
import { durationMs, resetLegs, ROLES, type SessionRecord } from './session-record.ts';
import type { SessionPorts } from './session-ports.ts';
import { transition, type Lifecycle, type LifecycleEvent, type TransitionResult } from './session-state.ts';
import { dueEvents, nextAlarm } from './session-timers.ts';

/**
 * A session's lifecycle as it happens: applying the state machine's events (session-state.ts) with
 * their audit, the call starting, the session ending (tell both pages, close their sockets, destroy
 * the Janus room, free the node slot), and the timers that end it when they run out.
 */
export class SessionLifecycle {
  constructor(
    private readonly record: SessionRecord,
    private readonly ports: SessionPorts,
    private readonly node: NodeCommands,
  ) {}

  /** Whether the session reached a terminal state. */
  get ended(): boolean {
    return isTerminalState(this.record.state);
  }

  /** Applies one lifecycle event; every state change lands in the audit trail. */
  async apply(given: LifecycleEvent, actor: Actor, from: string | null): Promise<TransitionResult> {
    const r = this.record;
    // A decision names its desk agent: the one whose link the session admitted (agentAdmission).
    const event: LifecycleEvent = given.type === 'decide' && r.agent && r.agent.revokedAt === undefined ? { ...given, agent: { id: r.agent.id, name: r.agent.name } } : given;
    const current = (isTerminalState(r.state) ? { state: r.state, outcome: r.outcome } : { state: r.state, outcome: null }) as Lifecycle;
    const next = transition(current, event);
    if (!next.ok) return next;
    const before = r.state;
    r.state = next.lifecycle.state;
    r.outcome = next.lifecycle.outcome;
    if (event.type === 'decide') {
      await this.ports.audit({
        actor,
        action: 'session.decided',
        detail: {
          decision: event.decision,
          reasonCodes: event.reasonCodes,
          note: event.note,
          checklist: event.checklist ?? {},
          ...(event.agent ? { agentId: event.agent.id, agentName: event.agent.name } : {}),
        },
        from,
      });
    }
    if (before !== r.state) {
      await this.ports.audit({
        actor,
        action: 'state.changed',
        detail: { from: before, to: r.state, event: event.type, ...(r.outcome ? { outcome: r.outcome } : {}) },
        from,
      });
    }
    return next;
  }

  /** Both participants' publishers are up: the call is on, and both pages are told. */
  async publishersUp(): Promise<void> {
    const r = this.record;
    const before = r.state;
    if (!(await this.apply({ type: 'publishers-up' }, 'system', null)).ok) return;
    r.startedAt ??= new Date(this.ports.now()).toISOString();
    await this.ports.save(r);
    if (before !== r.state) log('call_started', { sessionId: r.sessionId });
    const msg: ServerMessage = { type: 'session-state', state: r.state, startedAt: r.startedAt };
    for (const role of ROLES) this.ports.send(role, msg);
  }

  /** What a participant is told about an ended session (also on connecting after the end). */
  endedMessage(): Extract<ServerMessage, { type: 'session-ended' }> | null {
    const r = this.record;
    if (!r.outcome || !r.endedAt) return null;
    return { type: 'session-ended', state: r.outcome.state, reason: endReasonOf(r.outcome), endedAt: r.endedAt, durationMs: durationMs(r) };
  }

  /**
   * Ends the session with a terminal event (decide, cancel, expiry, abandon, fail): tells both
   * browsers, closes their sockets, destroys the Janus room and frees the node slot. A refused event
   * (already ended, or not valid now) changes nothing and is returned as refused.
   */
  async end(event: LifecycleEvent, actor: Actor, from: string | null = null): Promise<TransitionResult> {
    const result = await this.apply(event, actor, from);
    if (!result.ok || !this.ended) return result;
    const r = this.record;
    const endedAt = new Date(this.ports.now()).toISOString();
    r.endedAt = endedAt;
    for (const role of ROLES) {
      if (r.participants[role].connectionId !== null) r.participants[role].leftAt = endedAt;
      r.participants[role].graceEndsAt = null;
    }
    await this.ports.save(r);
    log('session_ended', { sessionId: r.sessionId, state: r.state, reason: endReasonOf(r.outcome!), durationMs: durationMs(r) });
    const ended = this.endedMessage()!;
    for (const role of ROLES) this.ports.send(role, ended);
    this.ports.closeAll(1000, 'session ended');
    // Only now forget the connections: send() above addresses the current ones.
    for (const role of ROLES) {
      r.participants[role].connectionId = null;
      resetLegs(r.participants[role]);
    }
    await this.ports.save(r);
    await this.ports.setAlarm(null);
    if (r.roomCreated) await this.node.send({ type: 'destroy-room', sessionId: r.sessionId });
    await this.ports.releaseNode();
    return result;
  }

  /**
   * The alarm fired: applies every timer that is due (earliest first; the first that ends the
   * session wins) and re-arms for what is left. Safe to run more than once and late.
   */
  async runTimers(): Promise<void> {
    for (const event of dueEvents(this.record, this.ports.now())) {
      if (this.ended) break;
      await this.end(event, 'system');
    }
    await this.ports.setAlarm(nextAlarm(this.record));
  }
}
