import { isTerminalState, latestFaceMatches, type Role } from '@vident/protocol';
import { log } from '../base/log.ts';
import { otherRole, resetLegs, toSessionSummary } from './session-record.ts';
import { nextAlarm } from './session-timers.ts';
import type { ConductContext } from './conduct-context.ts';
import { codeView } from './one-time-code.ts';
import { welcomeChallenges } from './liveness-challenges.ts';

/**
 * Participants joining, coming back and leaving: the welcome a page gets, what the other page is
 * told, and the reconnect grace that keeps a dropped participant's place.
 */
export class ParticipantPresence {
  constructor(private readonly ctx: ConductContext) {}

  /**
   * A participant's socket was accepted (any older socket of the role is already closed). Coming
   * back within the reconnect grace resumes: the browser publishes again, which replaces its old
   * publisher on the node, and both subscriptions are redone once that publisher is up.
   */
  async connect(role: Role, connectionId: string, from: string | null = null): Promise<void> {
    if (this.ctx.lifecycle.ended) return;
    const r = this.ctx.record;
    const me = r.participants[role];
    const resumed = me.graceEndsAt !== null || me.connectionId !== null;
    if (role === 'customer' && !(await this.ctx.lifecycle.apply({ type: 'customer-connected' }, 'customer', from)).ok) return;
    me.connectionId = connectionId;
    me.joinedAt = new Date(this.ctx.ports.now()).toISOString();
    me.leftAt = null;
    me.graceEndsAt = null;
    resetLegs(me);
    r.participants[otherRole(role)].subscribed = false;
    await this.ctx.ports.save(r);
    await this.ctx.ports.audit({ actor: role, action: resumed ? 'participant.reconnected' : 'participant.joined', detail: { role }, from });
    await this.ctx.ports.setAlarm(nextAlarm(r));
    log(resumed ? 'participant_reconnected' : 'participant_connected', { sessionId: r.sessionId, role, state: r.state });

    const other = otherRole(role);
    const peer = r.participants[other];
    this.ctx.ports.send(role, {
      type: 'welcome',
      role,
      session: toSessionSummary(r),
      peer: { role: other, connected: this.ctx.ports.isConnected(other), audio: peer.audio, video: peer.video },
      // What the agent checks is the bank's procedure, not the customer's business.
      ...(role === 'agent'
        ? {
            checklist: this.ctx.ports.checklist(),
            bankChecks: r.bankChecks ?? [],
            documentConfirmed: r.document !== undefined,
            faceMatch: { thresholds: this.ctx.ports.faceMatchThresholds(), results: latestFaceMatches(r.faceMatches ?? []) },
            quality: { thresholds: this.ctx.ports.qualityThresholds(), riskFlags: r.cameraSignals ?? [] },
          }
        : {}),
      // Both pages: the drawn security features (checklist items / how to show them) and the code's status.
      ...(r.securityFeatures ? { securityFeatures: { documentType: r.securityFeatures.documentType, drawnAt: r.securityFeatures.drawnAt, features: r.securityFeatures.features } } : {}),
      ...(r.oneTimeCode ? { oneTimeCode: codeView(r.oneTimeCode) } : {}),
      ...(welcomeChallenges(r.challenges, role) ? { challenges: welcomeChallenges(r.challenges, role) } : {}),
      iceServers: await this.ctx.ports.iceServers(role),
    });
    // After a reload or a dropped socket the page has lost its chat: it gets the call's back again.
    for (const line of await this.ctx.ports.chatHistory()) this.ctx.ports.send(role, line);
    this.ctx.ports.send(other, { type: 'peer-joined', role });
    await this.ctx.node.subscribeToPeer(role);
    // The room before the first publish: it is then ready when the page's offer comes.
    await this.ctx.node.prewarmRoom();
  }

  /**
   * A participant's socket closed or failed. Stale connections (already replaced) are ignored. Once
   * the customer is in, the participant gets RECONNECT_GRACE_SECONDS to come back: the node keeps
   * its handles meanwhile, and the alarm abandons the session if the grace runs out.
   */
  async disconnect(role: Role, connectionId: string, from: string | null = null): Promise<void> {
    const r = this.ctx.record;
    const me = r.participants[role];
    if (me.connectionId !== connectionId) return;
    me.connectionId = null;
    me.leftAt = new Date(this.ctx.ports.now()).toISOString();
    resetLegs(me);
    r.participants[otherRole(role)].subscribed = false;
    if (isTerminalState(r.state)) {
      await this.ctx.ports.save(r);
      return;
    }
    const grace = r.state !== 'created';
    me.graceEndsAt = grace ? this.ctx.ports.now() + r.reconnectGraceMs : null;
    await this.ctx.ports.save(r);
    await this.ctx.ports.audit({
      actor: role,
      action: 'participant.left',
      detail: { role, ...(me.graceEndsAt !== null ? { graceEndsAt: new Date(me.graceEndsAt).toISOString() } : {}) },
      from,
    });
    await this.ctx.ports.setAlarm(nextAlarm(r));
    log('participant_left', { sessionId: r.sessionId, role, grace });
    this.ctx.ports.send(otherRole(role), { type: 'peer-left', role });
    // Before the customer is in there is no grace to keep the agent's handles for.
    if (!grace && r.roomCreated) await this.ctx.node.send({ type: 'leave', sessionId: r.sessionId, participant: role });
  }
}
