/*
 * The typed facade over janode: THE ONLY MODULE THAT IMPORTS janode. Everything else in the
 * media node talks to Janus through `MediaGateway` / `RoomHandle`, so tests and the command
 * logic never see janode's untyped objects.
 *
 * janode facts this relies on (FIELD-NOTES): it retries only the initial connect, and after a
 * dropped socket it rejects pending transactions and forgets sessions, so reconnecting is the
 * caller's job (see main.ts). Plugin requests have no timeout of their own: every request here
 * is bounded by `requestTimeoutMs`.
 */
import Janode from 'janode';
import VideoRoomPlugin from 'janode/plugins/videoroom';
import EchoTestPlugin from 'janode/plugins/echotest';
import { SessionId } from '@vident/protocol';
import { publishedStreams, sendChanges, type PublishedStreams } from '../sdp/published-streams.ts';

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
export interface RoomHandle {
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

/** The media operations the command layer needs. Implemented by {@link JanusGateway}. */
export interface MediaGateway {
  readonly up: boolean;
  /** The Janus session every handle lives in (a restarted sidecar claims it again). */
  readonly sessionId: number;
  /** Whether connecting reclaimed an earlier Janus session (with its handles) rather than creating one. */
  readonly reclaimed: boolean;
  /** Takes over a handle of a reclaimed session. */
  adopt(ref: HandleRef): RoomHandle;
  /** Removes a publisher from a room (its PeerConnection is hung up); no error if it is not there. */
  kickFeed(room: string, feedId: string): Promise<void>;
  /** The session rooms (VideoRoom rooms named by a session id) Janus holds. */
  listRooms(): Promise<Array<{ room: string; record: boolean }>>;
  /** Creates a VideoRoom room with admin_key. `created: false` when it already existed. */
  createRoom(params: { room: string; record: boolean; recDir: string; publishers: number }): Promise<{ created: boolean }>;
  /** Destroys a room. `existed: false` when there was no such room. */
  destroyRoom(room: string): Promise<{ existed: boolean }>;
  /** Attaches a new VideoRoom handle. */
  attach(): Promise<RoomHandle>;
  /** Attaches a new EchoTest handle (the customer's pre-call TCP probe; outside every room). */
  attachEchoTest(): Promise<EchoHandle>;
}

/** One EchoTest plugin handle: Janus echoes what the peer sends, here only data-channel messages. */
export interface EchoHandle {
  readonly id: string;
  /** Starts a data-channel-only echo with a full (non-trickle) offer; returns Janus's answer SDP. */
  answerDataOffer(offerSdp: string): Promise<string>;
  /** Called once when Janus hangs the PeerConnection up or drops the handle. */
  onGone(listener: (reason: string) => void): void;
  /** Hangs up and detaches. Never throws (best effort). */
  close(): Promise<void>;
}

/** A request Janus refused (or a transport failure); `reason` is safe to show the control plane. */
export class JanusError extends Error {
  override name = 'JanusError';
  constructor(
    readonly reason: string,
    /** Janus / VideoRoom error code when Janus gave one (e.g. 426 no such room). */
    readonly janusCode: number | undefined,
  ) {
    super(reason);
  }
}

export interface JanusGatewayOptions {
  url: string;
  apiSecret: string;
  adminKey: string;
  requestTimeoutMs?: number;
  /** An earlier Janus session to claim (its handles and PeerConnections live on); a new one if it is gone. */
  reclaimSessionId?: number | null;
}

/** janode's keepalive interval for our Janus session, in seconds (Janus's session_timeout is 60 s). */
const KEEPALIVE_SECONDS = 15;

/** VideoRoom error codes (janus_videoroom.c) the media node acts on. */
export const VIDEOROOM_NO_SUCH_ROOM = 426;
export const VIDEOROOM_ROOM_EXISTS = 427;
export const VIDEOROOM_NO_SUCH_FEED = 428;
export const VIDEOROOM_ID_EXISTS = 436;

// janode logs at INFO by default, including request bodies; keep it to warnings.
Janode.Logger.setLevel('warn');

/** Minimal typing of the janode objects this module touches. */
interface JanodeEmitter {
  on(event: string, listener: (data: Record<string, unknown>) => void): void;
  once(event: string, listener: (data: Record<string, unknown>) => void): void;
}
interface JanodeConnection extends JanodeEmitter {
  create(kaInterval?: number): Promise<JanodeSession>;
  close(): Promise<void>;
  /** janode's session table (internal: used to claim a session, which janode has no API for). */
  _sessions: Map<number, JanodeSession>;
}
interface JanodeSession extends JanodeEmitter {
  id: number;
  attach(plugin: unknown): Promise<JanodeVideoRoomHandle>;
  destroy(): Promise<void>;
  sendRequest(request: Record<string, unknown>): Promise<unknown>;
  /** janode's handle table (internal: used to take over the handles of a claimed session). */
  _handles: Map<number, JanodeVideoRoomHandle>;
  _signalDestroy(): void;
}
type JanodeSessionClass = new (connection: JanodeConnection, id: number, kaInterval: number) => JanodeSession;
type JanodeHandleClass = new (session: JanodeSession, id: number) => JanodeVideoRoomHandle;
interface Jsep {
  type: string;
  sdp: string;
}
interface JanodeVideoRoomHandle extends JanodeEmitter {
  id: number;
  feed: unknown;
  /** janode's session object; `_destroyed` once our side of it is gone (internal). */
  session: { _destroyed: boolean };
  message(body: Record<string, unknown>, jsep?: Jsep): Promise<{ plugindata?: { data?: Record<string, unknown> } }>;
  joinConfigurePublisher(params: Record<string, unknown>): Promise<{ jsep?: Jsep }>;
  joinSubscriber(params: Record<string, unknown>): Promise<{ jsep?: Jsep }>;
  start(params: { jsep: Jsep }): Promise<unknown>;
  configure(params: Record<string, unknown>): Promise<unknown>;
  trickle(candidate: Record<string, unknown>): Promise<unknown>;
  trickleComplete(): Promise<unknown>;
  hangup(): Promise<unknown>;
  detach(): Promise<void>;
}

function toJanusError(err: unknown): JanusError {
  if (err instanceof JanusError) return err;
  // janode sometimes rejects with ws event objects rather than Errors.
  const raw = typeof err === 'object' && err !== null && 'message' in err ? (err as { message: unknown }).message : err;
  const message = typeof raw === 'string' && raw !== '' ? raw : 'janus unreachable';
  const code = (err as { _code?: unknown } | null)?._code;
  const leading = /^(\d{3})\s/.exec(message);
  const janusCode = typeof code === 'number' ? code : leading ? Number(leading[1]) : undefined;
  return new JanusError(message.slice(0, 500), janusCode);
}

/**
 * A connection attempt refused outright: nothing listens on Janus's address, so the Janus process
 * is not running (a Janus that is merely slow or unreachable over the network times out instead).
 */
export function janusRefusedConnection(err: unknown): boolean {
  return err instanceof Error && /\bECONNREFUSED\b/.test(err.message);
}

async function bounded<T>(what: string, timeoutMs: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new JanusError(`janus ${what} timed out after ${timeoutMs} ms`, undefined)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } catch (err) {
    throw toJanusError(err);
  } finally {
    clearTimeout(timer);
  }
}

class JanodeRoomHandle implements RoomHandle {
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
    const E = Janode.EVENT;
    this.handle.on(E.HANDLE_WEBRTCUP, () => listener({ type: 'webrtcup' }));
    this.handle.on(E.HANDLE_MEDIA, (d) =>
      listener({ type: 'media', media: String(d.type ?? 'unknown'), receiving: d.receiving === true }),
    );
    this.handle.on(E.HANDLE_SLOWLINK, (d) =>
      listener({ type: 'slowlink', uplink: d.uplink === true, media: String(d.media ?? 'unknown'), lost: Number(d.lost ?? 0) }),
    );
    this.handle.on(E.HANDLE_HANGUP, (d) => listener({ type: 'hangup', reason: String(d.reason ?? 'hangup') }));
    // Publishers also hear about the other feeds of the room: only this handle's own feed counts.
    const V = VideoRoomPlugin.EVENT;
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

interface JanodeEchoTestHandle extends JanodeEmitter {
  id: number | string;
  message(body: Record<string, unknown>, jsep?: Jsep & { trickle?: boolean }): Promise<{ jsep?: Jsep }>;
  hangup(): Promise<unknown>;
  detach(): Promise<void>;
}

class JanodeEchoHandle implements EchoHandle {
  readonly id: string;
  private closed = false;

  constructor(
    private readonly handle: JanodeEchoTestHandle,
    private readonly timeoutMs: number,
  ) {
    this.id = String(handle.id);
  }

  async answerDataOffer(offerSdp: string): Promise<string> {
    // Raw message rather than janode's start(): it cannot say `data: true` or `trickle: false`.
    // trickle false: the offer carries every candidate, so Janus does not wait for more (FIELD-NOTES).
    const response = await bounded(
      'echotest',
      this.timeoutMs,
      this.handle.message({ audio: false, video: false, data: true }, { type: 'offer', sdp: offerSdp, trickle: false }),
    );
    if (!response.jsep?.sdp) throw new JanusError('janus answered the echotest without an SDP answer', undefined);
    return response.jsep.sdp;
  }

  onGone(listener: (reason: string) => void): void {
    let told = false;
    const once = (reason: string) => {
      if (told) return;
      told = true;
      listener(reason);
    };
    this.handle.on(Janode.EVENT.HANDLE_HANGUP, (d) => once(String(d.reason ?? 'hangup')));
    this.handle.once(Janode.EVENT.HANDLE_DETACHED, () => once('detached'));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await bounded('hangup', this.timeoutMs, this.handle.hangup()).catch(() => undefined);
    await bounded('detach', this.timeoutMs, this.handle.detach()).catch(() => undefined);
  }
}

/** A live janode connection + one Janus session; all handles of this node live in it. */
export class JanusGateway implements MediaGateway {
  private alive = true;
  private readonly closeListeners: Array<(reason: string) => void> = [];

  private constructor(
    private readonly connection: JanodeConnection,
    private readonly session: JanodeSession,
    private readonly admin: JanodeVideoRoomHandle,
    private readonly opts: GatewaySettings,
    readonly reclaimed: boolean,
  ) {
    const down = (reason: string) => {
      if (!this.alive) return;
      this.alive = false;
      for (const listener of this.closeListeners) listener(reason);
    };
    connection.once(Janode.EVENT.CONNECTION_CLOSED, () => down('connection closed'));
    connection.once(Janode.EVENT.CONNECTION_ERROR, () => down('connection error'));
    session.once(Janode.EVENT.SESSION_DESTROYED, () => down('janus session destroyed'));
  }

  /**
   * Connects once (no retries: the caller owns the backoff), claims `reclaimSessionId` if Janus
   * still holds it (else creates a session), and attaches an admin handle.
   */
  static async connect(options: JanusGatewayOptions): Promise<JanusGateway> {
    const opts: GatewaySettings = { requestTimeoutMs: 10_000, ...options };
    const connection = (await bounded(
      'connect',
      opts.requestTimeoutMs,
      Janode.connect({ address: { url: opts.url, apisecret: opts.apiSecret }, retry_time_secs: 1, max_retries: 0 }),
    )) as JanodeConnection;
    try {
      const claimed = opts.reclaimSessionId ? await claimSession(connection, opts.reclaimSessionId, opts.requestTimeoutMs) : null;
      const session = claimed ?? (await bounded('create session', opts.requestTimeoutMs, connection.create(KEEPALIVE_SECONDS)));
      const admin = await bounded('attach', opts.requestTimeoutMs, session.attach(VideoRoomPlugin));
      return new JanusGateway(connection, session, admin, opts, claimed !== null);
    } catch (err) {
      await connection.close().catch(() => undefined);
      throw toJanusError(err);
    }
  }

  get up(): boolean {
    return this.alive;
  }

  get sessionId(): number {
    return this.session.id;
  }

  adopt(ref: HandleRef): RoomHandle {
    const Handle = VideoRoomPlugin.Handle as JanodeHandleClass;
    const handle = new Handle(this.session, ref.id);
    // What janode's attach() does with a handle Janus just created.
    this.session._handles.set(ref.id, handle);
    handle.once(Janode.EVENT.HANDLE_DETACHED, () => this.session._handles.delete(ref.id));
    handle.feed = ref.feedId ?? null;
    return new JanodeRoomHandle(handle, this.opts.requestTimeoutMs, ref);
  }

  async kickFeed(room: string, feedId: string): Promise<void> {
    try {
      await bounded('kick', this.opts.requestTimeoutMs, this.admin.message({ request: 'kick', room, id: feedId, admin_key: this.opts.adminKey }));
    } catch (err) {
      const janusError = toJanusError(err);
      if (janusError.janusCode !== VIDEOROOM_NO_SUCH_FEED) throw janusError;
    }
  }

  async listRooms(): Promise<Array<{ room: string; record: boolean }>> {
    // With the admin key Janus lists private rooms too (every session room is private).
    const response = await bounded('list rooms', this.opts.requestTimeoutMs, this.admin.message({ request: 'list', admin_key: this.opts.adminKey }));
    const list = response.plugindata?.data?.list;
    if (!Array.isArray(list)) throw new JanusError('janus answered list without a room list', undefined);
    return list.flatMap((r: Record<string, unknown>) =>
      typeof r.room === 'string' && SessionId.safeParse(r.room).success ? [{ room: r.room, record: r.record === true }] : [],
    );
  }

  /** Called once when the connection or the Janus session is lost. */
  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  async createRoom(p: { room: string; record: boolean; recDir: string; publishers: number }): Promise<{ created: boolean }> {
    // Raw message: janode's create() drops lock_record, which keeps participants from
    // toggling the recording of an identity-verification call.
    const body = {
      request: 'create',
      room: p.room,
      admin_key: this.opts.adminKey,
      permanent: false,
      is_private: true,
      publishers: p.publishers,
      record: p.record,
      rec_dir: p.recDir,
      lock_record: true,
      audiocodec: 'opus',
      videocodec: 'vp8',
      notify_joining: false,
    };
    try {
      const response = await bounded('create room', this.opts.requestTimeoutMs, this.admin.message(body));
      const kind = response.plugindata?.data?.videoroom;
      if (kind !== 'created') throw new JanusError(`janus answered create with ${String(kind)}`, undefined);
      return { created: true };
    } catch (err) {
      const janusError = toJanusError(err);
      if (janusError.janusCode === VIDEOROOM_ROOM_EXISTS) return { created: false };
      throw janusError;
    }
  }

  async destroyRoom(room: string): Promise<{ existed: boolean }> {
    try {
      const response = await bounded(
        'destroy room',
        this.opts.requestTimeoutMs,
        this.admin.message({ request: 'destroy', room, admin_key: this.opts.adminKey, permanent: false }),
      );
      const kind = response.plugindata?.data?.videoroom;
      if (kind !== 'destroyed') throw new JanusError(`janus answered destroy with ${String(kind)}`, undefined);
      return { existed: true };
    } catch (err) {
      const janusError = toJanusError(err);
      if (janusError.janusCode === VIDEOROOM_NO_SUCH_ROOM) return { existed: false };
      throw janusError;
    }
  }

  async attach(): Promise<RoomHandle> {
    if (!this.alive) throw new JanusError('janus is not connected', undefined);
    const handle = await bounded('attach', this.opts.requestTimeoutMs, this.session.attach(VideoRoomPlugin));
    return new JanodeRoomHandle(handle, this.opts.requestTimeoutMs);
  }

  async attachEchoTest(): Promise<EchoHandle> {
    if (!this.alive) throw new JanusError('janus is not connected', undefined);
    const handle = (await bounded('attach', this.opts.requestTimeoutMs, this.session.attach(EchoTestPlugin))) as unknown as JanodeEchoTestHandle;
    return new JanodeEchoHandle(handle, this.opts.requestTimeoutMs);
  }

  /**
   * Closes the socket. With `keepSession`, the Janus session is left for the next run of the
   * sidecar to claim (its calls go on meanwhile); otherwise it is destroyed with its handles.
   */
  async close({ keepSession }: { keepSession: boolean }): Promise<void> {
    this.alive = false;
    if (!keepSession) await bounded('destroy session', 3_000, this.session.destroy()).catch(() => undefined);
    await bounded('close', 3_000, this.connection.close()).catch(() => undefined);
  }
}

type GatewaySettings = JanusGatewayOptions & { requestTimeoutMs: number };

/**
 * Claims an earlier Janus session over this connection (Janus's `claim`, kept for
 * reclaim_session_timeout after its transport went away). janode has no API for it: this builds
 * janode's own Session object for the id, as its create() does, and sends the claim through it.
 * Answers null when Janus no longer has the session (restarted, or the reclaim window passed).
 */
async function claimSession(connection: JanodeConnection, id: number, timeoutMs: number): Promise<JanodeSession | null> {
  const Session = await janodeSessionClass();
  const session = new Session(connection, id, KEEPALIVE_SECONDS);
  connection._sessions.set(id, session);
  session.once(Janode.EVENT.SESSION_DESTROYED, () => connection._sessions.delete(id));
  try {
    await bounded('claim session', timeoutMs, session.sendRequest({ janus: 'claim' }));
    return session;
  } catch {
    session._signalDestroy();
    return null;
  }
}

let sessionClass: Promise<JanodeSessionClass> | null = null;
function janodeSessionClass(): Promise<JanodeSessionClass> {
  // Not in janode's package exports: loaded by file next to its entry point.
  sessionClass ??= import(new URL('./session.js', import.meta.resolve('janode')).href).then((m: { default: JanodeSessionClass }) => m.default);
  return sessionClass;
}
