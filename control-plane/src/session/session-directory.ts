import { DurableObject } from 'cloudflare:workers';
import type { FunnelFacts, RecordingView, SessionView } from '@vident/protocol';
import type { Env } from '../base/env.ts';
import type { FunnelRowsQuery, ListQuery, SessionDirectoryRpc } from './session-directory-rpc.ts';


/**
 * Index of all sessions (singleton): the latest SessionView snapshot of each, as its
 * VerificationSession last published it, and every recording artifact. Serves the list endpoints and status.
 */
export class SessionDirectory extends DurableObject<Env> implements SessionDirectoryRpc {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS sessions (
        session_id TEXT PRIMARY KEY, state TEXT NOT NULL, created_at TEXT NOT NULL, view TEXT NOT NULL)`);
      ctx.storage.sql.exec('CREATE INDEX IF NOT EXISTS sessions_created ON sessions (created_at DESC)');
      // Recording artifacts (ArtifactView); a later snapshot updates their state (stored, deleted).
      // The former `recordings` table (pre-evidence file paths) is no longer read.
      ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS recording_artifacts (
        artifact_id TEXT PRIMARY KEY, session_id TEXT NOT NULL, started_at TEXT NOT NULL, view TEXT NOT NULL)`);
      ctx.storage.sql.exec('CREATE INDEX IF NOT EXISTS recording_artifacts_session ON recording_artifacts (session_id, started_at DESC)');
      // Which session and node each upload's artifact id belongs to: ids are unique across sessions,
      // as recording_artifacts is keyed by them (part URLs name their session: upload-url.ts).
      ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS uploads (
        artifact_id TEXT PRIMARY KEY, session_id TEXT NOT NULL, node_id TEXT NOT NULL)`);
      // One funnel summary per ended session (ids and times, no personal data), kept past retention's purge.
      ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS funnel (
        session_id TEXT PRIMARY KEY, day TEXT NOT NULL, agent_id TEXT, facts TEXT NOT NULL)`);
      ctx.storage.sql.exec('CREATE INDEX IF NOT EXISTS funnel_day ON funnel (day, agent_id)');
    });
  }

  async upsert(view: SessionView, funnel?: FunnelFacts): Promise<void> {
    const sql = this.ctx.storage.sql;
    if (funnel) {
      sql.exec(
        `INSERT INTO funnel (session_id, day, agent_id, facts) VALUES (?, ?, ?, ?)
         ON CONFLICT (session_id) DO UPDATE SET day = excluded.day, agent_id = excluded.agent_id, facts = excluded.facts`,
        funnel.sessionId,
        funnel.day,
        funnel.agentId,
        JSON.stringify(funnel),
      );
    }
    sql.exec(
      `INSERT INTO sessions (session_id, state, created_at, view) VALUES (?, ?, ?, ?)
       ON CONFLICT (session_id) DO UPDATE SET state = excluded.state, view = excluded.view`,
      view.sessionId,
      view.state,
      view.createdAt,
      JSON.stringify(view),
    );
    for (const rec of view.recordings) {
      sql.exec(
        `INSERT INTO recording_artifacts (artifact_id, session_id, started_at, view) VALUES (?, ?, ?, ?)
         ON CONFLICT (artifact_id) DO UPDATE SET view = excluded.view`,
        rec.artifactId,
        rec.sessionId,
        rec.startedAt,
        JSON.stringify(rec),
      );
    }
  }

  /**
   * Forgets a session whose records were purged (retention's end): its snapshot and recordings.
   * The upload index stays (ids only): a node's late part must still be told evidence_deleted (410),
   * which makes it drop the file, rather than not_found.
   */
  async forget(sessionId: string): Promise<void> {
    const sql = this.ctx.storage.sql;
    sql.exec('DELETE FROM sessions WHERE session_id = ?', sessionId);
    sql.exec('DELETE FROM recording_artifacts WHERE session_id = ?', sessionId);
  }

  /** Newest first (created_at DESC, then session_id), filtered, from the keyset cursor on. */
  async list(query: ListQuery): Promise<SessionView[]> {
    const clauses: string[] = [];
    const params: Array<string | number> = [];
    const states = query.states ?? [];
    if (states.length) {
      clauses.push(`state IN (${states.map(() => '?').join(', ')})`);
      params.push(...states);
    }
    if (query.createdAfter !== undefined) {
      clauses.push('created_at > ?');
      params.push(query.createdAfter);
    }
    if (query.createdBefore !== undefined) {
      clauses.push('created_at < ?');
      params.push(query.createdBefore);
    }
    if (query.externalRef !== undefined) {
      clauses.push("json_extract(view, '$.externalRef') = ?");
      params.push(query.externalRef);
    }
    if (query.nodeId !== undefined) {
      clauses.push("json_extract(view, '$.nodeId') = ?");
      params.push(query.nodeId);
    }
    if (query.after) {
      clauses.push('(created_at < ? OR (created_at = ? AND session_id > ?))');
      params.push(query.after.createdAt, query.after.createdAt, query.after.sessionId);
    }
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    return this.ctx.storage.sql
      .exec<{ view: string }>(`SELECT view FROM sessions ${where} ORDER BY created_at DESC, session_id LIMIT ?`, ...params, query.limit)
      .toArray()
      .map((r) => JSON.parse(r.view) as SessionView);
  }

  /** The funnel facts of the sessions created on the query's days (inclusive), optionally of one agent. */
  async funnelRows(query: FunnelRowsQuery): Promise<FunnelFacts[]> {
    const agent = query.agent === undefined ? '' : ' AND agent_id = ?';
    const params = query.agent === undefined ? [query.from, query.to] : [query.from, query.to, query.agent];
    return this.ctx.storage.sql
      .exec<{ facts: string }>(`SELECT facts FROM funnel WHERE day >= ? AND day <= ?${agent}`, ...params)
      .toArray()
      .map((r) => JSON.parse(r.facts) as FunnelFacts);
  }

  /** Remembers an upload's session; false when the id already belongs to another session or node. */
  async indexUpload(artifactId: string, sessionId: string, nodeId: string): Promise<boolean> {
    const sql = this.ctx.storage.sql;
    sql.exec('INSERT OR IGNORE INTO uploads (artifact_id, session_id, node_id) VALUES (?, ?, ?)', artifactId, sessionId, nodeId);
    const row = sql.exec<{ session_id: string; node_id: string }>('SELECT session_id, node_id FROM uploads WHERE artifact_id = ?', artifactId).one();
    return row.session_id === sessionId && row.node_id === nodeId;
  }

  async activeCount(): Promise<number> {
    const row = this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM sessions WHERE state IN ('created', 'waiting', 'in_call')").toArray()[0];
    return row?.n ?? 0;
  }

  /** Newest first, optionally for one session. */
  async recordings(query: { sessionId?: string; limit: number }): Promise<RecordingView[]> {
    const rows = query.sessionId
      ? this.ctx.storage.sql.exec<{ view: string }>(
          'SELECT view FROM recording_artifacts WHERE session_id = ? ORDER BY started_at DESC, artifact_id LIMIT ?',
          query.sessionId,
          query.limit,
        )
      : this.ctx.storage.sql.exec<{ view: string }>('SELECT view FROM recording_artifacts ORDER BY started_at DESC, artifact_id LIMIT ?', query.limit);
    return rows.toArray().map((r) => JSON.parse(r.view) as RecordingView);
  }
}
