import { assertNever } from '@vident/protocol';
import type {
  AbortReason,
  CaptureKind,
  ChallengeAction,
  ChallengeResult,
  ClientMessage,
  DocumentConfirmation,
  FaceMatchResult,
  GuidanceKind,
  QualityThresholds,
  RecordedCameraSignal,
  Role,
} from '@vident/protocol';
import type { CallView } from './call-view.ts';
import { appendChat, chatDraft } from './in-call-tools.ts';
import { stillAnswered, stillRequested } from './customer-stills.ts';
import { challengeClosed, challengeIssued } from './challenge-list.ts';
import { frameFamily, type FrameOf } from './server-frames.ts';

/** The server frames of the in-call tools that only change the view (and the agent's quality panel). */
export const isToolFrame = frameFamily([
  'chat',
  'still-stored',
  'still-failed',
  'document-confirmed',
  'security-features',
  'one-time-code',
  'bank-check',
  'face-match-recorded',
  'risk-flag',
  'challenge',
  'challenge-recorded',
  'challenge-ended',
]);
export type ToolFrame = FrameOf<typeof isToolFrame>;

/** The quality gate's thresholds and the camera risk flags, as the agent's page is told them (issue 15). */
export type QualityReport = (quality: { thresholds?: QualityThresholds; riskFlags: RecordedCameraSignal[] }) => void;

/** What the in-call tools need from the call. */
export interface CallToolsPort {
  readonly role: Role;
  /** The call's view: the tools' parts of it are written here, `ended` read. */
  readonly view: CallView;
  /** The agent's quality panel (CallControllerOptions.onQuality). */
  readonly onQuality: QualityReport | undefined;
  /** Sends a message the user asked for; false (and said in the banner) when not connected. */
  sendOrReport(message: ClientMessage): boolean;
  /** Something changed outside a server message: show the call again. */
  emit(): void;
}

/**
 * The in-call tools of both pages, both ways: chat, the one-time code, and the agent's procedure
 * and review (the customer's stills, the confirmed document, security features, face matches,
 * bank checks, liveness challenges, camera risk flags; issues 14, 15 and 17) up to its decision
 * (`decide`, `abort`; a refused one is reopened by session-lifecycle.ts). What the user asks
 * for is sent here, and the session's answers are taken into the view with the pure rules
 * (in-call-tools.ts, customer-stills.ts, challenge-list.ts). What the customer's page does for the
 * agent (guidance, stills) is customer-guidance.ts.
 */
export class CallTools {
  /** The camera risk flags the session raised (agent only, issue 15). */
  private riskFlags: RecordedCameraSignal[] = [];

  constructor(private readonly port: CallToolsPort) {}

  /** Applies one tools frame (from the message chain); the caller shows the call after it. */
  handle(msg: ToolFrame): void {
    const { view } = this.port;
    switch (msg.type) {
      case 'chat':
        view.chat = appendChat(view.chat, { from: msg.from, text: msg.text, at: msg.at });
        return;
      case 'still-stored':
      case 'still-failed':
        if (this.port.role === 'agent') view.customerStills = stillAnswered(view.customerStills, msg);
        return;
      case 'document-confirmed':
        view.review = { ...view.review, documentConfirmed: true, documentConfirmedAt: msg.confirmedAt };
        return;
      case 'security-features':
        view.procedure = { ...view.procedure, securityFeatures: msg.features };
        return;
      case 'one-time-code':
        view.procedure = { ...view.procedure, code: msg.code };
        return;
      case 'bank-check':
        view.review = { ...view.review, bankChecks: [...view.review.bankChecks, msg.check] };
        return;
      case 'face-match-recorded':
        view.review = { ...view.review, faceMatches: { ...view.review.faceMatches, [msg.result.kind]: msg.result } };
        return;
      case 'risk-flag':
        this.riskFlags = [...this.riskFlags, msg.signal];
        this.port.onQuality?.({ riskFlags: this.riskFlags });
        return;
      case 'challenge':
        view.challenges = challengeIssued(view.challenges, msg);
        return;
      case 'challenge-recorded':
        view.challenges = challengeClosed(view.challenges, msg.challenge.id, msg.challenge.result);
        return;
      case 'challenge-ended':
        view.challenges = challengeClosed(view.challenges, msg.id);
        return;
      default:
        assertNever(msg);
    }
  }

  /** `welcome`'s quality part: the thresholds and every risk flag so far, replacing the page's. */
  welcomeQuality(quality: { thresholds?: QualityThresholds; riskFlags: RecordedCameraSignal[] }): void {
    this.riskFlags = quality.riskFlags;
    this.port.onQuality?.({ thresholds: quality.thresholds, riskFlags: this.riskFlags });
  }

  /** See CallController.sendChat. */
  sendChat(text: string): boolean {
    const draft = chatDraft(text);
    if (draft === null || this.port.view.ended) return false;
    return this.port.sendOrReport({ type: 'chat', text: draft });
  }

  /** See CallController.enterCode. */
  enterCode(code: string): boolean {
    return this.port.sendOrReport({ type: 'one-time-code', code });
  }

  /** See CallController.sendGuidance. */
  sendGuidance(kind: GuidanceKind): boolean {
    return this.agentSends({ type: 'guidance', kind });
  }

  /** See CallController.confirmDocument. */
  confirmDocument(document: DocumentConfirmation): boolean {
    return this.agentSends({ type: 'document-confirm', document });
  }

  /** See CallController.sendFaceMatch. */
  sendFaceMatch(result: FaceMatchResult): boolean {
    return this.agentSends({ type: 'face-match', result });
  }

  /** See CallController.startChallenge. */
  startChallenge(action?: ChallengeAction, replaces?: string): boolean {
    return this.agentSends({ type: 'challenge-start', ...(action !== undefined ? { action } : {}), ...(replaces !== undefined ? { replaces } : {}) });
  }

  /** See CallController.sendChallengeResult. */
  sendChallengeResult(result: ChallengeResult): boolean {
    return this.agentSends({ type: 'challenge-result', result });
  }

  /** See CallController.requestStill. */
  requestStill(kind: CaptureKind): boolean {
    // Not connected: the banner says so, and the agent's own capture goes ahead without it.
    if (!this.agentSends({ type: 'still-request', kind })) return false;
    this.port.view.customerStills = stillRequested(this.port.view.customerStills, kind, Date.now());
    this.port.emit();
    return true;
  }

  /** See CallController.abort. */
  abort(reason: AbortReason): boolean {
    const { role, view } = this.port;
    if (role !== 'agent' || view.decisionPending) return false;
    const sent = this.port.sendOrReport({ type: 'abort', reason, note: '' });
    if (sent) {
      view.decisionPending = true;
      this.port.emit();
    }
    return sent;
  }

  /** See CallController.decide. */
  decide(message: Extract<ClientMessage, { type: 'decide' }>): void {
    const { role, view } = this.port;
    if (view.ended || role !== 'agent' || view.decisionPending) return;
    view.decisionPending = this.port.sendOrReport(message);
    this.port.emit();
  }

  /** An agent's tool message, while the call lasts; false on the customer's page. */
  private agentSends(message: ClientMessage): boolean {
    if (this.port.role !== 'agent' || this.port.view.ended) return false;
    return this.port.sendOrReport(message);
  }
}
