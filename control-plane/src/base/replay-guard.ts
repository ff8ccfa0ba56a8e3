import { DurableObject } from 'cloudflare:workers';
import type { Env } from './env.ts';
import type { ReplayGuardRpc, ReplayTicket } from './replay-guard-rpc.ts';

/**
 * Remembers the signatures of accepted signed requests until their timestamp falls out of the
 * accepted window, so the same request cannot be accepted twice. SQLite-backed; the Worker shards
 * by the signature's first hex digit (replayShardName), and each shard prunes itself by alarm.
 */
export class ReplayGuard extends DurableObject<Env> implements ReplayGuardRpc {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS seen (signature TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)');
      ctx.storage.sql.exec('CREATE INDEX IF NOT EXISTS seen_expiry ON seen (expires_at)');
    });
  }

  /**
   * Records a signature; false if it was already recorded and has not expired. Atomic: a DO runs
   * one call at a time and this one does not await before deciding.
   */
  async claim(signature: string, expiresAt: number, now: number = Date.now()): Promise<boolean> {
    const sql = this.ctx.storage.sql;
    const existing = sql.exec<{ expires_at: number }>('SELECT expires_at FROM seen WHERE signature = ?', signature).toArray()[0];
    if (existing && existing.expires_at > now) return false;
    sql.exec(
      'INSERT INTO seen (signature, expires_at) VALUES (?, ?) ON CONFLICT (signature) DO UPDATE SET expires_at = excluded.expires_at',
      signature,
      expiresAt,
    );
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > expiresAt) await this.ctx.storage.setAlarm(expiresAt);
    return true;
  }

  /** Number of remembered signatures (tests and diagnostics). */
  async size(): Promise<number> {
    return this.ctx.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM seen').toArray()[0]?.n ?? 0;
  }

  /** Drops expired entries and re-arms for the next expiry. Idempotent: running twice is harmless. */
  override async alarm(): Promise<void> {
    const sql = this.ctx.storage.sql;
    sql.exec('DELETE FROM seen WHERE expires_at <= ?', Date.now());
    const next = sql.exec<{ t: number | null }>('SELECT MIN(expires_at) AS t FROM seen').toArray()[0]?.t ?? null;
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }
}

/** Shard of a signature (hex): spreads load over 16 objects; one signature always maps to one. */
export function replayShardName(signatureHex: string): string {
  return `replay-${signatureHex.slice(0, 1).toLowerCase() || '0'}`;
}

/** The replay guard shard that remembers this signature. */
export function replayStub(env: Env, signatureHex: string): DurableObjectStub<ReplayGuardRpc> {
  return env.REPLAY.get(env.REPLAY.idFromName(replayShardName(signatureHex)));
}

export const REPLAYED_MESSAGE = 'this signed request was already received';

/**
 * Each verified signature is accepted once. It is remembered until its timestamp leaves the window
 * (after which the timestamp check refuses it anyway). Only verified requests get a ticket, so
 * unauthenticated traffic cannot fill the guard. True when this is the signature's first claim.
 */
export function replayClaimed(env: Env, ticket: ReplayTicket): Promise<boolean> {
  return replayStub(env, ticket.signature).claim(ticket.signature, ticket.expiresAt);
}
