import { assertNever } from '@vident/protocol';
import type { ClientMessage, EndReason, ErrorCode, GuidanceKind, IceCandidate, MediaState, PeerLeg, Role, ServerMessage } from '@vident/protocol';
import { consentMessage, consentStep } from './consent-gate.ts';
import { initialCallView, type CallView } from './call-view.ts';
import { LocalMedia } from './local-media.ts';
import { deriveConnectionStatus } from './connection-status.ts';
import { LegClosedError, PublisherLeg, SubscriberLeg } from './peer-legs.ts';
import { TransportChoice } from './transport-fallback.ts';
import { isFatalServerError } from './reconnect-policy.ts';
import { SessionConnection, type SessionConnectionOptions } from './session-connection.ts';
import { summarizeCallStats, type CallStats } from './call-stats.ts';
import { elapsedSince } from './call-timer.ts';
import { appendChat, chatDraft, receiveGuidance } from './in-call-tools.ts';
import { readNetworkCounters, type NetworkCounters } from './network-quality.ts';
import { MediaRestartBudget, mediaRestartDelayMs } from './media-watchdog.ts';

export interface CallControllerOptions extends SessionConnectionOptions {
  role: Role;
  /** Asks the browser for camera and microphone; called only when the call is about to publish. */
  acquireMedia(): Promise<MediaStream>;
  iceTransportPolicy: RTCIceTransportPolicy;
  onChange(view: CallView): void;
  /** A problem to show in the non-blocking banner. */
  onError(problem: { code: ErrorCode | 'socket' | 'media'; message: string }): void;
}

/** If the server does not confirm a hang-up with `session-ended`, end locally after this long. */
const HANG_UP_GRACE_MS = 3000;

/**
 * Runs one participant's call: the signaling connection, the consent step, the local media, the
 * publisher leg and the subscriber leg. Every (re)connect is answered by `welcome`, after which
 * both legs are rebuilt: the media node drops a participant's handles when its socket goes away.
 */
export class CallController {
  private readonly connection: SessionConnection;
  private fatal = false;
  private hangUpTimer: ReturnType<typeof setTimeout> | undefined;
  private guidanceTimer: ReturnType<typeof setTimeout> | undefined;
  private publisher: PublisherLeg | null = null;
  private subscriber: SubscriberLeg | null = null;
  /** Server messages are handled one at a time: SDP steps are async and must not interleave. */
  private chain: Promise<void> = Promise.resolve();
  private readonly view: CallView;
  private readonly media: LocalMedia;
  /** The customer clicked accept on this page (survives reconnects, see consentStep). */
  private consentAccepted = false;
  private declining = false;
  /** Both legs connected since the last media-lost report (a broken leg is then news to the server). */
  private mediaWasUp = false;
  /** Pending rejoin for a broken media leg (see media-watchdog.ts). */
  private mediaTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly mediaBudget = new MediaRestartBudget();
  /** Interrupted (socket dropped or media rejoined) and not connected since: the status says reconnecting. */
  private recovering = false;
  /** Our latest publish's `ref`: only its answer is applied. */
  private publishCount = 0;
  private publishRef = '';
  /** Direct ICE-TCP first, TURN over TCP when that does not connect (see transport-fallback.ts). */
  private readonly transport: TransportChoice;

  constructor(private readonly opts: CallControllerOptions) {
    this.view = initialCallView(opts.role);
    this.media = new LocalMedia(opts.acquireMedia);
    this.transport = new TransportChoice(opts.iceTransportPolicy, () => this.emit());
    this.connection = new SessionConnection(opts, {
      onMessage: (message) => this.enqueue(() => this.handle(message)),
      onPhase: () => this.emit(),
      onGiveUp: (code) => {
        this.fatal = true;
        this.closeLegs();
        this.report('socket', `connection closed (${code})`);
        this.emit();
      },
      isOver: () => this.view.ended !== null || this.fatal,
    });
  }

  /** Opens the socket; the rest follows from server messages. */
  start(): void {
    this.connection.start();
  }

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

  /** The agent's verdict; the server ends the session `decided` and both sides get `session-ended`. */
  decide(message: Extract<ClientMessage, { type: 'decide' }>): void {
    if (this.view.ended || this.opts.role !== 'agent' || this.view.decisionPending) return;
    this.view.decisionPending = this.connection.send(message);
    if (!this.view.decisionPending) this.report('socket', 'not connected');
    this.emit();
  }

  /** The customer accepts the recording consent: tell the server, then start camera and publish. */
  acceptConsent(): void {
    if (!this.view.consentPrompt || this.view.ended || this.declining) return;
    // The server handles frames in order, so the publish that follows finds the consent stored.
    if (!this.connection.send(consentMessage(true))) {
      this.report('socket', 'not connected');
      return;
    }
    this.consentAccepted = true;
    this.view.consentPrompt = false;
    this.emit();
    this.publishWhenMediaReady();
  }

  /** The customer declines: the server cancels the session and answers `session-ended`. */
  declineConsent(): void {
    if (!this.view.consentPrompt || this.view.ended || this.declining) return;
    this.declining = true;
    const sent = this.connection.send(consentMessage(false));
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
    const sent = this.connection.send({ type: 'chat', text: draft });
    if (!sent) this.report('socket', 'not connected');
    return sent;
  }

  /** The agent puts an instruction over the customer's self-view (or clears it). */
  sendGuidance(kind: GuidanceKind): boolean {
    if (this.opts.role !== 'agent' || this.view.ended) return false;
    const sent = this.connection.send({ type: 'guidance', kind });
    if (!sent) this.report('socket', 'not connected');
    return sent;
  }

  /** Cumulative network counters of both legs now (see network-quality.ts). */
  async networkCounters(): Promise<NetworkCounters> {
    const [publisher, subscriber] = await Promise.all([
      this.publisher?.stats() ?? Promise.resolve(null),
      this.subscriber?.stats() ?? Promise.resolve(null),
    ]);
    return readNetworkCounters({ publisher, subscriber }, Date.now());
  }

  /** Stats of both legs, summarized (see call-stats.ts). */
  async stats(): Promise<CallStats> {
    const [publisher, subscriber] = await Promise.all([
      this.publisher?.stats() ?? Promise.resolve(null),
      this.subscriber?.stats() ?? Promise.resolve(null),
    ]);
    return summarizeCallStats({ publisher, subscriber });
  }

  private async handle(msg: ServerMessage): Promise<void> {
    if (this.view.ended) return;
    switch (msg.type) {
      case 'welcome': {
        this.connection.markJoined();
        this.view.locale = msg.session.locale;
        this.view.record = msg.session.record;
        this.view.startedAt = msg.session.state === 'in_call' ? msg.session.startedAt : null;
        this.view.peerPresent = msg.peer.connected;
        this.view.peerMedia = { audio: msg.peer.audio, video: msg.peer.video };
        this.view.consent = msg.session.consent;
        this.view.checklist = msg.checklist ?? [];
        this.transport.useIceServers(msg.iceServers ?? []);
        // The server replays the call's chat right after welcome: start from it, not from our copy.
        this.view.chat = [];
        // The media node dropped this participant's handles with the old socket: rebuild both legs.
        this.closeLegs();
        const step = consentStep({ role: this.opts.role, consent: msg.session.consent, acceptedOnThisPage: this.consentAccepted });
        this.view.consentPrompt = step === 'ask';
        if (step === 'resend') this.connection.send(consentMessage(true));
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
          this.subscriber?.close();
          this.subscriber = null;
        }
        break;
      case 'peer-media':
        if (msg.role !== this.opts.role) this.view.peerMedia = { audio: msg.audio, video: msg.video };
        break;
      case 'session-state':
        if (msg.state === 'in_call') this.view.startedAt = msg.startedAt;
        break;
      case 'published':
        // An answer to a publish we since replaced (a transport switch, a moved session) belongs
        // to a closed leg.
        if (msg.ref === undefined || msg.ref === this.publishRef) await this.publisher?.accept(msg.sdp);
        break;
      case 'subscribe-offer':
        await this.subscribe(msg.sdp);
        break;
      case 'subscribed':
        this.subscriber?.confirmed();
        break;
      case 'media-moved':
        // The session moved to another media node: both legs start over there, on this socket.
        console.info('vident: the session moved to another media node; publishing there');
        this.closeLegs();
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
        if (this.opts.role === 'customer') this.showGuidance(msg.kind);
        break;
      case 'queue':
        this.view.queue = { position: msg.position, estimateSeconds: msg.estimateSeconds, agentsOnline: msg.agentsOnline };
        break;
      case 'error':
        // A refused decision can be corrected and sent again.
        this.view.decisionPending = false;
        this.report(msg.code, msg.message);
        // The server has no consent on record (it never got ours): ask again instead of publishing.
        if (msg.code === 'consent_required' && this.opts.role === 'customer' && !this.declining) {
          this.consentAccepted = false;
          this.view.consentPrompt = true;
          // Only our sending leg: the other party's video keeps coming (the server will not re-offer it).
          this.publisher?.close();
          this.publisher = null;
        }
        if (isFatalServerError(msg.code)) {
          this.fatal = true;
          this.closeLegs();
          this.connection.close();
        }
        break;
      default:
        assertNever(msg);
    }
    this.emit();
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
        this.view.media = 'ready';
        this.view.localStream = stream;
        this.enqueue(async () => {
          const stale = this.connection.generation !== generation || !this.connection.joined;
          if (stale || this.view.ended || this.view.consentPrompt) return;
          await this.publish(stream);
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

  private async publish(stream: MediaStream): Promise<void> {
    this.publisher?.close();
    const leg = new PublisherLeg(this.transport.configuration(), this.legHooks());
    this.publisher = leg;
    this.transport.legStarted('publisher', Date.now());
    const sdp = await leg.createOffer(stream);
    const { audio, video } = this.view.localMedia;
    this.publishRef = String(++this.publishCount);
    this.connection.send({ type: 'publish', sdp, audio, video, transport: this.transport.current, ref: this.publishRef });
    this.emit();
  }

  private enqueue(step: () => Promise<void>): void {
    // A leg closed under a step (a transport switch, a moved session) just ends that step.
    this.chain = this.chain.then(step).catch((err: unknown) => {
      if (!(err instanceof LegClosedError)) this.report('internal', describe(err));
    });
  }

  private async subscribe(offerSdp: string): Promise<void> {
    this.subscriber?.close();
    this.transport.legStarted('subscriber', Date.now());
    const leg = new SubscriberLeg(this.transport.configuration(), this.legHooks(), (stream) => {
      if (this.subscriber !== leg) return;
      this.view.remoteStream = stream;
      this.emit();
    });
    this.subscriber = leg;
    const sdp = await leg.answer(offerSdp);
    this.connection.send({ type: 'subscribe-answer', sdp });
  }

  private legHooks() {
    return {
      trickle: (leg: PeerLeg, candidate: IceCandidate) => this.connection.send({ type: 'trickle', leg, candidate }),
      onState: () => this.emit(),
    };
  }

  /** Shows (or clears) the overlay; it clears itself when it expires unless replaced meanwhile. */
  private showGuidance(kind: GuidanceKind): void {
    clearTimeout(this.guidanceTimer);
    const shown = receiveGuidance(kind, Date.now());
    this.view.guidance = shown;
    if (shown === null) return;
    this.guidanceTimer = setTimeout(() => {
      if (this.view.guidance !== shown) return;
      this.view.guidance = null;
      this.emit();
    }, shown.until - Date.now());
  }

  private finish(reason: EndReason, durationMs: number | null): void {
    if (this.view.ended) return;
    clearTimeout(this.hangUpTimer);
    clearTimeout(this.mediaTimer);
    this.transport.stop();
    clearTimeout(this.guidanceTimer);
    this.view.guidance = null;
    this.view.ended = { reason, durationMs: durationMs ?? elapsedSince(this.view.startedAt, Date.now()) };
    this.view.remoteStream = null;
    this.view.consentPrompt = false;
    this.media.stop();
    this.closeLegs();
    this.connection.close();
    this.emit();
  }

  private closeLegs(): void {
    this.publisher?.close();
    this.subscriber?.close();
    this.publisher = null;
    this.subscriber = null;
  }

  private report(code: ErrorCode | 'socket' | 'media', message: string): void {
    // Also in the console, beside the page's other signaling notes (the e2e prints them on failure).
    console.warn(`vident: ${code}: ${message}`);
    this.opts.onError({ code, message });
  }

  private emit(): void {
    this.watchMedia();
    if (this.connection.phase === 'retrying') this.recovering = true;
    this.view.status = deriveConnectionStatus({
      socket: this.connection.phase,
      joined: this.connection.joined,
      peerPresent: this.view.peerPresent,
      publisher: this.publisher?.state ?? null,
      subscriber: this.subscriber?.state ?? null,
      ended: this.view.ended !== null,
      fatal: this.fatal,
      mediaGaveUp: this.mediaBudget.exhausted && this.mediaTimer === undefined,
      recovering: this.recovering,
    });
    if (this.view.status === 'connected') this.recovering = false;
    this.opts.onChange(this.snapshot());
  }

  /**
   * Legs that had connected broke: says so before rebuilding them. The server moves the session
   * to another node when both participants say it (the node's media path is the common factor).
   */
  private reportMediaLost(): void {
    if (!this.mediaWasUp) return;
    this.mediaWasUp = false;
    this.connection.send({ type: 'media-lost' });
  }

  /**
   * A leg that stays disconnected, or fails, while signaling is fine is recovered by rejoining the
   * session (the server's resume path rebuilds both legs); a leg that heals meanwhile cancels it.
   */
  private watchMedia(): void {
    const publisher = this.publisher;
    const subscriber = this.subscriber;
    if (!this.view.ended && !this.fatal && this.transport.switchNow(publisher?.state ?? null, subscriber?.state ?? null, Date.now())) {
      // Same socket: the server sees the new transport on the publish and offers our subscriber leg again.
      this.recovering = true;
      this.reportMediaLost();
      this.closeLegs();
      this.publishWhenMediaReady();
      return;
    }
    if (publisher?.state === 'connected' && subscriber?.state === 'connected') {
      this.mediaBudget.healthy();
      this.mediaWasUp = true;
    }
    const over = this.view.ended !== null || this.fatal;
    const delay = over ? null : mediaRestartDelayMs(publisher?.state ?? null, subscriber?.state ?? null);
    if (delay === null) {
      clearTimeout(this.mediaTimer);
      this.mediaTimer = undefined;
      return;
    }
    if (this.mediaTimer !== undefined || this.mediaBudget.exhausted) return;
    this.mediaTimer = setTimeout(() => {
      this.mediaTimer = undefined;
      const same = this.publisher === publisher && this.subscriber === subscriber;
      const broken = mediaRestartDelayMs(publisher?.state ?? null, subscriber?.state ?? null) !== null;
      if (same && broken && !this.view.ended && !this.fatal && this.mediaBudget.take()) {
        console.info(`vident: media leg broken (publisher ${publisher?.state ?? '-'}, subscriber ${subscriber?.state ?? '-'}); rejoining`);
        this.recovering = true;
        this.reportMediaLost();
        this.closeLegs();
        this.connection.restart();
      }
      this.emit();
    }, delay);
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
