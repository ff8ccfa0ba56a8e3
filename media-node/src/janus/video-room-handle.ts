/*
 * A VideoRoom handle over janode: a publisher or subscriber PeerConnection of one session's room,
 * every request bounded (janode-request.ts). Created by JanusGateway on attach, or for a handle a
 * claimed Janus session still holds (adopt).
 */
import { publishedStreams, sendChanges, type PublishedStreams } from '../sdp/published-streams.ts';
import { JANODE_EVENT, VIDEOROOM_EVENT } from './janode-binding.ts';
import { bounded } from './janode-request.ts';
import type { JanodeVideoRoomHandle } from './janode-types.ts';
import { JanusError } from './janus-error.ts';
import type { HandleEvent, HandleRef, PublishParams, TrickleCandidate, VideoRoomHandle } from './media-gateway.ts';

/** One VideoRoom plugin handle in Janus, driven through janode. */
export class JanusVideoRoomHandle implements VideoRoomHandle {
  readonly id: string;
  private closed = false;
  /** The publisher's stream mids, known once Janus answered the publish. */
  private streams: PublishedStreams | undefined;
  /** The feed this handle publishes, once publish() was called. */
  private feedId: string | undefined;

  constructor(
    private readonly handle: JanodeVideoRoomHandle,
    private readonly timeoutMs: number,
    adopted?: HandleRef,
  ) {
    this.id = String(handle.id);
    this.feedId = adopted?.feedId;
    this.streams = adopted?.streams;
  }

  ref(): HandleRef {
    return {
      id: this.handle.id,
      ...(this.feedId !== undefined ? { feedId: this.feedId } : {}),
      ...(this.streams !== undefined ? { streams: this.streams } : {}),
    };
  }

  async publish(p: PublishParams): Promise<string> {
    this.feedId = p.feedId;
    // Janus 1.x's joinandconfigure takes no audio/video state (janus_videoroom.c reads only
    // codecs, bitrate and recording there): every published stream starts relayed. The wanted
    // state is applied below with a per-mid configure.
    const joined = await bounded(
      'publish',
      this.timeoutMs,
      this.handle.joinConfigurePublisher({
        room: p.room,
        feed: p.feedId,
        display: p.display,
        ...(p.recordingBase !== undefined ? { filename: p.recordingBase } : {}),
        jsep: { type: 'offer', sdp: p.offerSdp },
      }),
    );
    if (!joined.jsep?.sdp) throw new JanusError('janus answered the publish without an SDP answer', undefined);
    this.streams = publishedStreams(joined.jsep.sdp);
    // Before the answer goes back, so no media (ICE is not even up yet) is relayed or recorded
    // for a stream the participant publishes muted.
    if (!p.audio || !p.video) await this.configure({ audio: p.audio, video: p.video });
    return joined.jsep.sdp;
  }

  async subscribe(p: { room: string; feedId: string }): Promise<string> {
    const joined = await bounded('subscribe', this.timeoutMs, this.handle.joinSubscriber({ room: p.room, feed: p.feedId }));
    if (!joined.jsep?.sdp) throw new JanusError('janus answered the subscribe without an SDP offer', undefined);
    return joined.jsep.sdp;
  }

  async start(answerSdp: string): Promise<void> {
    await bounded('start', this.timeoutMs, this.handle.start({ jsep: { type: 'answer', sdp: answerSdp } }));
  }

  async trickle(candidate: TrickleCandidate | null): Promise<void> {
    if (candidate === null) {
      await bounded('trickle', this.timeoutMs, this.handle.trickleComplete());
      return;
    }
    const body: Record<string, unknown> = { candidate: candidate.candidate };
    if (candidate.sdpMid != null) body.sdpMid = candidate.sdpMid;
    if (candidate.sdpMLineIndex != null) body.sdpMLineIndex = candidate.sdpMLineIndex;
    await bounded('trickle', this.timeoutMs, this.handle.trickle(body));
  }

  async configure(p: { audio: boolean; video: boolean }): Promise<void> {
    if (!this.streams) throw new JanusError('configure before publish: this handle has no published streams', undefined);
    // Janus 1.x multistream: `streams: [{ mid, send }]` sets each publisher stream's `active`
    // flag, which gates relaying to subscribers, RTP forwarders and the recorder alike.
    const streams = sendChanges(this.streams, p);
    if (streams.length === 0) return;
    await bounded('configure', this.timeoutMs, this.handle.configure({ streams }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Detaching also hangs up, but an explicit hangup first makes Janus close the recorders
    // even if the detach transaction is lost with a dying connection.
    await bounded('hangup', this.timeoutMs, this.handle.hangup()).catch(() => undefined);
    await bounded('detach', this.timeoutMs, this.handle.detach()).catch(() => undefined);
  }

  onEvent(listener: (event: HandleEvent) => void): void {
    const E = JANODE_EVENT;
    this.handle.on(E.HANDLE_WEBRTCUP, () => listener({ type: 'webrtcup' }));
    this.handle.on(E.HANDLE_MEDIA, (d) =>
      listener({ type: 'media', media: String(d.type ?? 'unknown'), receiving: d.receiving === true }),
    );
    this.handle.on(E.HANDLE_SLOWLINK, (d) =>
      listener({ type: 'slowlink', uplink: d.uplink === true, media: String(d.media ?? 'unknown'), lost: Number(d.lost ?? 0) }),
    );
    this.handle.on(E.HANDLE_HANGUP, (d) => listener({ type: 'hangup', reason: String(d.reason ?? 'hangup') }));
    // Publishers also hear about the other feeds of the room: only this handle's own feed counts.
    const V = VIDEOROOM_EVENT;
    const ownFeedGone = (what: string) => (d: Record<string, unknown>) => {
      if (this.feedId !== undefined && String(d.feed) === this.feedId) listener({ type: 'unpublished', reason: String(d.reason ?? what) });
    };
    for (const [event, what] of [[V.VIDEOROOM_UNPUBLISHED, 'unpublished'], [V.VIDEOROOM_LEAVING, 'leaving'], [V.VIDEOROOM_KICKED, 'kicked']] as const) {
      if (event) this.handle.on(event, ownFeedGone(what));
    }
    if (V.VIDEOROOM_DESTROYED) {
      this.handle.on(V.VIDEOROOM_DESTROYED, () => {
        if (this.feedId !== undefined) listener({ type: 'unpublished', reason: 'room destroyed' });
      });
    }
    // janode also "detaches" every handle when our side of the session goes (connection lost):
    // the handle may well live on in Janus, to be reclaimed, so that is not Janus dropping it.
    this.handle.once(E.HANDLE_DETACHED, () => {
      if (!this.handle.session._destroyed) listener({ type: 'detached' });
    });
  }
}
