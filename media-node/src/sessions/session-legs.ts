/*
 * The legs this node serves right now: which handle serves each participant's publisher and
 * subscriber leg (session-registry.ts), each leg's media transport, its recording segment and the
 * forwarding of its Janus events. Command dispatch (media-commands.ts) and continuity
 * (janus-continuity.ts) both change legs through here, so a leg is always tracked the same way.
 */
import type { MediaTransport, NodeEvent, PeerLeg, Role } from '@vident/protocol';
import type { MediaGateway, VideoRoomHandle } from '../janus/media-gateway.ts';
import type { SegmentRecorder } from '../recording/segment-recorder.ts';
import { forwardLegEvents } from './leg-events.ts';
import { snapshotRooms } from './room-snapshot.ts';
import { SessionRegistry } from './session-registry.ts';
import type { PersistedLeg, PersistedRoom } from './sidecar-state.ts';

/** What the legs report to and record with. */
export interface SessionLegsDeps {
  recorder: SegmentRecorder<VideoRoomHandle>;
  /** Reports an event to the control plane (fire and forget). */
  reportEvent: (event: NodeEvent) => void;
  /** The legs changed: the sidecar's state file is to be rewritten. */
  stateChanged?: () => void;
}

/** The live legs, their transports and their recordings. */
export class SessionLegs {
  readonly registry = new SessionRegistry<VideoRoomHandle>();
  /** Each leg's media transport: which candidates pass, in its SDPs and its trickle (absent = direct). */
  private readonly transports = new WeakMap<VideoRoomHandle, MediaTransport>();

  constructor(private readonly deps: SessionLegsDeps) {}

  /** Which candidates pass for this leg (absent = direct). */
  transportOf(handle: VideoRoomHandle): MediaTransport | undefined {
    return this.transports.get(handle);
  }

  setTransport(handle: VideoRoomHandle, transport: MediaTransport): void {
    this.transports.set(handle, transport);
  }

  /** Ends the segment a publisher handle recorded (once, whichever signal comes first). */
  endSegment(handle: VideoRoomHandle): void {
    this.deps.recorder.end(handle);
  }

  /** Forwards the handle's Janus events to the control plane; its end ends its segment. */
  watch(handle: VideoRoomHandle, sessionId: string, participant: Role, leg: PeerLeg): void {
    forwardLegEvents(handle, { sessionId, participant, leg }, {
      reportEvent: this.deps.reportEvent,
      endSegment: () => this.endSegment(handle),
      dropped: () => {
        this.registry.clearLeg(sessionId, participant, leg, handle);
        if (leg === 'publisher') this.endSegment(handle);
        this.deps.stateChanged?.();
      },
    });
  }

  /** Takes over the handle of a leg the state file kept, in a reclaimed Janus session. */
  adopt(gateway: MediaGateway, sessionId: string, leg: PersistedLeg): void {
    const handle = gateway.adopt({
      id: leg.handleId,
      ...(leg.feedId !== undefined ? { feedId: leg.feedId } : {}),
      ...(leg.streams !== undefined ? { streams: leg.streams } : {}),
    });
    this.transports.set(handle, leg.transport);
    if (leg.recording) this.deps.recorder.begin(handle, { sessionId, participant: leg.role, ...leg.recording });
    this.watch(handle, sessionId, leg.role, leg.leg);
    this.registry.setLeg(sessionId, leg.role, leg.leg, handle);
  }

  /** Every room with its legs as the state file keeps them. */
  snapshot(): PersistedRoom[] {
    return snapshotRooms(this.registry, (handle) => {
      const { id, feedId, streams } = handle.ref();
      const segment = this.deps.recorder.peek(handle);
      return {
        handleId: id,
        transport: this.transports.get(handle) ?? 'direct',
        ...(feedId !== undefined ? { feedId } : {}),
        ...(streams !== undefined ? { streams } : {}),
        ...(segment ? { recording: { segment: segment.segment, base: segment.base } } : {}),
      };
    });
  }
}
