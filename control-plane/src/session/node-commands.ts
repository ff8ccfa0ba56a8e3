import { isTerminalState, type NodeCommand, type Role } from '@vident/protocol';
import { log } from '../base/log.ts';
import type { CommandOutcome } from '../fleet/node-client.ts';
import type { NodeFailover } from './node-failover.ts';
import { otherRole, type SessionRecord } from './session-record.ts';
import type { SessionPorts } from './session-ports.ts';

/**
 * The session's commands to its media node, with the two steps the relay and the node's events
 * share: creating the Janus room on first use, and subscribing a participant to the other's feed.
 * A command the node cannot carry out at all moves the session (NodeFailover.movedAfter).
 */
export class NodeCommands {
  constructor(
    private readonly record: SessionRecord,
    private readonly ports: SessionPorts,
    private readonly failover: NodeFailover,
  ) {}

  /** Sends one command to the session's node; a failure is logged and returned. */
  async send<C extends NodeCommand>(command: C): Promise<CommandOutcome<C['type']>> {
    const out = await this.ports.command(command);
    if (!out.ok) log('node_command_failed', { sessionId: this.record.sessionId, nodeId: this.record.nodeId, command: command.type, message: out.message });
    return out;
  }

  /** Creates the session's Janus room unless it exists; false (and `role` told why) when that failed. */
  async ensureRoom(role: Role): Promise<boolean> {
    const r = this.record;
    if (r.roomCreated) return true;
    const out = await this.send({ type: 'create-room', sessionId: r.sessionId, record: r.record });
    if (!out.ok) {
      if (!(await this.failover.movedAfter(out))) this.ports.send(role, { type: 'error', code: out.code, message: out.message });
      return false;
    }
    r.roomCreated = true;
    await this.ports.save(r);
    return true;
  }

  /**
   * Creates the room ahead of the first publish (a participant's page connected), so that publish
   * does not wait for it. Quiet: a failure is left to the publish's ensureRoom, which reports it.
   */
  async prewarmRoom(): Promise<void> {
    const r = this.record;
    if (r.roomCreated || isTerminalState(r.state)) return;
    const out = await this.send({ type: 'create-room', sessionId: r.sessionId, record: r.record });
    if (!out.ok || r.roomCreated) return;
    r.roomCreated = true;
    await this.ports.save(r);
  }

  /** Subscribes `subscriber` to the other participant's feed once that publisher is up. */
  async subscribeToPeer(subscriber: Role): Promise<void> {
    const r = this.record;
    const feed = otherRole(subscriber);
    const me = r.participants[subscriber];
    if (isTerminalState(r.state) || me.subscribed || !this.ports.isConnected(subscriber) || !r.participants[feed].publisherUp) return;
    // In memory first (the session's queue runs one operation at a time), stored after the node
    // answered: a save before the command would hold it until the write is confirmed (output gate).
    me.subscribed = true;
    const out = await this.send({ type: 'subscribe', sessionId: r.sessionId, participant: subscriber, feed, transport: me.transport ?? 'direct' });
    if (!out.ok) {
      me.subscribed = false;
      await this.ports.save(r);
      if (!(await this.failover.movedAfter(out))) this.ports.send(subscriber, { type: 'error', code: out.code, message: out.message });
      return;
    }
    // The offer goes out before the save (output gate, as the relay's `published`): media
    // negotiation only. Should the object die before `subscribed` is on disk, the pages' sockets
    // drop with it, they reconnect and publish again, and the leg is offered anew from the
    // record as last stored.
    this.ports.send(subscriber, { type: 'subscribe-offer', sdp: out.result.sdp });
    await this.ports.save(r);
  }
}
