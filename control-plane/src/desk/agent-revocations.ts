/**
 * The agents the bank revoked, as one generation number per agent (in the AgentDesk's SQLite). A
 * desk token carries the generation it was minted in and is refused once the agent's generation
 * moved on, so a revocation cuts off every token handed out before it at once, however long each
 * had left; a sign-in after the revocation gets the new generation and works again.
 */
export class AgentRevocations {
  constructor(private readonly sql: SqlStorage) {
    sql.exec('CREATE TABLE IF NOT EXISTS revocations (agent_id TEXT PRIMARY KEY, generation INTEGER NOT NULL, revoked_at INTEGER NOT NULL)');
  }

  /** The agent's current generation: 0 until it is first revoked. */
  generation(agentId: string): number {
    return this.sql.exec<{ generation: number }>('SELECT generation FROM revocations WHERE agent_id = ?', agentId).toArray()[0]?.generation ?? 0;
  }

  /** Moves the agent to its next generation (its tokens so far are refused from now on); answers it. */
  revoke(agentId: string, now: number): number {
    return this.sql
      .exec<{ generation: number }>(
        `INSERT INTO revocations (agent_id, generation, revoked_at) VALUES (?, 1, ?)
         ON CONFLICT (agent_id) DO UPDATE SET generation = generation + 1, revoked_at = excluded.revoked_at
         RETURNING generation`,
        agentId,
        now,
      )
      .one().generation;
  }
}
