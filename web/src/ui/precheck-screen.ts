import type { Locale } from '@vident/protocol';
import type { DeviceChoice } from '../chosen-media.ts';
import { translate, type MessageKey } from '../i18n.ts';
import { runNetworkProbe, type ProbeTarget } from '../network-probe.ts';
import { sendPrecheckSignal } from '../precheck-signal.ts';
import { requestCamera } from '../camera-request.ts';
import { afterMediaRequest, canContinue, deviceOptions, INITIAL_PRECHECK, mediaConstraints, type PrecheckState } from '../precheck-state.ts';
import { byTestId, showScreen } from './dom.ts';
import { LevelMeter } from './level-meter.ts';

export interface PrecheckOptions {
  locale: () => Locale;
  probe: ProbeTarget;
  choice: DeviceChoice;
  /** Camera and microphone work: the opened stream goes on to the call (asked for once). */
  onContinue(stream: MediaStream, choice: DeviceChoice): void;
  /** The server says the session is over (or the link is not valid): the call page shows why. */
  onSessionOver(): void;
}

/** Probe refusals that no retry can fix. */
const SESSION_OVER = new Set(['session_ended', 'not_found', 'token_expired', 'token_invalid', 'forbidden']);
const CHECKS = ['camera', 'microphone', 'network'] as const;

/**
 * The customer's pre-call check: camera and microphone permission (with help when refused),
 * device pickers, a live self-preview, a microphone level meter, and the TCP media-path probe.
 */
export class PrecheckScreen {
  private readonly screen = byTestId('precheck-screen');
  private readonly preview = byTestId<HTMLVideoElement>('precheck-preview');
  private readonly cameraPicker = byTestId<HTMLSelectElement>('device-camera');
  private readonly micPicker = byTestId<HTMLSelectElement>('device-microphone');
  private readonly retry = byTestId<HTMLButtonElement>('precheck-retry');
  private readonly next = byTestId<HTMLButtonElement>('precheck-continue');
  private state: PrecheckState = INITIAL_PRECHECK;
  private stream: MediaStream | null = null;
  private meter: LevelMeter | null = null;
  private choice: DeviceChoice;
  /** Only the latest getUserMedia request may install its stream (pickers can change quickly). */
  private request = 0;
  private finished = false;

  constructor(private readonly opts: PrecheckOptions) {
    this.choice = { ...opts.choice };
    this.cameraPicker.addEventListener('change', () => this.pick({ cameraId: this.cameraPicker.value }));
    this.micPicker.addEventListener('change', () => this.pick({ microphoneId: this.micPicker.value }));
    this.retry.addEventListener('click', () => {
      if (this.state.camera === 'fail' || this.state.microphone === 'fail') void this.openMedia();
      if (this.state.network === 'fail') void this.checkNetwork();
    });
    this.next.addEventListener('click', () => this.finish());
  }

  /** Shows the screen and runs every check (the network one alongside the permission prompt). */
  start(): void {
    showScreen('screen-precheck');
    this.screen.querySelector<HTMLElement>('h2')!.focus();
    this.render();
    void this.openMedia();
    void this.checkNetwork();
  }

  private pick(change: Partial<DeviceChoice>): void {
    this.choice = { ...this.choice, ...change };
    void this.openMedia();
  }

  private async openMedia(): Promise<void> {
    const request = ++this.request;
    this.update({ camera: 'pending', microphone: 'pending', mediaProblem: null });
    // A device change re-opens the stream: the old tracks go first (a phone may hold one camera only).
    this.closeStream();
    try {
      const stream = await requestCamera((c) => navigator.mediaDevices.getUserMedia(c), (q) => mediaConstraints(this.choice, q));
      if (request !== this.request || this.finished) {
        for (const t of stream.getTracks()) t.stop();
        return;
      }
      this.stream = stream;
      this.preview.srcObject = stream;
      this.preview.dataset.live = '';
      const [video] = stream.getVideoTracks();
      const [audio] = stream.getAudioTracks();
      this.choice = { cameraId: video?.getSettings().deviceId ?? this.choice.cameraId, microphoneId: audio?.getSettings().deviceId ?? this.choice.microphoneId };
      if (audio) this.meter = new LevelMeter(stream, byTestId('mic-level'));
      this.state = afterMediaRequest(this.state, { audio: audio !== undefined, video: video !== undefined });
      this.render();
      // Labels and ids are only complete once permission is granted.
      await this.fillPickers();
    } catch (err) {
      if (request !== this.request || this.finished) return;
      console.warn('vident: camera/microphone refused', err);
      this.state = afterMediaRequest(this.state, { error: err });
      this.render();
      if (this.state.mediaProblem === 'denied') void sendPrecheckSignal(this.opts.probe, 'permission_refused');
    }
  }

  private async fillPickers(): Promise<void> {
    const devices = await navigator.mediaDevices.enumerateDevices().catch(() => []);
    const t = this.opts.locale();
    const fill = (select: HTMLSelectElement, kind: 'videoinput' | 'audioinput', inUse: string | null, key: MessageKey) => {
      const { options, selected } = deviceOptions(devices, kind, inUse, (n) => translate(t, key, { n: String(n) }));
      select.replaceChildren(...options.map((o) => new Option(o.label, o.id, false, o.id === selected)));
      select.disabled = options.length < 2;
    };
    fill(this.cameraPicker, 'videoinput', this.choice.cameraId, 'precheck.device.cameraN');
    fill(this.micPicker, 'audioinput', this.choice.microphoneId, 'precheck.device.microphoneN');
    byTestId('device-pickers').hidden = this.cameraPicker.options.length === 0 && this.micPicker.options.length === 0;
  }

  private async checkNetwork(): Promise<void> {
    this.update({ network: 'pending' });
    const outcome = await runNetworkProbe(this.opts.probe);
    if (this.finished) return;
    if (outcome.result === 'fail' && outcome.failure === 'refused' && SESSION_OVER.has(outcome.code ?? '')) {
      this.finished = true;
      this.closeStream();
      this.opts.onSessionOver();
      return;
    }
    this.update({ network: outcome.result });
  }

  private finish(): void {
    if (!canContinue(this.state) || this.stream === null || this.finished) return;
    this.finished = true;
    const stream = this.stream;
    this.stream = null;
    this.meter?.stop();
    this.meter = null;
    this.preview.srcObject = null;
    this.opts.onContinue(stream, this.choice);
  }

  private closeStream(): void {
    this.meter?.stop();
    this.meter = null;
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.stream = null;
    this.preview.srcObject = null;
    delete this.preview.dataset.live;
  }

  private update(change: Partial<PrecheckState>): void {
    this.state = { ...this.state, ...change };
    this.render();
  }

  private render(): void {
    const locale = this.opts.locale();
    const s = this.state;
    for (const check of CHECKS) {
      const row = byTestId(`precheck-${check}`);
      row.dataset.state = s[check];
      row.querySelector('.check-text')!.textContent = translate(locale, `precheck.${check}.${s[check]}`);
    }
    byTestId('precheck-network-help').hidden = s.network !== 'fail';
    const help = byTestId('precheck-help');
    help.hidden = s.mediaProblem === null;
    help.dataset.problem = s.mediaProblem ?? '';
    const heading = help.querySelector<HTMLElement>('.check-help-heading')!;
    heading.hidden = s.mediaProblem !== 'denied';
    heading.textContent = translate(locale, 'precheck.help.denied');
    help.querySelector('.check-help-intro')!.textContent =
      s.mediaProblem === null ? '' : translate(locale, s.mediaProblem === 'denied' ? 'precheck.help.denied.intro' : `precheck.help.${s.mediaProblem}`);
    this.retry.hidden = !CHECKS.some((c) => s[c] === 'fail');
    const ready = canContinue(s);
    this.next.disabled = !ready;
    byTestId('precheck-continue-hint').hidden = ready;
  }
}
