import type { FleetNode, NodeFleetStatus, NodeStatus } from '@vident/protocol';
import type { NodeRow } from './node-rows.ts';
import { isLive, type NodeLoad } from './placement.ts';

/**
 * A node's status for operators. `drained` wins over `silent`: a drained node that was then
 * stopped is exactly what a drain is for. Otherwise a silent node shows as silent even while
 * draining, because its calls are what needs attention.
 */
export function nodeStatus(node: Pick<NodeLoad, 'draining' | 'assigned' | 'lastSeenAt'>, now: number, ttlMs: number): NodeFleetStatus {
  if (node.draining && node.assigned === 0) return 'drained';
  if (!isLive(node, now, ttlMs)) return 'silent';
  return node.draining ? 'draining' : 'live';
}

/** A node as the bank sees it (GET /v1/status): no addresses, no reported load. */
export function toNodeStatus(n: NodeRow, now: number, ttlMs: number): NodeStatus {
  return {
    nodeId: n.nodeId,
    live: isLive(n, now, ttlMs),
    capacity: n.capacity,
    sessions: n.assigned,
    janusUp: n.janusUp,
    version: n.version,
    lastHeartbeatAt: new Date(n.lastSeenAt).toISOString(),
    region: n.region,
    status: nodeStatus(n, now, ttlMs),
  };
}

/** A node as the platform team sees it (GET /v1/admin/nodes). */
export function toFleetNode(n: NodeRow, now: number, ttlMs: number): FleetNode {
  return {
    nodeId: n.nodeId,
    url: n.url,
    mediaAddress: n.mediaAddress,
    region: n.region,
    capacity: n.capacity,
    assignedSessions: n.assigned,
    load: n.load,
    janusUp: n.janusUp,
    version: n.version,
    lastHeartbeatAt: new Date(n.lastSeenAt).toISOString(),
    heartbeatAgeSeconds: Math.max(0, (now - n.lastSeenAt) / 1000),
    draining: n.draining,
    status: nodeStatus(n, now, ttlMs),
    mediaSuspectUntil: n.mediaSuspectUntil !== null && n.mediaSuspectUntil > now ? new Date(n.mediaSuspectUntil).toISOString() : null,
  };
}
