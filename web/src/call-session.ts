import { importBankPublicKey, type Locale } from '@vident/protocol';
import { CallController, type CallControllerOptions } from './call-controller.ts';
import { screenForCall, type CallPageScreen } from './consent-gate.ts';
import type { CallView } from './call-view.ts';
import type { JoinLink } from './join-link.ts';
import { translate } from './i18n.ts';
import { callProblemText, type CallProblemCode } from './error-text.ts';
import type { PageConfig } from './public-config.ts';
import type { OpenSignalingChannel } from './signaling-socket.ts';

/** The page's config is read with this module (call-page.ts fetches it while this module loads). */
export { readConfig } from './public-config.ts';
import { byTestId, type ErrorBanner } from './ui/dom.ts';
import { CallScreen } from './ui/call-screen.ts';
import { deliverStill } from './ui/customer-still.ts';
import type { BankKey } from './ui/capture-panel.ts';
import { ChallengePrompt } from './ui/challenge-panel.ts';
import { GuidanceOverlay } from './ui/guidance-ui.ts';
import { CustomerProcedure } from './ui/procedure-panel.ts';
import type { AgentPanels } from './agent-panels.ts';
import { ChatPanel } from './ui/chat-panel.ts';
import { NetworkQualityIndicator } from './ui/network-quality-indicator.ts';
import { ConsentScreen } from './ui/consent-screen.ts';
import type { JoinScreen } from './ui/join-screen.ts';
import { QueuePanel } from './ui/queue-panel.ts';
import { coalesced, nextTask } from './ui/render-coalescer.ts';
import { markPhase } from './join-phases.ts';
import { CallQualityWiring } from './quality/call-quality-wiring.ts';

/*
 * The call itself on the call page (/join): one CallController wired to the call's screens and
 * panels. call-page.ts imports this module with import() while the page shows its first screen
 * (issue 16): the join screen, the agent's camera and the customer's landing page do not wait for
 * the call's code (the controller, the protocol's schemas, the panels) to load and evaluate.
 */

/** What the call needs from the page around it. */
export interface CallSessionPage {
  link: JoinLink;
  config: PageConfig;
  joinScreen: JoinScreen;
  banner: ErrorBanner;
  locale(): Locale;
  /** The session's language differs from the page's: the page switches (and re-applies its static text). */
  setLocale(locale: Locale): void;
  /** The camera and microphone for the call (see CallControllerOptions.acquireMedia). */
  acquireMedia(): Promise<MediaStream>;
  /** The socket opener when the page connected before the click (standby-socket.ts); else a plain socket per connect. */
  openSocket?: OpenSignalingChannel;
}

/** The agent's in-call tools (agent-panels.ts), a module of their own; the page fetches it early with this. */
let agentPanelsLoad: Promise<typeof import('./agent-panels.ts')> | null = null;
export function loadAgentPanels(): Promise<typeof import('./agent-panels.ts')> {
  agentPanelsLoad ??= import('./agent-panels.ts');
  return agentPanelsLoad;
}

/** Builds the call's screens and panels and starts its controller (which opens the socket). */
export function startCallSession(page: CallSessionPage): CallController {
  const { link: joinLink, config, joinScreen, banner } = page;
  const locale = page.locale;
  let controller: CallController | null = null;
  const callScreen = new CallScreen(locale, {
    toggleMic: () => controller?.setLocalMedia({ audio: !controller.snapshot().localMedia.audio }),
    toggleCam: () => controller?.setLocalMedia({ video: !controller.snapshot().localMedia.video }),
    hangUp: () => controller?.hangUp(),
    decide: (message) => controller?.decide(message),
  });
  const consentScreen = new ConsentScreen({
    accept: () => controller?.acceptConsent(),
    decline: () => controller?.declineConsent(),
  });
  // Liveness challenges (issue 15): the customer's page shows the current one.
  const challengePrompt = joinLink.role === 'customer' ? new ChallengePrompt(locale, byTestId('guidance-overlay')) : null;
  const chat = new ChatPanel(locale, (text) => controller?.sendChat(text) ?? false);
  // The procedure's controls (issue 15): the customer's code entry and features to show.
  const procedure = joinLink.role === 'customer' ? new CustomerProcedure(locale, (code) => controller?.enterCode(code) ?? false, byTestId('chat-panel')) : null;
  const guidance = joinLink.role === 'customer' ? new GuidanceOverlay(locale) : null;
  const quality = new NetworkQualityIndicator(locale, {
    counters: () => controller!.networkCounters(),
    videoOn: () => controller?.snapshot().localMedia.video ?? false,
  });
  quality.start();
  const queuePanel = new QueuePanel(locale, () => controller?.hangUp());
  // The agent's tools and quality panel come with their own module (agent-panels.ts), built once it
  // is here: the socket and the publish do not wait for them. Until then the welcome's quality
  // figures are kept for the wiring.
  let agentPanels: AgentPanels | null = null;
  let callQuality: CallQualityWiring | null = joinLink.role === 'agent' ? null : new CallQualityWiring(joinLink.role, locale, () => controller);
  let qualitySoFar: Parameters<CallQualityWiring['quality']>[0] | null = null;
  let shown: CallPageScreen | null = null;
  // Drawn once per task from the latest view (render-coalescer.ts): a burst of changes during the join
  // is one render, after the controller's chain has sent what the change let out.
  const render = coalesced((view: CallView) => {
    if (view.locale !== null && view.locale !== locale()) page.setLocale(view.locale);
    const screen = screenForCall(view);
    if (screen === 'join') joinScreen.render(view);
    if (screen !== shown) {
      if (screen === 'join') joinScreen.show();
      else if (screen === 'consent') consentScreen.show();
      else if (screen === 'call' && view.localStream !== null) callScreen.open(view.localStream);
      // 'end': the call screen renders the end screen itself.
    }
    shown = screen;
    callScreen.render(view);
    if (view.remoteStream !== null) markFirstFrame();
    agentPanels?.update(view);
    chat.render(view);
    procedure?.render(view);
    guidance?.render(view);
    challengePrompt?.render(view);
    queuePanel.render(view);
    if (view.ended) quality.stop();
    callQuality?.update(view);
  }, nextTask());
  controller = new CallController({
    origin: location.origin,
    sessionId: joinLink.sessionId,
    token: joinLink.token,
    role: joinLink.role,
    acquireMedia: page.acquireMedia,
    ...(page.openSocket ? { openSocket: page.openSocket } : {}),
    iceTransportPolicy: config.iceTransportPolicy,
    tokenExpiresAtMs: joinLink.exp * 1000,
    onChange: (view) => render(view),
    onError: ({ code, message }) => banner.show(errorText(locale(), code, message)),
    deliverStill: joinLink.role === 'customer' ? customerStills(joinLink, config) : undefined,
    onQuality: (q) => {
      qualitySoFar = { thresholds: q.thresholds ?? qualitySoFar?.thresholds, riskFlags: q.riskFlags };
      callQuality?.quality(q);
    },
  });
  controller.start();
  if (joinLink.role !== 'agent') return controller;
  void loadAgentPanels().then(
    ({ buildAgentPanels }) => {
      agentPanels = buildAgentPanels({
        sessionId: joinLink.sessionId,
        token: joinLink.token,
        locale: locale,
        bankKey: loadBankKey(config.evidencePublicKey),
        onError: (message) => banner.show(message),
        thresholds: () => controller!.snapshot().review.faceThresholds,
        confirmDocument: (document) => controller?.confirmDocument(document) ?? false,
        sendFaceMatch: (result) => controller?.sendFaceMatch(result) ?? false,
        startChallenge: (action, replaces) => controller?.startChallenge(action, replaces) ?? false,
        sendChallengeResult: (result) => controller?.sendChallengeResult(result) ?? false,
        requestStill: (kind) => controller?.requestStill(kind),
        abort: (reason) => controller?.abort(reason) ?? false,
        sendGuidance: (kind) => controller?.sendGuidance(kind) ?? false,
      });
      // After the agent's panels, as before: it places its panel in the same column, below them.
      callQuality = new CallQualityWiring(joinLink.role, locale, () => controller);
      if (qualitySoFar !== null) callQuality.quality(qualitySoFar);
      const view = controller?.snapshot();
      if (view) {
        agentPanels.update(view);
        callQuality.update(view);
      }
    },
    (err: unknown) => banner.show(translate(locale(), 'error.server', { message: err instanceof Error ? err.message : String(err) })),
  );
  return controller;
}

/**
 * The customer's page answers the agent's still requests (issue 17): a still of its own camera,
 * sealed here for the bank and uploaded with the customer's token. The bank key is imported on the
 * first request only.
 */
function customerStills(joinLink: JoinLink, config: PageConfig): NonNullable<CallControllerOptions['deliverStill']> {
  let bankKey: Promise<BankKey> | null = null;
  return async (request, stream) => {
    bankKey ??= loadBankKey(config.evidencePublicKey);
    return deliverStill(request, stream, { origin: location.origin, sessionId: joinLink.sessionId, token: joinLink.token, bankKey });
  };
}

/** The banner shows the page's own words for the code; the server's English detail goes to the console. */
function errorText(locale: Locale, code: CallProblemCode, message: string): string {
  console.info(`vident: ${code}: ${message}`);
  return callProblemText(locale, code);
}

/** The bank key that seals captures; a broken key disables captures (with the reason), not the call. */
async function loadBankKey(pem: string | null): Promise<BankKey> {
  if (pem === null) return { state: 'missing' };
  try {
    return { state: 'ready', key: await importBankPublicKey(pem) };
  } catch (err) {
    console.warn('vident: the configured evidence public key cannot be used', err instanceof Error ? err.message : err);
    return { state: 'invalid' };
  }
}

/** `first-frame`: the first remote video frame painted (requestVideoFrameCallback where the browser has it). */
let firstFrameAsked = false;
function markFirstFrame(): void {
  if (firstFrameAsked) return;
  firstFrameAsked = true;
  const video = byTestId<HTMLVideoElement>('remote-video');
  if (typeof video.requestVideoFrameCallback === 'function') video.requestVideoFrameCallback(() => markPhase('first-frame'));
  else video.addEventListener('loadeddata', () => markPhase('first-frame'), { once: true });
}
