import type { NodeEnrolment } from '@vident/protocol';
import type { Failure } from '../base/http-error.ts';

/** A node the platform team enrolled: the only key its requests verify with, the only URL it is sent commands at. */
export interface Enrolment {
  nodeId: string;
  publicKey: string;
  url: string;
  region: string;
  enrolledAt: number;
  revokedAt: number | null;
}

interface StoredEnrolment extends Record<string, SqlStorageValue> {
  node_id: string;
  public_key: string;
  url: string;
  region: string;
  enrolled_at: number;
  revoked_at: number | null;
}

/**
 * The registry's enrolment table (in MediaNodeRegistry's SQLite): who may be a media node at all.
 * Registration, heartbeats, events, uploads and commands all start by asking `usable`.
 */
export class NodeEnrolments {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS enrolments (
      node_id TEXT PRIMARY KEY, public_key TEXT NOT NULL, url TEXT NOT NULL, region TEXT NOT NULL,
      enrolled_at INTEGER NOT NULL, revoked_at INTEGER)`);
  }

  /** Enrols a node, or replaces an enrolled node's key and URL (a reinstall). A revoked id stays revoked. */
  enrol(e: Required<NodeEnrolment>, now: number): { ok: true; enrolment: Enrolment } | Failure {
    const existing = this.get(e.nodeId);
    if (existing?.revokedAt != null) return { ok: false, code: 'key_revoked', message: `media node ${e.nodeId} was revoked: enrol it under a new id` };
    this.sql.exec(
      `INSERT INTO enrolments (node_id, public_key, url, region, enrolled_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (node_id) DO UPDATE SET public_key = excluded.public_key, url = excluded.url, region = excluded.region, enrolled_at = excluded.enrolled_at`,
      e.nodeId,
      e.publicKey,
      e.url,
      e.region,
      now,
    );
    return { ok: true, enrolment: this.get(e.nodeId)! };
  }

  /** Marks the node revoked; answers null for an id never enrolled. Idempotent. */
  revoke(nodeId: string, now: number): Enrolment | null {
    this.sql.exec('UPDATE enrolments SET revoked_at = ? WHERE node_id = ? AND revoked_at IS NULL', now, nodeId);
    return this.get(nodeId);
  }

  /** The enrolment a node's request or command must match, or why there is none. */
  usable(nodeId: string): { ok: true; enrolment: Enrolment } | Failure {
    const e = this.get(nodeId);
    if (!e) return { ok: false, code: 'node_not_enrolled', message: `media node ${nodeId} is not enrolled` };
    if (e.revokedAt !== null) return { ok: false, code: 'key_revoked', message: `media node ${nodeId} has been revoked` };
    return { ok: true, enrolment: e };
  }

  get(nodeId: string): Enrolment | null {
    const r = this.sql.exec<StoredEnrolment>('SELECT * FROM enrolments WHERE node_id = ?', nodeId).toArray()[0];
    if (!r) return null;
    return { nodeId: r.node_id, publicKey: r.public_key, url: r.url, region: r.region, enrolledAt: r.enrolled_at, revokedAt: r.revoked_at };
  }
}
