import { DurableObject } from 'cloudflare:workers';
import type { FleetStatus, NodeEnrolment, NodeHeartbeat, NodeHeartbeatAccepted, NodeRegistration, NodeStatus } from '@vident/protocol';
import { loadConfig } from '../base/config.ts';
import { sessionStub, type Env } from '../base/env.ts';
import { nodeStatus, toFleetNode, toNodeStatus } from './fleet-status.ts';
import type { Failure } from '../base/http-error.ts';
import { log } from '../base/log.ts';
import { isLive, placeSession } from './placement.ts';
import { NODE_COLUMNS, migrateNodes, toNodeRow, type NodeRow, type StoredNode } from './node-rows.ts';
import type { EnrolmentResult, FleetNodeResult, RegistrationResult, MediaNodeRegistryRpc, Placement } from './media-node-registry-rpc.ts';
import { NodeEnrolments } from './node-enrolments.ts';
import { commandUrlProblem } from './command-url.ts';

/** How long a node whose media path failed a call takes no new session (its calls go on). */
export const MEDIA_SUSPECT_MS = 5 * 60_000;

/**
 * The fleet of media nodes (singleton, idFromName('global')): who is registered, their reported
 * load, who is draining, and which session is assigned to which node. Assignments are the capacity
 * truth for placement, so two concurrent creates can never both take a node's last slot (DO calls
 * run one at a time).
 *
 * A little over 300 lines on purpose: it is the one object whose calls must run one at a time over
 * the fleet's rows; what can stand apart already does (placement.ts, node-rows.ts, node-enrolments.ts,
 * fleet-status.ts).
 */
export class MediaNodeRegistry extends DurableObject<Env> implements MediaNodeRegistryRpc {
  private enrolments!: NodeEnrolments;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.enrolments = new NodeEnrolments(ctx.storage.sql);
      ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS nodes (
        node_id TEXT PRIMARY KEY, url TEXT NOT NULL, capacity INTEGER NOT NULL, version TEXT NOT NULL,
        janus_up INTEGER NOT NULL, last_seen_at INTEGER NOT NULL)`);
      migrateNodes(ctx.storage.sql);
      ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS assignments (
        session_id TEXT PRIMARY KEY, node_id TEXT NOT NULL, assigned_at INTEGER NOT NULL)`);
      // Every placement counts each node's sessions: from the index, not a scan of every assignment.
      ctx.storage.sql.exec('CREATE INDEX IF NOT EXISTS assignments_node ON assignments (node_id)');
    });
  }

  private get ttlMs(): number {
    return loadConfig(this.env).nodeHeartbeatTtlSeconds * 1000;
  }

  /** The platform team enrols a node (or a reinstalled node's new key and URL). */
  async enrol(e: Required<NodeEnrolment>, now: number = Date.now()): Promise<EnrolmentResult> {
    const problem = commandUrlProblem(e.url, loadConfig(this.env));
    if (problem) return { ok: false, code: 'validation_failed', message: `url: ${problem}` };
    const result = this.enrolments.enrol(e, now);
    if (result.ok) log('node_enrolled', { nodeId: e.nodeId, region: e.region });
    return result;
  }

  /**
   * Cuts a node off at once: its key verifies nothing any more, it leaves placement, and its live
   * sessions move elsewhere as for a dead node.
   */
  async revoke(nodeId: string, now: number = Date.now()): Promise<EnrolmentResult> {
    const revoked = this.enrolments.revoke(nodeId, now);
    if (!revoked) return { ok: false, code: 'node_not_enrolled', message: `media node ${nodeId} is not enrolled` };
    if (this.row(nodeId)) {
      this.nodeLost(nodeId, 'revoked', now);
      this.ctx.storage.sql.exec('DELETE FROM nodes WHERE node_id = ?', nodeId);
    }
    log('node_revoked', { nodeId });
    return { ok: true, enrolment: revoked };
  }

  /** The enrolled key and pinned URL a node's requests and commands use, unless it is unknown or revoked. */
  async enrolment(nodeId: string): Promise<EnrolmentResult> {
    return this.enrolments.usable(nodeId);
  }

  /**
   * Registers or re-registers a node (a restarted sidecar registers again with the same id). A
   * drain survives re-registration: restarting a draining node must not put it back in service.
   * Only an enrolled node, at its enrolled URL; its region is the enrolled one.
   */
  async register(request: NodeRegistration, now: number = Date.now()): Promise<RegistrationResult> {
    const enrolled = this.enrolments.usable(request.nodeId);
    if (!enrolled.ok) return enrolled;
    if (request.url !== enrolled.enrolment.url) {
      return { ok: false, code: 'node_url_mismatch', message: `media node ${request.nodeId} must register with its enrolled command URL` };
    }
    const reg = { ...request, region: enrolled.enrolment.region };
    this.ctx.storage.sql.exec(
      `INSERT INTO nodes (node_id, url, capacity, version, janus_up, last_seen_at, region, media_address) VALUES (?, ?, ?, ?, 1, ?, ?, ?)
       ON CONFLICT (node_id) DO UPDATE SET url = excluded.url, capacity = excluded.capacity, version = excluded.version,
         last_seen_at = excluded.last_seen_at, region = excluded.region, media_address = excluded.media_address`,
      reg.nodeId,
      reg.url,
      reg.capacity,
      reg.version,
      now,
      reg.region,
      reg.mediaAddress ?? null,
    );
    this.ctx.storage.sql.exec('UPDATE nodes SET lost_noted_at = NULL WHERE node_id = ?', reg.nodeId);
    await this.watchHeartbeats(now);
    log('node_registered', { nodeId: reg.nodeId, region: reg.region, capacity: reg.capacity, version: reg.version });
    // Three beats per TTL: one lost heartbeat does not make the node look dead. The node seals every
    // artifact with the bank key it is given here; without one it records nothing it could upload.
    return { ok: true, heartbeatIntervalMs: Math.max(1000, Math.floor(this.ttlMs / 3)), evidencePublicKey: loadConfig(this.env).evidence.publicKeyPem };
  }

  /** Records the node's reported load; the answer tells a draining node whether it is empty yet. */
  async heartbeat(nodeId: string, beat: NodeHeartbeat, now: number = Date.now()): Promise<NodeHeartbeatAccepted | Failure> {
    const before = this.row(nodeId);
    const updated = this.ctx.storage.sql.exec(
      `UPDATE nodes SET janus_up = ?, last_seen_at = ?, r_sessions = ?, r_publishers = ?, r_subscribers = ?,
         r_bitrate_kbps = ?, r_cpu_percent = ?, r_uploads_pending = ? WHERE node_id = ?`,
      beat.janusUp ? 1 : 0,
      now,
      beat.sessions,
      beat.publishers,
      beat.subscribers,
      beat.bitrateKbps,
      beat.cpuPercent,
      beat.uploadsPending,
      nodeId,
    ).rowsWritten;
    if (updated === 0) return { ok: false, code: 'not_found', message: 'unknown node: register first' };
    this.ctx.storage.sql.exec('UPDATE nodes SET lost_noted_at = NULL WHERE node_id = ? AND ?', nodeId, beat.janusUp ? 1 : 0);
    // Janus went down under live calls: their media is gone with it, move them now.
    if (before?.janusUp && !beat.janusUp) this.nodeLost(nodeId, 'janus_down', now);
    await this.watchHeartbeats(now);
    const node = this.row(nodeId);
    return { ok: true, status: node ? nodeStatus(node, now, this.ttlMs) : 'live', release: this.notAssigned(nodeId, beat.rooms ?? []) };
  }

  /**
   * The rooms a node holds for sessions not assigned to it: ended while the node could not hear
   * destroy-room, or moved off it by a failover. The node destroys them (finishing their recordings).
   */
  private notAssigned(nodeId: string, rooms: readonly string[]): string[] {
    if (rooms.length === 0) return [];
    const mine = new Set(
      this.ctx.storage.sql
        .exec<{ session_id: string }>('SELECT session_id FROM assignments WHERE node_id = ?', nodeId)
        .toArray()
        .map((r) => r.session_id),
    );
    const release = rooms.filter((sessionId) => !mine.has(sessionId));
    if (release.length > 0) log('node_rooms_released', { nodeId, rooms: release.length });
    return release;
  }

  /**
   * Assigns the session to the least-loaded eligible node (preferring `region`), or answers null
   * when none is live, up, undrained and has room. Placing the same session again answers its node.
   */
  async place(sessionId: string, now: number = Date.now(), region?: string): Promise<Placement | null> {
    const existing = this.assignment(sessionId);
    if (existing) return existing;
    const chosen = placeSession(this.rows(), { now, ttlMs: this.ttlMs, region });
    if (!chosen) return null;
    this.ctx.storage.sql.exec('INSERT INTO assignments (session_id, node_id, assigned_at) VALUES (?, ?, ?)', sessionId, chosen.nodeId, now);
    return { nodeId: chosen.nodeId, url: chosen.url };
  }

  /**
   * Moves a session off a lost node: the least-loaded other eligible node (preferring `region`),
   * or null when there is none (the session stays where it is and may resume there). Idempotent:
   * a session already moved elsewhere answers its current node. A session leaving because both its
   * pages lost their media there (`media_lost`) makes the node's media path suspect: it gets no new
   * session for MEDIA_SUSPECT_MS, while its heartbeats may say all is well.
   */
  async reassign(sessionId: string, fromNodeId: string, cause?: string, now: number = Date.now(), region?: string): Promise<Placement | null> {
    const current = this.assignment(sessionId);
    if (current && current.nodeId !== fromNodeId) return current;
    if (cause === 'media_lost') {
      this.ctx.storage.sql.exec('UPDATE nodes SET media_suspect_until = ? WHERE node_id = ?', now + MEDIA_SUSPECT_MS, fromNodeId);
      log('node_media_suspect', { nodeId: fromNodeId, sessionId, minutes: MEDIA_SUSPECT_MS / 60_000 });
    }
    const chosen = placeSession(
      this.rows().filter((n) => n.nodeId !== fromNodeId),
      { now, ttlMs: this.ttlMs, region },
    );
    if (!chosen) return null;
    this.ctx.storage.sql.exec(
      `INSERT INTO assignments (session_id, node_id, assigned_at) VALUES (?, ?, ?)
       ON CONFLICT (session_id) DO UPDATE SET node_id = excluded.node_id, assigned_at = excluded.assigned_at`,
      sessionId,
      chosen.nodeId,
      now,
    );
    log('session_reassigned', { sessionId, from: fromNodeId, to: chosen.nodeId });
    this.noteIfDrained(fromNodeId);
    return { nodeId: chosen.nodeId, url: chosen.url };
  }

  /** Nodes silent past the heartbeat TTL lose their sessions to other nodes (once per silence). */
  override async alarm(): Promise<void> {
    const now = Date.now();
    for (const node of this.rows()) {
      if (isLive(node, now, this.ttlMs) || node.assigned === 0) continue;
      const noted = this.ctx.storage.sql.exec<{ lost_noted_at: number | null }>('SELECT lost_noted_at FROM nodes WHERE node_id = ?', node.nodeId).one();
      if (noted.lost_noted_at !== null) continue;
      this.nodeLost(node.nodeId, 'heartbeat_missed', now);
    }
    await this.watchHeartbeats(now);
  }

  /** Frees the session's slot. Idempotent. The last session leaving a draining node drains it. */
  async release(sessionId: string): Promise<void> {
    const freed = this.ctx.storage.sql
      .exec<{ node_id: string }>('DELETE FROM assignments WHERE session_id = ? RETURNING node_id', sessionId)
      .toArray()[0];
    if (freed) this.noteIfDrained(freed.node_id);
  }

  /** Marks the node draining: no new sessions; the ones it has finish where they are. */
  async drain(nodeId: string, now: number = Date.now()): Promise<FleetNodeResult> {
    const changed = this.ctx.storage.sql.exec('UPDATE nodes SET draining = 1 WHERE node_id = ? AND draining = 0', nodeId).rowsWritten;
    if (changed > 0) {
      this.ctx.storage.sql.exec('UPDATE nodes SET drained_noted = 0 WHERE node_id = ?', nodeId);
      log('node_draining', { nodeId });
      this.noteIfDrained(nodeId);
    }
    return this.fleetNode(nodeId, now);
  }

  /** Puts a draining (or drained) node back in service. */
  async undrain(nodeId: string, now: number = Date.now()): Promise<FleetNodeResult> {
    const changed = this.ctx.storage.sql.exec('UPDATE nodes SET draining = 0, drained_noted = 0 WHERE node_id = ? AND draining = 1', nodeId).rowsWritten;
    if (changed > 0) log('node_undrained', { nodeId });
    return this.fleetNode(nodeId, now);
  }

  /** The bank's summary (GET /v1/status): no addresses, no reported load. */
  async status(now: number = Date.now()): Promise<NodeStatus[]> {
    return this.rows().map((n) => toNodeStatus(n, now, this.ttlMs));
  }

  /** Everything the platform team sees about the fleet (GET /v1/admin/nodes). */
  async fleet(now: number = Date.now()): Promise<FleetStatus> {
    return { nodes: this.rows().map((n) => toFleetNode(n, now, this.ttlMs)), heartbeatTtlSeconds: this.ttlMs / 1000 };
  }

  private fleetNode(nodeId: string, now: number): FleetNodeResult {
    const node = this.row(nodeId);
    if (!node) return { ok: false, code: 'not_found', message: `no media node ${nodeId}` };
    return { ok: true, node: toFleetNode(node, now, this.ttlMs) };
  }

  /** Keeps an alarm one TTL after the oldest live heartbeat, so a node falling silent is noticed. */
  private async watchHeartbeats(now: number): Promise<void> {
    const live = this.rows().filter((n) => n.assigned > 0 && isLive(n, now, this.ttlMs));
    if (live.length === 0) return;
    const due = Math.min(...live.map((n) => n.lastSeenAt)) + this.ttlMs + 1;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > due || current < now) await this.ctx.storage.setAlarm(due);
  }

  /**
   * Tells every session on the node that its media is gone; each moves itself (reassign) and has
   * its participants renegotiate. Not awaited by the caller: a slow session must not hold the
   * registry, and a session that misses this still notices through its own failing commands.
   */
  private nodeLost(nodeId: string, cause: 'janus_down' | 'heartbeat_missed' | 'revoked', now: number): void {
    this.ctx.storage.sql.exec('UPDATE nodes SET lost_noted_at = ? WHERE node_id = ?', now, nodeId);
    const sessions = this.ctx.storage.sql
      .exec<{ session_id: string }>('SELECT session_id FROM assignments WHERE node_id = ?', nodeId)
      .toArray()
      .map((r) => r.session_id);
    log('node_lost', { nodeId, cause, sessions: sessions.length });
    this.ctx.waitUntil(
      Promise.allSettled(sessions.map((sessionId) => sessionStub(this.env, sessionId).nodeLost(nodeId, cause))).then(() => undefined),
    );
  }

  private assignment(sessionId: string): Placement | null {
    const row = this.ctx.storage.sql
      .exec<{ node_id: string; url: string }>(
        'SELECT a.node_id, n.url FROM assignments a JOIN nodes n ON n.node_id = a.node_id WHERE a.session_id = ?',
        sessionId,
      )
      .toArray()[0];
    return row ? { nodeId: row.node_id, url: row.url } : null;
  }

  /** Logs a draining node's becoming empty, once per drain: the operator's signal to stop it. */
  private noteIfDrained(nodeId: string): void {
    const node = this.row(nodeId);
    if (!node || !node.draining || node.assigned > 0 || node.drainedNoted) return;
    this.ctx.storage.sql.exec('UPDATE nodes SET drained_noted = 1 WHERE node_id = ?', nodeId);
    log('node_drained', { nodeId, message: 'no sessions left: safe to stop' });
  }

  private row(nodeId: string): NodeRow | null {
    return this.query('WHERE n.node_id = ?', nodeId)[0] ?? null;
  }

  private rows(): NodeRow[] {
    return this.query('');
  }

  private query(where: string, ...params: string[]): NodeRow[] {
    return this.ctx.storage.sql
      .exec<StoredNode>(
        `SELECT ${NODE_COLUMNS}, (SELECT COUNT(*) FROM assignments a WHERE a.node_id = n.node_id) AS assigned
         FROM nodes n ${where} ORDER BY n.node_id`,
        ...params,
      )
      .toArray()
      .map(toNodeRow);
  }
}

