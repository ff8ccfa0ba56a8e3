/*
 * Continuity: taking the legs over after a lost Janus connection or a sidecar restart, through the
 * command layer that owns it, on an in-memory gateway (the real path, with Janus and browsers, is
 * e2e/src/sidecar-restart.test.ts and the Janus-restart test of e2e/src/failover.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { NodeEvent } from '@vident/protocol';
import type { HandleEvent, HandleRef, MediaGateway, VideoRoomHandle } from '../janus/media-gateway.ts';
import type { RecordingSegment } from '../recording/recording-segments.ts';
import { MediaCommands } from './media-commands.ts';
import type { SidecarState } from './sidecar-state.ts';

const SESSION = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const ORPHAN = '0b6a4d3e-1f2a-4c5b-8d7e-9f0a1b2c3d4e';

class MemoryHandle implements VideoRoomHandle {
  readonly id: string;
  configured: Array<{ audio: boolean; video: boolean }> = [];
  closed = false;
  constructor(private readonly r: HandleRef) {
    this.id = String(r.id);
  }
  ref(): HandleRef {
    return this.r;
  }
  publish = () => Promise.resolve('v=0 answer');
  subscribe = () => Promise.resolve('v=0 offer');
  start = () => Promise.resolve();
  trickle = () => Promise.resolve();
  async configure(p: { audio: boolean; video: boolean }) {
    this.configured.push(p);
  }
  async close() {
    this.closed = true;
  }
  onEvent(_listener: (event: HandleEvent) => void): void {}
}

class MemoryGateway implements MediaGateway {
  up = true;
  readonly rooms = new Map<string, boolean>();
  readonly adopted: MemoryHandle[] = [];
  constructor(
    readonly sessionId: number,
    readonly reclaimed: boolean,
    janusRooms: string[] = [],
  ) {
    for (const room of janusRooms) this.rooms.set(room, true);
  }
  adopt(ref: HandleRef): VideoRoomHandle {
    const handle = new MemoryHandle(ref);
    this.adopted.push(handle);
    return handle;
  }
  async kickFeed() {}
  async listRooms() {
    return [...this.rooms].map(([room, record]) => ({ room, record }));
  }
  async createRoom(p: { room: string; record: boolean }) {
    const created = !this.rooms.has(p.room);
    this.rooms.set(p.room, p.record);
    return { created };
  }
  async destroyRoom(room: string) {
    return { existed: this.rooms.delete(room) };
  }
  attach(): Promise<VideoRoomHandle> {
    throw new Error('not in this test');
  }
  attachEchoTest(): never {
    throw new Error('not in this test');
  }
}

const previous: SidecarState = {
  version: 1,
  janusSessionId: 77,
  rooms: [
    {
      sessionId: SESSION,
      record: false,
      legs: [
        { role: 'customer', leg: 'publisher', handleId: 1, transport: 'direct', feedId: 'customer', streams: { audio: ['0'], video: ['1'] }, recording: { segment: 1, base: 'customer-1-1' } },
        { role: 'customer', leg: 'subscriber', handleId: 2, transport: 'direct' },
        { role: 'agent', leg: 'publisher', handleId: 3, transport: 'relay', feedId: 'agent', streams: { audio: ['0'], video: ['1'] }, recording: { segment: 1, base: 'agent-1-1' } },
      ],
    },
  ],
};

function setup(reclaimWindowMs = 60_000) {
  const events: NodeEvent[] = [];
  const processed: RecordingSegment[] = [];
  let gateway: MemoryGateway | null = null;
  const commands = new MediaCommands({
    gateway: () => gateway,
    recordingsDir: '/tmp/vident-unused',
    reportEvent: (e) => events.push(e),
    processRecording: async (segment) => {
      processed.push(segment);
      return null;
    },
    log: { info: () => undefined, warn: () => undefined },
    reclaimWindowMs,
  });
  const connect = async (g: MemoryGateway) => {
    await commands.continuity.resume(g);
    gateway = g;
  };
  return { commands, events, processed, connect };
}

describe('taking the legs over after a restart', () => {
  it('with the Janus session reclaimed: every leg goes on, nothing is reset or finished, commands reach it', async () => {
    const { commands, events, processed, connect } = setup();
    commands.continuity.load(structuredClone(previous));
    const janus = new MemoryGateway(77, true, [SESSION]);
    await connect(janus);
    expect(commands.registry.counts()).toEqual({ sessions: 1, publishers: 2, subscribers: 1 });
    expect(janus.adopted.map((h) => h.ref().id)).toEqual([1, 2, 3]);
    expect(events).toEqual([]);
    expect(processed).toEqual([]);
    // The state to persist now is the same legs in the same Janus session.
    expect(commands.continuity.state()).toEqual(previous);
    await commands.execute({ type: 'configure', sessionId: SESSION, participant: 'customer', audio: true, video: false });
    expect(janus.adopted[0]!.configured).toEqual([{ audio: true, video: false }]);
    // Ending the session finishes the taken-over recordings.
    await commands.execute({ type: 'destroy-room', sessionId: SESSION });
    await Promise.all([...commands.pendingRecordings]);
    expect(processed.map((s) => s.base).sort()).toEqual(['agent-1-1', 'customer-1-1']);
    expect(janus.rooms.has(SESSION)).toBe(false);
  });

  it('with a restarted Janus: the recordings are finished, the room is created again and the session reset', async () => {
    const { commands, events, processed, connect } = setup();
    commands.continuity.load(structuredClone(previous));
    const janus = new MemoryGateway(88, false);
    await connect(janus);
    await Promise.all([...commands.pendingRecordings]);
    expect(processed.map((s) => s.base).sort()).toEqual(['agent-1-1', 'customer-1-1']);
    expect(janus.rooms.get(SESSION)).toBe(false);
    expect(events).toContainEqual({ type: 'media-reset', sessionId: SESSION, reason: 'janus_restarted' });
    expect(commands.registry.counts()).toEqual({ sessions: 1, publishers: 0, subscribers: 0 });
    expect(commands.continuity.state()).toEqual({ version: 1, janusSessionId: 88, rooms: [{ sessionId: SESSION, record: false, legs: [] }] });
  });

  it('when the reclaim window passed with Janus still up: the room stands, the session is reset', async () => {
    const { commands, events, connect } = setup();
    commands.continuity.load(structuredClone(previous));
    await connect(new MemoryGateway(99, false, [SESSION]));
    expect(events).toContainEqual({ type: 'media-reset', sessionId: SESSION, reason: 'janus_session_lost' });
  });

  it('finishes the recordings once the reclaim window closes without a connection, and only once', async () => {
    const { commands, events, processed, connect } = setup(20);
    commands.continuity.load(structuredClone(previous));
    await new Promise((r) => setTimeout(r, 60));
    await Promise.all([...commands.pendingRecordings]);
    expect(processed).toHaveLength(2);
    // Janus comes back much later (restarted): the session is still reset, nothing finished twice.
    await connect(new MemoryGateway(100, false));
    await Promise.all([...commands.pendingRecordings]);
    expect(processed).toHaveLength(2);
    expect(events.filter((e) => e.type === 'media-reset')).toHaveLength(1);
  });

  it('finishes the recordings at once when Janus is found not running, and still resets the session on its return', async () => {
    const { commands, events, processed, connect } = setup();
    commands.continuity.load(structuredClone(previous));
    commands.continuity.janusNotRunning();
    await Promise.all([...commands.pendingRecordings]);
    expect(processed.map((s) => s.base).sort()).toEqual(['agent-1-1', 'customer-1-1']);
    // Refused again on the next attempt: nothing is finished twice.
    commands.continuity.janusNotRunning();
    await connect(new MemoryGateway(101, false));
    await Promise.all([...commands.pendingRecordings]);
    expect(processed).toHaveLength(2);
    expect(events).toContainEqual({ type: 'media-reset', sessionId: SESSION, reason: 'janus_restarted' });
  });

  it('does nothing on a refused connection while no legs are set aside', async () => {
    const { commands, processed, connect } = setup();
    await connect(new MemoryGateway(7, false));
    commands.continuity.janusNotRunning();
    expect(processed).toEqual([]);
  });

  it('takes in session rooms Janus holds that it does not know, and releases what the control plane disowns', async () => {
    const { commands, connect } = setup();
    const janus = new MemoryGateway(5, false, [ORPHAN]);
    await connect(janus);
    expect(commands.rooms()).toEqual([ORPHAN]);
    commands.release([ORPHAN]);
    await new Promise((r) => setTimeout(r, 10));
    expect(commands.rooms()).toEqual([]);
    expect(janus.rooms.size).toBe(0);
  });

  it('sets the legs aside when the connection drops and takes them over on the reclaimed session', async () => {
    const { commands, connect } = setup();
    commands.continuity.load(structuredClone(previous));
    await connect(new MemoryGateway(77, true, [SESSION]));
    commands.continuity.janusConnectionLost();
    expect(commands.registry.counts()).toEqual({ sessions: 1, publishers: 0, subscribers: 0 });
    // Still persisted as they were: a restart now would claim them too.
    expect(commands.continuity.state()).toEqual(previous);
    const again = new MemoryGateway(77, true, [SESSION]);
    await connect(again);
    expect(commands.registry.counts()).toEqual({ sessions: 1, publishers: 2, subscribers: 1 });
    expect(again.adopted).toHaveLength(3);
  });
});
