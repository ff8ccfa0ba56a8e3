import { DurableObject } from 'cloudflare:workers';
import type { NodeHeartbeat, NodeRegistration, NodeRegistrationAccepted, NodeStatus } from '@vident/protocol';
import { loadConfig } from '../config.ts';
import type { Env } from '../env.ts';
import type { Failure } from '../http-error.ts';
import { log } from '../log.ts';
import { isLive, placeSession, type NodeLoad } from '../placement.ts';

interface NodeRow extends NodeLoad {
  url: string;
  version: string;
}

/** Where a session was placed. */
export interface Placement {
  nodeId: string;
  url: string;
}

/**
 * The fleet of media nodes (singleton, idFromName('global')): who is registered, who is live, and
 * which session is assigned to which node. Assignments are the capacity truth for placement, so
 * two concurrent creates can never both take a node's last slot (DO calls run one at a time).
 */
export class MediaNodeRegistry extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS nodes (
        node_id TEXT PRIMARY KEY, url TEXT NOT NULL, capacity INTEGER NOT NULL, version TEXT NOT NULL,
        janus_up INTEGER NOT NULL, last_seen_at INTEGER NOT NULL)`);
      ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS assignments (
        session_id TEXT PRIMARY KEY, node_id TEXT NOT NULL, assigned_at INTEGER NOT NULL)`);
    });
  }

  private get ttlMs(): number {
    return loadConfig(this.env).nodeHeartbeatTtlSeconds * 1000;
  }

  /** Registers or re-registers a node (a restarted sidecar registers again with the same id). */
  async register(reg: NodeRegistration, now: number = Date.now()): Promise<NodeRegistrationAccepted> {
    this.ctx.storage.sql.exec(
      `INSERT INTO nodes (node_id, url, capacity, version, janus_up, last_seen_at) VALUES (?, ?, ?, ?, 1, ?)
       ON CONFLICT (node_id) DO UPDATE SET url = excluded.url, capacity = excluded.capacity,
         version = excluded.version, last_seen_at = excluded.last_seen_at`,
      reg.nodeId,
      reg.url,
      reg.capacity,
      reg.version,
      now,
    );
    log('node_registered', { nodeId: reg.nodeId, capacity: reg.capacity, version: reg.version });
    // Three beats per TTL: one lost heartbeat does not make the node look dead. The node seals every
    // artifact with the bank key it is given here; without one it records nothing it could upload.
    return { heartbeatIntervalMs: Math.max(1000, Math.floor(this.ttlMs / 3)), evidencePublicKey: loadConfig(this.env).evidence.publicKeyPem };
  }

  async heartbeat(nodeId: string, beat: NodeHeartbeat, now: number = Date.now()): Promise<{ ok: true } | Failure> {
    const updated = this.ctx.storage.sql.exec(
      'UPDATE nodes SET janus_up = ?, last_seen_at = ? WHERE node_id = ?',
      beat.janusUp ? 1 : 0,
      now,
      nodeId,
    ).rowsWritten;
    if (updated === 0) return { ok: false, code: 'not_found', message: 'unknown node: register first' };
    return { ok: true };
  }

  /** Assigns the session to the least-loaded live node, or answers null when none has room. */
  async place(sessionId: string, now: number = Date.now()): Promise<Placement | null> {
    const existing = this.ctx.storage.sql
      .exec<{ node_id: string; url: string }>(
        'SELECT a.node_id, n.url FROM assignments a JOIN nodes n ON n.node_id = a.node_id WHERE a.session_id = ?',
        sessionId,
      )
      .toArray()[0];
    if (existing) return { nodeId: existing.node_id, url: existing.url };
    const chosen = placeSession(this.rows(), now, this.ttlMs);
    if (!chosen) return null;
    this.ctx.storage.sql.exec('INSERT INTO assignments (session_id, node_id, assigned_at) VALUES (?, ?, ?)', sessionId, chosen.nodeId, now);
    return { nodeId: chosen.nodeId, url: chosen.url };
  }

  /** Frees the session's slot. Idempotent. */
  async release(sessionId: string): Promise<void> {
    this.ctx.storage.sql.exec('DELETE FROM assignments WHERE session_id = ?', sessionId);
  }

  async status(now: number = Date.now()): Promise<NodeStatus[]> {
    return this.rows().map((n) => ({
      nodeId: n.nodeId,
      live: isLive(n, now, this.ttlMs),
      capacity: n.capacity,
      sessions: n.assigned,
      janusUp: n.janusUp,
      version: n.version,
      lastHeartbeatAt: new Date(n.lastSeenAt).toISOString(),
    }));
  }

  private rows(): NodeRow[] {
    return this.ctx.storage.sql
      .exec<{ node_id: string; url: string; capacity: number; version: string; janus_up: number; last_seen_at: number; assigned: number }>(
        `SELECT n.node_id, n.url, n.capacity, n.version, n.janus_up, n.last_seen_at,
           (SELECT COUNT(*) FROM assignments a WHERE a.node_id = n.node_id) AS assigned
         FROM nodes n ORDER BY n.node_id`,
      )
      .toArray()
      .map((r) => ({
        nodeId: r.node_id,
        url: r.url,
        capacity: r.capacity,
        version: r.version,
        janusUp: r.janus_up === 1,
        lastSeenAt: r.last_seen_at,
        assigned: r.assigned,
      }));
  }
}
