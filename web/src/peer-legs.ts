import type { IceCandidate, PeerLeg } from '@vident/protocol';
import { TrickleQueue, toWireCandidate } from './trickle-queue.ts';
import { reportEntries, type StatsEntry } from './call-stats.ts';
import { applyVideoPriority, INITIAL_VIDEO_PRIORITY, type VideoPriority } from './video-priority.ts';
import { SendLadder } from './send-ladder-controller.ts';

interface LegHooks {
  /** Sends one trickle message for this leg. */
  trickle(leg: PeerLeg, candidate: IceCandidate): void;
  /** connectionState changed. */
  onState(): void;
}

/**
 * An operation of a leg that was closed before it finished. Browsers leave such an operation's
 * promise pending forever (Chromium: setRemoteDescription, createOffer, createAnswer), which would
 * stall whatever awaits it; a leg's operations settle with this error instead.
 */
export class LegClosedError extends Error {
  constructor() {
    super('the media leg was closed');
    this.name = 'LegClosedError';
  }
}

/** Shared base: a peer connection whose local candidates wait in a TrickleQueue. */
abstract class Leg {
  readonly pc: RTCPeerConnection;
  protected readonly queue: TrickleQueue;
  /** Rejects with LegClosedError when the leg is closed. */
  private readonly closed: Promise<never>;
  private markClosed!: () => void;

  protected constructor(leg: PeerLeg, config: RTCConfiguration, hooks: LegHooks) {
    this.closed = new Promise<never>((_, reject) => {
      this.markClosed = () => reject(new LegClosedError());
    });
    this.closed.catch(() => undefined);
    this.pc = new RTCPeerConnection(config);
    this.queue = new TrickleQueue((c) => hooks.trickle(leg, c));
    this.pc.addEventListener('icecandidate', (e) => this.queue.push(toWireCandidate(e.candidate)));
    this.pc.addEventListener('connectionstatechange', () => hooks.onState());
  }

  get state(): RTCPeerConnectionState {
    return this.pc.connectionState;
  }

  /** The leg's stats; none once it is closed. */
  async stats(): Promise<StatsEntry[]> {
    try {
      return reportEntries(await this.settled(this.pc.getStats()));
    } catch (err) {
      if (err instanceof LegClosedError) return [];
      throw err;
    }
  }

  close(): void {
    this.markClosed();
    this.pc.close();
  }

  /** `op`, or LegClosedError as soon as the leg is (or already was) closed. */
  protected settled<T>(op: Promise<T>): Promise<T> {
    // `closed` first: on a leg closed earlier it wins over the browser's own InvalidStateError.
    return Promise.race([this.closed, op]);
  }
}

/** Upstream leg: sends the local camera and microphone to the media node. */
export class PublisherLeg extends Leg {
  private priority: VideoPriority = INITIAL_VIDEO_PRIORITY;
  /** The face's resolution and frame rate from the bandwidth estimate (send-ladder.ts), once negotiated. */
  private readonly ladder = new SendLadder(
    () => this.stats(),
    () => void this.applyPriority(),
  );

  constructor(config: RTCConfiguration, hooks: LegHooks) {
    super('publisher', config, hooks);
  }

  override close(): void {
    this.ladder.stop();
    super.close();
  }

  /** Adds the local tracks send-only and produces the offer SDP for `publish`. */
  async createOffer(stream: MediaStream): Promise<string> {
    for (const track of stream.getTracks()) {
      this.pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
    }
    await this.settled(this.pc.setLocalDescription(await this.settled(this.pc.createOffer())));
    return this.pc.localDescription?.sdp ?? '';
  }

  /** Applies the `published` answer, lets buffered candidates out and starts the face's ladder. */
  async accept(answerSdp: string): Promise<void> {
    await this.settled(this.pc.setRemoteDescription({ type: 'answer', sdp: answerSdp }));
    this.queue.release();
    this.ladder.start();
  }

  /**
   * What the video sender keeps when it must degrade (see video-priority.ts); false if the browser
   * refused. Settled like the SDP steps: a setParameters in flight when the leg closed never settles
   * in Chromium, and `published` awaits this in the call's chain.
   */
  setVideoPriority(priority: VideoPriority): Promise<boolean> {
    this.priority = priority;
    return this.settled(this.applyPriority());
  }

  private applyPriority(): Promise<boolean> {
    return applyVideoPriority(this.pc.getSenders(), this.priority, this.ladder.step);
  }
}

/** Downstream leg: receives the other party's media, offered by the media node. */
export class SubscriberLeg extends Leg {
  constructor(config: RTCConfiguration, hooks: LegHooks, onStream: (stream: MediaStream) => void) {
    super('subscriber', config, hooks);
    // One stream for all remote tracks: the media node may send tracks without a shared msid.
    const remote = new MediaStream();
    this.pc.addEventListener('track', (e) => {
      remote.addTrack(e.track);
      onStream(remote);
    });
  }

  /** Answers a `subscribe-offer`; the answer SDP goes back as `subscribe-answer`. */
  async answer(offerSdp: string): Promise<string> {
    await this.settled(this.pc.setRemoteDescription({ type: 'offer', sdp: offerSdp }));
    await this.settled(this.pc.setLocalDescription(await this.settled(this.pc.createAnswer())));
    return this.pc.localDescription?.sdp ?? '';
  }

  /** `subscribed`: the media node is ready for our candidates. */
  confirmed(): void {
    this.queue.release();
  }
}
