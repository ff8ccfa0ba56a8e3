import type { AgentDesk } from '../desk/agent-desk.ts';
import type { IdempotencyLedger } from '../api/idempotency-ledger.ts';
import type { MediaNodeRegistry } from '../fleet/media-node-registry.ts';
import { replayShardName, type ReplayGuard } from './replay-guard.ts';
import type { SessionDirectory } from '../session/session-directory.ts';
import type { VerificationSession } from '../session/verification-session.ts';

/** Bindings the Worker and its Durable Objects receive (see /wrangler.toml). Values are unparsed: see config.ts. */
export interface Env {
  SESSIONS: DurableObjectNamespace<VerificationSession>;
  NODES: DurableObjectNamespace<MediaNodeRegistry>;
  DIRECTORY: DurableObjectNamespace<SessionDirectory>;
  REPLAY: DurableObjectNamespace<ReplayGuard>;
  IDEMPOTENCY: DurableObjectNamespace<IdempotencyLedger>;
  ASSETS?: Fetcher;
  PUBLIC_BASE_URL?: string;
  SESSION_MAX_MINUTES?: string;
  LINK_VALIDITY_MINUTES?: string;
  RECONNECT_GRACE_SECONDS?: string;
  NODE_HEARTBEAT_TTL_SECONDS?: string;
  DEMO_MODE?: string;
  BANK_API_KEYS?: string;
  BANK_API_REVOKED_KEYS?: string;
  /** JSON {keyId: secret} of the platform team's admin API keys (secret). */
  ADMIN_API_KEYS?: string;
  TOKEN_SECRET?: string;
  NODE_SECRET?: string;
  WEBHOOK_URL?: string;
  WEBHOOK_SECRET?: string;
  /** Sealed evidence artifacts, keyed sessions/<sessionId>/<artifactId>. */
  EVIDENCE: R2Bucket;
  EVIDENCE_PUBLIC_KEY?: string;
  EVIDENCE_SIGNING_KEY?: string;
  EVIDENCE_RETENTION_DAYS?: string;
  EVIDENCE_RETENTION_UNSUCCESSFUL_DAYS?: string;
  /** JSON array of {id, ko, en}; wrangler may hand a TOML array over already parsed. */
  VERIFICATION_CHECKLIST?: string | unknown[];
  /** The agents' desk: live queue, consoles, assignment (singleton). */
  DESK: DurableObjectNamespace<AgentDesk>;
  /** "pick" (default) or "random". */
  AGENT_ASSIGNMENT?: string;
  /** Comma-separated turn:/turns: URLs (?transport=tcp) of the TURN fallback; empty = none. */
  TURN_URLS?: string;
  /** coturn's static-auth-secret (secret). */
  TURN_SHARED_SECRET?: string;
  TURN_CREDENTIAL_TTL_SECONDS?: string;
}

/** The singletons live under fixed names so every isolate reaches the same instance. */
export const SINGLETON = 'global';

export function registryStub(env: Env): DurableObjectStub<MediaNodeRegistry> {
  return env.NODES.get(env.NODES.idFromName(SINGLETON));
}

export function deskStub(env: Env): DurableObjectStub<AgentDesk> {
  return env.DESK.get(env.DESK.idFromName(SINGLETON));
}

export function directoryStub(env: Env): DurableObjectStub<SessionDirectory> {
  return env.DIRECTORY.get(env.DIRECTORY.idFromName(SINGLETON));
}

export function sessionStub(env: Env, sessionId: string): DurableObjectStub<VerificationSession> {
  return env.SESSIONS.get(env.SESSIONS.idFromName(sessionId));
}

/** The replay guard shard that remembers this signature. */
export function replayStub(env: Env, signatureHex: string): DurableObjectStub<ReplayGuard> {
  return env.REPLAY.get(env.REPLAY.idFromName(replayShardName(signatureHex)));
}

/** The Idempotency-Keys of one bank key id. */
export function idempotencyStub(env: Env, bankKeyId: string): DurableObjectStub<IdempotencyLedger> {
  return env.IDEMPOTENCY.get(env.IDEMPOTENCY.idFromName(bankKeyId));
}
