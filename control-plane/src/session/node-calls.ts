import type { NodeEvent } from '@vident/protocol';
import type { Failure } from '../base/http-error.ts';
import { REPLAYED_MESSAGE } from '../base/replay-guard.ts';
import type { ReplayTicket } from '../base/replay-guard-rpc.ts';
import { NodeEventClaims } from './node-event-claims.ts';
import type { SessionCore } from './session-core.ts';
import { failure } from './session-failure.ts';
import type { NodeSessionRpc } from './session-rpc.ts';

/** The media fleet's calls on a session: its node's events, and the registry moving it off a lost node. */
export class NodeCalls implements NodeSessionRpc {
  private claims: NodeEventClaims | undefined;

  constructor(private readonly core: SessionCore) {}

  /**
   * The fleet registry lost this session's node (Janus down, heartbeats missed): move the media
   * elsewhere. Idempotent, and a no-op once the session left that node or ended.
   */
  async nodeLost(nodeId: string, cause: string): Promise<void> {
    await this.core.serialized(async () => {
      // Revoked or dead: no command may reach it on the strength of an enrolment read earlier.
      this.core.forgetNode(nodeId);
      if (this.core.conduct) await this.core.conduct.moveNode(nodeId, cause);
    });
  }

  /**
   * An event from a media node; only this session's own node is believed, and a node the session
   * was moved off only about its recordings (its media events describe legs that are gone). The
   * Worker verified the request's signature; its replay ticket is claimed here, before anything is
   * done with it (node-event-claims.ts): a replayed event is refused with request_replayed.
   */
  async nodeEvent(nodeId: string, event: NodeEvent, replay: ReplayTicket): Promise<{ ok: true } | Failure> {
    return this.core.withSession(async (conduct) => {
      this.claims ??= new NodeEventClaims(this.core.ctx.storage.sql);
      if (!this.claims.claim(replay, Date.now())) return failure('request_replayed', REPLAYED_MESSAGE);
      const former = conduct.record.formerNodes?.includes(nodeId) ?? false;
      const aboutLegs = event.type === 'media' || event.type === 'media-reset';
      if (former && aboutLegs) return { ok: true } as const;
      if (conduct.record.nodeId !== nodeId && !(former && !aboutLegs)) {
        await this.core.appendAudit({ actor: `node:${nodeId}`, action: 'node.event_refused', detail: { type: event.type } });
        return failure('forbidden', 'the session is not on this node');
      }
      await conduct.nodeEvent(event);
      return { ok: true } as const;
    });
  }
}
