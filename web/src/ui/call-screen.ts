import type { ClientMessage, Locale } from '@vident/protocol';
import type { CallView } from '../call-view.ts';
import { elapsedSince, formatDuration } from '../call-timer.ts';
import { endReasonKey, translate, waitingKey } from '../i18n.ts';
import { backToQueueHref, DESK_TOKEN_KEY, endOutcome } from '../end-summary.ts';
import { DecisionPanel } from './decision-panel.ts';
import { byTestId, setText, showScreen } from './dom.ts';
import { RemoteZoom } from './remote-zoom.ts';

export interface CallScreenActions {
  toggleMic(): void;
  toggleCam(): void;
  hangUp(): void;
  decide(message: Extract<ClientMessage, { type: 'decide' }>): void;
}

/** Renders CallView snapshots into the call and end screens. Owns no call logic. */
export class CallScreen {
  private readonly status = byTestId('connection-status');
  private readonly timer = byTestId('call-timer');
  private readonly remoteVideo = byTestId<HTMLVideoElement>('remote-video');
  private readonly localVideo = byTestId<HTMLVideoElement>('local-video');
  private readonly waiting = byTestId('waiting');
  private readonly mic = byTestId<HTMLButtonElement>('mic-toggle');
  private readonly cam = byTestId<HTMLButtonElement>('cam-toggle');
  private readonly hangUp = byTestId<HTMLButtonElement>('hang-up');
  private readonly remoteMic = byTestId('remote-mic-state');
  private readonly remoteCam = byTestId('remote-cam-state');
  private readonly recording = byTestId('recording-badge');
  private readonly cardFrame = byTestId('card-frame');
  private readonly decision = new DecisionPanel();
  /** The agent's zoom on the customer's video; built on the first agent render. */
  private zoom: RemoteZoom | null = null;
  private last: CallView | null = null;
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(
    private locale: () => Locale,
    actions: CallScreenActions,
  ) {
    this.mic.addEventListener('click', () => actions.toggleMic());
    this.cam.addEventListener('click', () => actions.toggleCam());
    this.hangUp.addEventListener('click', () => actions.hangUp());
    this.decision.onSubmit((message) => actions.decide(message));
  }

  /** Shows the call screen with the local preview (again after a consent step, hence idempotent). */
  open(localStream: MediaStream): void {
    if (this.localVideo.srcObject !== localStream) this.localVideo.srcObject = localStream;
    showScreen('screen-call');
    this.ticker ??= setInterval(() => this.renderTimer(), 500);
  }

  render(view: CallView): void {
    const t = (key: Parameters<typeof translate>[1]) => translate(this.locale(), key);
    this.last = view;
    if (view.ended) {
      this.renderEnd(view.ended, view.role);
      return;
    }
    byTestId('call-screen').dataset.role = view.role;
    this.renderLayout(view);
    if (view.role === 'agent') {
      if (this.zoom === null) {
        this.zoom = new RemoteZoom(this.locale, this.remoteVideo);
        groupAgentTools();
      }
      this.zoom.render();
    }
    this.status.dataset.state = view.status;
    setText(this.status.querySelector('.status-text')!, t(`status.${view.status}`));
    this.recording.hidden = !view.record;

    if (this.remoteVideo.srcObject !== view.remoteStream) this.remoteVideo.srcObject = view.remoteStream;
    this.waiting.hidden = view.peerPresent && view.remoteStream !== null;
    // Once the other party is in, what remains is media setup: say so instead of "waiting for...".
    setText(this.waiting.querySelector('.waiting-text')!, view.peerPresent ? t('call.mediaStarting') : t(waitingKey(view.role)));
    setText(this.stage().querySelector('.remote-name')!, t(view.role === 'customer' ? 'call.remote.agent' : 'call.remote.customer'));

    setToggle(this.mic, view.localMedia.audio, t('call.mic'), t(view.localMedia.audio ? 'call.mic.on' : 'call.mic.off'));
    setToggle(this.cam, view.localMedia.video, t('call.cam'), t(view.localMedia.video ? 'call.cam.on' : 'call.cam.off'));
    this.hangUp.setAttribute('aria-label', t('call.hangup'));
    this.hangUp.title = t('call.hangup');
    setFlag(this.remoteMic, view.peerMedia.audio, t(view.peerMedia.audio ? 'call.remoteMic.on' : 'call.remoteMic.off'));
    setFlag(this.remoteCam, view.peerMedia.video, t(view.peerMedia.video ? 'call.remoteCam.on' : 'call.remoteCam.off'));
    this.timer.setAttribute('aria-label', t('call.timer'));
    // Only the agent decides, and only once the call runs (the server refuses anything earlier).
    const features = (view.procedure.securityFeatures?.features ?? []).map((f) => ({ id: f.id, ko: f.ko, en: f.en, ...(f.zh !== undefined ? { zh: f.zh } : {}) }));
    this.decision.render(view.role === 'agent' && view.startedAt !== null, view.decisionPending, view.checklist, this.locale(), features);
    this.renderTimer();
  }

  /**
   * The customer's document step (call-layout.ts): its own camera large and unmirrored with the
   * card frame, the agent small (styles.css `.call[data-layout="document"]`); the face layout
   * otherwise, and always on the agent's page.
   */
  private renderLayout(view: CallView): void {
    const layout = view.role === 'customer' ? view.layout : 'face';
    byTestId('call-screen').dataset.layout = layout;
    this.cardFrame.hidden = layout !== 'document';
    setText(this.localVideo.parentElement!.querySelector('.local-label')!, translate(this.locale(), layout === 'document' ? 'call.documentView' : 'call.you'));
  }

  private renderTimer(): void {
    const view = this.last;
    if (view === null || view.ended) return;
    setText(this.timer, formatDuration(elapsedSince(view.startedAt, Date.now())));
    this.timer.dataset.running = String(view.startedAt !== null);
  }

  private renderEnd(ended: NonNullable<CallView['ended']>, role: CallView['role']): void {
    clearInterval(this.ticker);
    this.zoom?.clear();
    const screen = byTestId('end-screen');
    screen.dataset.outcome = endOutcome(ended.reason);
    const back = byTestId<HTMLAnchorElement>('back-to-queue');
    const href = backToQueueHref(role, readDeskToken());
    back.hidden = href === null;
    if (href !== null) back.href = href;
    this.remoteVideo.srcObject = null;
    this.localVideo.srcObject = null;
    const reason = byTestId('end-reason');
    reason.dataset.reason = ended.reason;
    reason.textContent = translate(this.locale(), endReasonKey(ended.reason));
    byTestId('end-duration').textContent = formatDuration(ended.durationMs);
    this.status.dataset.state = 'ended';
    showScreen('screen-end');
  }

  private stage(): HTMLElement {
    return this.remoteVideo.parentElement!;
  }
}

/**
 * The agent's tools (guidance, chat, captures, assistance, decision) in one column, which a wide screen puts
 * beside the video (styles.css) so the decision is in view while inspecting the card. Moving the
 * built panels keeps their listeners.
 */
function groupAgentTools(): void {
  const side = document.createElement('div');
  side.className = 'agent-side';
  side.dataset.testid = 'agent-side';
  const panels = ['guidance-panel', 'chat-panel', 'capture-panel', 'assist-panel', 'challenge-panel', 'procedure-panel', 'decision-panel']
    .map((id) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`))
    .filter((el): el is HTMLElement => el !== null);
  if (panels.length === 0) return;
  panels[0]!.before(side);
  side.append(...panels);
}

/** The console's token, if this tab came from it (storage can be off: then there is no way back). */
function readDeskToken(): string | null {
  try {
    return sessionStorage.getItem(DESK_TOKEN_KEY);
  } catch {
    return null;
  }
}

/** A toggle keeps one name (aria-pressed carries on/off, as screen readers expect); the tooltip says the action. */
function setToggle(button: HTMLButtonElement, on: boolean, name: string, action: string): void {
  button.setAttribute('aria-pressed', String(on));
  button.setAttribute('aria-label', name);
  button.title = action;
}

function setFlag(el: HTMLElement, on: boolean, label: string): void {
  el.dataset.state = on ? 'on' : 'off';
  el.setAttribute('aria-label', label);
  el.title = label;
}
