/*
 * Executes the control plane's NodeCommands against Janus. One VideoRoom room per verification
 * session (room id = session id), publisher id = role. UDP candidates are stripped in both
 * directions (see sdp/strip-udp-candidates.ts for why).
 */
import { assertNever } from '@vident/protocol';
import { mkdir } from 'node:fs/promises';
import type { MediaTransport, NodeCommand, NodeCommandResult, NodeEvent, PeerLeg, Role } from '@vident/protocol';
import { conflict, janusFailure, janusUnavailable, MediaNodeError, notFound } from '../errors.ts';
import { JanusError, VIDEOROOM_ID_EXISTS, VIDEOROOM_NO_SUCH_FEED } from '../janus/janus-error.ts';
import type { HandleEvent, MediaGateway, VideoRoomHandle } from '../janus/media-gateway.ts';
import { rawRecordingDir } from '../recording/post-process.ts';
import { segmentBase } from '../recording/recording-files.ts';
import { RecordingSegments, type RecordingSegment } from '../recording/recording-segments.ts';
import { SegmentJobs, type ProcessedRecording } from '../recording/segment-jobs.ts';
import { MediaPathProbes } from '../probe/media-path-probes.ts';
import { browserSdpFor, janusSdpFor, mayTrickle } from '../sdp/candidate-policy.ts';
import { SessionRegistry } from './session-registry.ts';
import { snapshotRooms } from './room-snapshot.ts';
import type { PersistedLeg, PersistedRoom, SidecarState } from './sidecar-state.ts';

export interface MediaCommandsDeps {
  /** The live gateway, or null while Janus is unreachable. */
  gateway: () => MediaGateway | null;
  recordingsDir: string;
  /** Reports an event to the control plane (fire and forget). */
  reportEvent: (event: NodeEvent) => void;
  /** Turns one finished segment into a sealed outbox entry; null when Janus wrote nothing for it. */
  processRecording: (segment: RecordingSegment) => Promise<ProcessedRecording | null>;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** The rooms or legs changed: the sidecar's state file is to be rewritten (see sidecar-state.ts). */
  stateChanged?: () => void;
  /**
   * How long Janus keeps a session whose connection dropped (its reclaim_session_timeout, plus a
   * margin). Not reconnected by then, the legs are gone for sure and their recordings are finished.
   */
  reclaimWindowMs?: number;
}

export const DEFAULT_RECLAIM_WINDOW_MS = 35_000;

/** Commands after which the state file no longer matches the registry. */
const CHANGES_LEGS: ReadonlySet<NodeCommand['type']> = new Set(['create-room', 'destroy-room', 'publish', 'subscribe', 'leave']);

type Result<T extends NodeCommand['type']> = NodeCommandResult<T>;

/** The media node's command layer: thin over MediaGateway, with the bookkeeping in SessionRegistry. */
export class MediaCommands {
  readonly registry = new SessionRegistry<VideoRoomHandle>();
  private readonly segments = new RecordingSegments<VideoRoomHandle>();
  private readonly recordings: SegmentJobs;
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Each leg's media transport: which candidates pass, in its SDPs and its trickle (absent = direct). */
  private readonly transports = new WeakMap<VideoRoomHandle, MediaTransport>();
  /** The customers' pre-call TCP probes (EchoTest handles outside the rooms). */
  readonly probes: MediaPathProbes;
  /** The Janus session the registry's legs live in. */
  private janusSessionId: number | null = null;
  /** While Janus is unreachable: the rooms and legs to take over, or find gone, on reconnection. */
  private suspended: PersistedRoom[] | null = null;
  private reclaimTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: MediaCommandsDeps) {
    this.probes = new MediaPathProbes({ gateway: () => this.gateway(), log: deps.log });
    this.recordings = new SegmentJobs({ process: deps.processRecording, reportEvent: deps.reportEvent, log: deps.log });
  }

  /** Recordings being converted and sealed; tests and shutdown can await them. */
  get pendingRecordings(): ReadonlySet<Promise<void>> {
    return this.recordings.pending;
  }

  /**
   * Runs one command. Commands of the same session run one after another (in arrival order),
   * so a trickle can never overtake the publish that creates its handle.
   * Throws MediaNodeError (404 not_found, 409 conflict, 502 media_node_error).
   */
  execute<C extends NodeCommand>(command: C): Promise<Result<C['type']>> {
    const previous = this.queues.get(command.sessionId) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(() => this.dispatch(command))
      .finally(() => {
        if (CHANGES_LEGS.has(command.type)) this.deps.stateChanged?.();
      });
    const tail = run.catch(() => undefined);
    this.queues.set(command.sessionId, tail);
    void tail.then(() => {
      if (this.queues.get(command.sessionId) === tail) this.queues.delete(command.sessionId);
    });
    return run as Promise<Result<C['type']>>;
  }

  private async dispatch(command: NodeCommand): Promise<unknown> {
    try {
      switch (command.type) {
        case 'create-room':
          return await this.createRoom(command.sessionId, command.record);
        case 'destroy-room':
          return await this.destroyRoom(command.sessionId);
        case 'publish':
          return await this.publish(command);
        case 'subscribe':
          return await this.subscribe(command.sessionId, command.participant, command.feed, command.transport ?? 'direct');
        case 'subscribe-answer': {
          const handle = this.requireLeg(command.sessionId, command.participant, 'subscriber');
          await handle.start(browserSdpFor(command.sdp, this.transports.get(handle)));
          return {};
        }
        case 'trickle':
          return await this.trickle(command);
        case 'configure': {
          const handle = this.requireLeg(command.sessionId, command.participant, 'publisher');
          await handle.configure({ audio: command.audio, video: command.video });
          return {};
        }
        case 'leave':
          return await this.leave(command.sessionId, command.participant);
        case 'probe':
          return await this.probes.answer(command);
        default:
          return assertNever(command);
      }
    } catch (err) {
      if (err instanceof MediaNodeError) throw err;
      if (err instanceof JanusError) {
        if (err.janusCode === VIDEOROOM_NO_SUCH_FEED) throw conflict(`feed not published: ${err.reason}`);
        throw janusFailure(err.reason);
      }
      throw err;
    }
  }

  private gateway(): MediaGateway {
    const gateway = this.deps.gateway();
    if (!gateway?.up) throw janusUnavailable();
    return gateway;
  }

  private requireSession(sessionId: string): void {
    if (!this.registry.hasSession(sessionId)) throw notFound(`unknown session ${sessionId}`);
  }

  private requireLeg(sessionId: string, role: Role, leg: PeerLeg): VideoRoomHandle {
    this.requireSession(sessionId);
    const handle = this.registry.getLeg(sessionId, role, leg);
    if (!handle) throw notFound(`${role} has no ${leg} leg in session ${sessionId}`);
    return handle;
  }

  private async createRoom(sessionId: string, record: boolean): Promise<Result<'create-room'>> {
    // Always asked of Janus (idempotent there too): after a Janus restart the registry may
    // know a room Janus has forgotten.
    await this.ensureJanusRoom(this.gateway(), sessionId, record);
    this.registry.addSession(sessionId, record);
    return { sessionId };
  }

  private async publish(command: Extract<NodeCommand, { type: 'publish' }>): Promise<Result<'publish'>> {
    this.requireSession(command.sessionId);
    const gateway = this.gateway();
    const previous = this.registry.getLeg(command.sessionId, command.participant, 'publisher');
    // A republish (page reload) replaces the old publisher: Janus refuses a second feed with the same id.
    if (previous) {
      this.registry.clearLeg(command.sessionId, command.participant, 'publisher', previous);
      await previous.close();
      this.endSegment(previous);
    }
    const handle = await gateway.attach();
    const transport = command.transport ?? 'direct';
    this.transports.set(handle, transport);
    let recordingBase: string | undefined;
    if (this.registry.isRecorded(command.sessionId)) {
      recordingBase = segmentBase(command.participant, command.segment, Date.now());
      // Tracked before Janus can report anything about the handle.
      this.segments.begin(handle, { sessionId: command.sessionId, participant: command.participant, segment: command.segment, base: recordingBase });
    }
    this.watch(handle, command.sessionId, command.participant, 'publisher');
    const params = {
      room: command.sessionId,
      feedId: command.participant,
      display: command.display,
      audio: command.audio,
      video: command.video,
      offerSdp: browserSdpFor(command.sdp, transport),
      recordingBase,
    };
    try {
      let answer: string;
      try {
        answer = await handle.publish(params);
      } catch (err) {
        if (!(err instanceof JanusError && err.janusCode === VIDEOROOM_ID_EXISTS)) throw err;
        // A publisher this node does not know holds the feed: a handle attached just before a
        // sidecar crash, never written to the state file. Janus keeps it for its session; out it goes.
        this.deps.log.warn({ sessionId: command.sessionId, participant: command.participant }, 'kicking a stale publisher of this feed');
        await gateway.kickFeed(command.sessionId, command.participant);
        answer = await handle.publish(params);
      }
      this.registry.setLeg(command.sessionId, command.participant, 'publisher', handle);
      return { sdp: janusSdpFor(answer, transport) };
    } catch (err) {
      await handle.close();
      this.endSegment(handle);
      throw err;
    }
  }

  private async subscribe(sessionId: string, participant: Role, feed: Role, transport: MediaTransport): Promise<Result<'subscribe'>> {
    this.requireSession(sessionId);
    const gateway = this.gateway();
    const previous = this.registry.getLeg(sessionId, participant, 'subscriber');
    if (previous) {
      this.registry.clearLeg(sessionId, participant, 'subscriber', previous);
      await previous.close();
    }
    const handle = await gateway.attach();
    this.watch(handle, sessionId, participant, 'subscriber');
    try {
      const offer = await handle.subscribe({ room: sessionId, feedId: feed });
      this.registry.setLeg(sessionId, participant, 'subscriber', handle);
      this.transports.set(handle, transport);
      return { sdp: janusSdpFor(offer, transport) };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  private async trickle(command: Extract<NodeCommand, { type: 'trickle' }>): Promise<Result<'trickle'>> {
    const handle = this.requireLeg(command.sessionId, command.participant, command.leg);
    const candidate = command.candidate;
    // null and "" both mean "gathering completed"; Janus must hear it or ICE can stall.
    if (candidate === null || candidate.candidate.trim() === '') {
      await handle.trickle(null);
    } else if (mayTrickle(candidate.candidate, this.transports.get(handle))) {
      await handle.trickle(candidate);
    }
    return {};
  }

  private async leave(sessionId: string, participant: Role): Promise<Result<'leave'>> {
    this.requireSession(sessionId);
    const legs = this.registry.removeParticipant(sessionId, participant);
    if (!legs) throw notFound(`${participant} is not in session ${sessionId}`);
    await Promise.all([legs.publisher?.close(), legs.subscriber?.close()]);
    if (legs.publisher) this.endSegment(legs.publisher);
    return {};
  }

  private async destroyRoom(sessionId: string): Promise<Result<'destroy-room'>> {
    const participants = this.registry.removeSession(sessionId);
    const publishers: VideoRoomHandle[] = [];
    if (participants) {
      await Promise.all(
        [...participants.values()].map(async (legs) => {
          if (legs.publisher) publishers.push(legs.publisher);
          await Promise.all([legs.publisher?.close(), legs.subscriber?.close()]);
        }),
      );
    }
    for (const handle of publishers) this.endSegment(handle);
    const { existed } = await this.gateway().destroyRoom(sessionId);
    if (!participants && !existed) throw notFound(`unknown session ${sessionId}`);
    return { sessionId };
  }

  /**
   * The Janus connection is gone. Janus keeps our session (with every handle, PeerConnection and
   * recorder) for reclaim_session_timeout, or it died with them: which one is known only on
   * reconnection, so the legs are set aside as they are (see resume) and commands meanwhile are
   * refused (503). Rooms stay known.
   */
  janusConnectionLost(): void {
    this.suspended ??= this.snapshot();
    // Not ended: resume() finishes them if the legs turn out to be gone, or the reclaim window does.
    this.segments.endAll();
    this.registry.clearHandles();
    this.probes.forgetAll();
    this.startReclaimWindow();
  }

  /**
   * Janus refused the connection: its process is not running, and the sessions it held (kept in
   * its memory only) died with it. The set-aside legs are gone: their recordings are finished now
   * instead of when the reclaim window closes, so a failed-over call's evidence does not wait.
   */
  janusNotRunning(): void {
    if (this.suspended === null) return;
    clearTimeout(this.reclaimTimer);
    this.finishSuspendedRecordings();
  }

  /** Past Janus's reclaim window the set-aside legs are gone: their recordings are finished now. */
  private startReclaimWindow(): void {
    clearTimeout(this.reclaimTimer);
    this.reclaimTimer = setTimeout(() => this.finishSuspendedRecordings(), this.deps.reclaimWindowMs ?? DEFAULT_RECLAIM_WINDOW_MS);
    this.reclaimTimer.unref();
  }

  private finishSuspendedRecordings(): void {
    let finished = false;
    for (const room of this.suspended ?? []) {
      for (const leg of room.legs) {
        if (!leg.recording) continue;
        this.recordings.schedule({ sessionId: room.sessionId, participant: leg.role, ...leg.recording });
        // Finished once; the leg itself stays, so reconnecting still resets the session's media.
        delete leg.recording;
        finished = true;
      }
    }
    if (finished) this.deps.stateChanged?.();
  }

  /**
   * On every connection to Janus: takes over the rooms and legs set aside (this run's, when the
   * connection dropped, or the previous run's state file, see load). When the gateway reclaimed
   * that Janus session, every leg goes on where it was: the calls never noticed. Otherwise the
   * legs are gone (Janus restarted, or the reclaim window passed): their segments are finished,
   * each room is made to exist again, and the control plane has the participants publish and
   * subscribe anew (`media-reset`). Session rooms Janus holds that this node does not know (a
   * lost state file) are taken in, so the heartbeat's reconcile releases the ones nobody owns.
   */
  async resume(gateway: MediaGateway): Promise<void> {
    clearTimeout(this.reclaimTimer);
    const rooms = this.suspended ?? [];
    const reclaimed = gateway.reclaimed && gateway.sessionId === this.janusSessionId;
    // First, at once (no await): the registry tells the truth about the new session, so a
    // connection lost again meanwhile sets aside exactly what is left.
    this.suspended = null;
    this.janusSessionId = gateway.sessionId;
    const reset: PersistedRoom[] = [];
    for (const room of rooms) {
      this.registry.addSession(room.sessionId, room.record);
      if (reclaimed) {
        for (const leg of room.legs) this.adoptLeg(gateway, room.sessionId, leg);
        continue;
      }
      for (const leg of room.legs) {
        if (leg.recording) this.recordings.schedule({ sessionId: room.sessionId, participant: leg.role, ...leg.recording });
      }
      reset.push(room);
    }
    this.deps.stateChanged?.();
    this.deps.log.info(
      { reclaimed, rooms: rooms.length, legs: rooms.reduce((n, r) => n + r.legs.length, 0) },
      reclaimed ? 'took over the janus session and its legs' : 'janus session is new',
    );
    // Then Janus: the rooms exist again, and sessions that had legs renegotiate.
    for (const room of reset) {
      let reason: 'janus_restarted' | 'janus_session_lost' = 'janus_session_lost';
      try {
        if ((await this.ensureJanusRoom(gateway, room.sessionId, room.record)).created) reason = 'janus_restarted';
      } catch (err) {
        // The session's create-room after the reset tries again.
        this.deps.log.warn({ sessionId: room.sessionId, err: (err as Error).message }, 'could not restore a room after reconnecting to janus');
      }
      if (room.legs.length > 0) this.deps.reportEvent({ type: 'media-reset', sessionId: room.sessionId, reason });
    }
    try {
      const before = this.registry.counts().sessions;
      for (const { room, record } of await gateway.listRooms()) this.registry.addSession(room, record);
      if (this.registry.counts().sessions !== before) this.deps.stateChanged?.();
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'could not list janus rooms');
    }
  }

  /**
   * At start-up, before the first connection: the previous run's state file. Its legs are set
   * aside like a dropped connection's, for resume to take over (or find gone).
   */
  load(state: SidecarState): void {
    this.janusSessionId = state.janusSessionId;
    this.suspended = state.rooms;
    for (const room of state.rooms) this.registry.addSession(room.sessionId, room.record);
    // The previous run's connection dropped when it died: the window runs from about now.
    this.startReclaimWindow();
  }

  /** The Janus session to claim on (re)connection: the one the set-aside legs live in. */
  get reclaimSessionId(): number | null {
    return this.janusSessionId;
  }

  /** What the state file keeps: the Janus session and every room's legs. */
  state(): SidecarState {
    return { version: 1, janusSessionId: this.janusSessionId, rooms: this.suspended ?? this.snapshot() };
  }

  /** The sessions whose rooms this node holds (heartbeats report them for the reconcile). */
  rooms(): string[] {
    return [...this.registry.entries()].map((e) => e.sessionId);
  }

  /**
   * Destroys rooms the control plane says belong to no session on this node (ended while the node
   * could not hear it, or moved off by a failover); their recordings are finished and uploaded.
   */
  release(sessionIds: readonly string[]): void {
    for (const sessionId of sessionIds) {
      this.deps.log.info({ sessionId }, 'releasing a room no session on this node owns');
      this.execute({ type: 'destroy-room', sessionId }).catch((err: Error) =>
        this.deps.log.warn({ sessionId, err: err.message }, 'could not release a room'),
      );
    }
  }

  private snapshot(): PersistedRoom[] {
    return snapshotRooms(this.registry, (handle) => {
      const { id, feedId, streams } = handle.ref();
      const segment = this.segments.peek(handle);
      return {
        handleId: id,
        transport: this.transports.get(handle) ?? 'direct',
        ...(feedId !== undefined ? { feedId } : {}),
        ...(streams !== undefined ? { streams } : {}),
        ...(segment ? { recording: { segment: segment.segment, base: segment.base } } : {}),
      };
    });
  }

  private adoptLeg(gateway: MediaGateway, sessionId: string, leg: PersistedLeg): void {
    const handle = gateway.adopt({
      id: leg.handleId,
      ...(leg.feedId !== undefined ? { feedId: leg.feedId } : {}),
      ...(leg.streams !== undefined ? { streams: leg.streams } : {}),
    });
    this.transports.set(handle, leg.transport);
    if (leg.recording) this.segments.begin(handle, { sessionId, participant: leg.role, ...leg.recording });
    this.watch(handle, sessionId, leg.role, leg.leg);
    this.registry.setLeg(sessionId, leg.role, leg.leg, handle);
  }

  private async ensureJanusRoom(gateway: MediaGateway, sessionId: string, record: boolean): Promise<{ created: boolean }> {
    const recDir = rawRecordingDir(this.deps.recordingsDir, sessionId);
    if (record) await mkdir(recDir, { recursive: true });
    return gateway.createRoom({ room: sessionId, record, recDir, publishers: 2 });
  }

  /** Processes segments a previous run of the sidecar left unprocessed on disk (see segment-recovery.ts). */
  recoverSegments(segments: RecordingSegment[]): void {
    for (const segment of segments) if (!this.segments.isOpen(segment)) this.recordings.schedule(segment);
  }

  /** Ends the segment a publisher handle recorded (once, whichever signal comes first). */
  private endSegment(handle: VideoRoomHandle): void {
    const segment = this.segments.end(handle);
    if (segment) this.recordings.schedule(segment);
  }

  /** Forwards the Janus events that matter for one handle to the control plane. */
  private watch(handle: VideoRoomHandle, sessionId: string, participant: Role, leg: PeerLeg): void {
    handle.onEvent((event: HandleEvent) => {
      const base = { type: 'media' as const, sessionId, participant, leg };
      switch (event.type) {
        case 'webrtcup':
          return this.deps.reportEvent({ ...base, event: 'webrtcup' });
        case 'media':
          return this.deps.reportEvent({ ...base, event: 'media', detail: `${event.media} receiving=${event.receiving}` });
        case 'slowlink':
          return this.deps.reportEvent({
            ...base,
            event: 'slowlink',
            detail: `${event.uplink ? 'uplink' : 'downlink'} ${event.media} lost=${event.lost}`,
          });
        case 'hangup':
          // Janus ended the PeerConnection (browser gone, ICE failed): the recorders are closed.
          if (leg === 'publisher') this.endSegment(handle);
          return this.deps.reportEvent({ ...base, event: 'hangup', detail: event.reason.slice(0, 256) });
        case 'unpublished':
          if (leg === 'publisher') this.endSegment(handle);
          return;
        case 'detached':
          // Janus dropped the handle on its own: forget it.
          this.registry.clearLeg(sessionId, participant, leg, handle);
          if (leg === 'publisher') this.endSegment(handle);
          this.deps.stateChanged?.();
          return;
        default:
          return assertNever(event);
      }
    });
  }
}
