import { assertNever } from '@vident/protocol';
import type {
  AbortReason,
  CaptureKind,
  ChallengeAction,
  ChallengeResult,
  ClientMessage,
  DocumentConfirmation,
  EndReason,
  ErrorCode,
  FaceMatchResult,
  GuidanceKind,
  MediaState,
  Role,
  ServerMessage,
} from '@vident/protocol';
import { initialCallView, type CallView } from './call-view.ts';
import { LocalMedia } from './local-media.ts';
import { deriveConnectionStatus } from './connection-status.ts';
import { MediaLegs } from './media-legs.ts';
import { MessageChain } from './message-chain.ts';
import { MediaRecovery } from './media-recovery.ts';
import { RecordingConsent } from './recording-consent.ts';
import { SessionConnection, type SessionConnectionOptions } from './session-connection.ts';
import { summarizeCallStats, summarizeLeg, type CallStats } from './call-stats.ts';
import { elapsedSince } from './call-timer.ts';
import { readNetworkCounters, type NetworkCounters } from './network-quality.ts';
import type { VideoPriority } from './video-priority.ts';
import { SessionLifecycle, isLifecycleFrame } from './session-lifecycle.ts';
import { MediaNegotiation, isNegotiationFrame } from './media-negotiation.ts';
import { CustomerGuidance, isGuidanceFrame, type DeliverStill } from './customer-guidance.ts';
import { CallTools, isToolFrame, type QualityReport } from './call-tools.ts';

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
  deliverStill?: DeliverStill;
  /** The agent's page: the quality gate's thresholds and the risk flags so far (welcome), then each new flag (issue 15). */
  onQuality?: QualityReport;
}

/** If the server does not confirm a hang-up with `session-ended`, end locally after this long. */
const HANG_UP_GRACE_MS = 3000;

/**
 * Runs one participant's call by composing its parts: the signaling connection with its reconnects
 * (session-connection.ts), the recording consent (recording-consent.ts), the local media, the two
 * media legs (media-legs.ts) and their recovery (media-recovery.ts). It holds the view and routes
 * each server message, one at a time (message-chain.ts), to the part for its family: the session's
 * course (session-lifecycle.ts), media negotiation (media-negotiation.ts), what the agent directs on
 * the customer's page (customer-guidance.ts) and the in-call tools (call-tools.ts). It owns what is
 * left: the mic and camera switches, the consent answers, hang-up and the end. Past 300 lines
 * because its public API (24 methods the pages and tests use, a third of them one-line delegations)
 * and the wiring of its nine parts are here; the consent answers and hang-up could be a part next.
 */
export class CallController {
  private readonly connection: SessionConnection;
  private fatal = false;
  private hangUpTimer: ReturnType<typeof setTimeout> | undefined;
  /** Server messages and publishes, one at a time (see message-chain.ts). */
  private readonly chain = new MessageChain((err) => this.report('internal', err instanceof Error ? err.message : String(err)));
  private readonly view: CallView;
  private readonly media: LocalMedia;
  private readonly consent: RecordingConsent;
  private readonly legs: MediaLegs;
  private readonly recovery: MediaRecovery;
  private readonly lifecycle: SessionLifecycle;
  private readonly negotiation: MediaNegotiation;
  private readonly guided: CustomerGuidance;
  private readonly tools: CallTools;

  constructor(private readonly opts: CallControllerOptions) {
    const view = initialCallView(opts.role);
    this.view = view;
    this.media = new LocalMedia(opts.acquireMedia);
    const send = (message: ClientMessage) => this.connection.send(message);
    const emit = () => this.emit();
    this.consent = new RecordingConsent(opts.role, send);
    // The agent inspects the customer's video: it rides out TCP stalls on a bounded jitter-buffer floor (issue 17).
    this.legs = new MediaLegs(opts.iceTransportPolicy, {
      send,
      onChange: emit,
      onRemoteStream: (stream) => {
        view.remoteStream = stream;
        this.emit();
      },
    }, { adaptiveReceiveBuffer: opts.role === 'agent' });
    this.negotiation = new MediaNegotiation(this.legs, this.media, this.chain, {
      role: opts.role,
      view,
      isOver: () => this.over,
      socket: () => ({ generation: this.connection.generation, joined: this.connection.joined }),
      reportMedia: (message) => this.report('media', message),
      emit,
    });
    this.tools = new CallTools({ role: opts.role, view, onQuality: opts.onQuality, sendOrReport: (message) => this.sendOrReport(message), emit });
    this.guided = new CustomerGuidance({ role: opts.role, view, deliverStill: opts.deliverStill, send, setVideoPriority: (priority) => this.setVideoPriority(priority), emit });
    this.lifecycle = new SessionLifecycle(this.legs, this.consent, {
      role: opts.role,
      view,
      joined: () => this.connection.markJoined(),
      welcomeQuality: (quality) => this.tools.welcomeQuality(quality),
      publish: () => this.negotiation.publishWhenMediaReady(),
      report: (code, message) => this.report(code, message),
      giveUp: () => {
        this.fatal = true;
        this.legs.close();
        this.connection.close();
      },
    });
    this.recovery = new MediaRecovery(this.legs.transport, {
      legs: () => this.legs.current(),
      isOver: () => this.over,
      send,
      republish: () => {
        this.legs.close();
        this.negotiation.publishWhenMediaReady();
      },
      rejoin: () => {
        this.legs.close();
        this.connection.restart();
      },
      onChange: emit,
    });
    this.connection = new SessionConnection(opts, {
      onMessage: (message) => this.chain.enqueue(() => this.handle(message)),
      onPhase: emit,
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
    this.negotiation.prepare();
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

  /** The agent aborts the identification for a procedure reason: the session ends decided, rejected, aborted. */
  abort(reason: AbortReason): boolean {
    return this.tools.abort(reason);
  }

  /** The agent's verdict; the server ends the session `decided` and both sides get `session-ended`. */
  decide(message: Extract<ClientMessage, { type: 'decide' }>): void {
    this.tools.decide(message);
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
    this.negotiation.publishWhenMediaReady();
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
    this.negotiation.publishWhenMediaReady();
  }

  /** Sends a chat line (trimmed); false when there is nothing valid to send or no connection. */
  sendChat(text: string): boolean {
    return this.tools.sendChat(text);
  }

  /** The customer types the one-time code (issue 15); the session answers `one-time-code` to both pages. */
  enterCode(code: string): boolean {
    return this.tools.enterCode(code);
  }

  /** The agent puts an instruction over the customer's self-view (or clears it). */
  sendGuidance(kind: GuidanceKind): boolean {
    return this.tools.sendGuidance(kind);
  }

  /** The agent confirms the document it read (issue 14); answered `document-confirmed`. */
  confirmDocument(document: DocumentConfirmation): boolean {
    return this.tools.confirmDocument(document);
  }

  /** A face-match result of the agent's page (issue 14); answered `face-match-recorded`. */
  sendFaceMatch(result: FaceMatchResult): boolean {
    return this.tools.sendFaceMatch(result);
  }

  /** The agent starts liveness challenges (issue 15): a random draw, or the chosen action (re-issuing `replaces`). */
  startChallenge(action?: ChallengeAction, replaces?: string): boolean {
    return this.tools.startChallenge(action, replaces);
  }

  /** What this page measured of a challenge (issue 15); answered `challenge-recorded`. */
  sendChallengeResult(result: ChallengeResult): boolean {
    return this.tools.sendChallengeResult(result);
  }

  /**
   * The agent's capture also asks the customer's page for a still of its own camera (issue 17);
   * the session answers `still-stored` or `still-failed`. The agent's own capture does not wait.
   */
  requestStill(kind: CaptureKind): boolean {
    return this.tools.requestStill(kind);
  }

  /**
   * What the camera's sender keeps when the path cannot carry HD: resolution for a document, frame
   * rate for the face. The customer's page follows the agent's guidance with it (customer-guidance.ts).
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

  /** Video frames decoded from the other party: the subscriber leg's stats alone (test hook). */
  async framesDecoded(): Promise<number> {
    const entries = await this.legs.subscriberStats();
    return entries === null ? 0 : (summarizeLeg(entries).inboundVideo?.framesDecoded ?? 0);
  }

  /**
   * Routes one server message (in the message chain) to the part for its family, then shows the
   * call. The end is applied here: the call owns what has to stop.
   */
  private async handle(msg: ServerMessage): Promise<void> {
    if (this.view.ended) return;
    if (msg.type === 'session-ended') return this.finish(msg.reason, msg.durationMs);
    if (isLifecycleFrame(msg)) this.lifecycle.handle(msg);
    else if (isNegotiationFrame(msg)) await this.negotiation.handle(msg);
    else if (isGuidanceFrame(msg)) this.guided.handle(msg);
    else if (isToolFrame(msg)) this.tools.handle(msg);
    else assertNever(msg);
    this.emit();
  }

  private finish(reason: EndReason, durationMs: number | null): void {
    if (this.view.ended) return;
    clearTimeout(this.hangUpTimer);
    this.recovery.stop();
    this.legs.transport.stop();
    this.guided.stop();
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
