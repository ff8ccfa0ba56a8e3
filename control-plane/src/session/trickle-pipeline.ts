import type { Role } from '@vident/protocol';

/**
 * A participant's trickle commands to the media node, in order, but outside the session's
 * one-at-a-time queue: a candidate's node round trip no longer holds up the frames and node events
 * behind it (the other party's `webrtcup`, a `subscribe-answer`). Before a command that replaces a
 * participant's legs (publish, subscribe-answer) the relay waits for that participant's queued
 * candidates, so none of them reaches a handle it was not meant for.
 */
export class TricklePipeline {
  private readonly tails: Record<Role, Promise<void>> = { customer: Promise.resolve(), agent: Promise.resolve() };

  /** Runs `send` after the role's earlier ones; returns at once. A failure is `send`'s to report. */
  push(role: Role, send: () => Promise<void>): void {
    this.tails[role] = this.tails[role].then(send).catch(() => undefined);
  }

  /** Resolves once every command pushed so far for `role` has finished. */
  drained(role: Role): Promise<void> {
    return this.tails[role];
  }
}
