import {
  endReasonOf,
  isTerminalState,
  type ErrorCode,
  type NodeCommand,
  type NodeEvent,
  type Role,
  type IceServer,
  type ServerMessage,
  type VerificationChecklist, assertNever } from '@vident/protocol';
import { decodeClientFrame } from './client-frame.ts';
import { consentStep, mayPublish } from './consent.ts';
import { InCallRateLimit, inCallStep } from './in-call-tools.ts';
import { log } from '../base/log.ts';
import { noteMediaLost } from './media-loss.ts';
import type { CommandOutcome } from '../fleet/node-client.ts';
import { durationMs, otherRole, resetLegs, ROLES, toSessionSummary, type SessionRecord } from './session-record.ts';
import { transition, type Lifecycle, type LifecycleEvent, type TransitionResult } from './session-state.ts';
import { dueEvents, nextAlarm } from './session-timers.ts';
import { checklistStep } from './verification-checklist.ts';
import type { Actor, AuditInput } from './audit-input.ts';

/** The I/O a SessionRoom needs; the VerificationSession Durable Object provides it. */
export interface RoomPorts {
  now(): number;
  /** Delivers to the role's current connection, if any. Never throws. */
  send(role: Role, message: ServerMessage): void;
  isConnected(role: Role): boolean;
  closeAll(code: number, reason: string): void;
  command<C extends NodeCommand>(command: C): Promise<CommandOutcome<C['type']>>;
  /** Persists the record (and publishes its snapshot). */
  save(record: SessionRecord): Promise<void>;
  /** Frees the session's slot on its node. */
  releaseNode(): Promise<void>;
  /** Sets the one alarm to `at` (ms since epoch), or deletes it. */
  setAlarm(at: number | null): Promise<void>;
  /** Appends to the session's audit trail. Never given a secret or a token. */
  audit(entry: AuditInput): Promise<void>;
  /** The configured verification checklist (read on use, like the rest of the configuration). */
  checklist(): VerificationChecklist;
  /** The call's latest chat messages, oldest first (see chat-history.ts), for a (re)joining participant. */
  chatHistory(): Promise<ServerMessage[]>;
  /** TURN servers with fresh credentials for this participant (empty when TURN is not configured). */
  iceServers(role: Role): Promise<IceServer[]>;
  /** Asks the fleet for another node than `fromNodeId` (null: none has room). */
  reassignNode(fromNodeId: string, cause: string): Promise<{ nodeId: string; url: string } | null>;
}

/**
 * The signaling relay and lifecycle of one verification session, free of Durable Object APIs:
 * it decides what to tell each browser and what to command the media node. Callers must not run
 * two of its methods concurrently (the Durable Object serializes them).
 */
export class SessionRoom {
  private readonly inCallLimit = new InCallRateLimit();

  constructor(
    readonly record: SessionRecord,
    private readonly ports: RoomPorts,
  ) {}

  get ended(): boolean {
    return isTerminalState(this.record.state);
  }

  /**
   * A participant's socket was accepted (any older socket of the role is already closed). Coming
   * back within the reconnect grace resumes: the browser publishes again, which replaces its old
   * publisher on the node, and both subscriptions are redone once that publisher is up.
   */
  async connect(role: Role, connectionId: string, from: string | null = null): Promise<void> {
    if (this.ended) return;
    const r = this.record;
    const me = r.participants[role];
    const resumed = me.graceEndsAt !== null || me.connectionId !== null;
    if (role === 'customer' && !(await this.apply({ type: 'customer-connected' }, 'customer', from)).ok) return;
    me.connectionId = connectionId;
    me.joinedAt = new Date(this.ports.now()).toISOString();
    me.leftAt = null;
    me.graceEndsAt = null;
    resetLegs(me);
    r.participants[otherRole(role)].subscribed = false;
    await this.ports.save(r);
    await this.ports.audit({ actor: role, action: resumed ? 'participant.reconnected' : 'participant.joined', detail: { role }, from });
    await this.ports.setAlarm(nextAlarm(r));
    log(resumed ? 'participant_reconnected' : 'participant_connected', { sessionId: r.sessionId, role, state: r.state });

    const other = otherRole(role);
    const peer = r.participants[other];
    this.ports.send(role, {
      type: 'welcome',
      role,
      session: toSessionSummary(r),
      peer: { role: other, connected: this.ports.isConnected(other), audio: peer.audio, video: peer.video },
      // What the agent checks is the bank's procedure, not the customer's business.
      ...(role === 'agent' ? { checklist: this.ports.checklist() } : {}),
      iceServers: await this.ports.iceServers(role),
    });
    // After a reload or a dropped socket the page has lost its chat: it gets the call's back again.
    for (const line of await this.ports.chatHistory()) this.ports.send(role, line);
    this.ports.send(other, { type: 'peer-joined', role });
    await this.subscribeToPeer(role);
  }

  /**
   * A participant's socket closed or failed. Stale connections (already replaced) are ignored. Once
   * the customer is in, the participant gets RECONNECT_GRACE_SECONDS to come back: the node keeps
   * its handles meanwhile, and the alarm abandons the session if the grace runs out.
   */
  async disconnect(role: Role, connectionId: string, from: string | null = null): Promise<void> {
    const r = this.record;
    const me = r.participants[role];
    if (me.connectionId !== connectionId) return;
    this.inCallLimit.forget(connectionId);
    me.connectionId = null;
    me.leftAt = new Date(this.ports.now()).toISOString();
    resetLegs(me);
    r.participants[otherRole(role)].subscribed = false;
    if (this.ended) {
      await this.ports.save(r);
      return;
    }
    const grace = r.state !== 'created';
    me.graceEndsAt = grace ? this.ports.now() + r.reconnectGraceMs : null;
    await this.ports.save(r);
    await this.ports.audit({
      actor: role,
      action: 'participant.left',
      detail: { role, ...(me.graceEndsAt !== null ? { graceEndsAt: new Date(me.graceEndsAt).toISOString() } : {}) },
      from,
    });
    await this.ports.setAlarm(nextAlarm(r));
    log('participant_left', { sessionId: r.sessionId, role, grace });
    this.ports.send(otherRole(role), { type: 'peer-left', role });
    // Before the customer is in there is no grace to keep the agent's handles for.
    if (!grace && r.roomCreated) await this.command({ type: 'leave', sessionId: r.sessionId, participant: role });
  }

  /** One frame from a participant. Bad frames answer `error`; the socket stays open. */
  async message(role: Role, connectionId: string, frame: string | ArrayBuffer, from: string | null = null): Promise<void> {
    const r = this.record;
    if (r.participants[role].connectionId !== connectionId) return;
    const fail = (code: ErrorCode, message: string) => this.ports.send(role, { type: 'error', code, message });
    const decoded = decodeClientFrame(frame);
    if (!decoded.ok) return fail(decoded.code, decoded.message);
    if (this.ended) return fail('session_ended', 'the session has ended');
    const msg = decoded.message;
    const me = r.participants[role];
    const sessionId = r.sessionId;

    switch (msg.type) {
      case 'publish': {
        if (!mayPublish(r, role)) return fail('consent_required', 'the customer has not consented to the recording yet');
        if (!(await this.ensureRoom(role))) return;
        // A number is never reused, even after a failed publish: the node may have started
        // recording under it, and a later segment must not overwrite that file.
        const segment = r.segments[role] + 1;
        r.segments[role] = segment;
        const transport = msg.transport ?? 'direct';
        const switched = (me.transport ?? 'direct') !== transport;
        // A page that switched transport (direct ICE-TCP failed: TURN now) needs its subscriber
        // leg offered again with the candidates of the new transport.
        if (switched) me.subscribed = false;
        me.transport = transport;
        await this.ports.save(r);
        if (switched) await this.ports.audit({ actor: role, action: 'media.transport', detail: { role, transport }, from });
        const out = await this.command({
          type: 'publish',
          sessionId,
          participant: role,
          segment,
          display: role === 'customer' ? r.customerName : 'agent',
          sdp: msg.sdp,
          audio: msg.audio,
          video: msg.video,
          transport,
        });
        if (!out.ok) return (await this.movedAfter(out)) ? undefined : fail(out.code, out.message);
        if (r.record) r.expectedSegments.push({ participant: role, segment, failedAt: null });
        me.published = true;
        me.audio = msg.audio;
        me.video = msg.video;
        await this.ports.save(r);
        this.ports.send(role, { type: 'published', sdp: out.result.sdp, ...(msg.ref !== undefined ? { ref: msg.ref } : {}) });
        this.ports.send(otherRole(role), { type: 'peer-media', role, audio: msg.audio, video: msg.video });
        return this.subscribeToPeer(role);
      }
      case 'trickle': {
        const out = await this.command({ type: 'trickle', sessionId, participant: role, leg: msg.leg, candidate: msg.candidate });
        if (!out.ok) fail(out.code, out.message);
        return;
      }
      case 'subscribe-answer': {
        const out = await this.command({ type: 'subscribe-answer', sessionId, participant: role, sdp: msg.sdp });
        if (!out.ok) return fail(out.code, out.message);
        this.ports.send(role, { type: 'subscribed' });
        return;
      }
      case 'media-state': {
        me.audio = msg.audio;
        me.video = msg.video;
        await this.ports.save(r);
        if (me.published) {
          const out = await this.command({ type: 'configure', sessionId, participant: role, audio: msg.audio, video: msg.video });
          if (!out.ok) fail(out.code, out.message);
        }
        this.ports.send(otherRole(role), { type: 'peer-media', role, audio: msg.audio, video: msg.video });
        return;
      }
      case 'media-lost': {
        const nodeId = r.nodeId;
        const { counted, leaveNode } = noteMediaLost(r.participants, role, this.ports.now());
        if (!counted) return;
        await this.ports.save(r);
        await this.ports.audit({ actor: role, action: 'media.lost', detail: { role, nodeId }, from });
        if (leaveNode) await this.moveNode(nodeId, 'media_lost');
        return;
      }
      case 'hang-up':
        // Hanging up without a decision cancels the session, on behalf of whoever hung up.
        await this.end({ type: 'cancel', by: role }, role, from);
        return;
      case 'consent': {
        const step = consentStep(r, role, msg);
        if (step.kind === 'refuse') return fail(step.code, step.message);
        if (step.kind === 'give') {
          r.consent = { version: step.version, at: new Date(this.ports.now()).toISOString() };
          await this.ports.save(r);
          await this.ports.audit({ actor: role, action: 'consent.given', detail: { version: step.version }, from });
          log('consent_given', { sessionId, version: step.version });
        }
        if (step.kind === 'decline') {
          await this.ports.audit({ actor: role, action: 'consent.declined', detail: { version: step.version }, from });
          await this.end({ type: 'cancel', by: role }, role, from);
        }
        return;
      }
      case 'decide': {
        if (role !== 'agent') return fail('forbidden', 'only the agent may decide');
        const checked = checklistStep(this.ports.checklist(), msg.decision, msg.checklist);
        // Before the call the lifecycle refuses any decision (invalid_transition): the clearer answer.
        if (!checked.ok && r.state === 'in_call') return fail('validation_failed', checked.message);
        const out = await this.end(
          { type: 'decide', decision: msg.decision, reasonCodes: msg.reasonCodes, note: msg.note, checklist: checked.ok ? checked.ticked : {} },
          role,
          from,
        );
        if (!out.ok) return fail(out.code, out.message);
        return;
      }
      case 'chat':
      case 'guidance': {
        const step = inCallStep(role, msg, new Date(this.ports.now()).toISOString());
        if (step.kind === 'refuse') return fail(step.code, step.message);
        if (!this.inCallLimit.allow(connectionId, this.ports.now())) {
          log('in_call_rate_limited', { sessionId, role, type: msg.type });
          return fail('rate_limited', 'too many chat or guidance messages; wait a moment');
        }
        // Audited before anyone sees it: what was shown is always in the trail.
        await this.ports.audit({ actor: role, action: step.action, detail: step.detail, from });
        for (const d of step.deliveries) this.ports.send(d.to, d.message);
        return;
      }
      default:
        return assertNever(msg);
    }
  }

  /** An event from this session's media node (the caller checked it is the session's node). */
  async nodeEvent(event: NodeEvent): Promise<void> {
    const r = this.record;
    switch (event.type) {
      case 'media': {
        if (this.ended) return;
        this.ports.send(event.participant, {
          type: 'media-event',
          leg: event.leg,
          event: event.event,
          ...(event.detail !== undefined ? { detail: event.detail } : {}),
        });
        if (event.leg !== 'publisher') return;
        const me = r.participants[event.participant];
        if (event.event === 'hangup') {
          me.publisherUp = false;
          await this.ports.save(r);
          return;
        }
        if (event.event !== 'webrtcup') return;
        me.publisherUp = true;
        r.participants[otherRole(event.participant)].subscribed = false;
        await this.ports.save(r);
        await this.subscribeToPeer(otherRole(event.participant));
        if (ROLES.every((role) => r.participants[role].publisherUp)) await this.bothPublishersUp();
        return;
      }
      case 'recording-ready':
        // Superseded by the evidence upload: a recording exists for us once its upload is verified.
        return;
      case 'recording-empty': {
        // Nothing was ever received on that publish: the evidence does not wait for a file.
        const before = r.expectedSegments.length;
        r.expectedSegments = r.expectedSegments.filter((seg) => !(seg.participant === event.participant && seg.segment === event.segment));
        if (r.expectedSegments.length === before) return;
        await this.ports.save(r);
        await this.ports.audit({ actor: 'system', action: 'recording.empty', detail: { participant: event.participant, segment: event.segment } });
        return;
      }
      case 'media-reset':
        // The node lost the session's legs but still carries it (its Janus restarted, or the sidecar
        // could not reclaim its Janus session): same room, same node, new legs.
        if (this.ended) return;
        log('session_media_reset', { sessionId: r.sessionId, nodeId: r.nodeId, reason: event.reason });
        await this.restartMedia('media.reset', { nodeId: r.nodeId, reason: event.reason });
        return;
      case 'recording-failed':
        // The failed segment (or, from a node that does not name it, every segment of the participant
        // still owed) counts as failed, unless its upload is (or gets) stored, which readiness prefers.
        for (const seg of r.expectedSegments) {
          if (seg.participant === event.participant && (event.segment === undefined || seg.segment === event.segment)) {
            seg.failedAt ??= new Date(this.ports.now()).toISOString();
          }
        }
        await this.ports.save(r);
        await this.ports.audit({
          actor: `node:${r.nodeId}`,
          action: 'recording.failed',
          detail: { participant: event.participant, segment: event.segment ?? null, message: event.message.slice(0, 256) },
        });
        log('recording_failed', { sessionId: r.sessionId, participant: event.participant, message: event.message });
        // A recorded verification whose recording broke mid-call cannot stand.
        if (!this.ended && r.record) await this.end({ type: 'fail', cause: `recording failed (${event.participant})` }, `node:${r.nodeId}`);
        return;
      default:
        return assertNever(event);
    }
  }

  /** What a participant is told about an ended session (also on connecting after the end). */
  endedMessage(): Extract<ServerMessage, { type: 'session-ended' }> | null {
    const r = this.record;
    if (!r.outcome || !r.endedAt) return null;
    return { type: 'session-ended', state: r.outcome.state, reason: endReasonOf(r.outcome), endedAt: r.endedAt, durationMs: durationMs(r) };
  }

  /**
   * Ends the session with a terminal event (decide, cancel, expiry, abandon, fail): tells both
   * browsers, closes their sockets, destroys the room and frees the node slot. A refused event
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
    if (r.roomCreated) await this.command({ type: 'destroy-room', sessionId: r.sessionId });
    await this.ports.releaseNode();
    return result;
  }

  /**
   * The session's media node is lost (its Janus down, its heartbeats missed, or a command it could
   * not carry out at all): moves the session to another node and has both pages publish and
   * subscribe again there, on the same sockets. Recording goes on as each participant's next
   * segment on the new node; the old node's segments stay expected (it uploads them when it can).
   * Answers whether the session moved; with no other node it stays, and pages rejoin it there.
   */
  async moveNode(fromNodeId: string, cause: string): Promise<boolean> {
    const r = this.record;
    if (this.ended || r.nodeId !== fromNodeId) return false;
    const target = await this.ports.reassignNode(fromNodeId, cause);
    if (target === null || target.nodeId === fromNodeId) {
      log('failover_unavailable', { sessionId: r.sessionId, nodeId: fromNodeId, cause });
      return false;
    }
    r.formerNodes = [...(r.formerNodes ?? []).filter((n) => n !== fromNodeId), fromNodeId];
    r.nodeId = target.nodeId;
    r.nodeUrl = target.url;
    log('session_failover', { sessionId: r.sessionId, from: fromNodeId, to: target.nodeId, cause });
    await this.restartMedia('media.failover', { from: fromNodeId, to: target.nodeId, cause });
    return true;
  }

  /**
   * Every media leg is gone while the session lives (moved to another node, or its node's Janus
   * restarted under it): the room is created again on first use, and both pages publish and
   * subscribe anew on their sockets (`media-moved`). Recording goes on as each one's next segment.
   */
  private async restartMedia(action: 'media.failover' | 'media.reset', detail: Record<string, unknown>): Promise<void> {
    const r = this.record;
    r.roomCreated = false;
    for (const role of ROLES) {
      resetLegs(r.participants[role]);
      // Reports about the legs that are gone say nothing about the node to come.
      r.participants[role].mediaLostAt = null;
    }
    await this.ports.save(r);
    await this.ports.audit({ actor: 'system', action, detail });
    for (const role of ROLES) this.ports.send(role, { type: 'media-moved' });
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

  /** Applies one lifecycle event; every state change lands in the audit trail. */
  private async apply(event: LifecycleEvent, actor: Actor, from: string | null): Promise<TransitionResult> {
    const r = this.record;
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
        detail: { decision: event.decision, reasonCodes: event.reasonCodes, note: event.note, checklist: event.checklist ?? {} },
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

  private async bothPublishersUp(): Promise<void> {
    const r = this.record;
    const before = r.state;
    if (!(await this.apply({ type: 'publishers-up' }, 'system', null)).ok) return;
    r.startedAt ??= new Date(this.ports.now()).toISOString();
    await this.ports.save(r);
    if (before !== r.state) log('call_started', { sessionId: r.sessionId });
    const msg: ServerMessage = { type: 'session-state', state: r.state, startedAt: r.startedAt };
    for (const role of ROLES) this.ports.send(role, msg);
  }

  /** Subscribes `subscriber` to the other participant's feed once that publisher is up. */
  private async subscribeToPeer(subscriber: Role): Promise<void> {
    const r = this.record;
    const feed = otherRole(subscriber);
    const me = r.participants[subscriber];
    if (this.ended || me.subscribed || !this.ports.isConnected(subscriber) || !r.participants[feed].publisherUp) return;
    me.subscribed = true;
    await this.ports.save(r);
    const out = await this.command({ type: 'subscribe', sessionId: r.sessionId, participant: subscriber, feed, transport: me.transport ?? 'direct' });
    if (!out.ok) {
      me.subscribed = false;
      await this.ports.save(r);
      if (!(await this.movedAfter(out))) this.ports.send(subscriber, { type: 'error', code: out.code, message: out.message });
      return;
    }
    this.ports.send(subscriber, { type: 'subscribe-offer', sdp: out.result.sdp });
  }

  private async ensureRoom(role: Role): Promise<boolean> {
    const r = this.record;
    if (r.roomCreated) return true;
    const out = await this.command({ type: 'create-room', sessionId: r.sessionId, record: r.record });
    if (!out.ok) {
      if (!(await this.movedAfter(out))) this.ports.send(role, { type: 'error', code: out.code, message: out.message });
      return false;
    }
    r.roomCreated = true;
    await this.ports.save(r);
    return true;
  }

  /** After a failed command: a node that cannot carry media at all is left behind (see moveNode). */
  private async movedAfter(out: { ok: false; nodeDown: boolean }): Promise<boolean> {
    return out.nodeDown && (await this.moveNode(this.record.nodeId, 'command_failed'));
  }

  private async command<C extends NodeCommand>(command: C): Promise<CommandOutcome<C['type']>> {
    const out = await this.ports.command(command);
    if (!out.ok) log('node_command_failed', { sessionId: this.record.sessionId, nodeId: this.record.nodeId, command: command.type, message: out.message });
    return out;
  }
}
