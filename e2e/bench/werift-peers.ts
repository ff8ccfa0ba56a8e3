/*
 * The load generator's WebRTC legs, werift (pure JS) PeerConnections with ICE over TCP only: a
 * publisher that sends the shared ffmpeg RTP, and a subscriber that tallies what it receives.
 *
 * Why werift: node-datachannel 0.33.4's ICE-TCP (libjuice) broke its RFC 4571 framing on sending
 * legs under load (Janus: "Unknown SSRC", "SRTCP unprotect error" with absurd lengths), and with
 * werift publishers its subscribers reached "connected" yet delivered no packet at all.
 *
 * TCP only: werift always binds a UDP host candidate and has no switch to skip it, so UDP is kept
 * out of the connection instead: only pairs with a local TCP candidate are checked, only the IPv4
 * TCP active candidate is offered (gathered on the host end of Janus's veth alone: a TCP active
 * candidate on another interface connects from an address Janus's namespace cannot answer), and only Janus's first IPv4 TCP passive candidate is used
 * (Janus's namespace drops all UDP anyway). Janus is ice-lite, so werift is the controlling side.
 *
 * Per-publisher SSRCs: each werift RtpSender stamps its own random SSRC, the negotiated payload
 * type and its own sequence/timestamp offsets on every packet written to its track, so the one
 * ffmpeg stream fans out as independent streams.
 */
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, TcpActiveProtocol } from 'werift';
import type { IceCandidate } from '@vident/protocol';
import { keepOneTcpPassiveCandidate, keepTcpActiveCandidates, payloadTypeOf } from './capacity-math.ts';
import type { MediaKind, RtpSource } from './rtp-source.ts';
import { StreamTally } from './stream-tally.ts';

/**
 * werift 0.24.4 sends an ICE-TCP connectivity check once (no retransmission over TCP, RFC 6544)
 * but still fails it after its UDP RTO of 50 ms, and with a single TCP pair that ends ICE for
 * good. Under load (16 legs setting up at once, or Janus busy) Janus's answer often takes longer:
 * measured, publishers then never reached webrtcup, even at 1 call. A TCP check gets this long.
 */
const TCP_CHECK_TIMEOUT_MS = 5000;
const request = TcpActiveProtocol.prototype.request;
TcpActiveProtocol.prototype.request = function (message, addr, integrityKey, retransmissions, onRequestSent) {
  const options = typeof retransmissions === 'object' && retransmissions !== null ? retransmissions : { retransmissions: 0, onRequestSent };
  return request.call(this, message, addr, integrityKey, { ...options, responseTimeout: TCP_CHECK_TIMEOUT_MS });
};

abstract class WeriftLeg {
  protected readonly pc: RTCPeerConnection;

  /** `localAddress`: the host end of Janus's veth, the only address gathered (see the file comment). */
  constructor(localAddress: string) {
    this.pc = new RTCPeerConnection({
      // ffmpeg's payload types; a sender re-stamps whatever the answer chose.
      codecs: {
        video: [new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90_000, payloadType: 96 })],
        audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2, payloadType: 111 })],
      },
      iceUseTcp: true,
      iceUseIpv6: false,
      iceInterfaceAddresses: { udp4: localAddress },
      iceFilterCandidatePair: (pair) => pair.localCandidate.transport.toLowerCase() === 'tcp',
    });
  }

  get state(): string {
    return this.pc.connectionState;
  }

  /** The SDP already carries the TCP active candidate; trickle only says "completed" (Janus needs it). */
  async trickle(): Promise<IceCandidate[]> {
    return [null];
  }

  /** setLocalDescription gathers, so the description is complete; only its TCP active candidate is kept. */
  protected localSdp(): string {
    return keepTcpActiveCandidates(this.pc.localDescription!.sdp);
  }

  /** Closes the connection and every socket it bound. */
  async close(): Promise<void> {
    await this.pc.close().catch(() => undefined);
  }
}

/** Upstream: writes every packet of the shared source to its two tracks once connected. */
export class WeriftPublisher extends WeriftLeg {
  private readonly tracks: Record<MediaKind, MediaStreamTrack> = {
    video: new MediaStreamTrack({ kind: 'video' }),
    audio: new MediaStreamTrack({ kind: 'audio' }),
  };
  private stopListening: () => void = () => undefined;
  /** Packets handed to the senders while connected. */
  sent = 0;

  constructor(localAddress: string) {
    super(localAddress);
    this.pc.addTransceiver(this.tracks.video, { direction: 'sendonly' });
    this.pc.addTransceiver(this.tracks.audio, { direction: 'sendonly' });
  }

  /** The offer SDP for `publish`. */
  async offer(): Promise<string> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    return this.localSdp();
  }

  /** Applies the `published` answer and starts writing the shared source to both tracks. */
  async accept(answerSdp: string, source: RtpSource): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp: keepOneTcpPassiveCandidate(answerSdp) });
    this.stopListening = source.listen((kind, packet) => {
      if (this.pc.connectionState !== 'connected') return;
      this.tracks[kind].writeRtp(packet);
      this.sent++;
    });
  }

  override close(): Promise<void> {
    this.stopListening();
    return super.close();
  }
}

/** Downstream: answers the node's `subscribe-offer` and tallies the RTP of every remote track. */
export class WeriftSubscriber extends WeriftLeg {
  tally = new StreamTally({ video: null, audio: null });

  constructor(localAddress: string) {
    super(localAddress);
    this.pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe(({ header }) => this.tally.push(header.payloadType, header.ssrc, header.sequenceNumber));
    });
  }

  /** The answer SDP for `subscribe-answer`. */
  async answer(offerSdp: string): Promise<string> {
    this.tally = new StreamTally({ video: payloadTypeOf(offerSdp, 'VP8'), audio: payloadTypeOf(offerSdp, 'opus') });
    await this.pc.setRemoteDescription({ type: 'offer', sdp: keepOneTcpPassiveCandidate(offerSdp) });
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    return this.localSdp();
  }

  describe(): string {
    return `${this.state}, ${this.tally.describe()}`;
  }
}
