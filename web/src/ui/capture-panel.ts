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
import { captureBlockerKey, captureFailureKey, captureKindKey, stillReasonKey } from '../capture-messages.ts';
import { shownStill, STILL_WAIT_MS, type CustomerStills } from '../customer-stills.ts';
import { CaptureError, captureUploadRequest, sealCapture, sendCapture, type CaptureFailureCode } from '../capture-upload.ts';
import { translate, type MessageKey } from '../i18n.ts';
import { grabFrame } from './frame-grab.ts';
import { replaceChildrenIfChanged, setText } from './dom.ts';

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
  /**
   * A capture button was pressed: ask the customer's device for its own full-resolution still too
   * (issue 17). Its answer comes back in the view (`customerStills`); the agent's capture goes on.
   */
  requestStill?(kind: CaptureKind): void;
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
  /** What the customer's device did with each still the captures asked for (sealed: no picture here). */
  private readonly stillList = document.createElement('ul');
  private stills: CustomerStills = {};
  private stillTimer: ReturnType<typeof setTimeout> | undefined;
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
    this.stillList.className = 'customer-stills';
    this.stillList.dataset.testid = 'customer-stills';
    this.stillList.setAttribute('aria-live', 'polite');
    this.root.append(this.heading, group, this.reason, this.thumbs, this.stillList);
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
    if (view.customerStills !== this.stills) {
      this.stills = view.customerStills;
      this.scheduleStillTimeout();
    }
    if (view.ended && !this.ended) {
      this.ended = true;
      clearTimeout(this.stillTimer);
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
    setText(this.heading, t('capture.heading'));
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
      setText(button, label);
      button.setAttribute('aria-label', t('capture.take', { kind: label }));
      button.setAttribute('aria-busy', String(busy));
      button.disabled = blocker !== null || busy;
      if (busy) uploading.push(t('capture.uploading', { kind: label }));
      this.renderThumb(kind, label, t);
    }
    const text = blocker !== null ? t(captureBlockerKey(blocker)) : uploading.join(' ');
    setText(this.reason, text);
    this.reason.hidden = text === '';
    this.renderStills(t);
  }

  /**
   * One line per kind the customer's device was asked for: waiting, stored (its size; the agent's
   * page cannot open it, only the bank can) or not delivered (why; the agent's own capture stands).
   */
  private renderStills(t: (key: MessageKey, params?: Record<string, string>) => string): void {
    const now = Date.now();
    const items: HTMLLIElement[] = [];
    for (const kind of CAPTURE_KINDS) {
      const still = shownStill(this.stills[kind], now);
      if (still === null) continue;
      const testId = `customer-still-${kind}`;
      const item = this.stillList.querySelector<HTMLLIElement>(`[data-testid="${testId}"]`) ?? document.createElement('li');
      item.className = 'customer-still';
      item.dataset.testid = testId;
      item.dataset.state = still.status;
      const label = t(captureKindKey(kind));
      if (still.status === 'stored') {
        item.dataset.width = String(still.width);
        item.dataset.height = String(still.height);
        item.dataset.artifactId = still.artifactId;
        setText(item, t('capture.still.stored', { kind: label, width: String(still.width), height: String(still.height) }));
      } else {
        delete item.dataset.width;
        delete item.dataset.height;
        delete item.dataset.artifactId;
        item.dataset.code = still.status === 'failed' ? still.code : '';
        setText(
          item,
          still.status === 'requested'
            ? t('capture.still.requested', { kind: label })
            : t('capture.still.failed', { kind: label, reason: t(stillReasonKey(still.code)) }),
        );
      }
      items.push(item);
    }
    replaceChildrenIfChanged(this.stillList, items);
    this.stillList.hidden = items.length === 0;
    this.stillList.setAttribute('aria-label', t('capture.still.heading'));
  }

  /** A request nobody answers turns into "no answer" on its own: render again when that is due. */
  private scheduleStillTimeout(): void {
    clearTimeout(this.stillTimer);
    const pending = CAPTURE_KINDS.map((k) => this.stills[k]).filter((s) => s?.status === 'requested') as Array<{ at: number }>;
    if (pending.length === 0 || this.ended) return;
    const due = Math.min(...pending.map((s) => s.at)) + STILL_WAIT_MS;
    this.stillTimer = setTimeout(() => this.render(), Math.max(0, due - Date.now()) + 50);
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
    setText(item.querySelector('span')!, label);
  }

  private async capture(kind: CaptureKind): Promise<void> {
    const key = this.key;
    const started = captureStarted(this.slots, kind);
    if (started === null || key?.state !== 'ready' || this.ended) return;
    this.slots = started;
    // The customer's device takes its own still at the same moment; this capture does not wait for it.
    this.opts.requestStill?.(kind);
    this.render();
    let pendingUrl: string | null = null;
    try {
      const frame = await grabFrame(this.opts.remoteVideo);
      pendingUrl = URL.createObjectURL(frame.blob);
      const sealed = await sealCapture(key.key, frame.jpeg);
      const { origin, sessionId, token } = this.opts;
      const size = { width: frame.width, height: frame.height };
      const result = await sendCapture(captureUploadRequest({ origin, sessionId, kind, token, sealed, size }), { sessionId, kind });
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
