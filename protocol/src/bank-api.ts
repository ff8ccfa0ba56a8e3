import * as z from 'zod/mini';
import { Decision, EndReason, Locale, ReasonCode, Role, SessionId, SessionOutcome, SessionState, Timestamp } from './common.ts';
import { ArtifactView } from './evidence.ts';
import { NodeFleetStatus, Region } from './node-api.ts';
import { OneTimeCodeRequirement } from './one-time-code.ts';

/** Free-form bank metadata: small string map, echoed back, never interpreted. */
export const Metadata = z
  .record(z.string().check(z.minLength(1), z.maxLength(64)), z.string().check(z.maxLength(512)))
  .check(z.refine((m) => Object.keys(m).length <= 32, { message: 'at most 32 metadata keys' }));
export type Metadata = z.infer<typeof Metadata>;

/** Body of `POST /v1/sessions`. */
export const CreateSessionRequest = z.strictObject({
  externalRef: z.string().check(z.trim(), z.minLength(1), z.maxLength(128)),
  customerName: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  locale: z._default(Locale, 'ko'),
  record: z._default(z.boolean(), true),
  metadata: z._default(Metadata, {}),
  /** The customer's region: placement prefers a media node there, else takes any (absent = any). */
  region: z.optional(Region),
  /** Whether the customer must repeat a one-time code in the call (issue 15); absent = the bank's default, ONE_TIME_CODE. */
  oneTimeCode: z.optional(OneTimeCodeRequirement),
});
export type CreateSessionRequest = z.input<typeof CreateSessionRequest>;

/** Answer (201) of `POST /v1/sessions`. */
export const CreateSessionResponse = z.object({
  sessionId: SessionId,
  customerUrl: z.url(),
  agentUrl: z.url(),
  expiresAt: Timestamp,
});
export type CreateSessionResponse = z.infer<typeof CreateSessionResponse>;

/** Body of `PATCH /v1/sessions/:id`. */
export const UpdateSessionRequest = z
  .strictObject({
    customerName: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
    metadata: z.optional(Metadata),
  })
  .check(
    z.refine((b) => b.customerName !== undefined || b.metadata !== undefined, {
      message: 'nothing to update: give customerName or metadata',
    }),
  );
export type UpdateSessionRequest = z.infer<typeof UpdateSessionRequest>;

export const ParticipantView = z.object({
  role: Role,
  connected: z.boolean(),
  joinedAt: z.nullable(Timestamp),
  leftAt: z.nullable(Timestamp),
});
export type ParticipantView = z.infer<typeof ParticipantView>;

/**
 * A recording: one stored (sealed) artifact of kind `recording`, one per participant and publish
 * segment, as the control plane holds it after the media node's upload was verified.
 */
export const RecordingView = ArtifactView;
export type RecordingView = ArtifactView;

/** Answer of `GET /v1/sessions/:id` (and items of the list). */
export const SessionView = z.object({
  sessionId: SessionId,
  externalRef: z.string(),
  customerName: z.string(),
  locale: Locale,
  record: z.boolean(),
  metadata: z.record(z.string(), z.string()),
  state: SessionState,
  /** The outcome in one word (null while active). */
  endReason: z.nullable(EndReason),
  /** How the session ended, in full (null while active). */
  outcome: z.nullable(SessionOutcome),
  decision: z.nullable(Decision),
  reasonCodes: z.array(ReasonCode),
  note: z.nullable(z.string()),
  decidedBy: z.nullable(Role),
  createdAt: Timestamp,
  startedAt: z.nullable(Timestamp),
  endedAt: z.nullable(Timestamp),
  expiresAt: Timestamp,
  /** The customer must have joined by then, or the session expires (link_expired). */
  linkExpiresAt: Timestamp,
  nodeId: z.nullable(z.string()),
  participants: z.array(ParticipantView),
  /** The customer's recording consent (text version and time); null until given or when not recorded. */
  consent: z.nullable(z.object({ version: z.string(), at: Timestamp })),
  /** The session's recording artifacts (captures: GET /v1/sessions/:id/artifacts). */
  recordings: z.array(RecordingView),
  /** The desk agent who took the session (absent when none did, e.g. the agent used the bank's agentUrl). */
  agent: z.optional(z.object({ id: z.string(), name: z.string() })),
});
export type SessionView = z.infer<typeof SessionView>;

/**
 * Query of `GET /v1/sessions`. Newest first (createdAt, then sessionId). `createdAfter` and
 * `createdBefore` are exclusive bounds. `cursor` is the previous page's opaque `nextCursor`; pass
 * the same filters with it.
 */
export const ListSessionsQuery = z.strictObject({
  state: z.optional(SessionState),
  createdAfter: z.optional(z.iso.datetime({ offset: true })),
  createdBefore: z.optional(z.iso.datetime({ offset: true })),
  externalRef: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(500)), 50),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
});
export type ListSessionsQuery = z.input<typeof ListSessionsQuery>;

/** Answer of `GET /v1/sessions`: one page; `nextCursor` is null on the last page. */
export const SessionList = z.object({ sessions: z.array(SessionView), nextCursor: z.nullable(z.string()) });
export type SessionList = z.infer<typeof SessionList>;

/** Query of `GET /v1/recordings`: newest first, optionally for one session. */
export const ListRecordingsQuery = z.strictObject({
  sessionId: z.optional(SessionId),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(500)), 100),
});
export type ListRecordingsQuery = z.input<typeof ListRecordingsQuery>;

export const RecordingList = z.object({ recordings: z.array(RecordingView) });
export type RecordingList = z.infer<typeof RecordingList>;

/** Answer of `GET /v1/config`: what the web app needs, nothing secret. */
export const PublicConfig = z.object({
  version: z.string(),
  locales: z.array(Locale),
  maxSessionMinutes: z.int().check(z.positive()),
  iceTransportPolicy: z.enum(['all', 'relay']),
  /** The bank's RSA public key (SPKI PEM) that seals evidence, e.g. the agent's captures; null if unset. */
  evidencePublicKey: z.nullable(z.string()),
});
export type PublicConfig = z.infer<typeof PublicConfig>;

export const NodeStatus = z.object({
  nodeId: z.string(),
  live: z.boolean(),
  capacity: z.int(),
  sessions: z.int(),
  janusUp: z.boolean(),
  version: z.string(),
  lastHeartbeatAt: Timestamp,
  region: z.string(),
  /** live | silent | draining | drained (see NodeFleetStatus). */
  status: NodeFleetStatus,
});
export type NodeStatus = z.infer<typeof NodeStatus>;

/** Answer of `GET /v1/status`. */
export const SystemStatus = z.object({
  nodes: z.array(NodeStatus),
  activeSessions: z.int().check(z.nonnegative()),
});
export type SystemStatus = z.infer<typeof SystemStatus>;
