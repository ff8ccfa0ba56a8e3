/** What placement needs to know about a media node. */
export interface NodeLoad {
  nodeId: string;
  capacity: number;
  /** Sessions currently assigned to the node (by the registry, not the node's own report). */
  assigned: number;
  /** Unix ms of the last register or heartbeat. */
  lastSeenAt: number;
  /** False while the node reports Janus down: a node without Janus cannot carry a call. */
  janusUp: boolean;
}

/** A node is live when it was heard from within the heartbeat TTL. */
export function isLive(node: Pick<NodeLoad, 'lastSeenAt'>, now: number, ttlMs: number): boolean {
  return now - node.lastSeenAt <= ttlMs;
}

/**
 * Picks the least-loaded live node with a free slot, or null. Load is assigned/capacity so a big
 * node is not starved by a small idle one; ties go to the fewest sessions, then the node id, so
 * placement is deterministic.
 */
export function placeSession<N extends NodeLoad>(nodes: readonly N[], now: number, ttlMs: number): N | null {
  let best: N | null = null;
  for (const node of nodes) {
    if (!node.janusUp || !isLive(node, now, ttlMs) || node.assigned >= node.capacity) continue;
    if (best === null || compare(node, best) < 0) best = node;
  }
  return best;
}

function compare(a: NodeLoad, b: NodeLoad): number {
  const load = a.assigned / a.capacity - b.assigned / b.capacity;
  if (load !== 0) return load;
  if (a.assigned !== b.assigned) return a.assigned - b.assigned;
  return a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0;
}
