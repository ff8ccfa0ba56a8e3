import type { AgentDeskRpc } from '../desk/agent-desk-rpc.ts';
import type { IdempotencyLedgerRpc } from '../api/idempotency-ledger-rpc.ts';
import type { MediaNodeRegistryRpc } from '../fleet/media-node-registry-rpc.ts';
import type { ReplayGuardRpc } from './replay-guard-rpc.ts';
import type { SessionDirectoryRpc } from '../session/session-directory-rpc.ts';
import type { VerificationSessionRpc } from '../session/session-rpc.ts';

/*
 * The Durable Object bindings are typed with each object's RPC interface, not its class: the
 * classes import this file, and importing them here would close an import circle.
 */

/** Bindings the Worker and its Durable Objects receive (see /wrangler.toml). Values are unparsed: see config.ts. */
export interface Env {
  SESSIONS: DurableObjectNamespace<VerificationSessionRpc>;
  NODES: DurableObjectNamespace<MediaNodeRegistryRpc>;
  DIRECTORY: DurableObjectNamespace<SessionDirectoryRpc>;
  REPLAY: DurableObjectNamespace<ReplayGuardRpc>;
  IDEMPOTENCY: DurableObjectNamespace<IdempotencyLedgerRpc>;
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
  /** Ed25519 PKCS#8 (base64) signing the control plane's commands to media nodes. */
  CONTROL_PLANE_SIGNING_KEY?: string;
  /** "true" on a local stack only: media nodes enrolled with http command URLs. */
  ALLOW_HTTP_NODE_URLS?: string;
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
  DESK: DurableObjectNamespace<AgentDeskRpc>;
  /** "pick" (default) or "random". */
  AGENT_ASSIGNMENT?: string;
  /** Per-session budgets (positive integers; defaults in session/session-limits.ts). */
  SESSION_FRAME_BURST?: string;
  SESSION_FRAMES_PER_SECOND?: string;
  SESSION_JOINS_PER_MINUTE?: string;
  SESSION_CHAT_LINES?: string;
  SESSION_CAPTURES?: string;
  SESSION_SEGMENTS?: string;
  SESSION_AUDIT_ROWS?: string;
  /** Comma-separated bank check kinds that must pass before an approval (see config.ts). */
  REQUIRED_BANK_CHECKS?: string;
  /** Face-match score at or above which a result is `match` (0..1; default the model's published 0.5). */
  FACE_MATCH_THRESHOLD?: string;
  /** Face-match score below which a result is `no_match` (0..1, not above FACE_MATCH_THRESHOLD; default 0.4). */
  FACE_MATCH_NO_MATCH_THRESHOLD?: string;
  /** "required": every session asks the customer for a one-time code (a create request may override); default "off". */
  ONE_TIME_CODE?: string;
  /** Minutes a one-time code stays valid after the call starts (default 10). */
  ONE_TIME_CODE_TTL_MINUTES?: string;
  /** The security-feature catalog per document type, JSON (see security-feature-draw.ts); empty = the default. */
  SECURITY_FEATURES?: string | Record<string, unknown>;
  /** Security features drawn per session, of different categories (0..5, default 3). */
  SECURITY_FEATURES_PER_SESSION?: string;
  /** "true": an aborted session's recordings are deleted once the bank was told (not for SUSPECTED_FRAUD). */
  DELETE_RECORDINGS_ON_ABORT?: string;
  /** The quality gate (issue 15; quality-config.ts): least received width and height in pixels (default 640x360). */
  QUALITY_MIN_WIDTH?: string;
  QUALITY_MIN_HEIGHT?: string;
  /** Least frame rate (default 10). */
  QUALITY_MIN_FPS?: string;
  /** Largest share of time frozen, 0..1 (default 0.2). */
  QUALITY_MAX_FREEZE_SHARE?: string;
  /** Least mean luma of a frame, 0..255 (default 40). */
  QUALITY_MIN_BRIGHTNESS?: string;
  /** Least Laplacian variance of a frame's luma (default 20). */
  QUALITY_MIN_SHARPNESS?: string;
  /** How long a cause must last before the gate turns red, and good video before green again (seconds, default 10). */
  QUALITY_HOLD_SECONDS?: string;
  /** Comma-separated turn:/turns: URLs (?transport=tcp) of the TURN fallback; empty = none. */
  TURN_URLS?: string;
  /** coturn's static-auth-secret (secret). */
  TURN_SHARED_SECRET?: string;
  TURN_CREDENTIAL_TTL_SECONDS?: string;
}

/** The singletons live under fixed names so every isolate reaches the same instance. */
export const SINGLETON = 'global';

export function registryStub(env: Env): DurableObjectStub<MediaNodeRegistryRpc> {
  return env.NODES.get(env.NODES.idFromName(SINGLETON));
}

export function deskStub(env: Env): DurableObjectStub<AgentDeskRpc> {
  return env.DESK.get(env.DESK.idFromName(SINGLETON));
}

export function directoryStub(env: Env): DurableObjectStub<SessionDirectoryRpc> {
  return env.DIRECTORY.get(env.DIRECTORY.idFromName(SINGLETON));
}

export function sessionStub(env: Env, sessionId: string): DurableObjectStub<VerificationSessionRpc> {
  return env.SESSIONS.get(env.SESSIONS.idFromName(sessionId));
}

/** The Idempotency-Keys of one bank key id. */
export function idempotencyStub(env: Env, bankKeyId: string): DurableObjectStub<IdempotencyLedgerRpc> {
  return env.IDEMPOTENCY.get(env.IDEMPOTENCY.idFromName(bankKeyId));
}
