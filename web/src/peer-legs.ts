import type { IceCandidate, PeerLeg } from '@vident/protocol';
import { TrickleQueue, toWireCandidate } from './trickle-queue.ts';
import { reportEntries, type StatsEntry } from './call-stats.ts';

interface LegHooks {
  /** Sends one trickle message for this leg. */
  trickle(leg: PeerLeg, candidate: IceCandidate): void;
  /** connectionState changed. */
  onState(): void;
}

/** Shared base: a peer connection whose local candidates wait in a TrickleQueue. */
abstract class Leg {
  readonly pc: RTCPeerConnection;
  protected readonly queue: TrickleQueue;

  protected constructor(leg: PeerLeg, config: RTCConfiguration, hooks: LegHooks) {
    this.pc = new RTCPeerConnection(config);
    this.queue = new TrickleQueue((c) => hooks.trickle(leg, c));
    this.pc.addEventListener('icecandidate', (e) => this.queue.push(toWireCandidate(e.candidate)));
    this.pc.addEventListener('connectionstatechange', () => hooks.onState());
  }

  get state(): RTCPeerConnectionState {
    return this.pc.connectionState;
  }

  async stats(): Promise<StatsEntry[]> {
    return reportEntries(await this.pc.getStats());
  }

  close(): void {
    this.pc.close();
  }
}

/** Upstream leg: sends the local camera and microphone to the media node. */
export class PublisherLeg extends Leg {
  constructor(config: RTCConfiguration, hooks: LegHooks) {
    super('publisher', config, hooks);
  }

  /** Adds the local tracks send-only and produces the offer SDP for `publish`. */
  async createOffer(stream: MediaStream): Promise<string> {
    for (const track of stream.getTracks()) {
      this.pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
    }
    await this.pc.setLocalDescription(await this.pc.createOffer());
    return this.pc.localDescription?.sdp ?? '';
  }

  /** Applies the `published` answer and lets buffered candidates out. */
  async accept(answerSdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
    this.queue.release();
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
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    return this.pc.localDescription?.sdp ?? '';
  }

  /** `subscribed`: the media node is ready for our candidates. */
  confirmed(): void {
    this.queue.release();
  }
}
