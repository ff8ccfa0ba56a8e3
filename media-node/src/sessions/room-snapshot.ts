import type { PeerLeg } from '@vident/protocol';
import type { SessionRegistry } from './session-registry.ts';
import type { PersistedLeg, PersistedRoom } from './sidecar-state.ts';

const LEGS: readonly PeerLeg[] = ['publisher', 'subscriber'];

/**
 * The registry as the state file keeps it: every room with each leg's handle, described by
 * `describe` (handle id, feed, stream mids, transport, recording segment). Pure.
 */
export function snapshotRooms<H>(registry: SessionRegistry<H>, describe: (handle: H) => Omit<PersistedLeg, 'role' | 'leg'>): PersistedRoom[] {
  const rooms: PersistedRoom[] = [];
  for (const { sessionId, record, participants } of registry.entries()) {
    const legs: PersistedLeg[] = [];
    for (const [role, held] of participants) {
      for (const leg of LEGS) {
        const handle = held[leg];
        if (handle !== undefined) legs.push({ role, leg, ...describe(handle) });
      }
    }
    rooms.push({ sessionId, record, legs });
  }
  return rooms;
}
