/*
 * The Janus facade as the rest of the media node sees it: the gateway, its two kinds of plugin
 * handles and what they report. Implemented over janode by janus-gateway.ts (and by in-memory
 * fakes in tests); nothing here knows janode.
 */
import type { PublishedStreams } from '../sdp/published-streams.ts';

/** What a Janus handle reports about its PeerConnection. */
export type HandleEvent =
  | { type: 'webrtcup' }
  | { type: 'media'; media: string; receiving: boolean }
  | { type: 'slowlink'; uplink: boolean; media: string; lost: number }
  | { type: 'hangup'; reason: string }
  /** This handle's own feed stopped publishing in the room (unpublished, left, kicked, room destroyed). */
  | { type: 'unpublished'; reason: string }
  | { type: 'detached' };

/** A trickled ICE candidate as the browser produced it. */
export interface TrickleCandidate {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
}

/** A publish: the room and feed, the participant's initial audio/video state and the browser's offer. */
export interface PublishParams {
  room: string;
  feedId: string;
  display: string;
  audio: boolean;
  video: boolean;
  offerSdp: string;
  /** Base name (no directory) of this publish's recording files in the room's rec_dir. */
  recordingBase?: string;
}

/** What a restarted sidecar needs to take a handle over (kept in its state file). */
export interface HandleRef {
  /** Janus's handle id. */
  id: number;
  /** A publisher's feed and the stream mids Janus answered (configure addresses them). */
  feedId?: string;
  streams?: PublishedStreams;
}

/** One VideoRoom plugin handle (a publisher or a subscriber PeerConnection). */
export interface VideoRoomHandle {
  readonly id: string;
  /** What must be kept to take this handle over after a sidecar restart. */
  ref(): HandleRef;
  /**
   * Joins `room` as publisher `feedId` and configures it with the browser's offer; returns Janus's
   * answer SDP. In a recorded room Janus names this publish's files `<recordingBase>-<kind>-<mindex>.mjr`.
   */
  publish(params: PublishParams): Promise<string>;
  /** Joins `room` as subscriber to `feedId`; returns Janus's offer SDP. */
  subscribe(params: { room: string; feedId: string }): Promise<string>;
  /** Completes a subscription with the browser's answer. */
  start(answerSdp: string): Promise<void>;
  /** Forwards one candidate, or `null` = trickle completed. */
  trickle(candidate: TrickleCandidate | null): Promise<void>;
  /**
   * Turns the relay of this publisher's audio / video to subscribers on or off (and with it
   * Janus's recording of that stream, which only records what it relays).
   */
  configure(params: { audio: boolean; video: boolean }): Promise<void>;
  /** Hangs up the PeerConnection and detaches the handle. Never throws (best effort). */
  close(): Promise<void>;
  onEvent(listener: (event: HandleEvent) => void): void;
}

/** The media operations the command layer needs. Implemented by `JanusGateway` (janus-gateway.ts). */
export interface MediaGateway {
  readonly up: boolean;
  /** The Janus session every handle lives in (a restarted sidecar claims it again). */
  readonly sessionId: number;
  /** Whether connecting reclaimed an earlier Janus session (with its handles) rather than creating one. */
  readonly reclaimed: boolean;
  /** Takes over a handle of a reclaimed session. */
  adopt(ref: HandleRef): VideoRoomHandle;
  /** Removes a publisher from a room (its PeerConnection is hung up); no error if it is not there. */
  kickFeed(room: string, feedId: string): Promise<void>;
  /** The session rooms (VideoRoom rooms named by a session id) Janus holds. */
  listRooms(): Promise<Array<{ room: string; record: boolean }>>;
  /** Creates a VideoRoom room with admin_key. `created: false` when it already existed. */
  createRoom(params: { room: string; record: boolean; recDir: string; publishers: number }): Promise<{ created: boolean }>;
  /** Destroys a room. `existed: false` when there was no such room. */
  destroyRoom(room: string): Promise<{ existed: boolean }>;
  /** Attaches a new VideoRoom handle. */
  attach(): Promise<VideoRoomHandle>;
  /** Attaches a new EchoTest handle (the customer's pre-call TCP probe; outside every room). */
  attachEchoTest(): Promise<EchoTestHandle>;
}

/** One EchoTest plugin handle: Janus echoes what the peer sends, here only data-channel messages. */
export interface EchoTestHandle {
  readonly id: string;
  /** Starts a data-channel-only echo with a full (non-trickle) offer; returns Janus's answer SDP. */
  answerDataOffer(offerSdp: string): Promise<string>;
  /** Called once when Janus hangs the PeerConnection up or drops the handle. */
  onGone(listener: (reason: string) => void): void;
  /** Hangs up and detaches. Never throws (best effort). */
  close(): Promise<void>;
}
