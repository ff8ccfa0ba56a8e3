/**
 * The tables a Durable Object's SQLite held when the object loaded (one read of sqlite_master). A
 * new session's object creates its tables only as it first writes to each: a creation writes the
 * record and one audit entry, so creating the outbox, artifact, funnel and join tables up front cost
 * every creation seven statements and the reads of their empty tables.
 */
export class StoredTables {
  private readonly names: ReadonlySet<string>;

  constructor(sql: SqlStorage) {
    this.names = new Set(sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").toArray().map((r) => r.name));
  }

  /** Whether `name` existed when the object loaded (a table created since is the caller's to know). */
  had(name: string): boolean {
    return this.names.has(name);
  }
}
