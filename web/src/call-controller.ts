import type { ClientMessage, EndReason, ErrorCode, IceCandidate, Locale, MediaState, PeerLeg, Role, ServerMessage } from '@vident/protocol';
import { deriveConnectionStatus, type ConnectionStatus, type SocketPhase } from './connection-status.ts';
import { PublisherLeg, SubscriberLeg, peerConfiguration } from './peer-legs.ts';
import { SignalingSocket } from './signaling-socket.ts';
import { isFatalServerError, reconnectDelayMs, shouldReconnect } from './reconnect-policy.ts';
import { summarizeCallStats, type CallStats } from './call-stats.ts';
import { elapsedSince } from './call-timer.ts';

/** Everything the call screen renders, as one snapshot. */
export interface CallView {
  role: Role;
  /** From `welcome` (the session's locale); null until then. */
  locale: Locale | null;
  status: ConnectionStatus;
  peerPresent: boolean;
  peerMedia: MediaState;
  localMedia: MediaState;
  record: boolean;
  startedAt: string | null;
  ended: { reason: EndReason; durationMs: number } | null;
  remoteStream: MediaStream | null;
  /** The agent's decision was sent and awaits `session-ended` (or an error). */
  decisionPending: boolean;
}

export interface CallControllerOptions {
  origin: string;
  sessionId: string;
  token: string;
  role: Role;
  localStream: MediaStream;
  iceTransportPolicy: RTCIceTransportPolicy;
  /** Token expiry (ms since epoch): an upgrade refused after this is not worth retrying. */
  tokenExpiresAtMs: number;
  onChange(view: CallView): void;
  /** A problem to show in the non-blocking banner. */
  onError(problem: { code: ErrorCode | 'socket'; message: string }): void;
}

/** If the server does not confirm a hang-up with `session-ended`, end locally after this long. */
const HANG_UP_GRACE_MS = 3000;

/**
 * Runs one participant's call: the signaling socket (with reconnects), the publisher leg and the
 * subscriber leg. Every (re)connect is answered by `welcome`, after which both legs are rebuilt:
 * the media node drops a participant's handles when its socket goes away.
 */
export class CallController {
  private socket: SignalingSocket | null = null;
  private socketPhase: SocketPhase = 'idle';
  private joined = false;
  private fatal = false;
  private attempts = 0;
  private socketOpened = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private hangUpTimer: ReturnType<typeof setTimeout> | undefined;
  private publisher: PublisherLeg | null = null;
  private subscriber: SubscriberLeg | null = null;
  /** Server messages are handled one at a time: SDP steps are async and must not interleave. */
  private chain: Promise<void> = Promise.resolve();
  private readonly view: CallView;

  constructor(private readonly opts: CallControllerOptions) {
    this.view = {
      role: opts.role,
      locale: null,
      status: 'connecting',
      peerPresent: false,
      peerMedia: { audio: true, video: true },
      localMedia: { audio: true, video: true },
      record: false,
      startedAt: null,
      ended: null,
      remoteStream: null,
      decisionPending: false,
    };
  }

  /** Opens the socket; the rest follows from server messages. */
  start(): void {
    this.connect();
  }

  snapshot(): CallView {
    return { ...this.view, peerMedia: { ...this.view.peerMedia }, localMedia: { ...this.view.localMedia } };
  }

  /** Mic/camera switches: disable the track (keeps the sender negotiated) and tell the other side. */
  setLocalMedia(next: Partial<MediaState>): void {
    const media = { ...this.view.localMedia, ...next };
    for (const t of this.opts.localStream.getAudioTracks()) t.enabled = media.audio;
    for (const t of this.opts.localStream.getVideoTracks()) t.enabled = media.video;
    this.view.localMedia = media;
    this.socket?.send({ type: 'media-state', audio: media.audio, video: media.video });
    this.emit();
  }

  /** Asks the server to end the session for both parties. */
  hangUp(): void {
    if (this.view.ended) return;
    const sent = this.socket?.send({ type: 'hang-up' }) ?? false;
    // Without a confirming `session-ended` (socket down, server gone) the user must still get out.
    this.hangUpTimer = setTimeout(() => this.finish(`cancelled_by_${this.opts.role}`, null), sent ? HANG_UP_GRACE_MS : 0);
  }

  /** The agent's verdict; the server ends the session `decided` and both sides get `session-ended`. */
  decide(message: Extract<ClientMessage, { type: 'decide' }>): void {
    if (this.view.ended || this.opts.role !== 'agent' || this.view.decisionPending) return;
    this.view.decisionPending = this.socket?.send(message) ?? false;
    if (!this.view.decisionPending) this.report('socket', 'not connected');
    this.emit();
  }

  /** Stats of both legs, summarized (see call-stats.ts). */
  async stats(): Promise<CallStats> {
    const [publisher, subscriber] = await Promise.all([
      this.publisher?.stats() ?? Promise.resolve(null),
      this.subscriber?.stats() ?? Promise.resolve(null),
    ]);
    return summarizeCallStats({ publisher, subscriber });
  }

  private connect(): void {
    this.socketPhase = this.attempts === 0 ? 'connecting' : 'retrying';
    this.joined = false;
    this.socketOpened = false;
    const socket: SignalingSocket = new SignalingSocket(this.opts.origin, this.opts.sessionId, this.opts.token, {
      onOpen: () => {
        if (this.socket !== socket) return;
        this.socketOpened = true;
        this.socketPhase = 'open';
        this.emit();
      },
      onMessage: (message) => {
        if (this.socket !== socket) return;
        this.chain = this.chain
          .then(() => this.handle(message))
          .catch((err: unknown) => this.report('internal', describe(err)));
      },
      onClose: (code) => {
        if (this.socket !== socket) return;
        this.onSocketClosed(code);
      },
    });
    this.socket = socket;
    this.emit();
  }

  private onSocketClosed(code: number): void {
    this.socket = null;
    this.joined = false;
    if (this.view.ended || this.fatal) {
      this.socketPhase = 'closed';
      this.emit();
      return;
    }
    // A refused upgrade looks like any network drop (1006); with an expired token it is final.
    const refusedExpired = !this.socketOpened && Date.now() >= this.opts.tokenExpiresAtMs;
    const delay = shouldReconnect(code) && !refusedExpired ? reconnectDelayMs(this.attempts + 1) : null;
    if (delay === null) {
      this.socketPhase = 'closed';
      this.fatal = true;
      this.closeLegs();
      this.report('socket', `connection closed (${code})`);
      this.emit();
      return;
    }
    this.attempts += 1;
    this.socketPhase = 'retrying';
    this.emit();
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private async handle(msg: ServerMessage): Promise<void> {
    if (this.view.ended) return;
    switch (msg.type) {
      case 'welcome':
        this.attempts = 0;
        this.joined = true;
        this.view.locale = msg.session.locale;
        this.view.record = msg.session.record;
        this.view.startedAt = msg.session.state === 'in_call' ? msg.session.startedAt : null;
        this.view.peerPresent = msg.peer.connected;
        this.view.peerMedia = { audio: msg.peer.audio, video: msg.peer.video };
        this.emit();
        await this.publish();
        return;
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
        await this.publisher?.accept(msg.sdp);
        break;
      case 'subscribe-offer':
        await this.subscribe(msg.sdp);
        break;
      case 'subscribed':
        this.subscriber?.confirmed();
        break;
      case 'media-event':
        if (msg.event !== 'media') console.info(`vident: ${msg.leg} ${msg.event}${msg.detail ? `: ${msg.detail}` : ''}`);
        break;
      case 'session-ended':
        this.finish(msg.reason, msg.durationMs);
        return;
      case 'error':
        // A refused decision can be corrected and sent again.
        this.view.decisionPending = false;
        this.report(msg.code, msg.message);
        if (isFatalServerError(msg.code)) {
          this.fatal = true;
          this.closeLegs();
          this.socket?.close();
        }
        break;
      default:
        assertNever(msg);
    }
    this.emit();
  }

  private async publish(): Promise<void> {
    this.closeLegs();
    const leg = new PublisherLeg(peerConfiguration(this.opts.iceTransportPolicy), this.legHooks());
    this.publisher = leg;
    const sdp = await leg.createOffer(this.opts.localStream);
    const { audio, video } = this.view.localMedia;
    this.socket?.send({ type: 'publish', sdp, audio, video });
    this.emit();
  }

  private async subscribe(offerSdp: string): Promise<void> {
    this.subscriber?.close();
    const leg = new SubscriberLeg(peerConfiguration(this.opts.iceTransportPolicy), this.legHooks(), (stream) => {
      if (this.subscriber !== leg) return;
      this.view.remoteStream = stream;
      this.emit();
    });
    this.subscriber = leg;
    const sdp = await leg.answer(offerSdp);
    this.socket?.send({ type: 'subscribe-answer', sdp });
  }

  private legHooks() {
    return {
      trickle: (leg: PeerLeg, candidate: IceCandidate) => this.socket?.send({ type: 'trickle', leg, candidate }),
      onState: () => this.emit(),
    };
  }

  private finish(reason: EndReason, durationMs: number | null): void {
    if (this.view.ended) return;
    clearTimeout(this.retryTimer);
    clearTimeout(this.hangUpTimer);
    this.view.ended = { reason, durationMs: durationMs ?? elapsedSince(this.view.startedAt, Date.now()) };
    this.view.remoteStream = null;
    for (const t of this.opts.localStream.getTracks()) t.stop();
    this.closeLegs();
    this.socket?.close();
    this.emit();
  }

  private closeLegs(): void {
    this.publisher?.close();
    this.subscriber?.close();
    this.publisher = null;
    this.subscriber = null;
  }

  private report(code: ErrorCode | 'socket', message: string): void {
    this.opts.onError({ code, message });
  }

  private emit(): void {
    this.view.status = deriveConnectionStatus({
      socket: this.socketPhase,
      joined: this.joined,
      peerPresent: this.view.peerPresent,
      publisher: this.publisher?.state ?? null,
      subscriber: this.subscriber?.state ?? null,
      ended: this.view.ended !== null,
      fatal: this.fatal,
    });
    this.opts.onChange(this.snapshot());
  }
}

function assertNever(x: never): never {
  throw new Error(`unhandled server message ${JSON.stringify(x)}`);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
