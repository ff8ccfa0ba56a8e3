import type { AgentStatus, DeskRole, Locale } from '@vident/protocol';
import { HANDLE_TIME_SAMPLES, type AgentRow, type WaitingRow } from './desk-queue.ts';

/** How long finished waits and calls are kept for averages (the supervisor's "today" and the estimate). */
const HISTORY_MS = 2 * 86_400_000;

/**
 * The AgentDesk's SQLite tables: waiting customers, agents the desk knows, and the history of
 * finished waits and calls. `connected` is not stored: the desk derives it from live sockets.
 */
export class DeskRows {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS waiting (
      session_id TEXT PRIMARY KEY, external_ref TEXT NOT NULL, locale TEXT NOT NULL, waiting_since INTEGER NOT NULL,
      assigned_to TEXT, left_at INTEGER)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS agents (
      agent_id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, locales TEXT NOT NULL, status TEXT NOT NULL,
      session_id TEXT, since INTEGER NOT NULL)`);
    sql.exec('CREATE TABLE IF NOT EXISTS waits (session_id TEXT PRIMARY KEY, waited_ms INTEGER NOT NULL, ended_at INTEGER NOT NULL)');
    sql.exec('CREATE TABLE IF NOT EXISTS calls (session_id TEXT PRIMARY KEY, call_ms INTEGER NOT NULL, ended_at INTEGER NOT NULL)');
    // When each customer was given to an agent: an agent who does not join in time loses the customer.
    sql.exec('CREATE TABLE IF NOT EXISTS assignments (session_id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, at INTEGER NOT NULL)');
  }

  /** Customers in the queue now (a customer who dropped out within its grace is not). */
  waiting(): WaitingRow[] {
    return this.sql
      .exec<{ session_id: string; external_ref: string; locale: string; waiting_since: number; assigned_to: string | null }>(
        'SELECT session_id, external_ref, locale, waiting_since, assigned_to FROM waiting WHERE left_at IS NULL',
      )
      .toArray()
      .map((r) => ({ sessionId: r.session_id, externalRef: r.external_ref, locale: r.locale as Locale, waitingSince: r.waiting_since, assignedTo: r.assigned_to }));
  }

  waitingRow(sessionId: string): (WaitingRow & { left: boolean }) | null {
    const r = this.sql
      .exec<{ external_ref: string; locale: string; waiting_since: number; assigned_to: string | null; left_at: number | null }>(
        'SELECT external_ref, locale, waiting_since, assigned_to, left_at FROM waiting WHERE session_id = ?',
        sessionId,
      )
      .toArray()[0];
    if (!r) return null;
    return { sessionId, externalRef: r.external_ref, locale: r.locale as Locale, waitingSince: r.waiting_since, assignedTo: r.assigned_to, left: r.left_at !== null };
  }

  /** Starts (or resumes) a wait; a customer coming back keeps its first waitingSince. */
  startWaiting(row: Omit<WaitingRow, 'assignedTo'>): void {
    this.sql.exec(
      `INSERT INTO waiting (session_id, external_ref, locale, waiting_since, assigned_to, left_at) VALUES (?, ?, ?, ?, NULL, NULL)
       ON CONFLICT (session_id) DO UPDATE SET left_at = NULL`,
      row.sessionId,
      row.externalRef,
      row.locale,
      row.waitingSince,
    );
  }

  markLeft(sessionId: string, now: number): void {
    this.sql.exec('UPDATE waiting SET left_at = ? WHERE session_id = ? AND left_at IS NULL', now, sessionId);
  }

  setAssigned(sessionId: string, agentId: string | null, now: number): void {
    this.sql.exec('UPDATE waiting SET assigned_to = ? WHERE session_id = ?', agentId, sessionId);
    if (agentId === null) this.sql.exec('DELETE FROM assignments WHERE session_id = ?', sessionId);
    else this.sql.exec('INSERT OR REPLACE INTO assignments (session_id, agent_id, at) VALUES (?, ?, ?)', sessionId, agentId, now);
  }

  removeWaiting(sessionId: string): void {
    this.sql.exec('DELETE FROM waiting WHERE session_id = ?', sessionId);
    this.sql.exec('DELETE FROM assignments WHERE session_id = ?', sessionId);
  }

  /** Assignments made before `before` whose agent has still not joined (the customer still waits for it). */
  staleAssignments(before: number): { sessionId: string; agentId: string }[] {
    return this.sql
      .exec<{ session_id: string; agent_id: string }>(
        `SELECT a.session_id, a.agent_id FROM assignments a JOIN waiting w ON w.session_id = a.session_id
         WHERE a.at < ? AND w.assigned_to = a.agent_id`,
        before,
      )
      .toArray()
      .map((r) => ({ sessionId: r.session_id, agentId: r.agent_id }));
  }

  /** When the oldest assignment was made; null when none is pending. */
  oldestAssignmentAt(): number | null {
    return this.sql.exec<{ at: number | null }>('SELECT MIN(at) AS at FROM assignments').one().at;
  }

  agents(connected: (agentId: string) => boolean): AgentRow[] {
    return this.sql
      .exec<{ agent_id: string; name: string; role: string; locales: string; status: string; session_id: string | null; since: number }>(
        'SELECT agent_id, name, role, locales, status, session_id, since FROM agents ORDER BY since, agent_id',
      )
      .toArray()
      .map((r) => ({
        agentId: r.agent_id,
        name: r.name,
        role: r.role as DeskRole,
        locales: JSON.parse(r.locales) as Locale[],
        status: r.status as AgentStatus,
        connected: connected(r.agent_id),
        sessionId: r.session_id,
        since: r.since,
      }));
  }

  agent(agentId: string, connected: (agentId: string) => boolean): AgentRow | null {
    return this.agents(connected).find((a) => a.agentId === agentId) ?? null;
  }

  upsertAgent(a: Omit<AgentRow, 'connected'>): void {
    this.sql.exec(
      `INSERT INTO agents (agent_id, name, role, locales, status, session_id, since) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (agent_id) DO UPDATE SET name = excluded.name, role = excluded.role, locales = excluded.locales,
         status = excluded.status, session_id = excluded.session_id, since = excluded.since`,
      a.agentId,
      a.name,
      a.role,
      JSON.stringify(a.locales),
      a.status,
      a.sessionId,
      a.since,
    );
  }

  setStatus(agentId: string, status: AgentStatus, sessionId: string | null, since: number): void {
    this.sql.exec('UPDATE agents SET status = ?, session_id = ?, since = ? WHERE agent_id = ?', status, sessionId, since, agentId);
  }

  removeAgent(agentId: string): void {
    this.sql.exec('DELETE FROM agents WHERE agent_id = ?', agentId);
  }

  /** Sessions the agent holds: assigned and not joined yet, or its call. */
  sessionsOf(agentId: string): string[] {
    const rows = this.sql
      .exec<{ session_id: string }>(
        `SELECT session_id FROM assignments WHERE agent_id = ?
         UNION SELECT session_id FROM agents WHERE agent_id = ? AND session_id IS NOT NULL`,
        agentId,
        agentId,
      )
      .toArray();
    return rows.map((r) => r.session_id);
  }

  /** The agent busy with this session, if any. */
  agentOfSession(sessionId: string): string | null {
    return this.sql.exec<{ agent_id: string }>("SELECT agent_id FROM agents WHERE session_id = ? AND status = 'busy'", sessionId).toArray()[0]?.agent_id ?? null;
  }

  recordWait(sessionId: string, waitedMs: number, now: number): void {
    this.sql.exec('INSERT OR IGNORE INTO waits (session_id, waited_ms, ended_at) VALUES (?, ?, ?)', sessionId, Math.max(0, Math.round(waitedMs)), now);
    this.prune(now);
  }

  recordCall(sessionId: string, callMs: number, now: number): void {
    this.sql.exec('INSERT OR IGNORE INTO calls (session_id, call_ms, ended_at) VALUES (?, ?, ?)', sessionId, Math.round(callMs), now);
    this.prune(now);
  }

  /** Durations of the last HANDLE_TIME_SAMPLES finished calls: the estimate's basis. */
  recentCallMs(): number[] {
    return this.sql
      .exec<{ call_ms: number }>('SELECT call_ms FROM calls ORDER BY ended_at DESC LIMIT ?', HANDLE_TIME_SAMPLES)
      .toArray()
      .map((r) => r.call_ms);
  }

  waitsSince(since: number): number[] {
    return this.sql.exec<{ waited_ms: number }>('SELECT waited_ms FROM waits WHERE ended_at >= ?', since).toArray().map((r) => r.waited_ms);
  }

  callsSince(since: number): number[] {
    return this.sql.exec<{ call_ms: number }>('SELECT call_ms FROM calls WHERE ended_at >= ?', since).toArray().map((r) => r.call_ms);
  }

  private prune(now: number): void {
    // Keep the estimate's samples even after a quiet spell; drop the rest once older than the history.
    this.sql.exec('DELETE FROM waits WHERE ended_at < ?', now - HISTORY_MS);
    this.sql.exec(
      'DELETE FROM calls WHERE ended_at < ? AND session_id NOT IN (SELECT session_id FROM calls ORDER BY ended_at DESC LIMIT ?)',
      now - HISTORY_MS,
      HANDLE_TIME_SAMPLES,
    );
  }
}
