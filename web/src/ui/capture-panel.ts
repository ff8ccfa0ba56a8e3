import { EnvelopeError, type BankPublicKey, type CaptureKind, type Locale } from '@vident/protocol';
import type { CallView } from '../call-view.ts';
import {
  CAPTURE_KINDS,
  captureBlocker,
  captureFailed,
  captureStarted,
  captureStored,
  emptySlots,
  shownCapture,
  type BankKeyState,
  type CaptureSlots,
} from '../capture-flow.ts';
import { captureBlockerKey, captureFailureKey, captureKindKey } from '../capture-messages.ts';
import { CaptureError, captureUploadRequest, sealCapture, sendCapture, type CaptureFailureCode } from '../capture-upload.ts';
import { translate, type MessageKey } from '../i18n.ts';
import { grabFrame } from './frame-grab.ts';

/** The bank key as the page resolved it from `GET /v1/config`. */
export type BankKey = { state: 'ready'; key: BankPublicKey } | { state: 'missing' | 'invalid' };

export interface CapturePanelOptions {
  origin: string;
  sessionId: string;
  /** The agent's participant token: sent as a Bearer header, never in a URL. */
  token: string;
  bankKey: Promise<BankKey>;
  /** The customer's video, whose current frame is captured. */
  remoteVideo: HTMLVideoElement;
  /** The panel is inserted before this element. */
  before: HTMLElement;
  locale(): Locale;
  /** A translated message for the error banner. */
  onError(message: string): void;
  /** A capture was stored: its plaintext JPEG, for the agent's assistance (document reading, face match). */
  onStored?(kind: CaptureKind, image: Blob): void;
}

/**
 * The agent's ID front / ID back / face captures. Built by script on the agent's page only, so the
 * customer's page has no such controls at all. Thumbnails come from the plaintext JPEG, held as
 * in-memory blob URLs (revoked when replaced and when the call ends); only ciphertext is uploaded.
 */
export class CapturePanel {
  private readonly root = document.createElement('section');
  private readonly heading = document.createElement('h3');
  private readonly reason = document.createElement('p');
  private readonly thumbs = document.createElement('ul');
  private readonly buttons = new Map<CaptureKind, HTMLButtonElement>();
  /** Blob URL of the thumbnail each slot shows. */
  private readonly images = new Map<CaptureKind, string>();
  private slots: CaptureSlots = emptySlots();
  private key: BankKey | null = null;
  private peerVideo = true;
  private ended = false;

  constructor(private readonly opts: CapturePanelOptions) {
    this.root.className = 'captures';
    this.root.dataset.testid = 'capture-panel';
    this.heading.id = 'captures-heading';
    this.root.setAttribute('aria-labelledby', this.heading.id);
    const group = document.createElement('div');
    group.className = 'capture-buttons';
    group.setAttribute('role', 'group');
    group.setAttribute('aria-labelledby', this.heading.id);
    this.reason.id = 'capture-reason';
    this.reason.className = 'capture-reason';
    this.reason.dataset.testid = 'capture-reason';
    this.reason.setAttribute('aria-live', 'polite');
    for (const kind of CAPTURE_KINDS) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'capture-btn';
      button.dataset.testid = `capture-${kind}`;
      button.setAttribute('aria-describedby', this.reason.id);
      button.addEventListener('click', () => void this.capture(kind));
      this.buttons.set(kind, button);
      group.append(button);
    }
    this.thumbs.className = 'capture-thumbs';
    this.root.append(this.heading, group, this.reason, this.thumbs);
    opts.before.before(this.root);
    // The frame size is only known from the video element: re-check when it changes.
    for (const event of ['loadedmetadata', 'resize', 'emptied']) opts.remoteVideo.addEventListener(event, () => this.render());
    void opts.bankKey.then((key) => {
      this.key = key;
      this.render();
    });
    this.render();
  }

  /** Follows the call: camera state of the customer, end of the call. */
  update(view: CallView): void {
    this.peerVideo = view.peerMedia.video;
    if (view.ended && !this.ended) {
      this.ended = true;
      for (const url of this.images.values()) URL.revokeObjectURL(url);
      this.images.clear();
    }
    this.render();
  }

  private keyState(): BankKeyState {
    return this.key === null ? 'loading' : this.key.state;
  }

  private render(): void {
    const t = (key: MessageKey, params?: Record<string, string>) => translate(this.opts.locale(), key, params);
    this.root.hidden = this.ended;
    if (this.ended) return;
    this.heading.textContent = t('capture.heading');
    const video = this.opts.remoteVideo;
    const blocker = captureBlocker({
      key: this.keyState(),
      frame: video.srcObject === null ? null : { width: video.videoWidth, height: video.videoHeight },
      peerVideo: this.peerVideo,
    });
    const uploading: string[] = [];
    for (const kind of CAPTURE_KINDS) {
      const label = t(captureKindKey(kind));
      const button = this.buttons.get(kind)!;
      const busy = this.slots[kind].status === 'uploading';
      button.textContent = label;
      button.setAttribute('aria-label', t('capture.take', { kind: label }));
      button.setAttribute('aria-busy', String(busy));
      button.disabled = blocker !== null || busy;
      if (busy) uploading.push(t('capture.uploading', { kind: label }));
      this.renderThumb(kind, label, t);
    }
    const text = blocker !== null ? t(captureBlockerKey(blocker)) : uploading.join(' ');
    this.reason.textContent = text;
    this.reason.hidden = text === '';
  }

  private renderThumb(kind: CaptureKind, label: string, t: (key: MessageKey, params?: Record<string, string>) => string): void {
    const shown = shownCapture(this.slots[kind]);
    const testId = `capture-thumb-${kind}`;
    let item = this.thumbs.querySelector<HTMLLIElement>(`[data-testid="${testId}"]`);
    const url = this.images.get(kind);
    if (shown === null || url === undefined) {
      item?.remove();
      return;
    }
    if (item === null) {
      item = document.createElement('li');
      item.className = 'capture-thumb';
      item.dataset.testid = testId;
      item.append(document.createElement('img'), document.createElement('span'));
      // Keep the order of the buttons whatever order the captures were taken in.
      const next = CAPTURE_KINDS.slice(CAPTURE_KINDS.indexOf(kind) + 1)
        .map((k) => this.thumbs.querySelector(`[data-testid="capture-thumb-${k}"]`))
        .find((el) => el !== null);
      this.thumbs.insertBefore(item, next ?? null);
    }
    item.dataset.width = String(shown.width);
    item.dataset.height = String(shown.height);
    item.dataset.artifactId = shown.artifactId;
    item.setAttribute('aria-busy', String(this.slots[kind].status === 'uploading'));
    const img = item.querySelector('img')!;
    if (img.src !== url) img.src = url;
    img.alt = t('capture.thumb', { kind: label, width: String(shown.width), height: String(shown.height) });
    item.querySelector('span')!.textContent = label;
  }

  private async capture(kind: CaptureKind): Promise<void> {
    const key = this.key;
    const started = captureStarted(this.slots, kind);
    if (started === null || key?.state !== 'ready' || this.ended) return;
    this.slots = started;
    this.render();
    let pendingUrl: string | null = null;
    try {
      const frame = await grabFrame(this.opts.remoteVideo);
      pendingUrl = URL.createObjectURL(frame.blob);
      const sealed = await sealCapture(key.key, frame.jpeg);
      const { origin, sessionId, token } = this.opts;
      const result = await sendCapture(captureUploadRequest({ origin, sessionId, kind, token, sealed }), { sessionId, kind });
      if (!result.ok) throw new CaptureError(result.failure.code, result.failure.detail);
      if (this.ended) return;
      const previous = this.images.get(kind);
      if (previous !== undefined) URL.revokeObjectURL(previous);
      this.images.set(kind, pendingUrl);
      pendingUrl = null;
      this.slots = captureStored(this.slots, kind, { artifactId: result.artifact.artifactId, width: frame.width, height: frame.height });
      this.opts.onStored?.(kind, frame.blob);
    } catch (err) {
      this.slots = captureFailed(this.slots, kind);
      if (!this.ended) this.report(kind, err);
    } finally {
      if (pendingUrl !== null) URL.revokeObjectURL(pendingUrl);
      this.render();
    }
  }

  private report(kind: CaptureKind, err: unknown): void {
    const code: CaptureFailureCode = err instanceof CaptureError ? err.code : err instanceof EnvelopeError ? 'not_configured' : 'internal';
    console.warn(`vident: ${kind} capture failed (${code})`, err instanceof Error ? err.message : err);
    const locale = this.opts.locale();
    this.opts.onError(
      translate(locale, 'capture.failed', {
        kind: translate(locale, captureKindKey(kind)),
        reason: translate(locale, captureFailureKey(code)),
      }),
    );
  }
}
