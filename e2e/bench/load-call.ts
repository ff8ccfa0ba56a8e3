/*
 * One simulated recorded 1:1 call for the capacity benchmark: a session created through the signed
 * bank API, customer and agent speaking the browser's WebSocket protocol to the session's Durable
 * Object (consent, publish + trickle, subscribe-offer -> subscribe-answer + trickle), each with a
 * werift publisher and subscriber (two publishers, two subscribers per call; werift-peers.ts).
 */
import { randomBytes } from 'node:crypto';
import { RECORDING_CONSENT_VERSION, ServerMessage, VidentApiError, type PeerLeg, type Role } from '@vident/protocol';
import type { Stack } from '../../infra/stack.ts';
import type { JsonSocket } from './json-socket.ts';
import { errorFrames, joinSession, serverFrame } from './participant.ts';
import type { RtpSource } from './rtp-source.ts';
import { WeriftPublisher, WeriftSubscriber } from './werift-peers.ts';

/** A call whose subscribers have not both received audio and video by then is a join failure. */
export const JOIN_TIMEOUT_MS = 15_000;
const EVIDENCE_TIMEOUT_MS = 90_000;

interface LoadParticipant {
  role: Role;
  socket: JsonSocket;
  publisher: WeriftPublisher;
  subscriber: WeriftSubscriber;
}

/** Waits for a frame of `type`, failing early with the server's `error` frame if one comes instead. */
async function expectFrame<T extends ServerMessage['type']>(socket: JsonSocket, type: T, deadline: number): Promise<Extract<ServerMessage, { type: T }>> {
  const arrival = await socket.next((d) => serverFrame(type)(d) || serverFrame('error')(d), type, Math.max(1, deadline - performance.now()));
  const frame = ServerMessage.parse(arrival.data);
  if (frame.type === 'error') throw new Error(`${frame.code} while waiting for ${type}: ${frame.message}`);
  return frame as Extract<ServerMessage, { type: T }>;
}

async function sendTrickle(socket: JsonSocket, leg: PeerLeg, peer: WeriftPublisher | WeriftSubscriber): Promise<void> {
  for (const candidate of await peer.trickle()) socket.send({ type: 'trickle', leg, candidate });
}

export class LoadCall {
  readonly participants: LoadParticipant[] = [];
  sessionId = '';

  constructor(
    private readonly stack: Stack,
    private readonly source: RtpSource,
  ) {}

  /** Creates the session and brings both participants to media on both subscribers, within JOIN_TIMEOUT_MS. */
  async join(): Promise<void> {
    const created = await this.stack.bank.createSession({ externalRef: `bench-capacity-${randomBytes(4).toString('hex')}`, customerName: 'Bench', locale: 'en' });
    this.sessionId = created.sessionId;
    const deadline = performance.now() + JOIN_TIMEOUT_MS;
    await Promise.all([
      this.participant('customer', created.customerUrl, deadline),
      this.participant('agent', created.agentUrl, deadline),
    ]);
  }

  private async participant(role: Role, joinUrl: string, deadline: number): Promise<void> {
    const { socket } = await joinSession(this.stack.baseUrl, this.sessionId, joinUrl, JOIN_TIMEOUT_MS);
    const me: LoadParticipant = {
      role,
      socket,
      publisher: new WeriftPublisher(this.stack.janus.hostAddress),
      subscriber: new WeriftSubscriber(this.stack.janus.hostAddress),
    };
    this.participants.push(me);
    if (role === 'customer') socket.send({ type: 'consent', version: RECORDING_CONSENT_VERSION, accepted: true });
    socket.send({ type: 'publish', sdp: await me.publisher.offer(), audio: true, video: true });
    const published = await expectFrame(socket, 'published', deadline);
    await me.publisher.accept(published.sdp, this.source);
    await sendTrickle(socket, 'publisher', me.publisher);

    const offer = await expectFrame(socket, 'subscribe-offer', deadline);
    socket.send({ type: 'subscribe-answer', sdp: await me.subscriber.answer(offer.sdp) });
    await expectFrame(socket, 'subscribed', deadline);
    await sendTrickle(socket, 'subscriber', me.subscriber);

    while (!me.subscriber.tally.flowing) {
      if (performance.now() > deadline) {
        throw new Error(`${role}: no audio+video within ${JOIN_TIMEOUT_MS / 1000} s (publisher ${me.publisher.state}, ${me.publisher.sent} sent; subscriber ${me.subscriber.describe()})`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Error frames nobody waited for, on either socket. */
  errors(): string[] {
    return this.participants.flatMap((p) => errorFrames(p.socket));
  }

  /**
   * Hangs up (the agent's `hang-up` cancels the session), closes both legs and sockets, deletes the
   * session through the API in case the hang-up did not end it, then waits for its evidence so the
   * recordings' post-processing does not load the next step. Returns a problem, or null.
   */
  async end(): Promise<string | null> {
    const agent = this.participants.find((p) => p.role === 'agent');
    if (agent?.socket.isOpen) agent.socket.send({ type: 'hang-up' });
    await Promise.all(this.participants.flatMap((p) => [p.publisher.close(), p.subscriber.close()]));
    if (agent?.socket.isOpen) {
      await agent.socket.next(serverFrame('session-ended'), 'session-ended', 5000).catch(() => undefined);
    }
    for (const p of this.participants) p.socket.close();
    if (!this.sessionId) return null;
    try {
      await this.stack.bank.deleteSession(this.sessionId);
    } catch (error) {
      // Already ended by the hang-up: that is the normal case.
      if (!(error instanceof VidentApiError)) return `delete: ${String(error)}`;
    }
    return this.evidenceSettled();
  }

  private async evidenceSettled(): Promise<string | null> {
    const deadline = Date.now() + EVIDENCE_TIMEOUT_MS;
    for (;;) {
      try {
        await this.stack.bank.evidence(this.sessionId);
        return null;
      } catch (error) {
        if (!(error instanceof VidentApiError) || error.code !== 'evidence_not_ready') return `evidence: ${error instanceof Error ? error.message : String(error)}`;
        if (Date.now() > deadline) return `evidence not ready ${EVIDENCE_TIMEOUT_MS / 1000} s after the call`;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
}
