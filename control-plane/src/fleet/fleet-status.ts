import type { NodeFleetStatus } from '@vident/protocol';
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
