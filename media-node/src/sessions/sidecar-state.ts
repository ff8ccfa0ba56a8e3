/*
 * What the sidecar keeps across its own restarts: its Janus session and, per room, the handle of
 * every leg. Media never passes through the sidecar: with Janus's reclaim_session_timeout, a
 * restarted sidecar claims the same Janus session and takes its handles over (the calls go on,
 * their recordings too). The file is replaced atomically on every change; a missing or
 * unreadable file means a fresh start.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MediaTransport, PeerLeg, Role, SessionId } from '@vident/protocol';
import { z } from 'zod';
import { writeFileAtomic } from '../atomic-file.ts';

const Mids = z.array(z.string().min(1).max(64)).max(16);

export const PersistedLeg = z.strictObject({
  role: Role,
  leg: PeerLeg,
  /** Janus's handle id (Janus keeps ids within JavaScript's safe integers). */
  handleId: z.number().int().positive(),
  transport: MediaTransport,
  /** Publisher legs: the feed and the stream mids Janus answered (configure addresses them). */
  feedId: z.string().min(1).max(64).optional(),
  streams: z.strictObject({ audio: Mids, video: Mids }).optional(),
  /** Publisher legs of recorded rooms: the segment Janus is writing. */
  recording: z.strictObject({ segment: z.number().int().positive().max(1000), base: z.string().min(1).max(200) }).optional(),
});
export type PersistedLeg = z.infer<typeof PersistedLeg>;

/** One session's VideoRoom (room id = session id) with the legs whose handles are in it. */
export const PersistedRoom = z.strictObject({
  sessionId: SessionId,
  record: z.boolean(),
  legs: z.array(PersistedLeg).max(8),
});
export type PersistedRoom = z.infer<typeof PersistedRoom>;

export const SidecarState = z.strictObject({
  version: z.literal(1),
  /** The Janus session the legs live in; null before the first connection. */
  janusSessionId: z.number().int().positive().nullable(),
  rooms: z.array(PersistedRoom).max(10_000),
});
export type SidecarState = z.infer<typeof SidecarState>;

export const EMPTY_STATE: SidecarState = { version: 1, janusSessionId: null, rooms: [] };

export function stateFile(recordingsDir: string): string {
  return path.join(recordingsDir, 'sidecar-state.json');
}

/** The state a previous run left, or the empty state (with the reason) when there is none usable. */
export async function loadSidecarState(file: string): Promise<{ state: SidecarState; problem: string | null }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: EMPTY_STATE, problem: null };
    return { state: EMPTY_STATE, problem: `unreadable: ${(err as Error).message}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { state: EMPTY_STATE, problem: 'not JSON' };
  }
  const parsed = SidecarState.safeParse(value);
  if (!parsed.success) return { state: EMPTY_STATE, problem: `invalid: ${parsed.error.issues[0]?.message ?? 'schema'}` };
  return { state: parsed.data, problem: null };
}

/**
 * Writes the state as it is when each write starts: writes run one at a time, and a burst of
 * changes while one is running collapses into a single following write.
 */
export class StateWriter {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly file: string,
    private readonly current: () => SidecarState,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Schedules a write; the promise settles once the state at call time (or later) is on disk. */
  changed(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await writeFileAtomic(this.file, `${JSON.stringify(this.current())}\n`);
        } catch (err) {
          this.onError(err as Error);
        }
      } while (this.again);
      this.running = null;
    })();
    return this.running;
  }
}

/** The recording segments the state's publisher legs are writing (`sessionId/base`): not left-overs. */
export function segmentsInState(state: SidecarState): Set<string> {
  return new Set(state.rooms.flatMap((room) => room.legs.flatMap((leg) => (leg.recording ? [`${room.sessionId}/${leg.recording.base}`] : []))));
}
