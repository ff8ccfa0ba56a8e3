import type { PeerLeg, Role } from '@vident/protocol';

/** The Janus handles one participant holds: its upstream (publisher) and downstream (subscriber) legs. */
export interface ParticipantLegs<H> {
  publisher?: H;
  subscriber?: H;
}

interface SessionEntry<H> {
  record: boolean;
  participants: Map<Role, ParticipantLegs<H>>;
}

/** Handle counts reported in heartbeats. */
export interface RegistryCounts {
  sessions: number;
  publishers: number;
  subscribers: number;
}

/**
 * Which verification sessions (= VideoRoom rooms) this node hosts and which handle serves each
 * participant's legs. Plain bookkeeping, no I/O; generic over the handle type so it is tested
 * without Janus.
 */
export class SessionRegistry<H> {
  private readonly sessions = new Map<string, SessionEntry<H>>();

  /** Adds a session; returns false (and keeps the existing one) if it is already known. */
  addSession(sessionId: string, record: boolean): boolean {
    if (this.sessions.has(sessionId)) return false;
    this.sessions.set(sessionId, { record, participants: new Map() });
    return true;
  }

  hasSession(sessionId: string): boolean {
    return this.sessions.has(sessionId);
  }

  isRecorded(sessionId: string): boolean {
    return this.sessions.get(sessionId)?.record ?? false;
  }

  /** The handle serving one leg, if any. */
  getLeg(sessionId: string, role: Role, leg: PeerLeg): H | undefined {
    return this.sessions.get(sessionId)?.participants.get(role)?.[leg];
  }

  /**
   * Stores the handle for a leg and returns the handle it replaces (the caller closes it).
   * Throws if the session is unknown: callers check first and answer not_found.
   */
  setLeg(sessionId: string, role: Role, leg: PeerLeg, handle: H): H | undefined {
    const session = this.sessions.get(sessionId);
    if (!session) throw new Error(`unknown session ${sessionId}`);
    const legs = session.participants.get(role) ?? {};
    const previous = legs[leg];
    legs[leg] = handle;
    session.participants.set(role, legs);
    return previous;
  }

  /** Forgets one leg's handle if it is still the given one (a replaced handle must not evict its successor). */
  clearLeg(sessionId: string, role: Role, leg: PeerLeg, handle: H): void {
    const legs = this.sessions.get(sessionId)?.participants.get(role);
    if (legs && legs[leg] === handle) delete legs[leg];
  }

  /** Removes a participant and returns the legs it held (undefined if it held none). */
  removeParticipant(sessionId: string, role: Role): ParticipantLegs<H> | undefined {
    const session = this.sessions.get(sessionId);
    const legs = session?.participants.get(role);
    session?.participants.delete(role);
    if (!legs || (legs.publisher === undefined && legs.subscriber === undefined)) return undefined;
    return legs;
  }

  /** Removes a session and returns every participant's legs. */
  removeSession(sessionId: string): Map<Role, ParticipantLegs<H>> | undefined {
    const session = this.sessions.get(sessionId);
    this.sessions.delete(sessionId);
    return session?.participants;
  }

  /** Every session with its record flag and participants' legs (for the sidecar's state file). */
  *entries(): IterableIterator<{ sessionId: string; record: boolean; participants: ReadonlyMap<Role, ParticipantLegs<H>> }> {
    for (const [sessionId, session] of this.sessions) yield { sessionId, record: session.record, participants: session.participants };
  }

  /** Drops every handle (they died with the Janus connection) but keeps the sessions. */
  clearHandles(): void {
    for (const session of this.sessions.values()) session.participants.clear();
  }

  counts(): RegistryCounts {
    let publishers = 0;
    let subscribers = 0;
    for (const session of this.sessions.values()) {
      for (const legs of session.participants.values()) {
        if (legs.publisher !== undefined) publishers++;
        if (legs.subscriber !== undefined) subscribers++;
      }
    }
    return { sessions: this.sessions.size, publishers, subscribers };
  }
}
