import { PublicConfig, type Locale } from '@vident/protocol';
import { CallController, type CallView } from './call-controller.ts';
import { isLinkExpired, parseJoinLink, type JoinLink } from './join-link.ts';
import { initialLocale, translate } from './i18n.ts';
import type { CallStats } from './call-stats.ts';
import { applyStaticText, byTestId, ErrorBanner, showScreen } from './ui/dom.ts';
import { CallScreen } from './ui/call-screen.ts';
import { openDemoScreen } from './ui/demo-screen.ts';

/** Test hook: `window.vident.stats()` (see call-stats.ts for the shape). */
interface VidentTestApi {
  stats(): Promise<CallStats>;
  state(): CallView | null;
}

declare global {
  interface Window {
    vident: VidentTestApi;
  }
}

let locale: Locale = initialLocale(location.search, navigator.languages ?? [navigator.language]);
let controller: CallController | null = null;
const banner = new ErrorBanner();

window.vident = {
  stats: async () => (controller ? controller.stats() : { publisher: null, subscriber: null }),
  state: () => controller?.snapshot() ?? null,
};

applyStaticText(locale);
const link = parseJoinLink(location.hash);
if (link.kind === 'ok') openJoinScreen(link.link);
else if (link.kind === 'invalid') showScreen('screen-invalid');
else void openDemoScreen(locale, (message) => banner.show(translate(locale, 'error.server', { message })));

function openJoinScreen(joinLink: JoinLink): void {
  const screen = byTestId('join-screen');
  const t = (key: Parameters<typeof translate>[1]) => translate(locale, key);
  byTestId('join-role').textContent = t(joinLink.role === 'customer' ? 'role.customer' : 'role.agent');
  screen.querySelector('.join-heading')!.textContent = t(`join.${joinLink.role}.heading`);
  screen.querySelector('.join-body')!.textContent = t(`join.${joinLink.role}.body`);
  if (isLinkExpired(joinLink, Date.now())) {
    const warning = byTestId('join-warning');
    warning.textContent = t('join.expired');
    warning.hidden = false;
  }
  showScreen('screen-join');
  const join = byTestId<HTMLButtonElement>('join');
  join.addEventListener('click', () => void startCall(joinLink, join, screen));
}

async function startCall(joinLink: JoinLink, join: HTMLButtonElement, screen: HTMLElement): Promise<void> {
  const progress = screen.querySelector<HTMLElement>('.join-progress')!;
  if (typeof RTCPeerConnection === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
    banner.show(translate(locale, 'error.unsupported'));
    return;
  }
  join.disabled = true;
  progress.textContent = translate(locale, 'join.starting');
  let stream: MediaStream;
  try {
    const [media, config] = await Promise.all([
      navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } }),
      loadConfig(),
    ]);
    stream = media;
    const preview = byTestId<HTMLVideoElement>('preview-video');
    preview.srcObject = stream;
    preview.dataset.live = '';
    startController(joinLink, stream, config.iceTransportPolicy);
  } catch (err) {
    console.warn('vident: getUserMedia failed', err);
    banner.show(translate(locale, 'error.media'));
    join.disabled = false;
    progress.textContent = '';
  }
}

function startController(joinLink: JoinLink, stream: MediaStream, policy: RTCIceTransportPolicy): void {
  const callScreen = new CallScreen(() => locale, {
    toggleMic: () => controller?.setLocalMedia({ audio: !(controller.snapshot().localMedia.audio) }),
    toggleCam: () => controller?.setLocalMedia({ video: !(controller.snapshot().localMedia.video) }),
    hangUp: () => controller?.hangUp(),
    decide: (message) => controller?.decide(message),
  });
  controller = new CallController({
    origin: location.origin,
    sessionId: joinLink.sessionId,
    token: joinLink.token,
    role: joinLink.role,
    localStream: stream,
    iceTransportPolicy: policy,
    tokenExpiresAtMs: joinLink.exp * 1000,
    onChange: (view) => {
      if (view.locale !== null && view.locale !== locale) {
        locale = view.locale;
        applyStaticText(locale);
      }
      callScreen.render(view);
    },
    onError: ({ code, message }) => {
      const text = code === 'socket' ? translate(locale, 'error.socket') : message;
      banner.show(translate(locale, 'error.server', { message: text }));
    },
  });
  callScreen.open(stream);
  controller.start();
}

/** `GET /v1/config`; a missing or odd answer falls back to defaults (the call can still work). */
async function loadConfig(): Promise<{ iceTransportPolicy: RTCIceTransportPolicy }> {
  try {
    const res = await fetch('/v1/config', { credentials: 'same-origin' });
    const parsed = PublicConfig.safeParse(await res.json());
    if (parsed.success) return parsed.data;
    console.warn('vident: /v1/config answer not understood; using defaults');
  } catch (err) {
    console.warn('vident: /v1/config unavailable; using defaults', err);
  }
  return { iceTransportPolicy: 'all' };
}
