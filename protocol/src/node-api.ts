import * as z from 'zod/mini';
import { IceCandidate, PeerLeg, Role, Sdp, SessionId } from './common.ts';
import { MediaTransport } from './media-transport.ts';
import { MediaEventKind } from './signaling.ts';
import { ProbeId } from './probe.ts';

/*
 * Media node <-> control plane. Both directions are HTTP requests signed with the fleet's node
 * secret (see signing.ts; key id = node id).
 *
 *   node -> control plane: POST /v1/nodes/register, POST /v1/nodes/:nodeId/heartbeat,
 *                          POST /v1/nodes/:nodeId/events
 *   control plane -> node: POST /v1/commands   (one NodeCommand per request)
 */

export const NodeId = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes'));
export type NodeId = z.infer<typeof NodeId>;

/** A placement region ("default" when a node names none): lowercase letters, digits and dashes. */
export const Region = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'lowercase letters, digits and dashes, at most 32'));
export type Region = z.infer<typeof Region>;

export const DEFAULT_REGION = 'default';

export const NodeRegistration = z.strictObject({
  nodeId: NodeId,
  /** Base URL the control plane uses to push commands to this node's sidecar. */
  url: z.url(),
  capacity: z.int().check(z.positive(), z.lte(10_000)),
  version: z.string().check(z.maxLength(64)),
  /** The Janus host's public media address (what browsers' ICE reaches); absent from older nodes. */
  mediaAddress: z.optional(z.string().check(z.minLength(1), z.maxLength(255))),
  region: z._default(Region, DEFAULT_REGION),
});
export type NodeRegistration = z.infer<typeof NodeRegistration>;

export const NodeRegistrationAccepted = z.object({
  heartbeatIntervalMs: z.int().check(z.positive()),
  /** The bank's RSA public key (SPKI PEM) every artifact is sealed with; null if none is configured. */
  evidencePublicKey: z.nullable(z.string()),
});
export type NodeRegistrationAccepted = z.infer<typeof NodeRegistrationAccepted>;

export const NodeHeartbeat = z.strictObject({
  sessions: z.int().check(z.nonnegative()),
  publishers: z.int().check(z.nonnegative()),
  subscribers: z.int().check(z.nonnegative()),
  janusUp: z.boolean(),
  /** Artifacts in the node's outbox not yet stored by the control plane. */
  uploadsPending: z._default(z.int().check(z.nonnegative()), 0),
  /** Media bitrate the node carries in kbps, as the sidecar estimates it (0 from older nodes). */
  bitrateKbps: z._default(z.number().check(z.nonnegative(), z.lte(100_000_000)), 0),
  /** Janus's CPU use in percent of one core (may exceed 100 on several cores; 0 when unknown). */
  cpuPercent: z._default(z.number().check(z.nonnegative(), z.lte(100_000)), 0),
  /**
   * The sessions whose rooms the node holds now (absent from older nodes). The control plane
   * answers, in `release`, the ones not assigned to the node any more, so no room is left behind.
   */
  rooms: z.optional(z.array(SessionId).check(z.maxLength(10_000))),
});
export type NodeHeartbeat = z.infer<typeof NodeHeartbeat>;

/**
 * A node's fleet status as the control plane derives it: `live` (heartbeating, takes sessions),
 * `silent` (no heartbeat within the TTL: takes none), `draining` (takes none, its calls finish),
 * `drained` (draining with no session left: safe to stop).
 */
export const NodeFleetStatus = z.enum(['live', 'silent', 'draining', 'drained']);
export type NodeFleetStatus = z.infer<typeof NodeFleetStatus>;

/** Answer (200) of a heartbeat: whether the node is being drained, and whether it is empty yet. */
export const NodeHeartbeatAccepted = z.object({
  ok: z.literal(true),
  status: z._default(NodeFleetStatus, 'live'),
  /** Rooms the node reported that belong to no session assigned to it (ended, or moved off): destroy them. */
  release: z._default(z.array(SessionId).check(z.maxLength(10_000)), []),
});
export type NodeHeartbeatAccepted = z.infer<typeof NodeHeartbeatAccepted>;

/** Commands the session's Durable Object pushes to its media node. `sessionId` is the Janus room. */
export const NodeCommand = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('create-room'), sessionId: SessionId, record: z.boolean() }),
  z.strictObject({ type: z.literal('destroy-room'), sessionId: SessionId }),
  z.strictObject({
    type: z.literal('publish'),
    sessionId: SessionId,
    participant: Role,
    /** Recording segment of this participant: 1 for the first publish, +1 for each republish. */
    segment: z.int().check(z.positive(), z.lte(1000)),
    display: z.string().check(z.maxLength(100)),
    sdp: Sdp,
    audio: z.boolean(),
    video: z.boolean(),
    /** Which candidates the node lets through for this leg, both ways (absent = direct; see media-transport.ts). */
    transport: z.optional(MediaTransport),
  }),
  z.strictObject({
    type: z.literal('subscribe'),
    sessionId: SessionId,
    participant: Role,
    /** Whose feed to receive. */
    feed: Role,
    transport: z.optional(MediaTransport),
  }),
  z.strictObject({ type: z.literal('subscribe-answer'), sessionId: SessionId, participant: Role, sdp: Sdp }),
  z.strictObject({
    type: z.literal('trickle'),
    sessionId: SessionId,
    participant: Role,
    leg: PeerLeg,
    candidate: IceCandidate,
  }),
  z.strictObject({
    type: z.literal('configure'),
    sessionId: SessionId,
    participant: Role,
    audio: z.boolean(),
    video: z.boolean(),
  }),
  z.strictObject({ type: z.literal('leave'), sessionId: SessionId, participant: Role }),
  /** The customer's pre-call TCP check (see probe.ts): an EchoTest handle outside the session's room. */
  z.strictObject({
    type: z.literal('probe'),
    sessionId: SessionId,
    probeId: ProbeId,
    sdp: Sdp,
    /** Which candidates pass, both ways, as for a call leg (absent = direct; see media-transport.ts). */
    transport: z.optional(MediaTransport),
  }),
]);
export type NodeCommand = z.infer<typeof NodeCommand>;

/** What each command answers with (HTTP 200). Errors answer with ErrorBody. */
export const NodeCommandResult = {
  'create-room': z.object({ sessionId: SessionId }),
  'destroy-room': z.object({ sessionId: SessionId }),
  publish: z.object({ sdp: Sdp }),
  subscribe: z.object({ sdp: Sdp }),
  'subscribe-answer': z.object({}),
  trickle: z.object({}),
  configure: z.object({}),
  leave: z.object({}),
  probe: z.object({ sdp: Sdp }),
} satisfies Record<NodeCommand['type'], z.core.$ZodType>;
export type NodeCommandResult<T extends NodeCommand['type']> = z.infer<(typeof NodeCommandResult)[T]>;

/** Events a media node reports about a session (Janus events that matter, recordings). */
export const NodeEvent = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('media'),
    sessionId: SessionId,
    participant: Role,
    leg: PeerLeg,
    event: MediaEventKind,
    /** e.g. "audio receiving=false", "uplink nacks=12", hangup reason. */
    detail: z.optional(z.string().check(z.maxLength(256))),
  }),
  z.strictObject({
    type: z.literal('recording-ready'),
    sessionId: SessionId,
    participant: Role,
    file: z.string().check(z.maxLength(1024)),
    durationMs: z.int().check(z.nonnegative()),
    bytes: z.int().check(z.nonnegative()),
  }),
  z.strictObject({
    type: z.literal('recording-failed'),
    sessionId: SessionId,
    participant: Role,
    /** The segment that failed (absent from older nodes: then every segment still owed counts). */
    segment: z.optional(z.int().check(z.positive(), z.lte(1000))),
    message: z.string().check(z.maxLength(1024)),
  }),
  /**
   * A segment whose conversion (janus-pp-rec, ffmpeg) still failed after the node's retry budget.
   * `sealed-raw`: its raw .mjr files were sealed to the bank key as they are (a tar, which the bank
   * can convert) and are uploaded like any recording; `purged`: there was no bank key to seal them
   * to, so they were deleted (a recording-failed follows). Either way no plaintext stays on the node.
   */
  z.strictObject({
    type: z.literal('recording-unconverted'),
    sessionId: SessionId,
    participant: Role,
    segment: z.int().check(z.positive(), z.lte(1000)),
    outcome: z.enum(['sealed-raw', 'purged']),
    attempts: z.int().check(z.positive(), z.lte(100)),
    message: z.string().check(z.maxLength(1024)),
  }),
  /**
   * The segment never carried media (ICE never connected, e.g. a direct attempt before the TURN
   * fallback or a publish cut off at once; or audio and video were off throughout): there is
   * nothing to record, and the evidence stops waiting for it.
   */
  z.strictObject({
    type: z.literal('recording-empty'),
    sessionId: SessionId,
    participant: Role,
    segment: z.int().check(z.positive(), z.lte(1000)),
  }),
  /**
   * The node lost every media leg of the session while the session stayed on it: its Janus
   * restarted (the room is created again) or the node's Janus session could not be reclaimed
   * after the sidecar restarted. Both participants must publish and subscribe anew.
   */
  z.strictObject({
    type: z.literal('media-reset'),
    sessionId: SessionId,
    reason: z.enum(['janus_restarted', 'janus_session_lost']),
  }),
]);
export type NodeEvent = z.infer<typeof NodeEvent>;
