import { isTerminalState } from '@vident/protocol';
import { log } from '../base/log.ts';
import { resetLegs, ROLES, type SessionRecord } from './session-record.ts';
import type { SessionPorts } from './session-ports.ts';

/**
 * Moving a session's media: to another node when its node is lost, or anew on the same node when
 * that node's Janus lost the legs. The pages keep their sockets and publish and subscribe again.
 */
export class NodeFailover {
  constructor(
    private readonly record: SessionRecord,
    private readonly ports: SessionPorts,
  ) {}

  /**
   * The session's media node is lost (its Janus down, its heartbeats missed, or a command it could
   * not carry out at all): moves the session to another node and has both pages publish and
   * subscribe again there, on the same sockets. Recording goes on as each participant's next
   * segment on the new node; the old node's segments stay expected (it uploads them when it can).
   * Answers whether the session moved; with no other node it stays, and pages rejoin it there.
   */
  async moveNode(fromNodeId: string, cause: string): Promise<boolean> {
    const r = this.record;
    if (isTerminalState(r.state) || r.nodeId !== fromNodeId) return false;
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

  /** After a failed command: a node that cannot carry media at all is left behind (see moveNode). */
  async movedAfter(out: { ok: false; nodeDown: boolean }): Promise<boolean> {
    return out.nodeDown && (await this.moveNode(this.record.nodeId, 'command_failed'));
  }

  /**
   * Every media leg is gone while the session lives (moved to another node, or its node's Janus
   * restarted under it): the Janus room is created again on first use, and both pages publish and
   * subscribe anew on their sockets (`media-moved`). Recording goes on as each one's next segment.
   */
  async restartMedia(action: 'media.failover' | 'media.reset', detail: Record<string, unknown>): Promise<void> {
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
}
