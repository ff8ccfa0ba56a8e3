import { assertNever, isTerminalState, toHex, type ClientMessage, type ErrorCode, type Role } from '@vident/protocol';
import { log } from '../base/log.ts';
import { decodeClientFrame } from './client-frame.ts';
import { consentStep, mayPublish } from './consent.ts';
import { inCallStep } from './in-call-tools.ts';
import { noteMediaLost } from './media-loss.ts';
import { PARTICIPANT_ACTORS } from './session-limits.ts';
import { otherRole } from './session-record.ts';
import { checklistStep } from './verification-checklist.ts';
import { addStillRequest, openStillRequest, withoutStillRequest } from './still-requests.ts';
import { approvalGate, confirmedAuditDetail, confirmStep, faceMatchAuditDetail, faceMatchStep } from './document-review.ts';
import type { ConductContext } from './conduct-context.ts';
import { codeGate } from './one-time-code.ts';
import { featureChecklist } from './security-feature-draw.ts';
import { SessionProcedure } from './session-procedure.ts';
import { SessionChallenges } from './session-challenges.ts';
import { CallQualityRecorder } from './call-quality-recorder.ts';
import { qualityApprovalGate } from './call-quality.ts';
import { TricklePipeline } from './trickle-pipeline.ts';

type Frame<T extends ClientMessage['type']> = Extract<ClientMessage, { type: T }>;

/**
 * The signaling relay: one frame from a participant's browser becomes node commands, answers to
 * that browser, news for the other one, and audit entries. A bad or untimely frame answers
 * `error` with a stable code; the socket stays open. Past 300 lines because the one switch over
 * client frames lives here; each frame's rules are in their own modules (consent, in-call tools,
 * document review, challenges), so what stays is routing and the publish path.
 */
export class SignalingRelay {
  private readonly procedure: SessionProcedure;
  private readonly challenges: SessionChallenges;
  private readonly quality: CallQualityRecorder;
  private readonly trickles = new TricklePipeline();

  constructor(private readonly ctx: ConductContext) {
    this.procedure = new SessionProcedure(ctx);
    this.challenges = new SessionChallenges(ctx);
    this.quality = new CallQualityRecorder(ctx);
  }

  /** One frame from a participant. Frames of a replaced connection are ignored. */
  async message(role: Role, connectionId: string, frame: string | ArrayBuffer, from: string | null = null): Promise<void> {
    const r = this.ctx.record;
    if (r.participants[role].connectionId !== connectionId) return;
    // Every frame, valid or not, spends the role's budget: the socket and the call stay up.
    if (!this.ctx.frames.allow(role, this.ctx.ports.now())) {
      if (this.ctx.frames.refusedInARow(role) === 1) log('frames_rate_limited', { sessionId: r.sessionId, role });
      return this.refuse(role, 'rate_limited', 'too many messages; wait a moment');
    }
    const decoded = decodeClientFrame(frame);
    if (!decoded.ok) return this.refuse(role, decoded.code, decoded.message);
    if (isTerminalState(r.state)) return this.refuse(role, 'session_ended', 'the session has ended');
    const msg = decoded.message;
    switch (msg.type) {
      case 'publish':
        return this.publish(role, msg, from);
      case 'trickle': {
        // Pipelined (trickle-pipeline.ts): the session's queue does not wait for the node.
        const command = { type: 'trickle' as const, sessionId: r.sessionId, participant: role, leg: msg.leg, candidate: msg.candidate };
        this.trickles.push(role, async () => {
          const out = await this.ctx.node.send(command);
          if (!out.ok) this.refuse(role, out.code, out.message);
        });
        return;
      }
      case 'subscribe-answer': {
        await this.trickles.drained(role);
        const out = await this.ctx.node.send({ type: 'subscribe-answer', sessionId: r.sessionId, participant: role, sdp: msg.sdp });
        if (!out.ok) return this.refuse(role, out.code, out.message);
        this.ctx.ports.send(role, { type: 'subscribed' });
        return;
      }
      case 'media-state':
        return this.mediaState(role, msg);
      case 'join':
        // This connection joined already (a standby socket's join is taken before the relay: browser-calls.ts).
        return;
      case 'media-lost': {
        if (await this.participantRowsSpent()) return this.refuse(role, 'limit_reached', "the session's audit trail is full");
        const nodeId = r.nodeId;
        const { counted, leaveNode } = noteMediaLost(r.participants, role, this.ctx.ports.now());
        if (!counted) return;
        await this.ctx.ports.save(r);
        await this.ctx.ports.audit({ actor: role, action: 'media.lost', detail: { role, nodeId }, from });
        if (leaveNode) await this.ctx.failover.moveNode(nodeId, 'media_lost');
        return;
      }
      case 'hang-up':
        // Hanging up without a decision cancels the session, on behalf of whoever hung up.
        await this.ctx.lifecycle.end({ type: 'cancel', by: role }, role, from);
        return;
      case 'consent':
        return this.consent(role, msg, from);
      case 'decide':
        return this.decide(role, msg, from);
      case 'chat':
      case 'guidance':
        return this.inCall(role, msg, from);
      case 'document-confirm':
        return this.confirmDocument(role, msg, from);
      case 'face-match':
        return this.faceMatch(role, msg, from);
      case 'still-request':
        return this.stillRequest(role, msg, from);
      case 'still-failed':
        return this.stillFailed(role, msg, from);
      case 'abort':
        return this.procedure.abort(role, msg.reason, msg.note, from);
      case 'one-time-code':
        return this.procedure.codeEntered(role, msg.code, from);
      case 'challenge-start':
        return this.challenges.start(role, msg, from);
      case 'challenge-result':
        return this.challenges.result(role, msg.result, from);
      case 'quality-sample':
        return this.quality.sample(role, msg.sample);
      case 'quality-gate':
        return this.quality.gate(role, msg.gate, from);
      case 'camera-signal':
        return this.quality.signal(role, msg.signal, from);
      default:
        return assertNever(msg);
    }
  }

  /** The participants' own audit rows reached their cap (participantAuditRows). */
  private async participantRowsSpent(): Promise<boolean> {
    return (await this.ctx.ports.auditRows({ actors: PARTICIPANT_ACTORS })) >= this.ctx.ports.limits().participantAuditRows;
  }

  private refuse(role: Role, code: ErrorCode, message: string): void {
    this.ctx.ports.send(role, { type: 'error', code, message });
  }

  private async publish(role: Role, msg: Frame<'publish'>, from: string | null): Promise<void> {
    const r = this.ctx.record;
    const me = r.participants[role];
    if (!mayPublish(r, role)) return this.refuse(role, 'consent_required', 'the customer has not consented to the recording yet');
    const { segments } = this.ctx.ports.limits();
    if (r.segments[role] >= segments) return this.refuse(role, 'limit_reached', `at most ${segments} publishes (recording segments) per participant in a session`);
    if (!(await this.ctx.node.ensureRoom(role))) return;
    await this.trickles.drained(role);
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
    await this.ctx.ports.save(r);
    if (switched) await this.ctx.ports.audit({ actor: role, action: 'media.transport', detail: { role, transport }, from });
    const out = await this.ctx.node.send({
      type: 'publish',
      sessionId: r.sessionId,
      participant: role,
      segment,
      display: role === 'customer' ? r.customerName : 'agent',
      sdp: msg.sdp,
      audio: msg.audio,
      video: msg.video,
      transport,
    });
    if (!out.ok) return (await this.ctx.failover.movedAfter(out)) ? undefined : this.refuse(role, out.code, out.message);
    if (r.record) r.expectedSegments.push({ participant: role, segment, failedAt: null });
    me.published = true;
    me.audio = msg.audio;
    me.video = msg.video;
    // An older media-state kept with the socket must not win over these flags after hibernation.
    this.ctx.ports.keepMedia(role, msg);
    // The answer (and the peer's media flags) go out before the save, not after it: the runtime
    // holds every message an object sends after a storage write until that write is on disk (the
    // output gate), 137 to 250 ms of the join at load (issue 16). Safe because they are media
    // negotiation only: their one consequence is the pages' WebRTC state. Nothing before them waits
    // on this write (the segment number and the room were stored before the node was asked, and the
    // gate let the publish command out only once they were on disk). Should the object die before
    // this write is, its sockets drop with it, the page reconnects and publishes again (a new
    // segment), and the record, as last stored, promises nothing the page was told: it still owes
    // no segment it was not sent, so a short recording of this publish is an extra upload the
    // evidence does not wait for, never a missing one. Audit entries, webhooks, outcomes and
    // consent stay behind their writes (docs/ARCHITECTURE.md, "Output gate").
    this.ctx.ports.send(role, { type: 'published', sdp: out.result.sdp, ...(msg.ref !== undefined ? { ref: msg.ref } : {}) });
    this.ctx.ports.send(otherRole(role), { type: 'peer-media', role, audio: msg.audio, video: msg.video });
    await this.ctx.ports.save(r);
    return this.ctx.node.subscribeToPeer(role);
  }

  /**
   * The one frame a call sends over and over (each mute, each camera switch): the flags are kept
   * with the socket, not by storing the record (keepMedia), and the peer is told before the node
   * is, so nothing waits in front of the relay. Nothing here reaches a singleton or the audit trail.
   */
  private async mediaState(role: Role, msg: Frame<'media-state'>): Promise<void> {
    const r = this.ctx.record;
    const me = r.participants[role];
    me.audio = msg.audio;
    me.video = msg.video;
    this.ctx.ports.keepMedia(role, msg);
    this.ctx.ports.send(otherRole(role), { type: 'peer-media', role, audio: msg.audio, video: msg.video });
    if (me.published) {
      const out = await this.ctx.node.send({ type: 'configure', sessionId: r.sessionId, participant: role, audio: msg.audio, video: msg.video });
      if (!out.ok) this.refuse(role, out.code, out.message);
    }
  }

  private async consent(role: Role, msg: Frame<'consent'>, from: string | null): Promise<void> {
    const r = this.ctx.record;
    const step = consentStep(r, role, msg);
    if (step.kind === 'refuse') return this.refuse(role, step.code, step.message);
    if (step.kind === 'give') {
      r.consent = { version: step.version, at: new Date(this.ctx.ports.now()).toISOString() };
      await this.ctx.ports.save(r);
      await this.ctx.ports.audit({ actor: role, action: 'consent.given', detail: { version: step.version }, from });
      log('consent_given', { sessionId: r.sessionId, version: step.version });
    }
    if (step.kind === 'decline') {
      await this.ctx.ports.audit({ actor: role, action: 'consent.declined', detail: { version: step.version }, from });
      await this.ctx.lifecycle.end({ type: 'cancel', by: role }, role, from);
    }
  }

  private async decide(role: Role, msg: Frame<'decide'>, from: string | null): Promise<void> {
    if (role !== 'agent') return this.refuse(role, 'forbidden', 'only the agent may decide');
    // The session's drawn security features are checklist items of this session only (issue 15).
    const checked = checklistStep([...this.ctx.ports.checklist(), ...featureChecklist(this.ctx.record.securityFeatures)], msg.decision, msg.checklist);
    // Before the call the lifecycle refuses any decision (invalid_transition): the clearer answer.
    if (!checked.ok && this.ctx.record.state === 'in_call') return this.refuse(role, 'validation_failed', checked.message);
    if (msg.decision === 'approved' && this.ctx.record.state === 'in_call') {
      const gate = approvalGate(this.ctx.record, this.ctx.ports.requiredBankChecks());
      if (!gate.ok) return this.refuse(role, gate.code, gate.message);
      const quality = qualityApprovalGate(this.ctx.record.quality);
      if (!quality.ok) return this.refuse(role, quality.code, quality.message);
      await this.procedure.expireIfDue();
      const code = codeGate(this.ctx.record);
      if (!code.ok) return this.refuse(role, code.code, code.message);
    }
    const drawn = this.ctx.record.securityFeatures;
    if (drawn && checked.ok) drawn.ticked = drawn.features.filter((f) => checked.ticked[f.id]).map((f) => f.id);
    const out = await this.ctx.lifecycle.end(
      { type: 'decide', decision: msg.decision, reasonCodes: msg.reasonCodes, note: msg.note, checklist: checked.ok ? checked.ticked : {} },
      role,
      from,
    );
    if (!out.ok) this.refuse(role, out.code, out.message);
  }

  /**
   * The agent confirmed the ID document: stored (replacing an earlier one), audited without its
   * numbers, announced to the bank by a webhook without its fields, and acknowledged to the agent.
   */
  private async confirmDocument(role: Role, msg: Frame<'document-confirm'>, from: string | null): Promise<void> {
    const r = this.ctx.record;
    const step = confirmStep(r, role, msg.document, new Date(this.ctx.ports.now()).toISOString());
    if (!step.ok) return this.refuse(role, step.code, step.message);
    if (await this.participantRowsSpent()) return this.refuse(role, 'limit_reached', "the session's audit trail is full");
    r.document = step.document;
    await this.ctx.ports.save(r);
    await this.ctx.ports.audit({ actor: role, action: 'document.confirmed', detail: confirmedAuditDetail(step.document), from });
    this.ctx.ports.webhook('document.confirmed');
    log('document_confirmed', { sessionId: r.sessionId, type: step.document.type });
    this.ctx.ports.send(role, { type: 'document-confirmed', documentType: step.document.type, confirmedAt: step.document.confirmedAt });
    await this.procedure.documentTyped(step.document.type, from);
  }

  /** A face-match result from the agent's page: kept (history capped), audited, acknowledged. */
  private async faceMatch(role: Role, msg: Frame<'face-match'>, from: string | null): Promise<void> {
    const r = this.ctx.record;
    const step = faceMatchStep(r, role, msg.result, this.ctx.ports.faceMatchThresholds(), new Date(this.ctx.ports.now()).toISOString());
    if (!step.ok) return this.refuse(role, step.code, step.message);
    if (await this.participantRowsSpent()) return this.refuse(role, 'limit_reached', "the session's audit trail is full");
    r.faceMatches = [...(r.faceMatches ?? []), step.result];
    await this.ctx.ports.save(r);
    await this.ctx.ports.audit({ actor: role, action: 'face.matched', detail: faceMatchAuditDetail(step.result), from });
    log('face_matched', { sessionId: r.sessionId, kind: step.result.kind, band: step.result.band });
    this.ctx.ports.send(role, { type: 'face-match-recorded', result: step.result });
  }

  private async inCall(role: Role, msg: Frame<'chat' | 'guidance'>, from: string | null): Promise<void> {
    const step = inCallStep(role, msg, new Date(this.ctx.ports.now()).toISOString());
    if (step.kind === 'refuse') return this.refuse(role, step.code, step.message);
    // Keyed by role, not connection: a reconnect must not reset it.
    if (!this.ctx.inCallLimit.allow(role, this.ctx.ports.now())) {
      log('in_call_rate_limited', { sessionId: this.ctx.record.sessionId, role, type: msg.type });
      return this.refuse(role, 'rate_limited', 'too many chat or guidance messages; wait a moment');
    }
    const { chatLines } = this.ctx.ports.limits();
    if (msg.type === 'chat' && (await this.ctx.ports.auditRows({ action: 'chat.message' })) >= chatLines) {
      return this.refuse(role, 'limit_reached', `this session has reached its ${chatLines} chat messages`);
    }
    if (await this.participantRowsSpent()) return this.refuse(role, 'limit_reached', "the session's audit trail is full");
    // Audited before anyone sees it: what was shown is always in the trail.
    await this.ctx.ports.audit({ actor: role, action: step.action, detail: step.detail, from });
    for (const d of step.deliveries) this.ctx.ports.send(d.to, d.message);
  }

  /**
   * The agent asks the customer's page for a still of its own camera (issue 17). The session makes
   * the request id (the customer's upload must name it: still-requests.ts), audits the request and
   * passes it on; a customer who is not connected is answered at once, so the agent's page does not
   * wait for a still that cannot come.
   */
  private async stillRequest(role: Role, msg: Frame<'still-request'>, from: string | null): Promise<void> {
    if (role !== 'agent') return this.refuse(role, 'forbidden', 'only the agent asks for stills');
    if (await this.participantRowsSpent()) return this.refuse(role, 'limit_reached', "the session's audit trail is full");
    const r = this.ctx.record;
    const requestId = toHex(crypto.getRandomValues(new Uint8Array(8)));
    if (!this.ctx.ports.isConnected('customer')) {
      this.ctx.ports.send('agent', { type: 'still-failed', requestId, kind: msg.kind, code: 'customer_away' });
      return;
    }
    r.stillRequests = addStillRequest(r.stillRequests, { requestId, kind: msg.kind, at: this.ctx.ports.now() });
    await this.ctx.ports.save(r);
    await this.ctx.ports.audit({ actor: role, action: 'still.requested', detail: { requestId, kind: msg.kind }, from });
    this.ctx.ports.send('customer', { type: 'still-request', requestId, kind: msg.kind });
  }

  /** The customer's page could not deliver a requested still: the request is closed and the agent told why. */
  private async stillFailed(role: Role, msg: Frame<'still-failed'>, from: string | null): Promise<void> {
    if (role !== 'customer') return this.refuse(role, 'forbidden', 'only the customer reports its stills');
    const r = this.ctx.record;
    const request = openStillRequest(r.stillRequests, msg.requestId, null, this.ctx.ports.now());
    if (request === null) return this.refuse(role, 'still_not_requested', 'no outstanding still request of that id');
    if (await this.participantRowsSpent()) return this.refuse(role, 'limit_reached', "the session's audit trail is full");
    r.stillRequests = withoutStillRequest(r.stillRequests, msg.requestId);
    await this.ctx.ports.save(r);
    await this.ctx.ports.audit({ actor: role, action: 'still.failed', detail: { requestId: msg.requestId, kind: request.kind, code: msg.code }, from });
    this.ctx.ports.send('agent', { type: 'still-failed', requestId: msg.requestId, kind: request.kind, code: msg.code });
  }
}
