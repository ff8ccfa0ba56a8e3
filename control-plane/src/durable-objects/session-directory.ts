import { DurableObject } from 'cloudflare:workers';
import type { RecordingView, SessionState, SessionView } from '@vident/protocol';
import type { Env } from '../env.ts';

export interface ListQuery {
  states?: SessionState[];
  /** Exclusive bounds on createdAt, in the stored form (Date#toISOString). */
  createdAfter?: string;
  createdBefore?: string;
  externalRef?: string;
  /** Keyset pagination: only sessions after this one in list order. */
  after?: { createdAt: string; sessionId: string };
  limit: number;
}

/**
 * Index of all sessions (singleton): the latest SessionView snapshot of each, as its
 * VerificationSession last published it, and every recording. Serves the list endpoints and status.
 */
export class SessionDirectory extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS sessions (
        session_id TEXT PRIMARY KEY, state TEXT NOT NULL, created_at TEXT NOT NULL, view TEXT NOT NULL)`);
      ctx.storage.sql.exec('CREATE INDEX IF NOT EXISTS sessions_created ON sessions (created_at DESC)');
      ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS recordings (
        session_id TEXT NOT NULL, participant TEXT NOT NULL, file TEXT NOT NULL, ready_at TEXT NOT NULL,
        view TEXT NOT NULL, PRIMARY KEY (session_id, participant, file))`);
    });
  }

  async upsert(view: SessionView): Promise<void> {
    const sql = this.ctx.storage.sql;
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
        'INSERT OR IGNORE INTO recordings (session_id, participant, file, ready_at, view) VALUES (?, ?, ?, ?, ?)',
        rec.sessionId,
        rec.participant,
        rec.file,
        rec.readyAt,
        JSON.stringify(rec),
      );
    }
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

  async activeCount(): Promise<number> {
    const row = this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM sessions WHERE state IN ('created', 'waiting', 'in_call')").toArray()[0];
    return row?.n ?? 0;
  }

  /** Newest first, optionally for one session. */
  async recordings(query: { sessionId?: string; limit: number }): Promise<RecordingView[]> {
    const rows = query.sessionId
      ? this.ctx.storage.sql.exec<{ view: string }>(
          'SELECT view FROM recordings WHERE session_id = ? ORDER BY ready_at DESC LIMIT ?',
          query.sessionId,
          query.limit,
        )
      : this.ctx.storage.sql.exec<{ view: string }>('SELECT view FROM recordings ORDER BY ready_at DESC LIMIT ?', query.limit);
    return rows.toArray().map((r) => JSON.parse(r.view) as RecordingView);
  }
}
