import { GENESIS_HASH, hashAuditEntry, type AuditEntry } from '@vident/protocol';
import type { AuditInput } from './audit-input.ts';

/** Which entries AuditLog.count counts. */
export interface AuditFilter {
  action?: string;
  actors?: readonly string[];
}

/** Longest client address kept (an IPv6 literal fits; anything longer is not an address). */
const MAX_FROM = 64;

/**
 * A session's append-only, hash-chained audit trail in its Durable Object's SQLite. Triggers refuse
 * UPDATE and DELETE, so only deliberate tampering (dropping them) can alter a row, and that is what
 * verifyAuditChain detects. Appends are chained one after another: each needs the previous hash.
 */
export class AuditLog {
  private head = GENESIS_HASH;
  private seq = 0;
  private queue: Promise<unknown> = Promise.resolve();

  /** `existing`: the audit table was there when the object loaded (a new session's has nothing to read). */
  constructor(
    private readonly sql: SqlStorage,
    existing = true,
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS audit (
      seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
      detail TEXT NOT NULL, from_addr TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)`);
    sql.exec(`CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
      BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END`);
    sql.exec(`CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
      BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END`);
    // Where the trail starts once its older entries were purged (retention's end): see purge().
    sql.exec('CREATE TABLE IF NOT EXISTS audit_purged (id INTEGER PRIMARY KEY CHECK (id = 1), length INTEGER NOT NULL, head TEXT NOT NULL)');
    if (!existing) return;
    const purged = this.purged();
    const last = sql.exec<{ seq: number; hash: string }>('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').toArray()[0];
    if (last) {
      this.seq = last.seq;
      this.head = last.hash;
    } else if (purged) {
      this.seq = purged.length;
      this.head = purged.head;
    }
  }

  /**
   * Deletes every entry (they hold chat, notes, names, addresses) and keeps where they ended: their
   * count and head hash, the head an evidence manifest signed. Later entries chain on from that
   * head, so what is left still verifies (verifyAuditChain's `from`). The one deliberate deletion:
   * the trigger is lifted for it alone, in one transaction.
   */
  async purge(storage: DurableObjectStorage): Promise<{ length: number; head: string }> {
    await this.queue;
    const kept = { length: this.seq, head: this.head };
    storage.transactionSync(() => {
      this.sql.exec(
        'INSERT INTO audit_purged (id, length, head) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET length = excluded.length, head = excluded.head',
        kept.length,
        kept.head,
      );
      this.sql.exec('DROP TRIGGER IF EXISTS audit_no_delete');
      this.sql.exec('DELETE FROM audit');
      this.sql.exec(`CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END`);
    });
    return kept;
  }

  /** Where the trail starts after a purge; null when nothing was purged. */
  purged(): { length: number; head: string } | null {
    return this.sql.exec<{ length: number; head: string }>('SELECT length, head FROM audit_purged WHERE id = 1').toArray()[0] ?? null;
  }

  append(input: AuditInput, now: number): Promise<void> {
    const run = this.queue.then(async () => {
      const from = input.from ? input.from.slice(0, MAX_FROM) : null;
      const base = {
        seq: this.seq + 1,
        at: new Date(now).toISOString(),
        actor: input.actor,
        action: input.action,
        // A JSON round trip: what is hashed is exactly what is stored and read back.
        detail: JSON.parse(JSON.stringify(input.detail ?? {})) as Record<string, unknown>,
        from,
        prevHash: this.head,
      };
      const hash = await hashAuditEntry(base);
      this.sql.exec(
        'INSERT INTO audit (seq, at, actor, action, detail, from_addr, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        base.seq,
        base.at,
        base.actor,
        base.action,
        JSON.stringify(base.detail),
        from,
        base.prevHash,
        hash,
      );
      this.seq = base.seq;
      this.head = hash;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The latest `limit` entries with this action, newest first, as stored rows (chat replay reads these). */
  async latest(action: string, limit: number): Promise<{ at: string; detail: string }[]> {
    await this.queue;
    return this.sql.exec<{ at: string; detail: string }>('SELECT at, detail FROM audit WHERE action = ? ORDER BY seq DESC LIMIT ?', action, limit).toArray();
  }

  /** How many entries there are, of one action and/or by some actors (the session's caps count these). */
  async count(filter: AuditFilter = {}): Promise<number> {
    await this.queue;
    const clauses: string[] = [];
    const params: string[] = [];
    if (filter.action !== undefined) {
      clauses.push('action = ?');
      params.push(filter.action);
    }
    if (filter.actors !== undefined) {
      clauses.push(`actor IN (${filter.actors.map(() => '?').join(', ') || 'NULL'})`);
      params.push(...filter.actors);
    }
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    return this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM audit ${where}`, ...params).one().n;
  }

  /** Every entry, oldest first, as stored (not re-verified: that is the reader's job). */
  async entries(): Promise<{ entries: AuditEntry[]; head: string; purged?: { length: number; head: string } }> {
    await this.queue;
    const rows = this.sql
      .exec<{ seq: number; at: string; actor: string; action: string; detail: string; from_addr: string | null; prev_hash: string; hash: string }>(
        'SELECT seq, at, actor, action, detail, from_addr, prev_hash, hash FROM audit ORDER BY seq',
      )
      .toArray();
    const entries = rows.map((r) => ({
      seq: r.seq,
      at: r.at,
      actor: r.actor,
      action: r.action,
      detail: parseDetail(r.detail),
      from: r.from_addr,
      prevHash: r.prev_hash,
      hash: r.hash,
    }));
    const purged = this.purged();
    return { entries, head: this.head, ...(purged ? { purged } : {}) };
  }
}

function parseDetail(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    // A damaged row still comes back, so the chain check can point at it.
    return { unparsable: text.slice(0, 256) };
  }
}
