import type { Locale } from '@vident/protocol';
import type { CallController } from './call-controller.ts';
import type { CallView } from './call-view.ts';
import { mayOpenCamera } from './consent-gate.ts';
import { takeJoinLink, type JoinLink } from './join-link.ts';
import { initialLocale, translate } from './i18n.ts';
import type { CallStats } from './call-stats.ts';
import type { PageConfig } from './public-config.ts';
import { fetchConfig, type ConfigAnswer } from './config-answer.ts';
import { applyStaticText, ErrorBanner, showScreen } from './ui/dom.ts';
import { JoinScreen } from './ui/join-screen.ts';
import { ChosenMedia, DEFAULT_CHOICE } from './chosen-media.ts';
import { openCustomerJourney, sessionStorageOrNull } from './customer-journey.ts';
import { DESK_TOKEN_KEY } from './end-summary.ts';
import { joinPhases, markPhase, type JoinPhaseTimes } from './join-phases.ts';
import { SignalingSocket } from './signaling-socket.ts';
import { StandbySocket } from './standby-socket.ts';

/*
 * / and /join: the call page of both roles (customer and agent, by the join link in the fragment);
 * without a link, the demo screen. This first bundle shows the first screen and starts what may
 * start before the Join click (the page's config, the agent's camera); the call itself
 * (call-session.ts: the controller, its screens and panels) is a module of its own, fetched and
 * evaluated meanwhile, and started at the click (issue 16: a small first bundle).
 */

/** Test hooks: `window.vident.stats()` (see call-stats.ts for the shape). */
interface VidentTestApi {
  stats(): Promise<CallStats>;
  /**
   * Video frames decoded from the other party, from the subscriber leg's stats alone: what the tests
   * and the join benchmark poll (every 20 ms there), at the cost of the bare page's same hook.
   */
  framesDecoded(): Promise<number>;
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
/** The agent's camera, asked for while its page loads (see openParticipant); the controller's first request takes it. */
let earlyMedia: Promise<MediaStream> | null = null;
/** The page's signaling socket, opened on standby before the participant enters the call (standby-socket.ts). */
let standby: StandbySocket | null = null;
/** The call's module (call-session.ts), asked for once a join link is read. */
let sessionLoad: Promise<typeof import('./call-session.ts')> | null = null;
function loadCallSession(): Promise<typeof import('./call-session.ts')> {
  sessionLoad ??= import('./call-session.ts');
  return sessionLoad;
}

window.vident = {
  stats: async () => (controller ? controller.stats() : { publisher: null, subscriber: null }),
  framesDecoded: async () => (controller ? controller.framesDecoded() : 0),
  state: () => controller?.snapshot() ?? null,
};

applyStaticText(locale);
const { result: link, fromHash } = takeJoinLink(location.hash, location.pathname, sessionStorageOrNull());
// The token is kept in this tab's sessionStorage; it leaves the address bar and the history entry.
if (fromHash) history.replaceState(null, '', location.pathname + location.search);
// The page's config is fetched while the participant is still on the landing page, the pre-call
// check or the Join button, not after the Join click (it is the same for every page of a deployment).
// Its answer is read by the call's code (call-session.ts), fetched and evaluated meanwhile too.
const configAnswer: Promise<ConfigAnswer> | null = link.kind === 'ok' ? fetchConfig() : null;
if (link.kind === 'ok') openParticipant(link.link);
else if (link.kind === 'invalid') showScreen('screen-invalid');
else void import('./ui/demo-screen.ts').then(({ openDemoScreen }) => openDemoScreen(locale, (message) => banner.show(translate(locale, 'error.server', { message }))));

/** Customers walk the landing page and the pre-call check first; agents join directly. */
function openParticipant(joinLink: JoinLink): void {
  // Connect-then-join, for both roles: the socket's handshake and the Worker's token check are done
  // while the page shows the landing page, the pre-call check or the Join button; entering the call
  // then only sends `join`. Nothing is announced or relayed before that.
  if (hasMedia()) standby = new StandbySocket((handlers, onStandby) => new SignalingSocket(location.origin, joinLink.sessionId, joinLink.token, handlers, onStandby));
  // The call's module is evaluated meanwhile too, not when the participant enters the call.
  const session = loadCallSession();
  session.catch(() => undefined);
  if (joinLink.role !== 'customer') {
    // The agent's camera and tools start while the page waits for the Join click: joining then
    // only connects and publishes (issue 16). Its camera is never gated (consent-gate.ts: the
    // agent's consent is their employment contract); nothing is sent before the click. A refusal
    // shows at the click, whose button then asks again.
    if (mayOpenCamera({ role: joinLink.role, consent: null, acceptedOnThisPage: false }) && hasMedia()) {
      earlyMedia = media.acquire();
      earlyMedia.catch(() => undefined);
    }
    session.then((loaded) => loaded.loadAgentPanels()).catch(() => undefined);
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
  if (!hasMedia()) {
    banner.show(translate(locale, 'error.unsupported'));
    return;
  }
  markPhase('join');
  joinScreen.busy();
  // The agent's camera does not wait for the page's config (consent-gate.ts: never a customer's here);
  // it was asked for at page load unless the controller took it already (a second click retries).
  if (earlyMedia === null && mayOpenCamera({ role: joinLink.role, consent: null, acceptedOnThisPage: false })) earlyMedia = media.acquire();
  let session: typeof import('./call-session.ts');
  let config: PageConfig;
  try {
    const [loaded, answer] = await Promise.all([loadCallSession(), configAnswer ?? fetchConfig()]);
    session = loaded;
    config = session.readConfig(answer);
  } catch (err) {
    banner.show(translate(locale, 'error.server', { message: err instanceof Error ? err.message : String(err) }));
    return;
  }
  if (controller !== null) return;
  controller = session.startCallSession({
    link: joinLink,
    config,
    joinScreen,
    banner,
    locale: () => locale,
    setLocale: (next) => {
      locale = next;
      applyStaticText(locale);
    },
    acquireMedia: () => {
      const early = earlyMedia;
      earlyMedia = null;
      return early ?? media.acquire();
    },
    ...(standby ? { openSocket: standby.open } : {}),
  });
}

/** WebRTC and a camera API: without them the page cannot call. */
function hasMedia(): boolean {
  return typeof RTCPeerConnection !== 'undefined' && navigator.mediaDevices?.getUserMedia !== undefined;
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
  const desk = token;
  void import('./desk-token-keeper.ts').then(({ DeskTokenKeeper }) =>
    new DeskTokenKeeper({ token: desk, store, fetch: (input, init) => fetch(input, init), onSignedOut: () => undefined }).start(),
  );
}

