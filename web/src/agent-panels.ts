import type { DocumentConfirmation, FaceMatchResult, Locale, ChallengeAction, ChallengeResult, CaptureKind, AbortReason, GuidanceKind } from '@vident/protocol';
import type { CallView } from './call-view.ts';
import type { FaceMatchThresholds } from '@vident/protocol';
import { byTestId } from './ui/dom.ts';
import { AssistPanel } from './ui/assist-panel.ts';
import { FaceAssist } from './ui/face-assist.ts';
import { ChallengePanel } from './ui/challenge-panel.ts';
import { CapturePanel, type BankKey } from './ui/capture-panel.ts';
import { AgentProcedure } from './ui/procedure-panel.ts';
import { GuidanceControls } from './ui/guidance-ui.ts';

/*
 * The agent's in-call tools (document assist, face match, liveness challenges, captures, the
 * procedure's code line and abort, guidance buttons), built apart from the call page's first bundle:
 * call-page.ts imports this module with import() while the agent's page loads, so the join screen,
 * the socket and the camera do not wait for their code (issue 16). None of them is needed before
 * the call is up.
 */

/** What the agent's panels need from the page and its call controller (read late: the controller may not exist yet). */
export interface AgentPanelsContext {
  sessionId: string;
  token: string;
  locale: () => Locale;
  bankKey: Promise<BankKey>;
  onError(message: string): void;
  thresholds(): FaceMatchThresholds;
  confirmDocument(document: DocumentConfirmation): boolean;
  sendFaceMatch(result: FaceMatchResult): boolean;
  startChallenge(action?: ChallengeAction, replaces?: string): boolean;
  sendChallengeResult(result: ChallengeResult): boolean;
  requestStill(kind: CaptureKind): void;
  abort(reason: AbortReason): boolean;
  sendGuidance(kind: GuidanceKind): boolean;
}

/** The agent's panels, rendered from every view the controller emits. */
export interface AgentPanels {
  update(view: CallView): void;
}

export function buildAgentPanels(ctx: AgentPanelsContext): AgentPanels {
  const assist = new AssistPanel({ before: byTestId('decision-panel'), locale: ctx.locale, confirm: (document) => ctx.confirmDocument(document) });
  const faces = new FaceAssist({
    video: byTestId<HTMLVideoElement>('remote-video'),
    thresholds: () => ctx.thresholds(),
    send: (result) => ctx.sendFaceMatch(result),
    onChange: (status) => assist.faceChanged(status),
  });
  // Liveness challenges (issue 15): the agent's panel measures them.
  const challengePanel = new ChallengePanel({
    before: byTestId('decision-panel'),
    locale: ctx.locale,
    video: byTestId<HTMLVideoElement>('remote-video'),
    engine: () => faces.challengeEngine(),
    start: (action, replaces) => ctx.startChallenge(action, replaces),
    send: (result) => ctx.sendChallengeResult(result),
  });
  const captures = new CapturePanel({
    origin: location.origin,
    sessionId: ctx.sessionId,
    token: ctx.token,
    bankKey: ctx.bankKey,
    remoteVideo: byTestId<HTMLVideoElement>('remote-video'),
    before: assist.element,
    locale: ctx.locale,
    onError: (message) => ctx.onError(message),
    requestStill: (kind) => ctx.requestStill(kind),
    onStored: (kind, image) => {
      if (kind === 'id_front') {
        assist.idFrontCaptured(image);
        faces.idCaptured(image);
      }
      if (kind === 'face') faces.faceCaptured(image);
    },
  });
  // The procedure's controls (issue 15): the agent's code line and abort.
  const procedure = new AgentProcedure(ctx.locale, (reason) => ctx.abort(reason), byTestId('decision-panel'));
  const guidance = new GuidanceControls(ctx.locale, (kind) => ctx.sendGuidance(kind), byTestId('chat-panel'));
  return {
    update(view) {
      captures.update(view);
      assist.update(view);
      if (view.ended) faces.stop();
      procedure.render(view);
      guidance.render(view);
      challengePanel.update(view);
    },
  };
}
