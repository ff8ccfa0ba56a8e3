import * as z from 'zod/mini';
import { SessionId } from './common.ts';
import { sha256Hex } from './signing.ts';

/*
 * A session's audit trail: an append-only, hash-chained log. Each entry's hash covers the previous
 * entry's hash and the canonical JSON of the entry itself, so altering, removing or reordering any
 * stored entry breaks every hash after it:
 *
 *   hash = hex(sha256(prevHash + canonicalJson({ seq, at, actor, action, detail, from, prevHash })))
 *
 * The first entry's prevHash is GENESIS_HASH.
 */

export const GENESIS_HASH = '0'.repeat(64);

const Hash = z.string().check(z.regex(/^[0-9a-f]{64}$/));

/** Who did it: a bank key id (`bank:<keyId>`), `customer`, `agent`, `node:<nodeId>` or `system`. */
export const AuditActor = z.string().check(z.minLength(1), z.maxLength(160));

export const AuditEntry = z.object({
  seq: z.int().check(z.positive()),
  at: z.iso.datetime(),
  actor: AuditActor,
  /** e.g. `state.changed`, `participant.joined`, `session.decided`, `api.session.get`. */
  action: z.string().check(z.minLength(1), z.maxLength(64)),
  detail: z.record(z.string(), z.unknown()),
  /** Client address when known (cf-connecting-ip), else null. */
  from: z.nullable(z.string().check(z.maxLength(64))),
  prevHash: Hash,
  hash: Hash,
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** Answer of `GET /v1/sessions/:id/audit`. */
export const AuditTrail = z.object({
  sessionId: SessionId,
  entries: z.array(AuditEntry),
  /** Hash of the last entry (GENESIS_HASH when empty): keep it to detect later truncation. */
  head: Hash,
  /**
   * Present once the session's records were purged at the end of its retention: entries 1 to
   * `length` are gone and `head` is the hash they ended at (the head an earlier evidence manifest
   * signed). The entries left follow on from it: verify them with verifyAuditChain(entries, head, purged).
   */
  purged: z.optional(z.object({ length: z.int().check(z.nonnegative()), head: Hash })),
});
export type AuditTrail = z.infer<typeof AuditTrail>;

/** JSON with object keys sorted at every level: one byte string per value, whoever serializes it. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** The hash an entry must carry. */
export function hashAuditEntry(entry: Omit<AuditEntry, 'hash'>): Promise<string> {
  const { seq, at, actor, action, detail, from, prevHash } = entry;
  return sha256Hex(prevHash + canonicalJson({ seq, at, actor, action, detail, from, prevHash }));
}

export type AuditChainCheck =
  | { ok: true; head: string }
  | { ok: false; seq: number; problem: 'sequence' | 'prev_hash' | 'hash' | 'head'; message: string };

/**
 * Verifies a whole trail from the genesis (or from the head its purged entries ended at):
 * consecutive seqs from 1, each prevHash equal to the previous hash, each hash recomputed. With `expectedHead` (a head seen earlier or returned with
 * the trail) a truncated tail is detected too. Pure; never throws.
 */
export async function verifyAuditChain(
  entries: readonly AuditEntry[],
  expectedHead?: string,
  /** Where the entries start when earlier ones were purged (AuditTrail.purged); else the genesis. */
  from: { length: number; head: string } = { length: 0, head: GENESIS_HASH },
): Promise<AuditChainCheck> {
  let prev = from.head;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const seq = from.length + i + 1;
    if (e.seq !== seq) return { ok: false, seq: e.seq, problem: 'sequence', message: `entry ${seq} has seq ${e.seq}` };
    if (e.prevHash !== prev) return { ok: false, seq: e.seq, problem: 'prev_hash', message: `entry ${e.seq} does not follow its predecessor` };
    if ((await hashAuditEntry(e)) !== e.hash) return { ok: false, seq: e.seq, problem: 'hash', message: `entry ${e.seq} was altered` };
    prev = e.hash;
  }
  if (expectedHead !== undefined && expectedHead !== prev) {
    return { ok: false, seq: from.length + entries.length, problem: 'head', message: 'the trail does not end at the expected head' };
  }
  return { ok: true, head: prev };
}
