/*
 * The Janus gateway over janode: one WebSocket connection and one Janus session that every handle
 * of this node lives in, plus an admin VideoRoom handle for the room requests (create, destroy,
 * list, kick). It implements MediaGateway (media-gateway.ts), the only face of Janus the rest of
 * the media node sees; janode itself is reached through janode-binding.ts, and every request is
 * bounded by `requestTimeoutMs` (janode-request.ts).
 */
import { HD_VIDEO_MAX_BITRATE, SessionId } from '@vident/protocol';
import { JanusEchoTestHandle } from './echo-test-handle.ts';
import { attachEchoTest, attachVideoRoom, connectJanode, JANODE_EVENT, KEEPALIVE_SECONDS, videoRoomHandleFor } from './janode-binding.ts';
import { bounded, toJanusError } from './janode-request.ts';
import type { JanodeConnection, JanodeSession, JanodeVideoRoomHandle } from './janode-types.ts';
import { JanusError, VIDEOROOM_NO_SUCH_FEED, VIDEOROOM_NO_SUCH_ROOM, VIDEOROOM_ROOM_EXISTS } from './janus-error.ts';
import type { EchoTestHandle, HandleRef, MediaGateway, VideoRoomHandle } from './media-gateway.ts';
import { claimSession } from './session-claim.ts';
import { JanusVideoRoomHandle } from './video-room-handle.ts';

/** Where Janus is and how to authenticate; every request waits at most `requestTimeoutMs` (10 s). */
export interface JanusGatewayOptions {
  url: string;
  apiSecret: string;
  adminKey: string;
  requestTimeoutMs?: number;
  /** An earlier Janus session to claim (its handles and PeerConnections live on); a new one if it is gone. */
  reclaimSessionId?: number | null;
}

/** A live janode connection + one Janus session; all handles of this node live in it. */
/**
 * How a session's room carries HD video (issue 17). Janus tells each publisher's browser (REMB) to
 * send at most `bitrate` and, with `bitrate_cap`, no participant's configure can raise it:
 * HD_VIDEO_MAX_BITRATE (4 Mbit/s, what the bench's clean call needed for 1280x720 at 25+ fps; at
 * 2.5 Mbit/s it stayed at 960x540), and the customer's page sets the same figure as its encoder's
 * maxBitrate (protocol hd-video.ts); on a worse path the browser's own congestion control goes lower. `fir_freq` asks every publisher for a keyframe every
 * 10 s, so a subscriber (and the recording) that lost a keyframe on a lossy TCP path recovers within
 * 10 s even if its own PLI was lost. Janus also sends a PLI to the publisher when a subscriber joins and forwards every
 * PLI a subscriber sends (its decoder lost sync): nothing to configure for those.
 */
export const HD_ROOM_MEDIA = { bitrate: HD_VIDEO_MAX_BITRATE, bitrate_cap: true, fir_freq: 10 } as const;

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
    connection.once(JANODE_EVENT.CONNECTION_CLOSED, () => down('connection closed'));
    connection.once(JANODE_EVENT.CONNECTION_ERROR, () => down('connection error'));
    session.once(JANODE_EVENT.SESSION_DESTROYED, () => down('janus session destroyed'));
  }

  /**
   * Connects once (no retries: the caller owns the backoff), claims `reclaimSessionId` if Janus
   * still holds it (else creates a session), and attaches an admin handle.
   */
  static async connect(options: JanusGatewayOptions): Promise<JanusGateway> {
    const opts: GatewaySettings = { requestTimeoutMs: 10_000, ...options };
    const connection = await bounded('connect', opts.requestTimeoutMs, connectJanode(opts.url, opts.apiSecret));
    try {
      const claimed = opts.reclaimSessionId ? await claimSession(connection, opts.reclaimSessionId, opts.requestTimeoutMs) : null;
      const session = claimed ?? (await bounded('create session', opts.requestTimeoutMs, connection.create(KEEPALIVE_SECONDS)));
      const admin = await bounded('attach', opts.requestTimeoutMs, attachVideoRoom(session));
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

  adopt(ref: HandleRef): VideoRoomHandle {
    const handle = videoRoomHandleFor(this.session, ref.id);
    // What janode's attach() does with a handle Janus just created.
    this.session._handles.set(ref.id, handle);
    handle.once(JANODE_EVENT.HANDLE_DETACHED, () => this.session._handles.delete(ref.id));
    handle.feed = ref.feedId ?? null;
    return new JanusVideoRoomHandle(handle, this.opts.requestTimeoutMs, ref);
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
      ...HD_ROOM_MEDIA,
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

  async attach(): Promise<VideoRoomHandle> {
    if (!this.alive) throw new JanusError('janus is not connected', undefined);
    const handle = await bounded('attach', this.opts.requestTimeoutMs, attachVideoRoom(this.session));
    return new JanusVideoRoomHandle(handle, this.opts.requestTimeoutMs);
  }

  async attachEchoTest(): Promise<EchoTestHandle> {
    if (!this.alive) throw new JanusError('janus is not connected', undefined);
    const handle = await bounded('attach', this.opts.requestTimeoutMs, attachEchoTest(this.session));
    return new JanusEchoTestHandle(handle, this.opts.requestTimeoutMs);
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
