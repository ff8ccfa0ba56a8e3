/*
 * Continuity across a lost Janus connection and across the sidecar's own restarts: the legs are
 * set aside (in memory, and in the state file through `state()`), the reclaim window is timed, and
 * on the next connection the legs are taken over in the reclaimed Janus session, or found gone
 * (their recordings finished, the rooms made to exist again, the sessions told `media-reset`).
 * While legs are set aside the registry has no handles, so commands meanwhile find no leg.
 */
import type { NodeEvent } from '@vident/protocol';
import type { MediaGateway, VideoRoomHandle } from '../janus/media-gateway.ts';
import type { SegmentRecorder } from '../recording/segment-recorder.ts';
import type { SessionLegs } from './session-legs.ts';
import type { PersistedRoom, SidecarState } from './sidecar-state.ts';

/** The parts continuity acts on and reports through. */
export interface JanusContinuityDeps {
  legs: SessionLegs;
  recorder: SegmentRecorder<VideoRoomHandle>;
  /** Forgets handles that live outside the registry (the pre-call probes) when the session is lost. */
  forgetOtherHandles: () => void;
  /** Makes a session's VideoRoom exist (video-room.ts). */
  ensureRoom: (gateway: MediaGateway, sessionId: string, record: boolean) => Promise<{ created: boolean }>;
  reportEvent: (event: NodeEvent) => void;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** The rooms or legs changed: the sidecar's state file is to be rewritten (see sidecar-state.ts). */
  stateChanged?: () => void;
  /**
   * How long Janus keeps a session whose connection dropped (its reclaim_session_timeout, plus a
   * margin). Not reconnected by then, the legs are gone for sure and their recordings are finished.
   */
  reclaimWindowMs?: number;
}

/** Janus's reclaim_session_timeout (30 s in janus-config/janus.jcfg.template) plus a margin. */
export const DEFAULT_RECLAIM_WINDOW_MS = 35_000;

/** The legs' continuity: set aside on a lost connection, taken over or reset on the next one. */
export class JanusContinuity {
  /** The Janus session the registry's legs live in. */
  private janusSessionId: number | null = null;
  /** While Janus is unreachable: the rooms and legs to take over, or find gone, on reconnection. */
  private suspended: PersistedRoom[] | null = null;
  private reclaimTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: JanusContinuityDeps) {}

  /**
   * The Janus connection is gone. Janus keeps our session (with every handle, PeerConnection and
   * recorder) for reclaim_session_timeout, or it died with them: which one is known only on
   * reconnection, so the legs are set aside as they are (see resume) and commands meanwhile are
   * refused (503). Rooms stay known.
   */
  janusConnectionLost(): void {
    this.suspended ??= this.deps.legs.snapshot();
    // Not ended: resume() finishes them if the legs turn out to be gone, or the reclaim window does.
    this.deps.recorder.setAsideAll();
    this.deps.legs.registry.clearHandles();
    this.deps.forgetOtherHandles();
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
        this.deps.recorder.finish({ sessionId: room.sessionId, participant: leg.role, ...leg.recording });
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
      this.deps.legs.registry.addSession(room.sessionId, room.record);
      if (reclaimed) {
        for (const leg of room.legs) this.deps.legs.adopt(gateway, room.sessionId, leg);
        continue;
      }
      for (const leg of room.legs) {
        if (leg.recording) this.deps.recorder.finish({ sessionId: room.sessionId, participant: leg.role, ...leg.recording });
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
        if ((await this.deps.ensureRoom(gateway, room.sessionId, room.record)).created) reason = 'janus_restarted';
      } catch (err) {
        // The session's create-room after the reset tries again.
        this.deps.log.warn({ sessionId: room.sessionId, err: (err as Error).message }, 'could not restore a room after reconnecting to janus');
      }
      if (room.legs.length > 0) this.deps.reportEvent({ type: 'media-reset', sessionId: room.sessionId, reason });
    }
    try {
      const registry = this.deps.legs.registry;
      const before = registry.counts().sessions;
      for (const { room, record } of await gateway.listRooms()) registry.addSession(room, record);
      if (registry.counts().sessions !== before) this.deps.stateChanged?.();
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
    for (const room of state.rooms) this.deps.legs.registry.addSession(room.sessionId, room.record);
    // The previous run's connection dropped when it died: the window runs from about now.
    this.startReclaimWindow();
  }

  /** The Janus session to claim on (re)connection: the one the set-aside legs live in. */
  get reclaimSessionId(): number | null {
    return this.janusSessionId;
  }

  /** What the state file keeps: the Janus session and every room's legs. */
  state(): SidecarState {
    return { version: 1, janusSessionId: this.janusSessionId, rooms: this.suspended ?? this.deps.legs.snapshot() };
  }
}
