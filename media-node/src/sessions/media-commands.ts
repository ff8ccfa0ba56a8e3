/*
 * Command dispatch: executes the control plane's NodeCommands against Janus, one session's
 * commands in arrival order. One VideoRoom room per verification session (room id = session id),
 * publisher id = role. UDP candidates are stripped in both directions (see
 * sdp/strip-udp-candidates.ts for why). The legs are tracked in session-legs.ts; what happens to
 * them when the Janus connection drops or the sidecar restarts is janus-continuity.ts's.
 *
 * A little past 300 lines on purpose: it is the one dispatch of every command, each a short method
 * over the same legs, registry and recorder; the publish with its retry after a stale publisher
 * (a sidecar crash's leftover) is the longest, and apart from them it would need all of them.
 */
import { assertNever } from '@vident/protocol';
import type { MediaTransport, NodeCommand, NodeCommandResult, NodeEvent, PeerLeg, Role } from '@vident/protocol';
import { conflict, janusFailure, janusUnavailable, MediaNodeError, notFound } from '../errors.ts';
import { JanusError, VIDEOROOM_ID_EXISTS, VIDEOROOM_NO_SUCH_FEED } from '../janus/janus-error.ts';
import type { MediaGateway, VideoRoomHandle } from '../janus/media-gateway.ts';
import { MediaPathProbes } from '../probe/media-path-probes.ts';
import { segmentBase } from '../recording/recording-files.ts';
import type { RecordingSegment } from '../recording/recording-segments.ts';
import type { ProcessedRecording } from '../recording/segment-jobs.ts';
import { SegmentRecorder } from '../recording/segment-recorder.ts';
import { browserSdpFor, janusSdpFor, mayTrickle } from '../sdp/candidate-policy.ts';
import { JanusContinuity } from './janus-continuity.ts';
import { SessionLegs } from './session-legs.ts';
import type { SessionRegistry } from './session-registry.ts';
import { ensureVideoRoom } from './video-room.ts';

/** Janus, where recordings go, and where events, logs and state changes are reported. */
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
  /** Janus's reclaim window (see janus-continuity.ts). */
  reclaimWindowMs?: number;
}

/** Commands after which the state file no longer matches the registry. */
const CHANGES_LEGS: ReadonlySet<NodeCommand['type']> = new Set(['create-room', 'destroy-room', 'publish', 'subscribe', 'leave']);

type Result<T extends NodeCommand['type']> = NodeCommandResult<T>;

/**
 * The media node's command layer: thin over MediaGateway, with the legs in SessionLegs. It owns
 * the parts the commands act on and exposes them to the sidecar's composition (main.ts): the
 * recordings, the pre-call probes and the continuity across lost connections.
 */
export class MediaCommands {
  readonly recorder: SegmentRecorder<VideoRoomHandle>;
  private readonly legs: SessionLegs;
  /** The customers' pre-call TCP probes (EchoTest handles outside the rooms). */
  readonly probes: MediaPathProbes;
  /** Taking the legs over (or resetting them) across lost Janus connections and sidecar restarts. */
  readonly continuity: JanusContinuity;
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: MediaCommandsDeps) {
    this.recorder = new SegmentRecorder({ process: deps.processRecording, reportEvent: deps.reportEvent, log: deps.log });
    this.legs = new SessionLegs({ recorder: this.recorder, reportEvent: deps.reportEvent, ...(deps.stateChanged ? { stateChanged: deps.stateChanged } : {}) });
    this.probes = new MediaPathProbes({ gateway: () => this.gateway(), log: deps.log });
    this.continuity = new JanusContinuity({
      legs: this.legs,
      recorder: this.recorder,
      forgetOtherHandles: () => this.probes.forgetAll(),
      ensureRoom: (gateway, sessionId, record) => ensureVideoRoom(gateway, deps.recordingsDir, sessionId, record),
      reportEvent: deps.reportEvent,
      log: deps.log,
      ...(deps.stateChanged ? { stateChanged: deps.stateChanged } : {}),
      ...(deps.reclaimWindowMs !== undefined ? { reclaimWindowMs: deps.reclaimWindowMs } : {}),
    });
  }

  /** Which sessions this node hosts and which handle serves each leg. */
  get registry(): SessionRegistry<VideoRoomHandle> {
    return this.legs.registry;
  }

  /** Recordings being converted and sealed; tests and shutdown can await them. */
  get pendingRecordings(): ReadonlySet<Promise<void>> {
    return this.recorder.pending;
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
          await handle.start(browserSdpFor(command.sdp, this.legs.transportOf(handle)));
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
    await ensureVideoRoom(this.gateway(), this.deps.recordingsDir, sessionId, record);
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
      this.legs.endSegment(previous);
    }
    try {
      return await this.publishOnNewHandle(gateway, command, true);
    } catch (err) {
      if (!isFeedTaken(err)) throw err;
      // A publisher this node does not know holds the feed: a handle attached just before a
      // sidecar crash, never written to the state file. Janus keeps it for its session; out it goes.
      this.deps.log.warn({ sessionId: command.sessionId, participant: command.participant }, 'kicking a stale publisher of this feed');
      await gateway.kickFeed(command.sessionId, command.participant);
      // On a new handle: the refused one has already taken this offer (Janus's core processes the
      // SDP before the plugin refuses the join), and the same offer again there could be answered
      // as a renegotiation of an ICE session it had started.
      return await this.publishOnNewHandle(gateway, command, false);
    }
  }

  /**
   * Publishes on a handle of its own. A handle whose publish failed is closed and its segment ended,
   * but on a first try refused for a feed held by a stale publisher: that segment is published
   * again on another handle (see publish), so it is dropped unreported.
   */
  private async publishOnNewHandle(gateway: MediaGateway, command: Extract<NodeCommand, { type: 'publish' }>, firstTry: boolean): Promise<Result<'publish'>> {
    const handle = await gateway.attach();
    const transport = command.transport ?? 'direct';
    this.legs.setTransport(handle, transport);
    let recordingBase: string | undefined;
    if (this.registry.isRecorded(command.sessionId)) {
      recordingBase = segmentBase(command.participant, command.segment, Date.now());
      // Tracked before Janus can report anything about the handle.
      this.recorder.begin(handle, { sessionId: command.sessionId, participant: command.participant, segment: command.segment, base: recordingBase });
    }
    this.legs.watch(handle, command.sessionId, command.participant, 'publisher');
    try {
      const answer = await handle.publish({
        room: command.sessionId,
        feedId: command.participant,
        display: command.display,
        audio: command.audio,
        video: command.video,
        offerSdp: browserSdpFor(command.sdp, transport),
        recordingBase,
      });
      this.registry.setLeg(command.sessionId, command.participant, 'publisher', handle);
      return { sdp: janusSdpFor(answer, transport) };
    } catch (err) {
      // Before the close, whose hangup would end the segment too.
      if (firstTry && isFeedTaken(err)) this.recorder.discard(handle);
      await handle.close();
      this.legs.endSegment(handle);
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
    this.legs.watch(handle, sessionId, participant, 'subscriber');
    try {
      const offer = await handle.subscribe({ room: sessionId, feedId: feed });
      this.registry.setLeg(sessionId, participant, 'subscriber', handle);
      this.legs.setTransport(handle, transport);
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
    } else if (mayTrickle(candidate.candidate, this.legs.transportOf(handle))) {
      await handle.trickle(candidate);
    }
    return {};
  }

  private async leave(sessionId: string, participant: Role): Promise<Result<'leave'>> {
    this.requireSession(sessionId);
    const legs = this.registry.removeParticipant(sessionId, participant);
    if (!legs) throw notFound(`${participant} is not in session ${sessionId}`);
    await Promise.all([legs.publisher?.close(), legs.subscriber?.close()]);
    if (legs.publisher) this.legs.endSegment(legs.publisher);
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
    for (const handle of publishers) this.legs.endSegment(handle);
    const { existed } = await this.gateway().destroyRoom(sessionId);
    if (!participants && !existed) throw notFound(`unknown session ${sessionId}`);
    return { sessionId };
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
}

/** Janus refused a publish because another publisher holds the feed id. */
function isFeedTaken(err: unknown): boolean {
  return err instanceof JanusError && err.janusCode === VIDEOROOM_ID_EXISTS;
}
