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
  region: string;
  /** An operator is draining the node: it keeps its calls and takes no new one. */
  draining: boolean;
  /** Janus CPU from the last heartbeat (percent of one core); a tie-breaker only. */
  cpuPercent: number;
  /**
   * Until when (ms since epoch) the node's media path is suspect: a call on it just lost its media
   * on both sides while the node looked healthy. Null = not suspect.
   */
  mediaSuspectUntil: number | null;
}

export interface PlacementRequest {
  now: number;
  ttlMs: number;
  /** The customer's region: a node there is preferred; absent = any region. */
  region?: string | undefined;
}

/** A node is live when it was heard from within the heartbeat TTL. */
export function isLive(node: Pick<NodeLoad, 'lastSeenAt'>, now: number, ttlMs: number): boolean {
  return now - node.lastSeenAt <= ttlMs;
}

/** May take a new session: live, Janus up, not draining, media path not suspect, and a free slot. */
export function isEligible(node: NodeLoad, now: number, ttlMs: number): boolean {
  const suspect = node.mediaSuspectUntil !== null && node.mediaSuspectUntil > now;
  return node.janusUp && !node.draining && !suspect && isLive(node, now, ttlMs) && node.assigned < node.capacity;
}

/**
 * Orders nodes by load, least first. Load is assigned/capacity (the registry's own count, so two
 * quick creates cannot both see an idle node) so a big node is not starved by a small idle one;
 * ties go to the lower Janus CPU, then the fewest sessions, then the node id (deterministic).
 */
export function compareLoad(a: NodeLoad, b: NodeLoad): number {
  const load = a.assigned / a.capacity - b.assigned / b.capacity;
  if (load !== 0) return load;
  if (a.cpuPercent !== b.cpuPercent) return a.cpuPercent - b.cpuPercent;
  if (a.assigned !== b.assigned) return a.assigned - b.assigned;
  return a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0;
}

/**
 * Picks the least-loaded eligible node in the requested region, else the least-loaded eligible
 * node anywhere (a call on a farther node beats no call), or null when none is eligible.
 */
export function placeSession<N extends NodeLoad>(nodes: readonly N[], request: PlacementRequest): N | null {
  let inRegion: N | null = null;
  let anywhere: N | null = null;
  for (const node of nodes) {
    if (!isEligible(node, request.now, request.ttlMs)) continue;
    if (anywhere === null || compareLoad(node, anywhere) < 0) anywhere = node;
    if (request.region !== undefined && node.region === request.region && (inRegion === null || compareLoad(node, inRegion) < 0)) inRegion = node;
  }
  return inRegion ?? anywhere;
}
