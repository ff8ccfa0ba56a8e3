import type { CreateSessionResponse } from '@vident/protocol';
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../base/env.ts';
import type { IdempotencyClaim, IdempotencyLedgerRpc } from './idempotency-ledger-rpc.ts';

/** How long an Idempotency-Key is remembered (the API promises at least 24 h). */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60_000;

/** A claimed key whose request has not finished after this long is presumed lost and may be retried. */
export const IDEMPOTENCY_PENDING_MS = 60_000;

/**
 * The Idempotency-Keys of `POST /v1/sessions` for one bank key id (one object per key id, so
 * keys are scoped to the bank key that used them). Stores the body's hash and the first answer,
 * join links included: they are what the bank must get again, and this storage is no more exposed
 * than TOKEN_SECRET, which can mint them anyway.
 */
export class IdempotencyLedger extends DurableObject<Env> implements IdempotencyLedgerRpc {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS idempotency_keys (
        idem_key TEXT PRIMARY KEY, body_hash TEXT NOT NULL, created_at INTEGER NOT NULL, result TEXT)`);
      ctx.storage.sql.exec('CREATE INDEX IF NOT EXISTS idempotency_keys_created ON idempotency_keys (created_at)');
    });
  }

  /**
   * Claims a key for a request body. Atomic (no await before the decision): of two concurrent
   * requests with one key, exactly one proceeds and the other gets a conflict.
   */
  async claim(idemKey: string, bodyHash: string, now: number = Date.now()): Promise<IdempotencyClaim> {
    const sql = this.ctx.storage.sql;
    sql.exec('DELETE FROM idempotency_keys WHERE created_at <= ?', now - IDEMPOTENCY_RETENTION_MS);
    const row = sql
      .exec<{ body_hash: string; created_at: number; result: string | null }>(
        'SELECT body_hash, created_at, result FROM idempotency_keys WHERE idem_key = ?',
        idemKey,
      )
      .toArray()[0];
    if (row && row.body_hash !== bodyHash) {
      return { kind: 'conflict', message: 'this Idempotency-Key was already used with a different request body' };
    }
    if (row?.result) return { kind: 'replay', response: JSON.parse(row.result) as CreateSessionResponse };
    if (row && now - row.created_at < IDEMPOTENCY_PENDING_MS) {
      return { kind: 'conflict', message: 'a request with this Idempotency-Key is still in progress' };
    }
    sql.exec(
      `INSERT INTO idempotency_keys (idem_key, body_hash, created_at, result) VALUES (?, ?, ?, NULL)
       ON CONFLICT (idem_key) DO UPDATE SET created_at = excluded.created_at`,
      idemKey,
      bodyHash,
      now,
    );
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + IDEMPOTENCY_RETENTION_MS);
    return { kind: 'proceed' };
  }

  /** Records what the claimed request produced; later claims with the same body replay it. */
  async complete(idemKey: string, response: CreateSessionResponse): Promise<void> {
    this.ctx.storage.sql.exec('UPDATE idempotency_keys SET result = ? WHERE idem_key = ?', JSON.stringify(response), idemKey);
  }

  /** Releases a claim whose request failed, so a retry may proceed at once. */
  async abandon(idemKey: string): Promise<void> {
    this.ctx.storage.sql.exec('DELETE FROM idempotency_keys WHERE idem_key = ? AND result IS NULL', idemKey);
  }

  /** Forgets keys past retention and re-arms for the oldest remaining one. Idempotent. */
  override async alarm(): Promise<void> {
    const sql = this.ctx.storage.sql;
    sql.exec('DELETE FROM idempotency_keys WHERE created_at <= ?', Date.now() - IDEMPOTENCY_RETENTION_MS);
    const oldest = sql.exec<{ t: number | null }>('SELECT MIN(created_at) AS t FROM idempotency_keys').toArray()[0]?.t ?? null;
    if (oldest !== null) await this.ctx.storage.setAlarm(oldest + IDEMPOTENCY_RETENTION_MS);
  }
}
