import type { ClientMessage, IceCandidate, MediaState, PeerLeg } from '@vident/protocol';
import { LegClosedError, PublisherLeg, SubscriberLeg } from './peer-legs.ts';
import { isUdpCandidate } from './trickle-queue.ts';
import type { StatsEntry } from './call-stats.ts';
import { TransportChoice } from './transport-fallback.ts';
import { INITIAL_VIDEO_PRIORITY, type VideoPriority } from './video-priority.ts';
import { markPhase } from './join-phases.ts';
import { ReceiveBufferTuner } from './receive-buffer-tuner.ts';

/** What the media legs need from the call: the signaling socket and someone to tell. */
export interface MediaLegsPort {
  /** Sends on the signaling socket; false when it is not open. */
  send(message: ClientMessage): boolean;
  /** A leg's connection state changed, or the transport wants a look at the legs again. */
  onChange(): void;
  /** The current subscriber leg got a remote track (all tracks arrive in this one stream). */
  onRemoteStream(stream: MediaStream): void;
}

/** A leg as the recovery rules see it: its state, compared by identity to know it is still the current one. */
export interface LegState {
  readonly state: RTCPeerConnectionState;
}

/** The current pair of legs (null: none). */
export interface LegPair {
  publisher: LegState | null;
  subscriber: LegState | null;
}

/**
 * The page's two media legs to the media node: the publisher (our camera and microphone, offered
 * with `publish`) and the subscriber (the other party, offered by the node with `subscribe-offer`),
 * on the transport the page currently uses. Every step that awaits a leg may reject with
 * LegClosedError when the leg is closed meanwhile (see peer-legs.ts); the caller drops that error.
 */
export class MediaLegs {
  /** Direct ICE-TCP first, TURN over TCP when that does not connect (see transport-fallback.ts). */
  readonly transport: TransportChoice;
  private publisher: PublisherLeg | null = null;
  private subscriber: SubscriberLeg | null = null;
  /** The subscriber leg's adaptive jitter-buffer floor (receive-buffer-tuner.ts), when asked for. */
  private tuner: ReceiveBufferTuner | null = null;
  /** A publisher leg built with its offer before the call could publish (see prepare). */
  private prepared: { stream: MediaStream; leg: PublisherLeg; sdp: Promise<string> } | null = null;
  /** Our latest publish's `ref`: only its answer is applied. */
  private publishCount = 0;
  private publishRef = '';
  /** Kept across publishes: a republished leg degrades the same way. */
  private videoPriority: VideoPriority = INITIAL_VIDEO_PRIORITY;

  constructor(
    iceTransportPolicy: RTCIceTransportPolicy,
    private readonly port: MediaLegsPort,
    /** `adaptiveReceiveBuffer`: raise the received video's jitter-buffer floor while the TCP path stalls (the agent's page). */
    private readonly options: { adaptiveReceiveBuffer?: boolean } = {},
  ) {
    this.transport = new TransportChoice(iceTransportPolicy, () => port.onChange());
  }

  /** The legs now, for the connection status and the recovery rules. */
  current(): LegPair {
    return { publisher: this.publisher, subscriber: this.subscriber };
  }

  /**
   * A new publisher leg for `stream` (replacing any), its offer sent as `publish`. The mic/camera
   * switches are read once the offer exists (`localMedia`), so a switch during it is not lost.
   */
  async publish(stream: MediaStream, localMedia: () => MediaState): Promise<void> {
    this.publisher?.close();
    const prepared = this.takePrepared(stream);
    const leg = prepared?.leg ?? new PublisherLeg(this.transport.configuration(), this.legHooks());
    this.publisher = leg;
    this.transport.legStarted('publisher');
    const sdp = await (prepared?.sdp ?? leg.createOffer(stream));
    const { audio, video } = localMedia();
    this.publishRef = String(++this.publishCount);
    this.port.send({ type: 'publish', sdp, audio, video, transport: this.transport.current, ref: this.publishRef });
    markPhase('publish-sent');
  }

  /**
   * Builds the publisher leg for `stream` and its offer ahead of the publish: the agent's camera is
   * up before its socket's `welcome` (issue 16), and the publish then goes out at once. Its
   * candidates wait in the leg's queue until the answer, as any publisher's. Direct legs only: their
   * configuration needs nothing from `welcome` (a TURN leg needs the servers it names).
   */
  prepare(stream: MediaStream): void {
    if (this.prepared !== null || this.publisher !== null || this.transport.current !== 'direct') return;
    const leg = new PublisherLeg(this.transport.configuration(), this.legHooks());
    const sdp = leg.createOffer(stream);
    sdp.catch(() => undefined);
    this.prepared = { stream, leg, sdp };
  }

  /** Drops a prepared leg that will not be published (the call is over). */
  discardPrepared(): void {
    this.prepared?.leg.close();
    this.prepared = null;
  }

  /** The prepared leg, if it was built for this stream on the transport still in use. */
  private takePrepared(stream: MediaStream): { leg: PublisherLeg; sdp: Promise<string> } | null {
    const prepared = this.prepared;
    this.prepared = null;
    if (prepared === null) return null;
    if (prepared.stream === stream && this.transport.current === 'direct') return prepared;
    prepared.leg.close();
    return null;
  }

  /** `published`: applies the answer if it answers our latest publish. */
  async accept(ref: string | undefined, sdp: string): Promise<void> {
    // An answer to a publish we since replaced (a transport switch, a moved session) belongs
    // to a closed leg.
    if (ref !== undefined && ref !== this.publishRef) return;
    // On arrival, as the bare Janus page of the join bench marks it: applying it is the next step.
    markPhase('answer');
    const leg = this.publisher;
    await leg?.accept(sdp);
    if (leg !== null && leg === this.publisher) this.transport.checksStarted('publisher', Date.now());
    // Once negotiated: Chromium refuses send parameters on a sender without encodings yet.
    await leg?.setVideoPriority(this.videoPriority);
  }

  /** The document or the face: what the video sender keeps under pressure, now and for later publishes. */
  async setVideoPriority(priority: VideoPriority): Promise<boolean> {
    this.videoPriority = priority;
    try {
      return (await this.publisher?.setVideoPriority(priority)) ?? true;
    } catch (err) {
      // The leg closed meanwhile: the next one is published with this priority.
      if (err instanceof LegClosedError) return true;
      throw err;
    }
  }

  /** `subscribe-offer`: a new subscriber leg (replacing any); its answer is sent as `subscribe-answer`. */
  async subscribe(offerSdp: string): Promise<void> {
    markPhase('subscribe-offer');
    this.closeSubscriber();
    this.transport.legStarted('subscriber');
    const leg = new SubscriberLeg(this.transport.configuration(), this.legHooks(), (stream) => {
      if (this.subscriber === leg) this.port.onRemoteStream(stream);
    });
    this.subscriber = leg;
    if (this.options.adaptiveReceiveBuffer) {
      this.tuner = new ReceiveBufferTuner(leg.pc);
      this.tuner.start();
    }
    const sdp = await leg.answer(offerSdp);
    if (this.subscriber === leg) this.transport.checksStarted('subscriber', Date.now());
    // Our candidates follow the answer at once instead of waiting for `subscribed`: the session
    // handles one socket's frames in order, so they reach the node after the answer anyway.
    if (this.port.send({ type: 'subscribe-answer', sdp })) leg.confirmed();
  }

  /** `subscribed`: the node took the answer (the candidates already went with it; see subscribe). */
  subscribed(): void {
    this.subscriber?.confirmed();
  }

  /** Drops our sending leg only; the other party's video keeps coming. */
  closePublisher(): void {
    this.publisher?.close();
    this.publisher = null;
  }

  /** Drops the receiving leg (the other party left). */
  closeSubscriber(): void {
    this.tuner?.stop();
    this.tuner = null;
    this.subscriber?.close();
    this.subscriber = null;
  }

  /** Drops both legs; whatever step awaits one of them ends with LegClosedError. */
  close(): void {
    this.publisher?.close();
    this.publisher = null;
    this.closeSubscriber();
  }

  /** Both legs' stats now (null: no such leg). */
  async stats(): Promise<{ publisher: StatsEntry[] | null; subscriber: StatsEntry[] | null }> {
    const [publisher, subscriber] = await Promise.all([this.publisher?.stats() ?? Promise.resolve(null), this.subscriberStats()]);
    return { publisher, subscriber };
  }

  /** The subscriber leg's stats alone (null: no such leg). */
  subscriberStats(): Promise<StatsEntry[] | null> {
    return this.subscriber?.stats() ?? Promise.resolve(null);
  }

  private legHooks() {
    // A direct leg's UDP candidates stay here (see isUdpCandidate); the end marker always goes.
    const direct = this.transport.current === 'direct';
    return {
      trickle: (leg: PeerLeg, candidate: IceCandidate) => {
        if (direct && candidate !== null && isUdpCandidate(candidate.candidate)) return;
        this.port.send({ type: 'trickle', leg, candidate });
      },
      onState: () => {
        if (this.publisher?.state === 'connected') markPhase('ice-connected');
        this.port.onChange();
      },
    };
  }
}
