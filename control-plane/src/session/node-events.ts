import { assertNever, isTerminalState, type NodeEvent } from '@vident/protocol';
import { log } from '../base/log.ts';
import { otherRole, ROLES } from './session-record.ts';
import type { ConductContext } from './conduct-context.ts';
import { SessionProcedure } from './session-procedure.ts';

/**
 * What the session does with its media node's events: legs coming up (subscriptions, the call
 * starting), legs lost on the node (media reset), and recordings that came out empty, unconverted or failed.
 */
export class NodeEvents {
  constructor(private readonly ctx: ConductContext) {}

  /** An event from this session's media node (the caller checked it is the session's node). */
  async handle(event: NodeEvent): Promise<void> {
    const r = this.ctx.record;
    switch (event.type) {
      case 'media': {
        if (isTerminalState(r.state)) return;
        this.ctx.ports.send(event.participant, {
          type: 'media-event',
          leg: event.leg,
          event: event.event,
          ...(event.detail !== undefined ? { detail: event.detail } : {}),
        });
        if (event.leg !== 'publisher') return;
        const me = r.participants[event.participant];
        if (event.event === 'hangup') {
          me.publisherUp = false;
          await this.ctx.ports.save(r);
          return;
        }
        if (event.event !== 'webrtcup') return;
        me.publisherUp = true;
        r.participants[otherRole(event.participant)].subscribed = false;
        await this.ctx.ports.save(r);
        await this.ctx.node.subscribeToPeer(otherRole(event.participant));
        if (ROLES.every((role) => r.participants[role].publisherUp)) {
          await this.ctx.lifecycle.publishersUp();
          // The one-time code is made when the call starts (issue 15); once, whatever reconnects follow.
          await new SessionProcedure(this.ctx).callStarted();
        }
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
        await this.ctx.ports.save(r);
        await this.ctx.ports.audit({ actor: 'system', action: 'recording.empty', detail: { participant: event.participant, segment: event.segment } });
        return;
      }
      case 'recording-unconverted':
        // The node could not convert a segment: its raw files were sealed as they are (their upload
        // stands for the segment) or deleted for want of a bank key (a recording-failed follows).
        await this.ctx.ports.audit({
          actor: `node:${r.nodeId}`,
          action: 'recording.unconverted',
          detail: { participant: event.participant, segment: event.segment, outcome: event.outcome, attempts: event.attempts, message: event.message.slice(0, 256) },
        });
        log('recording_unconverted', { sessionId: r.sessionId, participant: event.participant, segment: event.segment, outcome: event.outcome });
        return;
      case 'media-reset':
        // The node lost the session's legs but still carries it (its Janus restarted, or the sidecar
        // could not reclaim its Janus session): same Janus room, same node, new legs.
        if (isTerminalState(r.state)) return;
        log('session_media_reset', { sessionId: r.sessionId, nodeId: r.nodeId, reason: event.reason });
        await this.ctx.failover.restartMedia('media.reset', { nodeId: r.nodeId, reason: event.reason });
        return;
      case 'recording-failed':
        // The failed segment (or, from a node that does not name it, every segment of the participant
        // still owed) counts as failed, unless its upload is (or gets) stored, which readiness prefers.
        for (const seg of r.expectedSegments) {
          if (seg.participant === event.participant && (event.segment === undefined || seg.segment === event.segment)) {
            seg.failedAt ??= new Date(this.ctx.ports.now()).toISOString();
          }
        }
        await this.ctx.ports.save(r);
        await this.ctx.ports.audit({
          actor: `node:${r.nodeId}`,
          action: 'recording.failed',
          detail: { participant: event.participant, segment: event.segment ?? null, message: event.message.slice(0, 256) },
        });
        log('recording_failed', { sessionId: r.sessionId, participant: event.participant, message: event.message });
        // A recorded verification whose recording broke mid-call cannot stand.
        if (!isTerminalState(r.state) && r.record) await this.ctx.lifecycle.end({ type: 'fail', cause: `recording failed (${event.participant})` }, `node:${r.nodeId}`);
        return;
      default:
        return assertNever(event);
    }
  }
}
