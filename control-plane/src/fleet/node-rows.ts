import { DEFAULT_REGION, type NodeLoadReport } from '@vident/protocol';
import type { NodeLoad } from './placement.ts';

/** A registry row, read back: placement's view plus what operators see. */
export interface NodeRow extends NodeLoad {
  url: string;
  version: string;
  mediaAddress: string | null;
  load: NodeLoadReport;
  /** The drained log line was written for the current drain. */
  drainedNoted: boolean;
}

/** Columns added after the first schema, for registries created before them (kept in SQLite). */
const ADDED_COLUMNS = [
  `region TEXT NOT NULL DEFAULT '${DEFAULT_REGION}'`,
  'media_address TEXT',
  'draining INTEGER NOT NULL DEFAULT 0',
  'drained_noted INTEGER NOT NULL DEFAULT 0',
  'r_sessions INTEGER NOT NULL DEFAULT 0',
  'r_publishers INTEGER NOT NULL DEFAULT 0',
  'r_subscribers INTEGER NOT NULL DEFAULT 0',
  'r_bitrate_kbps REAL NOT NULL DEFAULT 0',
  'r_cpu_percent REAL NOT NULL DEFAULT 0',
  'r_uploads_pending INTEGER NOT NULL DEFAULT 0',
  // When the registry last told the node's sessions it was lost (null: not since it was last heard).
  'lost_noted_at INTEGER',
  // Until when the node's media path is suspect (a call lost its media on both sides there).
  'media_suspect_until INTEGER',
];

/** Adds the columns a registry created by an older version lacks (SQLite has no ADD COLUMN IF NOT EXISTS). */
export function migrateNodes(sql: SqlStorage): void {
  const present = new Set(sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('nodes')").toArray().map((c) => c.name));
  for (const column of ADDED_COLUMNS) {
    const name = column.split(' ')[0]!;
    if (!present.has(name)) sql.exec(`ALTER TABLE nodes ADD COLUMN ${column}`);
  }
}

export const NODE_COLUMNS = `n.node_id, n.url, n.capacity, n.version, n.janus_up, n.last_seen_at, n.region, n.media_address,
  n.draining, n.drained_noted, n.r_sessions, n.r_publishers, n.r_subscribers, n.r_bitrate_kbps, n.r_cpu_percent, n.r_uploads_pending,
  n.media_suspect_until`;

export interface StoredNode extends Record<string, SqlStorageValue> {
  node_id: string;
  url: string;
  capacity: number;
  version: string;
  janus_up: number;
  last_seen_at: number;
  region: string;
  media_address: string | null;
  draining: number;
  drained_noted: number;
  r_sessions: number;
  r_publishers: number;
  r_subscribers: number;
  r_bitrate_kbps: number;
  r_cpu_percent: number;
  r_uploads_pending: number;
  media_suspect_until: number | null;
  assigned: number;
}

export function toNodeRow(r: StoredNode): NodeRow {
  return {
    nodeId: r.node_id,
    url: r.url,
    capacity: r.capacity,
    version: r.version,
    janusUp: r.janus_up === 1,
    lastSeenAt: r.last_seen_at,
    assigned: r.assigned,
    region: r.region,
    mediaAddress: r.media_address,
    draining: r.draining === 1,
    drainedNoted: r.drained_noted === 1,
    cpuPercent: r.r_cpu_percent,
    mediaSuspectUntil: r.media_suspect_until,
    load: {
      sessions: r.r_sessions,
      publishers: r.r_publishers,
      subscribers: r.r_subscribers,
      bitrateKbps: r.r_bitrate_kbps,
      cpuPercent: r.r_cpu_percent,
      uploadsPending: r.r_uploads_pending,
    },
  };
}
