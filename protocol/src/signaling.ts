import * as z from 'zod/mini';
import { QueueStatus } from './queue-status.ts';
import { ChecklistItem, TickedChecklist } from './checklist.ts';
import { BankCheck, DocumentConfirmation, DocumentType } from './document.ts';
import { ArtifactId, CaptureKind, StillDimension } from './evidence.ts';
import { ErrorCode } from './errors.ts';
import { CameraSignal, QualityGate, QualitySample, QualityThresholds, RecordedCameraSignal } from './call-quality.ts';
import { FaceMatchResult, FaceMatchThresholds, RecordedFaceMatch } from './face-match.ts';
import { IceServer, MediaTransport } from './media-transport.ts';
import { OneTimeCode, OneTimeCodeView } from './one-time-code.ts';
import { DrawnSecurityFeatures } from './security-features.ts';
import { ChallengeAction, ChallengeId, ChallengeResult, RecordedChallenge } from './liveness-challenges.ts';
import {
  AbortReason,
  Decision,
  EndReason,
  IceCandidate,
  Locale,
  MAX_DECISION_NOTE,
  PeerLeg,
  ReasonCode,
  Role,
  Sdp,
  SessionState,
  TerminalState,
  Timestamp,
} from './common.ts';

/*
 * Browser <-> VerificationSession Durable Object, over one WebSocket per participant
 * (`GET /v1/sessions/:id/ws`, authenticated by the subprotocols `vident.v1` and
 * `vident-token.<participant token>`, never by the query string, which ends up in logs).
 * The browser never talks to Janus: it sends its
 * offer/answer and ICE candidates here, the Durable Object relays them to the session's media node.
 *
 * Order of a call, per participant:
 *   connect -> `welcome` (a socket opened with `?standby=1`: client `join` -> `welcome`); client
 *   `publish` (offer) -> `published` (answer); client trickles its candidates for leg `publisher`
 *   after `published`, then `null` (completed).
 *   When the other party has published: `subscribe-offer` -> client `subscribe-answer` ->
 *   `subscribed`; client trickles for leg `subscriber` after `subscribed`, then `null`.
 *
 * One concept, the two message unions of this socket (ClientMessage, ServerMessage) with the
 * schemas only they use; it is long because every frame carries its own contract in its comment.
 */

/** Longest in-call chat message, in UTF-16 code units after trimming. */
export const MAX_CHAT_TEXT = 1000;

/** A chat message's text: trimmed, never empty, bounded. */
export const ChatText = z.string().check(z.trim(), z.minLength(1), z.maxLength(MAX_CHAT_TEXT));

/**
 * Instructions the agent can put over the customer's self-view while inspecting the ID; `clear`
 * removes the current one. The customer's page translates the kind, so no free text crosses here.
 */
export const GuidanceKind = z.enum(['hold_id_closer', 'tilt_card', 'show_back', 'more_light', 'face_camera', 'clear']);
export type GuidanceKind = z.infer<typeof GuidanceKind>;

/** The session's id of one still request (random, made by the session; the upload must name it). */
export const StillRequestId = z.string().check(z.regex(/^[0-9a-f]{16}$/, '16 lowercase hex digits'));
export type StillRequestId = z.infer<typeof StillRequestId>;

/**
 * Why no still came from the customer's device: the customer was not connected when the agent
 * asked (the session answers at once), or, from the customer's page: no live camera track, the camera
 * switched off, the still could not be drawn or encoded, it sealed too large, the bank key is not
 * usable, or the upload failed (network or refused). The agent's own capture stands either way.
 */
export const StillFailureCode = z.enum(['customer_away', 'no_camera', 'camera_off', 'encode_failed', 'too_large', 'not_configured', 'upload_failed']);
export type StillFailureCode = z.infer<typeof StillFailureCode>;

export const ClientMessage = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('publish'),
    sdp: Sdp,
    audio: z.boolean(),
    video: z.boolean(),
    /**
     * How this page's legs reach the node from now on (publisher and, re-offered, subscriber):
     * `relay` after direct ICE-TCP failed and the page switched to the TURN servers of `welcome`.
     */
    transport: z.optional(MediaTransport),
    /** The page's label for this publish, echoed in `published`: an answer to a replaced publish is ignored. */
    ref: z.optional(z.string().check(z.minLength(1), z.maxLength(40))),
  }),
  z.strictObject({ type: z.literal('subscribe-answer'), sdp: Sdp }),
  z.strictObject({ type: z.literal('trickle'), leg: PeerLeg, candidate: IceCandidate }),
  z.strictObject({ type: z.literal('media-state'), audio: z.boolean(), video: z.boolean() }),
  /**
   * The participant joins on the socket it opened on standby (SessionBrowserPaths.standbySocket):
   * only then is it the role's current connection, welcomed and announced to the other page. On a
   * socket that joined already (every socket opened without standby joins at once) it changes nothing.
   */
  z.strictObject({ type: z.literal('join') }),
  z.strictObject({ type: z.literal('hang-up') }),
  /**
   * A media leg of this page that had connected broke while signaling stayed up (the page
   * rejoins). Both participants saying so within a short time points at the media node itself:
   * the session moves to another node (see control-plane/src/session/media-loss.ts).
   */
  z.strictObject({ type: z.literal('media-lost') }),
  /**
   * The customer's answer to the recording consent (text version RECORDING_CONSENT_VERSION). A
   * recorded session refuses the customer's publish until it was accepted; declining cancels it.
   */
  z.strictObject({ type: z.literal('consent'), version: z.string().check(z.minLength(1), z.maxLength(64)), accepted: z.boolean() }),
  /**
   * The agent's verdict; ends the session `decided`. A customer sending it gets `forbidden`.
   * `checklist` holds the ids of the configured checklist items the agent ticked: an approval must
   * tick every one (the session refuses it otherwise), a rejection may tick any.
   */
  z
    .strictObject({
      type: z.literal('decide'),
      decision: Decision,
      reasonCodes: z._default(z.array(ReasonCode).check(z.maxLength(ReasonCode.options.length)), []),
      note: z._default(z.string().check(z.maxLength(MAX_DECISION_NOTE)), ''),
      checklist: z._default(TickedChecklist, []),
    })
    .check(
      z.refine((d) => d.decision === 'approved' || d.reasonCodes.length > 0, {
        message: 'a rejection needs at least one reason code',
        path: ['reasonCodes'],
      }),
      z.refine((d) => new Set(d.reasonCodes).size === d.reasonCodes.length, {
        message: 'reason codes must not repeat',
        path: ['reasonCodes'],
      }),
    ),
  /** In-call text chat, either participant, while the session is active; relayed to both and audited. */
  z.strictObject({ type: z.literal('chat'), text: ChatText }),
  /** An instruction over the customer's self-view. Agent only: a customer sending it gets `forbidden`. */
  z.strictObject({ type: z.literal('guidance'), kind: GuidanceKind }),
  /**
   * The agent confirms the ID document it read (fields as corrected, where each came from, the
   * plausibility results it saw). Agent only, during the session; a later one replaces it. Answered
   * `document-confirmed`; the bank reads the fields through GET /v1/sessions/:id/document.
   */
  z.strictObject({ type: z.literal('document-confirm'), document: DocumentConfirmation }),
  /**
   * A face-match result the agent's page computed (issue 14). Agent only, during the session; its
   * thresholds must be the session's (the agent's `welcome`, `faceMatch.thresholds`), else
   * `thresholds_mismatch`. The session keeps it (at most MAX_FACE_MATCH_RESULTS), audits
   * `face.matched` and answers `face-match-recorded`.
   */
  z.strictObject({ type: z.literal('face-match'), result: FaceMatchResult }),
  /**
   * The agent asks the customer's page for a still of its own camera (issue 17), beside its own
   * capture of the received video. Agent only, during the session; audited `still.requested`. The
   * session makes the request id, keeps one outstanding request per kind (a newer one replaces it)
   * for STILL_REQUEST_TTL_MS and sends the customer `still-request`.
   */
  z.strictObject({ type: z.literal('still-request'), kind: CaptureKind }),
  /** The customer's page could not deliver the still of an outstanding request. Customer only. */
  z.strictObject({ type: z.literal('still-failed'), requestId: StillRequestId, code: StillFailureCode }),
  /**
   * The agent aborts the identification for a procedure reason (issue 15): the session ends
   * `decided`, rejected, with that reason code and `aborted: true`; no checklist is needed. Agent
   * only, during the call.
   */
  z.strictObject({ type: z.literal('abort'), reason: AbortReason, note: z._default(z.string().check(z.maxLength(MAX_DECISION_NOTE)), '') }),
  /**
   * The customer types the one-time code the bank sent to their phone (issue 15). Customer only,
   * while the session's code is pending; answered `one-time-code` (to both pages) with the new status.
   */
  z.strictObject({ type: z.literal('one-time-code'), code: OneTimeCode }),
  /**
   * The agent starts liveness challenges (issue 15). Without `action` the session draws 2-3 distinct
   * actions at random (CSPRNG); with it the session issues that action of the catalog (the agent
   * re-issues a challenge: a new id, `replaces` naming the earlier one). Agent only, during the call;
   * each issued one is audited `challenge.issued` and sent to both pages as `challenge`.
   */
  z.strictObject({ type: z.literal('challenge-start'), action: z.optional(ChallengeAction), replaces: z.optional(ChallengeId) }),
  /**
   * What the agent's page measured of an issued challenge. Agent only; the id must be one the session
   * issued and not reported yet (one result per issue). Audited `challenge.result`.
   */
  z.strictObject({ type: z.literal('challenge-result'), result: ChallengeResult }),
  /**
   * One measurement of the customer's video (issue 15, call-quality.ts): the agent's page what it
   * receives, the customer's page what it sends. Either role, during the call; the session keeps it
   * for the evidence's per-minute summary (one per QUALITY_SAMPLE_MIN_GAP_MS per role; faster ones
   * are dropped without an answer). Not audited.
   */
  z.strictObject({ type: z.literal('quality-sample'), sample: QualitySample }),
  /** The quality gate changed on the agent's page. Agent only; audited `quality.gate`; a red gate refuses approval. */
  z.strictObject({ type: z.literal('quality-gate'), gate: QualityGate }),
  /**
   * What the customer's page saw of its camera and its own visibility (a virtual camera, a camera
   * change, the page hidden). Customer only; kept (at most MAX_CAMERA_SIGNALS, a repeat not again),
   * audited `camera.signal` and shown to the agent as a risk flag (`risk-flag`). Never a block.
   */
  z.strictObject({ type: z.literal('camera-signal'), signal: CameraSignal }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
export type ClientMessageInput = z.input<typeof ClientMessage>;

export const PeerView = z.object({
  role: Role,
  connected: z.boolean(),
  audio: z.boolean(),
  video: z.boolean(),
});
export type PeerView = z.infer<typeof PeerView>;

export const SessionSummary = z.object({
  sessionId: z.string(),
  state: SessionState,
  customerName: z.string(),
  locale: Locale,
  record: z.boolean(),
  startedAt: z.nullable(Timestamp),
  expiresAt: Timestamp,
  /** Recording consent: not needed (record=false), still to be given by the customer, or given. */
  consent: z.enum(['not_required', 'pending', 'given']),
});
export type SessionSummary = z.infer<typeof SessionSummary>;

export const MediaEventKind = z.enum(['webrtcup', 'media', 'slowlink', 'hangup']);
export type MediaEventKind = z.infer<typeof MediaEventKind>;

export const ServerMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('welcome'),
    role: Role,
    session: SessionSummary,
    peer: PeerView,
    /** The verification checklist, sent to the agent only (the customer never sees it). */
    checklist: z.optional(z.array(ChecklistItem)),
    /** TURN servers with this participant's short-lived credentials, for the `relay` fallback (absent: none). */
    iceServers: z.optional(z.array(IceServer)),
    /** Agent only: the bank's checks posted so far (see `bank-check`). */
    bankChecks: z.optional(z.array(BankCheck)),
    /** Agent only: whether a document was confirmed in this session already. */
    documentConfirmed: z.optional(z.boolean()),
    /**
     * Agent only: the configured face-match thresholds (compute bands with these) and the latest
     * stored result of each kind, so a reloaded page shows them again.
     */
    faceMatch: z.optional(z.object({ thresholds: FaceMatchThresholds, results: z.array(RecordedFaceMatch) })),
    /** Both roles: the security features this session drew (issue 15); absent until the document type is known. */
    securityFeatures: z.optional(DrawnSecurityFeatures),
    /** Both roles: the one-time code's status (never the code); absent when the session asks for none or has not issued it. */
    oneTimeCode: z.optional(OneTimeCodeView),
    /** Liveness challenges (issue 15): all with their results to the agent; the open ones (no result) to the customer. */
    challenges: z.optional(z.array(RecordedChallenge)),
    /** Agent only: the quality gate's thresholds (issue 15) and the risk flags raised so far. */
    quality: z.optional(z.object({ thresholds: QualityThresholds, riskFlags: z.array(RecordedCameraSignal) })),
  }),
  z.object({ type: z.literal('peer-joined'), role: Role }),
  z.object({ type: z.literal('peer-left'), role: Role }),
  z.object({ type: z.literal('peer-media'), role: Role, audio: z.boolean(), video: z.boolean() }),
  z.object({ type: z.literal('session-state'), state: SessionState, startedAt: z.nullable(Timestamp) }),
  z.object({ type: z.literal('published'), sdp: Sdp, ref: z.optional(z.string().check(z.maxLength(40))) }),
  z.object({ type: z.literal('subscribe-offer'), sdp: Sdp }),
  z.object({ type: z.literal('subscribed') }),
  /**
   * The session's media moved to another node (the old one failed): drop both legs, publish again
   * (the server re-offers the other party's feed as usual). The socket and the session carry on.
   */
  z.object({ type: z.literal('media-moved') }),
  z.object({
    type: z.literal('media-event'),
    leg: PeerLeg,
    event: MediaEventKind,
    detail: z.optional(z.string()),
  }),
  z.object({
    type: z.literal('session-ended'),
    /** The terminal state and its one-word outcome; never the agent's note. */
    state: TerminalState,
    reason: EndReason,
    endedAt: Timestamp,
    durationMs: z.int().check(z.nonnegative()),
  }),
  z.object({ type: z.literal('error'), code: ErrorCode, message: z.string() }),
  /** A chat message as the server accepted it, to both participants (the sender's confirmation). */
  z.object({ type: z.literal('chat'), from: Role, text: ChatText, at: Timestamp }),
  /** The agent's instruction, to the customer only. */
  z.object({ type: z.literal('guidance'), kind: GuidanceKind }),
  /** The customer's place in the agents' queue while no agent is in (see agent-desk.ts). */
  z.extend(QueueStatus, { type: z.literal('queue') }),
  /** The agent's `document-confirm` was stored (to the agent). */
  z.object({ type: z.literal('document-confirmed'), documentType: DocumentType, confirmedAt: Timestamp }),
  /** The agent's `face-match` was stored (to the agent), stamped with the server's time. */
  z.object({ type: z.literal('face-match-recorded'), result: RecordedFaceMatch }),
  /** The bank posted a check (POST /v1/sessions/:id/checks), live to the agent. */
  z.object({ type: z.literal('bank-check'), check: BankCheck }),
  /**
   * To the customer: take a still of your own camera, seal it and upload it naming `requestId`
   * (POST /v1/sessions/:id/captures?capture=<kind>&request=<requestId>).
   */
  z.object({ type: z.literal('still-request'), requestId: StillRequestId, kind: CaptureKind }),
  /** To the agent: the customer's still is stored, sealed for the bank (the agent cannot open it). */
  z.object({
    type: z.literal('still-stored'),
    requestId: StillRequestId,
    kind: CaptureKind,
    artifactId: ArtifactId,
    width: StillDimension,
    height: StillDimension,
  }),
  /** To the agent: the customer's page could not deliver the still (its own capture stands). */
  z.object({ type: z.literal('still-failed'), requestId: StillRequestId, kind: CaptureKind, code: StillFailureCode }),
  /**
   * To both: the security features drawn for the confirmed document type (issue 15). The agent's
   * page adds them to its checklist; the customer's shows how to present each one.
   */
  z.object({ type: z.literal('security-features'), features: DrawnSecurityFeatures }),
  /** To both: the one-time code's status changed (issued, a wrong try, verified, failed). */
  z.object({ type: z.literal('one-time-code'), code: OneTimeCodeView }),
  /** To both: a liveness challenge was issued (issue 15); the customer's page shows the action, the agent's measures it. */
  z.object({ type: z.literal('challenge'), id: ChallengeId, action: ChallengeAction, issuedAt: Timestamp }),
  /** To the agent: the session stored its page's result of a challenge. */
  z.object({ type: z.literal('challenge-recorded'), challenge: RecordedChallenge }),
  /** To the customer: a challenge is over (its guidance goes away); the outcome stays with the agent. */
  z.object({ type: z.literal('challenge-ended'), id: ChallengeId }),
  /** To the agent: the customer's page raised a camera signal (issue 15), as the session kept it. */
  z.object({ type: z.literal('risk-flag'), signal: RecordedCameraSignal }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** How long the customer's page has to deliver a requested still before the request lapses. */
export const STILL_REQUEST_TTL_MS = 60_000;
