import * as z from 'zod/mini';
import { SessionId, SessionState, Timestamp } from './common.ts';
import { DEFAULT_REGION, NodeFleetStatus, NodeId, Region } from './node-api.ts';
import { Ed25519PublicKey } from './node-keys.ts';

/*
 * The platform team's admin API (/v1/admin/...). Signed exactly like the bank API (signing.ts) but
 * with keys from ADMIN_API_KEYS: a bank key is refused here and an admin key on the bank API.
 */

/** Load a media node reported in its last heartbeat (zeros until its first one). */
export const NodeLoadReport = z.object({
  sessions: z.int().check(z.nonnegative()),
  publishers: z.int().check(z.nonnegative()),
  subscribers: z.int().check(z.nonnegative()),
  /** The sidecar's estimate of the media bitrate it carries (see its vident_bitrate_kbps help). */
  bitrateKbps: z.number().check(z.nonnegative()),
  /** Janus's CPU use in percent of one core; 0 when the sidecar does not know Janus's pid. */
  cpuPercent: z.number().check(z.nonnegative()),
  uploadsPending: z.int().check(z.nonnegative()),
});
export type NodeLoadReport = z.infer<typeof NodeLoadReport>;

/** One media node as the control plane's registry holds it. */
export const FleetNode = z.object({
  nodeId: z.string(),
  /** Where the control plane sends the node's commands (its sidecar). */
  url: z.string(),
  /** The Janus host's public media address; null for a node that did not report one. */
  mediaAddress: z.nullable(z.string()),
  region: z.string(),
  capacity: z.int(),
  /** Sessions the control plane has placed on the node and not yet released (placement's truth). */
  assignedSessions: z.int().check(z.nonnegative()),
  load: NodeLoadReport,
  janusUp: z.boolean(),
  version: z.string(),
  lastHeartbeatAt: Timestamp,
  /** Seconds since the last register or heartbeat, when the answer was made. */
  heartbeatAgeSeconds: z.number().check(z.nonnegative()),
  draining: z.boolean(),
  status: NodeFleetStatus,
  /**
   * While set, the node gets no new session: a call there lost its media on both sides although the
   * node looked healthy (its media address may be unreachable). Its calls go on.
   */
  mediaSuspectUntil: z._default(z.nullable(Timestamp), null),
});
export type FleetNode = z.infer<typeof FleetNode>;

/** Answer of `GET /v1/admin/nodes`. */
export const FleetStatus = z.object({
  nodes: z.array(FleetNode),
  /** A node not heard from for this long is `silent` and gets no sessions. */
  heartbeatTtlSeconds: z.int().check(z.positive()),
});
export type FleetStatus = z.infer<typeof FleetStatus>;

/** A session as the platform team sees it: where it runs and in which state, no customer data. */
export const AdminSession = z.object({
  sessionId: SessionId,
  state: SessionState,
  nodeId: z.nullable(z.string()),
  createdAt: Timestamp,
  startedAt: z.nullable(Timestamp),
  expiresAt: Timestamp,
  /** Roles with a connected socket right now. */
  connected: z.array(z.string()),
});
export type AdminSession = z.infer<typeof AdminSession>;

/** Query of `GET /v1/admin/sessions`: live sessions (created, waiting, in_call), newest first. */
export const ListAdminSessionsQuery = z.strictObject({
  nodeId: z.optional(z.string().check(z.minLength(1), z.maxLength(63))),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(500)), 100),
});
export type ListAdminSessionsQuery = z.input<typeof ListAdminSessionsQuery>;

/** Answer of `GET /v1/admin/sessions`. */
export const AdminSessionList = z.object({ sessions: z.array(AdminSession) });
export type AdminSessionList = z.infer<typeof AdminSessionList>;

/** One audit entry on a session's timeline. */
export const TimelineEntry = z.object({
  seq: z.int().check(z.positive()),
  at: Timestamp,
  /** Milliseconds since the session's first entry (its creation). */
  offsetMs: z.int().check(z.nonnegative()),
  /** Who, as a role only: `bank`, `admin`, `node`, `customer`, `agent` or `system` (no key, node or agent id). */
  actor: z.string(),
  action: z.string(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

/**
 * Answer of `GET /v1/admin/sessions/:id/timeline`: what happened when and by which role, oldest
 * first (reading it is audited, as `api.audit.get` by `admin:<keyId>`). Never the entries' details
 * (chat text, decision notes, names, external references, addresses): the platform team operates
 * the fleet and has no business reading them. The bank's `GET /v1/sessions/:id/audit` carries the
 * details and the hashes to verify the chain with.
 */
export const SessionTimeline = z.object({
  sessionId: SessionId,
  entries: z.array(TimelineEntry),
});
export type SessionTimeline = z.infer<typeof SessionTimeline>;

/**
 * Body of `POST /v1/admin/nodes`: the platform team enrols a media node before it may register.
 * The registry then accepts only requests signed with this public key (key id = node id) and sends
 * commands only to this URL (pinned). Enrolling an enrolled id again replaces its key and URL
 * (a reinstalled node); a revoked id stays revoked.
 */
export const NodeEnrolment = z.strictObject({
  nodeId: NodeId,
  /** The node's Ed25519 public key, as install.sh printed it. */
  publicKey: Ed25519PublicKey,
  /** The sidecar's base URL for commands: https, except on a local stack. */
  url: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }),
  region: z._default(Region, DEFAULT_REGION),
});
export type NodeEnrolment = z.input<typeof NodeEnrolment>;

/** One enrolled node (answer of enrol and revoke). */
export const EnrolledNode = z.object({
  nodeId: z.string(),
  publicKey: z.string(),
  url: z.string(),
  region: z.string(),
  enrolledAt: Timestamp,
  revokedAt: z.nullable(Timestamp),
  /** The control plane's command-signing public key: the node pins it (CONTROL_PLANE_PUBLIC_KEY). */
  controlPlanePublicKey: z.string(),
});
export type EnrolledNode = z.infer<typeof EnrolledNode>;
