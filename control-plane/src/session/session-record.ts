import {
  endReasonOf,
  type ArtifactView,
  type BankCheck,
  type ConfirmedDocument,
  type CreateSessionRequest,
  type DrawnSecurityFeatures,
  type Locale,
  type MediaTransport,
  type RecordedCameraSignal,
  type RecordedFaceMatch,
  type RecordedChallenge,
  type Role,
  type SessionOutcome,
  type SessionState,
  type SessionSummary,
  type SessionView,
} from '@vident/protocol';
import type { StillRequest } from './still-requests.ts';
import type { StoredOneTimeCode } from './one-time-code.ts';
import type { CallQualityRecord } from './call-quality.ts';
import { readStoredCameraSignals } from './earlier-camera-signals.ts';

/*
 * The session's record: its shape, and reading a stored one (older forms brought up to date).
 * One concept; past 300 lines by the field documentation of a record that carries the whole
 * verification.
 */

export const ROLES: readonly Role[] = ['customer', 'agent'];

export function otherRole(role: Role): Role {
  return role === 'customer' ? 'agent' : 'customer';
}

/** What the session remembers about one participant's current connection and media legs. */
export interface ParticipantRecord {
  /** Id of the live connection; a newer one replaces it, and events of the old one are ignored. */
  connectionId: string | null;
  joinedAt: string | null;
  leftAt: string | null;
  /** A publish was relayed for the current connection. */
  published: boolean;
  /** The node reported webrtcup for this participant's publisher. */
  publisherUp: boolean;
  /** The participant was subscribed to the other's current publisher. */
  subscribed: boolean;
  audio: boolean;
  video: boolean;
  /**
   * How the participant's page reaches the media node, as its latest publish said (absent =
   * direct). Kept across reconnects: a page that needed the TURN relay most likely still does.
   */
  transport?: MediaTransport;
  /**
   * While the participant's socket is gone within the reconnect grace: when the grace runs out
   * (ms since epoch). Null when connected or never connected.
   */
  graceEndsAt: number | null;
  /** When the page last said a connected media leg broke on the current node (ms since epoch). */
  mediaLostAt?: number | null;
}

/** Everything a VerificationSession persists (one row of its SQLite storage). */
export interface SessionRecord {
  sessionId: string;
  externalRef: string;
  customerName: string;
  locale: Locale;
  record: boolean;
  metadata: Record<string, string>;
  state: SessionState;
  /** Set exactly when the state is terminal. */
  outcome: SessionOutcome | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  /** The 30-minute (SESSION_MAX_MINUTES) end; participant tokens expire then too. */
  expiresAt: string;
  /** The customer must have connected by then (LINK_VALIDITY_MINUTES). */
  linkExpiresAt: string;
  /** RECONNECT_GRACE_SECONDS, in ms, fixed when the session was created. */
  reconnectGraceMs: number;
  nodeId: string;
  nodeUrl: string;
  /**
   * Nodes the session was moved off (failover), oldest first: their recording events and uploads
   * are still believed, their media events no longer are. Absent: never moved.
   */
  formerNodes?: string[];
  roomCreated: boolean;
  participants: Record<Role, ParticipantRecord>;
  /** The customer's recording consent; null until given (and in sessions that are not recorded). */
  consent: { version: string; at: string } | null;
  /** Last recording segment number handed to each participant's publish (0 = none yet). */
  segments: Record<Role, number>;
  /** Segments whose publish succeeded in a recorded session: the evidence waits for each. */
  expectedSegments: ExpectedSegment[];
  evidence: EvidenceRecord;
  /** The desk agent the session was assigned to (absent: none; see desk-link.ts and agent-assignment.ts). */
  agent?: AssignedAgent;
  /** When a desk agent was first assigned: from then on the bank's own agent link is refused. */
  deskAssignedAt?: string;
  /** The ID document the agent confirmed last (document-review.ts); full fields, for the signed API and the evidence only. */
  document?: ConfirmedDocument;
  /** The bank's checks (POST /v1/sessions/:id/checks), oldest first. */
  bankChecks?: BankCheck[];
  /** The face-match results the agent's page sent (`face-match`), oldest first, at most MAX_FACE_MATCH_RESULTS. */
  faceMatches?: RecordedFaceMatch[];
  /** The agent's outstanding requests for a still from the customer's camera (still-requests.ts); absent: none. */
  stillRequests?: StillRequest[];
  /** Whether this session asks for a one-time code (issue 15): its create request's choice, else ONE_TIME_CODE. */
  oneTimeCodeRequired?: boolean;
  /** The one-time code once issued (one-time-code.ts): its hash and, while open, a sealed copy; never the code in the clear. */
  oneTimeCode?: StoredOneTimeCode;
  /** The security features drawn for the confirmed document type (security-feature-draw.ts) and, once decided, the ticked ones. */
  securityFeatures?: DrawnSecurityFeatures & { ticked?: string[] };
  /** The liveness challenges issued (liveness-challenges.ts), oldest first, each with the agent's page's result once reported. */
  challenges?: RecordedChallenge[];
  /** The call's quality samples and the agent's gate (issue 15, call-quality.ts); absent: none reported. */
  quality?: CallQualityRecord;
  /** The customer's page's camera signals (issue 15), oldest first, at most MAX_CAMERA_SIGNALS. */
  cameraSignals?: RecordedCameraSignal[];
}

/** The desk agent a session is given to, and the one assignment whose link admits it. */
export interface AssignedAgent {
  id: string;
  name: string;
  /** Named by the agent link the desk minted (absent in records from before agent-bound links). */
  assignmentId?: string;
  /** The bank revoked the agent while it was in the call: its link admits nobody any more. */
  revokedAt?: string;
}

/** A recording the media node owes us; `failedAt` once the node reported it could not make it. */
export interface ExpectedSegment {
  participant: Role;
  segment: number;
  failedAt: string | null;
}

/** The evidence's own lifecycle (its artifacts live in the artifact tables). */
export interface EvidenceRecord {
  /** When retention deletes the evidence; fixed when the session ends. */
  retainUntil: string | null;
  /** When the pack first became ready (evidence.ready is sent once). */
  readyAt: string | null;
  /** When every artifact was deleted (bank or retention); uploads are refused from then on. */
  deletedAt: string | null;
  deletedBy: 'bank' | 'retention' | null;
  /** When retention's end purged the session's records (see session-purge.ts); absent before. */
  purgedAt?: string;
  /**
   * The sealed review (`assessment` artifact, evidence-assessment.ts): its artifact and which state of
   * the review it holds (assessmentVersion); sealed again when that changes. Absent: none sealed yet.
   */
  assessment?: { artifactId: string; version: string };
  /**
   * An aborted session's recordings after the bank was told (DELETE_RECORDINGS_ON_ABORT, abort-recordings.ts):
   * when it was settled and how many were deleted (0 when kept). Absent: not aborted, or not settled yet.
   */
  abortRecordings?: { at: string; deleted: number };
}

/** Parsed CreateSessionRequest plus what the Worker decided (id, node, times). */
export interface NewSession {
  sessionId: string;
  request: Required<Pick<CreateSessionRequest, 'externalRef' | 'customerName'>> & {
    locale: Locale;
    record: boolean;
    metadata: Record<string, string>;
  };
  nodeId: string;
  nodeUrl: string;
  createdAt: number;
  expiresAt: number;
  linkExpiresAt: number;
  reconnectGraceMs: number;
  /** The create request's oneTimeCode, else ONE_TIME_CODE (absent: false). */
  oneTimeCodeRequired?: boolean;
}

function freshParticipant(): ParticipantRecord {
  return {
    connectionId: null,
    joinedAt: null,
    leftAt: null,
    published: false,
    publisherUp: false,
    subscribed: false,
    audio: true,
    video: true,
    graceEndsAt: null,
  };
}

export function newSessionRecord(input: NewSession): SessionRecord {
  return {
    sessionId: input.sessionId,
    externalRef: input.request.externalRef,
    customerName: input.request.customerName,
    locale: input.request.locale,
    record: input.request.record,
    metadata: input.request.metadata,
    state: 'created',
    outcome: null,
    createdAt: new Date(input.createdAt).toISOString(),
    startedAt: null,
    endedAt: null,
    expiresAt: new Date(input.expiresAt).toISOString(),
    linkExpiresAt: new Date(input.linkExpiresAt).toISOString(),
    reconnectGraceMs: input.reconnectGraceMs,
    nodeId: input.nodeId,
    nodeUrl: input.nodeUrl,
    roomCreated: false,
    participants: { customer: freshParticipant(), agent: freshParticipant() },
    consent: null,
    segments: { customer: 0, agent: 0 },
    expectedSegments: [],
    evidence: { retainUntil: null, readyAt: null, deletedAt: null, deletedBy: null },
    ...(input.oneTimeCodeRequired ? { oneTimeCodeRequired: true } : {}),
  };
}

/**
 * A record as stored, brought to the current shape: rows written before the evidence pipeline
 * lack its fields (and carried a `recordings` list, now the artifact tables' business).
 */
export function normalizeRecord(stored: SessionRecord & { recordings?: unknown }): SessionRecord {
  const { recordings: _superseded, cameraSignals, ...r } = stored;
  // Flags stored before they were codes are read into the current form (earlier-camera-signals.ts).
  const signals = readStoredCameraSignals(cameraSignals);
  return {
    ...r,
    ...(signals ? { cameraSignals: signals } : {}),
    consent: r.consent ?? null,
    segments: r.segments ?? { customer: 0, agent: 0 },
    expectedSegments: r.expectedSegments ?? [],
    evidence: r.evidence ?? { retainUntil: null, readyAt: null, deletedAt: null, deletedBy: null },
  };
}

/** A participant's media legs start over when it (re)connects: its old peer connections are gone. */
export function resetLegs(p: ParticipantRecord): void {
  p.published = false;
  p.publisherUp = false;
  p.subscribed = false;
}

/**
 * The bank's view. `connected` comes from live sockets and `recordings` from the artifact tables,
 * which the record alone cannot know.
 */
export function toSessionView(r: SessionRecord, connected: (role: Role) => boolean, recordings: ArtifactView[]): SessionView {
  return {
    sessionId: r.sessionId,
    externalRef: r.externalRef,
    customerName: r.customerName,
    locale: r.locale,
    record: r.record,
    metadata: r.metadata,
    state: r.state,
    endReason: r.outcome ? endReasonOf(r.outcome) : null,
    outcome: r.outcome,
    decision: r.outcome?.state === 'decided' ? r.outcome.decision : null,
    reasonCodes: r.outcome?.state === 'decided' ? r.outcome.reasonCodes : [],
    note: r.outcome?.state === 'decided' ? r.outcome.note : null,
    decidedBy: r.outcome?.state === 'decided' ? r.outcome.decidedBy : null,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    expiresAt: r.expiresAt,
    linkExpiresAt: r.linkExpiresAt,
    nodeId: r.nodeId,
    participants: ROLES.map((role) => ({
      role,
      connected: connected(role),
      joinedAt: r.participants[role].joinedAt,
      leftAt: r.participants[role].leftAt,
    })),
    consent: r.consent,
    recordings,
    ...(r.agent ? { agent: { id: r.agent.id, name: r.agent.name } } : {}),
  };
}

/** What a participant's browser is told about the session (no bank metadata). */
export function toSessionSummary(r: SessionRecord): SessionSummary {
  return {
    sessionId: r.sessionId,
    state: r.state,
    customerName: r.customerName,
    locale: r.locale,
    record: r.record,
    startedAt: r.startedAt,
    expiresAt: r.expiresAt,
    consent: consentStatus(r),
  };
}

/** Recording consent as the participants see it. */
export function consentStatus(r: Pick<SessionRecord, 'record' | 'consent'>): SessionSummary['consent'] {
  if (!r.record) return 'not_required';
  return r.consent ? 'given' : 'pending';
}

export function durationMs(r: Pick<SessionRecord, 'startedAt' | 'endedAt'>): number {
  if (!r.startedAt || !r.endedAt) return 0;
  return Math.max(0, Date.parse(r.endedAt) - Date.parse(r.startedAt));
}
