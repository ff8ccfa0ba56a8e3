import { assertNever } from '@vident/protocol';
import type { AbortReason } from '@vident/protocol';
import type {
  CaptureKind,
  ClientMessage,
  DocumentConfirmation,
  EndReason,
  ErrorCode,
  FaceMatchResult,
  GuidanceKind,
  MediaState,
  QualityThresholds,
  RecordedCameraSignal,
  Role,
  ServerMessage,
  StillFailureCode,
} from '@vident/protocol';
import { applyWelcome, initialCallView, type CallView } from './call-view.ts';
import { LocalMedia } from './local-media.ts';
import { deriveConnectionStatus } from './connection-status.ts';
import { MediaLegs } from './media-legs.ts';
import { MessageChain } from './message-chain.ts';
import { MediaRecovery } from './media-recovery.ts';
import { RecordingConsent } from './recording-consent.ts';
import { isFatalServerError } from './reconnect-policy.ts';
import { SessionConnection, type SessionConnectionOptions } from './session-connection.ts';
import { summarizeCallStats, type CallStats } from './call-stats.ts';
import { elapsedSince } from './call-timer.ts';
import { appendChat, chatDraft } from './in-call-tools.ts';
import { ExpiringGuidance } from './expiring-guidance.ts';
import { readNetworkCounters, type NetworkCounters } from './network-quality.ts';
import { videoPriorityForGuidance, type VideoPriority } from './video-priority.ts';
import { FACE_LAYOUT, nextLayout, type LayoutEvent, type LayoutState } from './call-layout.ts';
import { stillAnswered, stillRequested } from './customer-stills.ts';
import { challengeClosed, challengeIssued } from './challenge-list.ts';
import type { ChallengeAction, ChallengeResult } from '@vident/protocol';
import { markPhase } from './join-phases.ts';
import { mayOpenCamera } from './consent-gate.ts';

export interface CallControllerOptions extends SessionConnectionOptions {
  role: Role;
  /** Asks the browser for camera and microphone; called only when the call is about to publish. */
  acquireMedia(): Promise<MediaStream>;
  iceTransportPolicy: RTCIceTransportPolicy;
  onChange(view: CallView): void;
  /** A problem to show in the non-blocking banner. */
  onError(problem: { code: ErrorCode | 'socket' | 'media'; message: string }): void;
  /**
   * The customer's page: take, seal and upload the still the agent asked for from the local camera
   * stream (ui/customer-still.ts). A failure is reported to the agent through the session.
   */
  deliverStill?(request: { requestId: string; kind: CaptureKind }, stream: MediaStream | null): Promise<{ ok: true } | { ok: false; code: StillFailureCode; detail: string }>;
  /** The agent's page: the quality gate's thresholds and the risk flags so far (welcome), then each new flag (issue 15). */
  onQuality?(quality: { thresholds?: QualityThresholds; riskFlags: RecordedCameraSignal[] }): void;
}

/** If the server does not confirm a hang-up with `session-ended`, end locally after this long. */
const HANG_UP_GRACE_MS = 3000;

/**
 * Runs one participant's call by composing its parts: the signaling connection with its reconnects
 * (session-connection.ts), the recording consent (recording-consent.ts), the local media, the two
 * media legs (media-legs.ts) and their recovery (media-recovery.ts). It applies each server message
 * to the view, one at a time (message-chain.ts), and owns what is left: chat, guidance, hang-up and
 * the end. Every (re)connect is answered by `welcome`, after which both legs are rebuilt: the media
 * node drops a participant's handles when its socket goes away.
 *
 * Longer than most files here on purpose: it is the one place that says what each server message
 * and each user action does to the call, so a reader follows a message without changing files.
 * Every part it calls into has its own module.
 */
export class CallController {
  private readonly connection: SessionConnection;
  private fatal = false;
  private hangUpTimer: ReturnType<typeof setTimeout> | undefined;
  /** The customer's overlay (never shown on the agent's page). */
  private readonly guidance = new ExpiringGuidance(() => {
    this.view.guidance = null;
    this.emit();
  });
  /** The customer's layout and the one timer that brings it back to the face (call-layout.ts). */
  private layoutState: LayoutState = FACE_LAYOUT;
  private layoutTimer: ReturnType<typeof setTimeout> | undefined;
  /** Server messages and publishes, one at a time (see message-chain.ts). */
  private readonly chain = new MessageChain((err) => this.report('internal', describe(err)));
  /** The subscriber's latest answer being made beside the chain; `subscribed` follows it. */
  private subscribing: Promise<void> = Promise.resolve();
  private readonly view: CallView;
  private readonly media: LocalMedia;
  private readonly consent: RecordingConsent;
  private readonly legs: MediaLegs;
  private readonly recovery: MediaRecovery;
  /** The camera risk flags the session raised (agent only, issue 15). */
  private riskFlags: RecordedCameraSignal[] = [];

  constructor(private readonly opts: CallControllerOptions) {
    this.view = initialCallView(opts.role);
    this.media = new LocalMedia(opts.acquireMedia);
    const send = (message: ClientMessage) => this.connection.send(message);
    this.consent = new RecordingConsent(opts.role, send);
    // The agent inspects the customer's video: it rides out TCP stalls on a bounded jitter-buffer floor (issue 17).
    this.legs = new MediaLegs(opts.iceTransportPolicy, {
      send,
      onChange: () => this.emit(),
      onRemoteStream: (stream) => {
        this.view.remoteStream = stream;
        this.emit();
      },
    }, { adaptiveReceiveBuffer: opts.role === 'agent' });
    this.recovery = new MediaRecovery(this.legs.transport, {
      legs: () => this.legs.current(),
      isOver: () => this.over,
      send,
      republish: () => {
        this.legs.close();
        this.publishWhenMediaReady();
      },
      rejoin: () => {
        this.legs.close();
        this.connection.restart();
      },
      onChange: () => this.emit(),
    });
    this.connection = new SessionConnection(opts, {
      onMessage: (message) => this.chain.enqueue(() => this.handle(message)),
      onPhase: () => this.emit(),
      onGiveUp: (code) => {
        this.fatal = true;
        this.legs.close();
        this.report('socket', `connection closed (${code})`);
        this.emit();
      },
      isOver: () => this.over,
    });
  }

  /** Opens the socket; the rest follows from server messages. */
  start(): void {
    this.connection.start();
    // The agent's camera opens while the socket connects (never a customer's before `welcome`:
    // see mayOpenCamera); publishWhenMediaReady then shares this one request.
    // Its publisher leg and offer are built as soon as the camera is up (MediaLegs.prepare), so
    // the publish after `welcome` need not wait for them.
    if (mayOpenCamera({ role: this.opts.role, consent: null, acceptedOnThisPage: false })) {
      void this.media.get().then(
        (stream) => {
          if (!this.over) this.legs.prepare(stream);
        },
        () => undefined,
      );
    }
  }

  /** The view now, as a copy the page may keep. */
  snapshot(): CallView {
    return { ...this.view, peerMedia: { ...this.view.peerMedia }, localMedia: { ...this.view.localMedia } };
  }

  /** Mic/camera switches: disable the track (keeps the sender negotiated) and tell the other side. */
  setLocalMedia(next: Partial<MediaState>): void {
    const media = { ...this.view.localMedia, ...next };
    this.media.setEnabled(media);
    this.view.localMedia = media;
    this.connection.send({ type: 'media-state', audio: media.audio, video: media.video });
    this.emit();
  }

  /** Asks the server to end the session for both parties. */
  hangUp(): void {
    if (this.view.ended) return;
    const sent = this.connection.send({ type: 'hang-up' });
    // Without a confirming `session-ended` (socket down, server gone) the user must still get out.
    this.hangUpTimer = setTimeout(() => this.finish(`cancelled_by_${this.opts.role}`, null), sent ? HANG_UP_GRACE_MS : 0);
  }

  /** The customer types the one-time code (issue 15); the session answers `one-time-code` to both pages. */
  enterCode(code: string): boolean {
    return this.sendOrReport({ type: 'one-time-code', code });
  }

  /** The agent aborts the identification for a procedure reason: the session ends decided, rejected, aborted. */
  abort(reason: AbortReason): boolean {
    if (this.opts.role !== 'agent' || this.view.decisionPending) return false;
    const sent = this.sendOrReport({ type: 'abort', reason, note: '' });
    if (sent) {
      this.view.decisionPending = true;
      this.emit();
    }
    return sent;
  }

  /** The agent's verdict; the server ends the session `decided` and both sides get `session-ended`. */
  decide(message: Extract<ClientMessage, { type: 'decide' }>): void {
    if (this.view.ended || this.opts.role !== 'agent' || this.view.decisionPending) return;
    this.view.decisionPending = this.sendOrReport(message);
    this.emit();
  }

  /** The customer accepts the recording consent: tell the server, then start camera and publish. */
  acceptConsent(): void {
    if (!this.view.consentPrompt || this.view.ended || this.consent.declining) return;
    if (!this.consent.accept()) {
      this.report('socket', 'not connected');
      return;
    }
    this.view.consentPrompt = false;
    this.emit();
    this.publishWhenMediaReady();
  }

  /** The customer declines: the server cancels the session and answers `session-ended`. */
  declineConsent(): void {
    if (!this.view.consentPrompt || this.view.ended || this.consent.declining) return;
    const sent = this.consent.decline();
    // As with a hang-up: without the server's confirmation the customer must still get out.
    this.hangUpTimer = setTimeout(() => this.finish('cancelled_by_customer', null), sent ? HANG_UP_GRACE_MS : 0);
  }

  /** After the browser refused camera or microphone: ask again (the join button offers it). */
  retryMedia(): void {
    if (this.view.media !== 'failed' || this.view.ended) return;
    this.publishWhenMediaReady();
  }

  /** Sends a chat line (trimmed); false when there is nothing valid to send or no connection. */
  sendChat(text: string): boolean {
    const draft = chatDraft(text);
    if (draft === null || this.view.ended) return false;
    return this.sendOrReport({ type: 'chat', text: draft });
  }

  /** The agent puts an instruction over the customer's self-view (or clears it). */
  sendGuidance(kind: GuidanceKind): boolean {
    if (this.opts.role !== 'agent' || this.view.ended) return false;
    return this.sendOrReport({ type: 'guidance', kind });
  }

  /** The agent confirms the document it read (issue 14); answered `document-confirmed`. */
  confirmDocument(document: DocumentConfirmation): boolean {
    if (this.opts.role !== 'agent' || this.view.ended) return false;
    return this.sendOrReport({ type: 'document-confirm', document });
  }

  /** A face-match result of the agent's page (issue 14); answered `face-match-recorded`. */
  sendFaceMatch(result: FaceMatchResult): boolean {
    if (this.opts.role !== 'agent' || this.view.ended) return false;
    return this.sendOrReport({ type: 'face-match', result });
  }

  /** The agent starts liveness challenges (issue 15): a random draw, or the chosen action (re-issuing `replaces`). */
  startChallenge(action?: ChallengeAction, replaces?: string): boolean {
    if (this.opts.role !== 'agent' || this.view.ended) return false;
    return this.sendOrReport({ type: 'challenge-start', ...(action !== undefined ? { action } : {}), ...(replaces !== undefined ? { replaces } : {}) });
  }

  /** What this page measured of a challenge (issue 15); answered `challenge-recorded`. */
  sendChallengeResult(result: ChallengeResult): boolean {
    if (this.opts.role !== 'agent' || this.view.ended) return false;
    return this.sendOrReport({ type: 'challenge-result', result });
  }

  /**
   * The agent's capture also asks the customer's page for a still of its own camera (issue 17);
   * the session answers `still-stored` or `still-failed`. The agent's own capture does not wait.
   */
  requestStill(kind: CaptureKind): boolean {
    if (this.opts.role !== 'agent' || this.view.ended) return false;
    // Not connected: the banner says so, and the agent's own capture goes ahead without it.
    if (!this.sendOrReport({ type: 'still-request', kind })) return false;
    this.view.customerStills = stillRequested(this.view.customerStills, kind, Date.now());
    this.emit();
    return true;
  }

  /**
   * What the camera's sender keeps when the path cannot carry HD: resolution for a document, frame
   * rate for the face. The customer's page follows the agent's guidance with it (see `guidance`).
   */
  setVideoPriority(priority: VideoPriority): void {
    void this.legs.setVideoPriority(priority).then((applied) => {
      if (!applied) console.info(`vident: the browser kept its own video degradation (asked: ${priority})`);
    });
  }

  /** Cumulative network counters of both legs now (see network-quality.ts). */
  async networkCounters(): Promise<NetworkCounters> {
    return readNetworkCounters(await this.legs.stats(), Date.now());
  }

  /** Sends a frame of the quality gate or the camera signals (issue 15; quality/); false when not connected. */
  sendQualityFrame(frame: Extract<ClientMessage, { type: 'quality-sample' | 'quality-gate' | 'camera-signal' | 'abort' }>): boolean {
    return this.connection.send(frame);
  }

  /** Stats of both legs, summarized (see call-stats.ts). */
  async stats(): Promise<CallStats> {
    return summarizeCallStats(await this.legs.stats());
  }

  private async handle(msg: ServerMessage): Promise<void> {
    if (this.view.ended) return;
    switch (msg.type) {
      case 'welcome': {
        markPhase('welcome');
        this.connection.markJoined();
        applyWelcome(this.view, msg);
        if (msg.quality) this.riskFlags = msg.quality.riskFlags;
        if (msg.quality) this.opts.onQuality?.({ thresholds: msg.quality.thresholds, riskFlags: this.riskFlags });
        this.legs.transport.useIceServers(msg.iceServers ?? []);
        // The media node dropped this participant's handles with the old socket: rebuild both legs.
        this.legs.close();
        const step = this.consent.afterWelcome(msg.session.consent);
        this.view.consentPrompt = step === 'ask';
        if (step !== 'ask') this.publishWhenMediaReady();
        break;
      }
      case 'peer-joined':
        if (msg.role !== this.opts.role) this.view.peerPresent = true;
        break;
      case 'peer-left':
        if (msg.role !== this.opts.role) {
          this.view.peerPresent = false;
          this.view.remoteStream = null;
          this.legs.closeSubscriber();
        }
        break;
      case 'peer-media':
        if (msg.role !== this.opts.role) this.view.peerMedia = { audio: msg.audio, video: msg.video };
        break;
      case 'session-state':
        if (msg.state === 'in_call') this.view.startedAt = msg.startedAt;
        break;
      case 'published':
        await this.legs.accept(msg.ref, msg.sdp);
        break;
      case 'subscribe-offer':
        // Beside the chain: a `published` right behind it (the joiner's own) need not wait for it.
        this.subscribing = this.chain.beside(() => this.legs.subscribe(msg.sdp)).then(() => this.emit());
        break;
      case 'subscribed':
        await this.subscribing;
        this.legs.subscribed();
        break;
      case 'media-moved':
        // The session moved to another media node: both legs start over there, on this socket.
        console.info('vident: the session moved to another media node; publishing there');
        this.legs.close();
        if (!this.view.consentPrompt) this.publishWhenMediaReady();
        break;
      case 'media-event':
        if (msg.event !== 'media') console.info(`vident: ${msg.leg} ${msg.event}${msg.detail ? `: ${msg.detail}` : ''}`);
        break;
      case 'session-ended':
        this.finish(msg.reason, msg.durationMs);
        return;
      case 'chat':
        this.view.chat = appendChat(this.view.chat, { from: msg.from, text: msg.text, at: msg.at });
        break;
      case 'guidance':
        if (this.opts.role === 'customer') {
          this.guidance.receive(msg.kind);
          this.view.guidance = this.guidance.shown;
          const priority = videoPriorityForGuidance(msg.kind);
          if (priority !== null) this.setVideoPriority(priority);
          this.changeLayout({ type: 'guidance', kind: msg.kind });
        }
        break;
      case 'still-request':
        if (this.opts.role === 'customer') this.answerStill(msg);
        break;
      case 'still-stored':
      case 'still-failed':
        if (this.opts.role === 'agent') this.view.customerStills = stillAnswered(this.view.customerStills, msg);
        break;
      case 'queue':
        this.view.queue = { position: msg.position, estimateSeconds: msg.estimateSeconds, agentsOnline: msg.agentsOnline };
        break;
      case 'document-confirmed':
        this.view.review = { ...this.view.review, documentConfirmed: true, documentConfirmedAt: msg.confirmedAt };
        break;
      case 'security-features':
        this.view.procedure = { ...this.view.procedure, securityFeatures: msg.features };
        break;
      case 'one-time-code':
        this.view.procedure = { ...this.view.procedure, code: msg.code };
        break;
      case 'bank-check':
        this.view.review = { ...this.view.review, bankChecks: [...this.view.review.bankChecks, msg.check] };
        break;
      case 'face-match-recorded':
        this.view.review = { ...this.view.review, faceMatches: { ...this.view.review.faceMatches, [msg.result.kind]: msg.result } };
        break;
      case 'risk-flag':
        this.riskFlags = [...this.riskFlags, msg.signal];
        this.opts.onQuality?.({ riskFlags: this.riskFlags });
        break;
      case 'challenge':
        this.view.challenges = challengeIssued(this.view.challenges, msg);
        break;
      case 'challenge-recorded':
        this.view.challenges = challengeClosed(this.view.challenges, msg.challenge.id, msg.challenge.result);
        break;
      case 'challenge-ended':
        this.view.challenges = challengeClosed(this.view.challenges, msg.id);
        break;
      case 'error':
        // A refused decision can be corrected and sent again.
        this.view.decisionPending = false;
        this.report(msg.code, msg.message);
        // The server has no consent on record (it never got ours): ask again instead of publishing.
        if (msg.code === 'consent_required' && this.consent.askAgain()) {
          this.view.consentPrompt = true;
          // Only our sending leg: the other party's video keeps coming (the server will not re-offer it).
          this.legs.closePublisher();
        }
        if (isFatalServerError(msg.code)) {
          this.fatal = true;
          this.legs.close();
          this.connection.close();
        }
        break;
      default:
        assertNever(msg);
    }
    this.emit();
  }

  /**
   * The agent asked for a still of this page's camera: the document layout for an ID side, then the
   * still, outside the message chain (sealing and uploading take a moment; nothing should wait for
   * it). A failure goes back to the agent with its code.
   */
  private answerStill(request: { requestId: string; kind: CaptureKind }): void {
    this.changeLayout({ type: 'still-request', kind: request.kind });
    const deliver = this.opts.deliverStill;
    const delivered = deliver
      ? deliver(request, this.view.localStream).catch((err: unknown) => ({ ok: false as const, code: 'encode_failed' as const, detail: describe(err) }))
      : Promise.resolve({ ok: false as const, code: 'no_camera' as const, detail: 'this page takes no stills' });
    void delivered.then((outcome) => {
      if (this.view.ended) return;
      if (!outcome.ok) {
        console.warn(`vident: the ${request.kind} still was not delivered (${outcome.code}): ${outcome.detail}`);
        this.connection.send({ type: 'still-failed', requestId: request.requestId, code: outcome.code });
      }
      this.changeLayout({ type: 'still-done', kind: request.kind });
      this.emit();
    });
  }

  /** Applies a layout event; the video sender's priority follows the layout, and one timer its expiry. */
  private changeLayout(event: LayoutEvent): void {
    const before = this.layoutState;
    this.layoutState = nextLayout(before, event, Date.now());
    this.view.layout = this.layoutState.layout;
    if (this.layoutState.layout !== before.layout) this.setVideoPriority(this.layoutState.layout);
    clearTimeout(this.layoutTimer);
    const until = this.layoutState.until;
    if (until === null || this.view.ended) return;
    this.layoutTimer = setTimeout(() => {
      this.changeLayout({ type: 'tick' });
      this.emit();
    }, Math.max(0, until - Date.now()));
  }

  /**
   * Gets the camera (a permission prompt can take a while, so outside the message chain: `session-ended`
   * must not wait for it), then publishes in the chain if this socket is still the joined one.
   */
  private publishWhenMediaReady(): void {
    const generation = this.connection.generation;
    if (this.media.current === null) this.view.media = 'acquiring';
    this.emit();
    this.media.get().then(
      (stream) => {
        markPhase('camera');
        this.view.media = 'ready';
        this.view.localStream = stream;
        this.chain.enqueue(async () => {
          const stale = this.connection.generation !== generation || !this.connection.joined;
          if (stale || this.view.ended || this.view.consentPrompt) return;
          await this.legs.publish(stream, () => this.view.localMedia);
          this.emit();
        });
        this.emit();
      },
      (err: unknown) => {
        if (this.view.ended) return;
        this.view.media = 'failed';
        this.report('media', describe(err));
        this.emit();
      },
    );
  }

  private finish(reason: EndReason, durationMs: number | null): void {
    if (this.view.ended) return;
    clearTimeout(this.hangUpTimer);
    this.recovery.stop();
    this.legs.transport.stop();
    this.guidance.stop();
    this.view.guidance = null;
    clearTimeout(this.layoutTimer);
    this.layoutState = FACE_LAYOUT;
    this.view.layout = 'face';
    this.view.ended = { reason, durationMs: durationMs ?? elapsedSince(this.view.startedAt, Date.now()) };
    this.view.remoteStream = null;
    this.view.consentPrompt = false;
    this.media.stop();
    this.legs.close();
    this.legs.discardPrepared();
    this.connection.close();
    this.emit();
  }

  /** Ended, or unable to go on (fatal error, signaling given up): nothing to reconnect or recover. */
  private get over(): boolean {
    return this.view.ended !== null || this.fatal;
  }

  /** Sends a message the user asked for; a closed socket is said in the banner. */
  private sendOrReport(message: ClientMessage): boolean {
    const sent = this.connection.send(message);
    if (!sent) this.report('socket', 'not connected');
    return sent;
  }

  private report(code: ErrorCode | 'socket' | 'media', message: string): void {
    // Also in the console, beside the page's other signaling notes (the e2e prints them on failure).
    console.warn(`vident: ${code}: ${message}`);
    this.opts.onError({ code, message });
  }

  private emit(): void {
    this.recovery.watch();
    this.recovery.socketPhase(this.connection.phase);
    const { publisher, subscriber } = this.legs.current();
    this.view.status = deriveConnectionStatus({
      socket: this.connection.phase,
      joined: this.connection.joined,
      peerPresent: this.view.peerPresent,
      publisher: publisher?.state ?? null,
      subscriber: subscriber?.state ?? null,
      ended: this.view.ended !== null,
      fatal: this.fatal,
      mediaGaveUp: this.recovery.gaveUp,
      recovering: this.recovery.recovering,
    });
    this.recovery.statusShown(this.view.status);
    this.opts.onChange(this.snapshot());
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
