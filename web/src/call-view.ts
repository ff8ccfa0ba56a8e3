import { DEFAULT_FACE_MATCH_THRESHOLDS, type FaceMatchResult, type FaceMatchThresholds } from '@vident/protocol';
import type { DrawnSecurityFeatures, OneTimeCodeView } from '@vident/protocol';
import type { BankCheck, ChecklistItem, EndReason, Locale, MediaState, QueueStatus, Role, ServerMessage } from '@vident/protocol';
import type { ConnectionStatus } from './connection-status.ts';
import type { ConsentState, MediaPhase } from './consent-gate.ts';
import type { ChatEntry, ShownGuidance } from './in-call-tools.ts';
import type { CallLayout } from './call-layout.ts';
import type { CustomerStills } from './customer-stills.ts';
import { challengesFromWelcome, type ShownChallenge } from './challenge-list.ts';

/** Everything the call screen renders, as one snapshot. */
export interface CallView {
  role: Role;
  /** From `welcome` (the session's locale); null until then. */
  locale: Locale | null;
  status: ConnectionStatus;
  peerPresent: boolean;
  peerMedia: MediaState;
  localMedia: MediaState;
  record: boolean;
  startedAt: string | null;
  ended: { reason: EndReason; durationMs: number } | null;
  remoteStream: MediaStream | null;
  /** The agent's decision was sent and awaits `session-ended` (or an error). */
  decisionPending: boolean;
  /** From `welcome`; null until then. */
  consent: ConsentState | null;
  /** The customer must answer the recording consent now; media waits for it. */
  consentPrompt: boolean;
  media: MediaPhase;
  /** The local camera/microphone once granted. */
  localStream: MediaStream | null;
  /** Chat as the server relayed it (both parties' messages, own ones confirmed), oldest first. */
  chat: ChatEntry[];
  /** The customer's current guidance overlay (always null on the agent's page). */
  guidance: ShownGuidance | null;
  /** The verification checklist from `welcome` (the agent's only; empty for the customer). */
  checklist: ChecklistItem[];
  /** The customer's place in the agents' queue (from `queue`); null until told or on the agent's page. */
  queue: QueueStatus | null;
  /** The name the bank gave for the customer (from `welcome`); the document's name is checked against it. */
  customerName: string | null;
  /** The agent's review as the session holds it (agent only; issue 14). */
  review: ReviewView;
  /** The customer's screen: its own camera large for an ID step (`document`), else the agent (call-layout.ts). */
  layout: CallLayout;
  /** The procedure's controls (issue 15): the drawn security features and the one-time code's status (both roles). */
  procedure: { securityFeatures: DrawnSecurityFeatures | null; code: OneTimeCodeView | null };
  /** Agent only: the stills its captures asked of the customer's device, per kind (customer-stills.ts). */
  customerStills: CustomerStills;
  /** Liveness challenges of this call (issue 15; challenge-list.ts): the agent's with their results, the customer's open ones. */
  challenges: ShownChallenge[];
}

/** What the session confirmed of the agent's review, and the bank's checks posted back. */
export interface ReviewView {
  /** A document was confirmed (welcome), with its time once `document-confirmed` told it. */
  documentConfirmed: boolean;
  documentConfirmedAt: string | null;
  /** Every bank check so far, oldest first (a re-check of a kind adds one). */
  bankChecks: BankCheck[];
  /** The thresholds the session applies to face-match scores (from `welcome`). */
  faceThresholds: FaceMatchThresholds;
  /** The latest face-match result of each kind the session stored (welcome, `face-match-recorded`). */
  faceMatches: { capture: FaceMatchResult | null; call: FaceMatchResult | null };
}

/** The view before the first `welcome`. */
export function initialCallView(role: Role): CallView {
  return {
    role,
    locale: null,
    status: 'connecting',
    peerPresent: false,
    peerMedia: { audio: true, video: true },
    localMedia: { audio: true, video: true },
    record: false,
    startedAt: null,
    ended: null,
    remoteStream: null,
    decisionPending: false,
    consent: null,
    consentPrompt: false,
    media: 'idle',
    localStream: null,
    chat: [],
    guidance: null,
    checklist: [],
    queue: null,
    customerName: null,
    layout: 'face',
    procedure: { securityFeatures: null, code: null },
    customerStills: {},
    challenges: [],
    review: {
      documentConfirmed: false,
      documentConfirmedAt: null,
      bankChecks: [],
      faceThresholds: DEFAULT_FACE_MATCH_THRESHOLDS,
      faceMatches: { capture: null, call: null },
    },
  };
}

/** Takes the session, the other party and the checklist as `welcome` reports them (on every (re)join). */
export function applyWelcome(view: CallView, welcome: Extract<ServerMessage, { type: 'welcome' }>): void {
  view.locale = welcome.session.locale;
  view.record = welcome.session.record;
  view.startedAt = welcome.session.state === 'in_call' ? welcome.session.startedAt : null;
  view.peerPresent = welcome.peer.connected;
  view.peerMedia = { audio: welcome.peer.audio, video: welcome.peer.video };
  view.consent = welcome.session.consent;
  view.checklist = welcome.checklist ?? [];
  view.customerName = welcome.session.customerName;
  view.review = {
    documentConfirmed: welcome.documentConfirmed ?? false,
    documentConfirmedAt: welcome.documentConfirmed ? view.review.documentConfirmedAt : null,
    bankChecks: welcome.bankChecks ?? [],
    faceThresholds: welcome.faceMatch?.thresholds ?? DEFAULT_FACE_MATCH_THRESHOLDS,
    faceMatches: { capture: null, call: null },
  };
  for (const recorded of welcome.faceMatch?.results ?? []) view.review.faceMatches[recorded.kind] = recorded;
  view.procedure = { securityFeatures: welcome.securityFeatures ?? null, code: welcome.oneTimeCode ?? null };
  view.challenges = challengesFromWelcome(welcome.challenges);
  // The server replays the call's chat right after welcome: start from it, not from our copy.
  view.chat = [];
}
