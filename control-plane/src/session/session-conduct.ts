import type { NodeEvent, Role, ServerMessage } from '@vident/protocol';
import type { Actor } from './audit-input.ts';
import type { ConductContext } from './conduct-context.ts';
import { InCallRateLimit } from './in-call-tools.ts';
import { NodeCommands } from './node-commands.ts';
import { NodeEvents } from './node-events.ts';
import { NodeFailover } from './node-failover.ts';
import { ParticipantPresence } from './participant-presence.ts';
import type { SessionRecord } from './session-record.ts';
import { SessionLifecycle } from './session-lifecycle.ts';
import { FrameBudget } from './session-limits.ts';
import type { SessionPorts } from './session-ports.ts';
import type { LifecycleEvent, TransitionResult } from './session-state.ts';
import { SignalingRelay } from './signaling-relay.ts';
import { SessionProcedure } from './session-procedure.ts';

/**
 * How one verification session is conducted, free of Durable Object APIs: participants coming and
 * going, the signaling relay, the media node's events, failover, the lifecycle and its timers,
 * each in its own module over one record and one set of ports. Callers must not run two of its
 * methods concurrently (the Durable Object serializes them).
 */
export class SessionConduct {
  private readonly presence: ParticipantPresence;
  private readonly relay: SignalingRelay;
  private readonly events: NodeEvents;
  private readonly lifecycle: SessionLifecycle;
  private readonly failover: NodeFailover;
  /** The procedure's controls (issue 15): the bank's fetch of the one-time code asks it. */
  readonly procedure: SessionProcedure;

  constructor(
    readonly record: SessionRecord,
    ports: SessionPorts,
  ) {
    this.failover = new NodeFailover(record, ports);
    const node = new NodeCommands(record, ports, this.failover);
    this.lifecycle = new SessionLifecycle(record, ports, node);
    const ctx: ConductContext = { record, ports, lifecycle: this.lifecycle, node, failover: this.failover, inCallLimit: new InCallRateLimit(),
      frames: new FrameBudget(() => ports.limits()),
    };
    this.presence = new ParticipantPresence(ctx);
    this.relay = new SignalingRelay(ctx);
    this.events = new NodeEvents(ctx);
    this.procedure = new SessionProcedure(ctx);
  }

  /** See ParticipantPresence.connect. */
  connect(role: Role, connectionId: string, from: string | null = null): Promise<void> {
    return this.presence.connect(role, connectionId, from);
  }

  /** See ParticipantPresence.disconnect. */
  disconnect(role: Role, connectionId: string, from: string | null = null): Promise<void> {
    return this.presence.disconnect(role, connectionId, from);
  }

  /** See SignalingRelay.message. */
  message(role: Role, connectionId: string, frame: string | ArrayBuffer, from: string | null = null): Promise<void> {
    return this.relay.message(role, connectionId, frame, from);
  }

  /** See NodeEvents.handle. */
  nodeEvent(event: NodeEvent): Promise<void> {
    return this.events.handle(event);
  }

  /** See NodeFailover.moveNode. */
  moveNode(fromNodeId: string, cause: string): Promise<boolean> {
    return this.failover.moveNode(fromNodeId, cause);
  }

  /** See SessionLifecycle.end. */
  end(event: LifecycleEvent, actor: Actor, from: string | null = null): Promise<TransitionResult> {
    return this.lifecycle.end(event, actor, from);
  }

  /** See SessionLifecycle.endedMessage. */
  endedMessage(): Extract<ServerMessage, { type: 'session-ended' }> | null {
    return this.lifecycle.endedMessage();
  }

  /** See SessionLifecycle.runTimers. */
  runTimers(): Promise<void> {
    return this.lifecycle.runTimers();
  }
}
