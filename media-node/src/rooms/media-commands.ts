/*
 * Executes the control plane's NodeCommands against Janus. One VideoRoom room per verification
 * session (room id = session id), publisher id = role. UDP candidates are stripped in both
 * directions (see sdp/strip-udp-candidates.ts for why).
 */
import { mkdir } from 'node:fs/promises';
import type { MediaTransport, NodeCommand, NodeCommandResult, NodeEvent, PeerLeg, Role } from '@vident/protocol';
import { conflict, janusFailure, janusUnavailable, MediaNodeError, notFound } from '../errors.ts';
import { JanusError, type HandleEvent, type MediaGateway, type RoomHandle } from '../janus/janus-gateway.ts';
import { rawRecordingDir } from '../recording/post-process.ts';
import { segmentBase } from '../recording/recording-files.ts';
import { RecordingSegments, type RecordingSegment } from '../recording/recording-segments.ts';
import { SegmentJobs, type ProcessedRecording } from '../recording/segment-jobs.ts';
import { MediaPathProbes } from '../probe/media-path-probes.ts';
import { browserSdpFor, janusSdpFor, mayTrickle } from '../sdp/candidate-policy.ts';
import { SessionRegistry } from './session-registry.ts';

const VIDEOROOM_NO_SUCH_FEED = 428;

export interface MediaCommandsDeps {
  /** The live gateway, or null while Janus is unreachable. */
  gateway: () => MediaGateway | null;
  recordingsDir: string;
  /** Reports an event to the control plane (fire and forget). */
  reportEvent: (event: NodeEvent) => void;
  /** Turns one finished segment into a sealed outbox entry; null when Janus wrote nothing for it. */
  processRecording: (segment: RecordingSegment) => Promise<ProcessedRecording | null>;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

type Result<T extends NodeCommand['type']> = NodeCommandResult<T>;

/** The media node's command layer: thin over MediaGateway, with the bookkeeping in SessionRegistry. */
export class MediaCommands {
  readonly registry = new SessionRegistry<RoomHandle>();
  private readonly segments = new RecordingSegments<RoomHandle>();
  private readonly recordings: SegmentJobs;
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Each leg's media transport: which candidates pass, in its SDPs and its trickle (absent = direct). */
  private readonly transports = new WeakMap<RoomHandle, MediaTransport>();
  /** The customers' pre-call TCP probes (EchoTest handles outside the rooms). */
  readonly probes: MediaPathProbes;

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
    const run = previous.catch(() => undefined).then(() => this.dispatch(command));
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

  private requireLeg(sessionId: string, role: Role, leg: PeerLeg): RoomHandle {
    this.requireSession(sessionId);
    const handle = this.registry.getLeg(sessionId, role, leg);
    if (!handle) throw notFound(`${role} has no ${leg} leg in session ${sessionId}`);
    return handle;
  }

  private async createRoom(sessionId: string, record: boolean): Promise<Result<'create-room'>> {
    const gateway = this.gateway();
    const recDir = rawRecordingDir(this.deps.recordingsDir, sessionId);
    if (record) await mkdir(recDir, { recursive: true });
    // Always asked of Janus (idempotent there too): after a Janus restart the registry may
    // know a room Janus has forgotten.
    await gateway.createRoom({ room: sessionId, record, recDir, publishers: 2 });
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
    const publishers: RoomHandle[] = [];
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
   * The Janus connection is gone, and with its session every handle (Janus closed their
   * recorders): finish every open segment and forget the handles. Rooms survive.
   */
  janusConnectionLost(): void {
    for (const segment of this.segments.endAll()) this.recordings.schedule(segment);
    this.registry.clearHandles();
    this.probes.forgetAll();
  }

  /** Processes segments a previous run of the sidecar left unprocessed on disk (see segment-recovery.ts). */
  recoverSegments(segments: RecordingSegment[]): void {
    for (const segment of segments) if (!this.segments.isOpen(segment)) this.recordings.schedule(segment);
  }

  /** Ends the segment a publisher handle recorded (once, whichever signal comes first). */
  private endSegment(handle: RoomHandle): void {
    const segment = this.segments.end(handle);
    if (segment) this.recordings.schedule(segment);
  }

  /** Forwards the Janus events that matter for one handle to the control plane. */
  private watch(handle: RoomHandle, sessionId: string, participant: Role, leg: PeerLeg): void {
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
          // Janus dropped the handle on its own (e.g. session timeout): forget it.
          this.registry.clearLeg(sessionId, participant, leg, handle);
          if (leg === 'publisher') this.endSegment(handle);
          return;
        default:
          return assertNever(event);
      }
    });
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled variant: ${JSON.stringify(value)}`);
}
