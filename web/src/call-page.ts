import { importBankPublicKey, type Locale } from '@vident/protocol';
import { CallController, type CallControllerOptions } from './call-controller.ts';
import type { CallView } from './call-view.ts';
import { mayOpenCamera, screenForCall, type CallPageScreen } from './consent-gate.ts';
import { takeJoinLink, type JoinLink } from './join-link.ts';
import { initialLocale, translate } from './i18n.ts';
import { callProblemText, type CallProblemCode } from './error-text.ts';
import type { CallStats } from './call-stats.ts';
import { loadConfig, type PageConfig } from './public-config.ts';
import { applyStaticText, byTestId, ErrorBanner, showScreen } from './ui/dom.ts';
import { CallScreen } from './ui/call-screen.ts';
import { CapturePanel, type BankKey } from './ui/capture-panel.ts';
import { deliverStill } from './ui/customer-still.ts';
import { AssistPanel } from './ui/assist-panel.ts';
import { FaceAssist } from './ui/face-assist.ts';
import { ChallengePanel, ChallengePrompt } from './ui/challenge-panel.ts';
import { ChatPanel } from './ui/chat-panel.ts';
import { GuidanceControls, GuidanceOverlay } from './ui/guidance-ui.ts';
import { AgentProcedure, CustomerProcedure } from './ui/procedure-panel.ts';
import { NetworkQualityIndicator } from './ui/network-quality-indicator.ts';
import { ConsentScreen } from './ui/consent-screen.ts';
import { openDemoScreen } from './ui/demo-screen.ts';
import { JoinScreen } from './ui/join-screen.ts';
import { QueuePanel } from './ui/queue-panel.ts';
import { ChosenMedia, DEFAULT_CHOICE } from './chosen-media.ts';
import { openCustomerJourney, sessionStorageOrNull } from './customer-journey.ts';
import { DESK_TOKEN_KEY } from './end-summary.ts';
import { DeskTokenKeeper } from './desk-token-keeper.ts';
import { joinPhases, markPhase, type JoinPhaseTimes } from './join-phases.ts';
import { CallQualityWiring } from './quality/call-quality-wiring.ts';

/*
 * / and /join: the call page of both roles (customer and agent, by the join link in the fragment);
 * without a link, the demo screen. Wires the screens to one CallController.
 */

/** Test hook: `window.vident.stats()` (see call-stats.ts for the shape). */
interface VidentTestApi {
  stats(): Promise<CallStats>;
  state(): CallView | null;
}

declare global {
  interface Window {
    vident: VidentTestApi;
    /** The join's phases so far (join-phases.ts), for the join benchmark; never shown. */
    __videntPhases: () => JoinPhaseTimes;
  }
}

markPhase('page-load');
window.__videntPhases = () => joinPhases.snapshot();

let locale: Locale = initialLocale(location.search, navigator.languages ?? [navigator.language]);
let controller: CallController | null = null;
const banner = new ErrorBanner();
/** The customer's camera/microphone from the pre-call check; defaults for the agent. */
let media = new ChosenMedia(DEFAULT_CHOICE);
/** The agent's camera, asked for at the Join click; the controller's first request takes it. */
let earlyMedia: Promise<MediaStream> | null = null;

window.vident = {
  stats: async () => (controller ? controller.stats() : { publisher: null, subscriber: null }),
  state: () => controller?.snapshot() ?? null,
};

applyStaticText(locale);
const { result: link, fromHash } = takeJoinLink(location.hash, location.pathname, sessionStorageOrNull());
// The token is kept in this tab's sessionStorage; it leaves the address bar and the history entry.
if (fromHash) history.replaceState(null, '', location.pathname + location.search);
// The page's config is fetched while the participant is still on the landing page, the pre-call
// check or the Join button, not after the Join click (it is the same for every page of a deployment).
const configLoad: Promise<PageConfig> | null = link.kind === 'ok' ? loadConfig() : null;
if (link.kind === 'ok') openParticipant(link.link);
else if (link.kind === 'invalid') showScreen('screen-invalid');
else void openDemoScreen(locale, (message) => banner.show(translate(locale, 'error.server', { message })));

/** Customers walk the landing page and the pre-call check first; agents join directly. */
function openParticipant(joinLink: JoinLink): void {
  if (joinLink.role !== 'customer') {
    keepDeskTokenFresh();
    return openJoinScreen(joinLink);
  }
  openCustomerJourney({
    link: joinLink,
    locale: () => locale,
    storage: sessionStorageOrNull(),
    enterCall: (chosen, autoStart) => {
      media = chosen;
      openJoinScreen(joinLink, autoStart);
    },
  });
}

function openJoinScreen(joinLink: JoinLink, autoStart = false): void {
  const joinScreen: JoinScreen = new JoinScreen(joinLink, () => locale, () => void startCall(joinLink, joinScreen));
  joinScreen.show();
  if (autoStart) void startCall(joinLink, joinScreen);
}

/**
 * The join click. The camera is not asked for here: the controller asks once the call may start,
 * i.e. after the recording consent for a recorded customer. A second click (offered after the
 * browser refused the camera) asks again.
 */
async function startCall(joinLink: JoinLink, joinScreen: JoinScreen): Promise<void> {
  if (controller !== null) {
    controller.retryMedia();
    return;
  }
  if (typeof RTCPeerConnection === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
    banner.show(translate(locale, 'error.unsupported'));
    return;
  }
  markPhase('join');
  joinScreen.busy();
  // The agent's camera does not wait for the page's config (consent-gate.ts: never a customer's here).
  if (mayOpenCamera({ role: joinLink.role, consent: null, acceptedOnThisPage: false })) earlyMedia = media.acquire();
  startController(joinLink, await (configLoad ?? loadConfig()), joinScreen);
}

function startController(joinLink: JoinLink, config: PageConfig, joinScreen: JoinScreen): void {
  const callScreen = new CallScreen(() => locale, {
    toggleMic: () => controller?.setLocalMedia({ audio: !controller.snapshot().localMedia.audio }),
    toggleCam: () => controller?.setLocalMedia({ video: !controller.snapshot().localMedia.video }),
    hangUp: () => controller?.hangUp(),
    decide: (message) => controller?.decide(message),
  });
  const consentScreen = new ConsentScreen({
    accept: () => controller?.acceptConsent(),
    decline: () => controller?.declineConsent(),
  });
  const assist =
    joinLink.role === 'agent'
      ? new AssistPanel({
          before: byTestId('decision-panel'),
          locale: () => locale,
          confirm: (document) => controller?.confirmDocument(document) ?? false,
        })
      : null;
  const faces =
    assist !== null
      ? new FaceAssist({
          video: byTestId<HTMLVideoElement>('remote-video'),
          thresholds: () => controller!.snapshot().review.faceThresholds,
          send: (result) => controller?.sendFaceMatch(result) ?? false,
          onChange: (status) => assist.faceChanged(status),
        })
      : null;
  // Liveness challenges (issue 15): the agent's panel measures them, the customer's page shows the current one.
  const challengePanel =
    faces !== null
      ? new ChallengePanel({
          before: byTestId('decision-panel'),
          locale: () => locale,
          video: byTestId<HTMLVideoElement>('remote-video'),
          engine: () => faces.challengeEngine(),
          start: (action, replaces) => controller?.startChallenge(action, replaces) ?? false,
          send: (result) => controller?.sendChallengeResult(result) ?? false,
        })
      : null;
  const challengePrompt = joinLink.role === 'customer' ? new ChallengePrompt(() => locale, byTestId('guidance-overlay')) : null;
  const captures =
    joinLink.role === 'agent'
      ? new CapturePanel({
          origin: location.origin,
          sessionId: joinLink.sessionId,
          token: joinLink.token,
          bankKey: loadBankKey(config.evidencePublicKey),
          remoteVideo: byTestId<HTMLVideoElement>('remote-video'),
          before: assist?.element ?? byTestId('decision-panel'),
          locale: () => locale,
          onError: (message) => banner.show(message),
          requestStill: (kind) => controller?.requestStill(kind),
          onStored: (kind, image) => {
            if (kind === 'id_front') {
              assist?.idFrontCaptured(image);
              faces?.idCaptured(image);
            }
            if (kind === 'face') faces?.faceCaptured(image);
          },
        })
      : null;
  const chat = new ChatPanel(() => locale, (text) => controller?.sendChat(text) ?? false);
  // The procedure's controls (issue 15): the customer's code entry and features to show, the agent's code line and abort.
  const procedure =
    joinLink.role === 'agent'
      ? new AgentProcedure(() => locale, (reason) => controller?.abort(reason) ?? false, byTestId('decision-panel'))
      : new CustomerProcedure(() => locale, (code) => controller?.enterCode(code) ?? false, byTestId('chat-panel'));
  const guidance =
    joinLink.role === 'agent'
      ? new GuidanceControls(() => locale, (kind) => controller?.sendGuidance(kind) ?? false, byTestId('chat-panel'))
      : new GuidanceOverlay(() => locale);
  const quality = new NetworkQualityIndicator(() => locale, {
    counters: () => controller!.networkCounters(),
    videoOn: () => controller?.snapshot().localMedia.video ?? false,
  });
  quality.start();
  const queuePanel = new QueuePanel(() => locale, () => controller?.hangUp());
  const callQuality = new CallQualityWiring(joinLink.role, () => locale, () => controller);
  let shown: CallPageScreen | null = null;
  controller = new CallController({
    origin: location.origin,
    sessionId: joinLink.sessionId,
    token: joinLink.token,
    role: joinLink.role,
    acquireMedia: () => {
      const early = earlyMedia;
      earlyMedia = null;
      return early ?? media.acquire();
    },
    iceTransportPolicy: config.iceTransportPolicy,
    tokenExpiresAtMs: joinLink.exp * 1000,
    onChange: (view) => {
      if (view.locale !== null && view.locale !== locale) {
        locale = view.locale;
        applyStaticText(locale);
      }
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
      captures?.update(view);
      assist?.update(view);
      if (view.ended) faces?.stop();
      chat.render(view);
      procedure.render(view);
      guidance.render(view);
      challengePanel?.update(view);
      challengePrompt?.render(view);
      queuePanel.render(view);
      if (view.ended) quality.stop();
      callQuality.update(view);
    },
    onError: ({ code, message }) => banner.show(errorText(code, message)),
    deliverStill: joinLink.role === 'customer' ? customerStills(joinLink, config) : undefined,
    onQuality: (q) => callQuality.quality(q),
  });
  controller.start();
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

/**
 * An agent who came from the console keeps its desk token fresh during the call, so "Back to the
 * queue" still signs it in afterwards (desk tokens live 15 minutes; a call may last longer).
 */
function keepDeskTokenFresh(): void {
  const store = sessionStorageOrNull();
  let token: string | null = null;
  try {
    token = store?.getItem(DESK_TOKEN_KEY) ?? null;
  } catch {
    token = null;
  }
  if (token === null) return;
  // Signed out (sign-in over, revoked): the keeper forgets the token, and the end screen offers no way back.
  new DeskTokenKeeper({ token, store, fetch: (input, init) => fetch(input, init), onSignedOut: () => undefined }).start();
}

/** The banner shows the page's own words for the code; the server's English detail goes to the console. */
function errorText(code: CallProblemCode, message: string): string {
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
