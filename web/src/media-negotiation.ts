import { assertNever } from '@vident/protocol';
import type { Role } from '@vident/protocol';
import type { CallView } from './call-view.ts';
import type { LocalMedia } from './local-media.ts';
import type { MediaLegs } from './media-legs.ts';
import type { MessageChain } from './message-chain.ts';
import { markPhase } from './join-phases.ts';
import { mayOpenCamera } from './consent-gate.ts';
import { frameFamily, type FrameOf } from './server-frames.ts';

/** The server frames that negotiate the media legs. */
export const isNegotiationFrame = frameFamily(['published', 'subscribe-offer', 'subscribed', 'media-moved', 'media-event']);
export type NegotiationFrame = FrameOf<typeof isNegotiationFrame>;

/** What the negotiation needs from the call. */
export interface MediaNegotiationPort {
  readonly role: Role;
  /** The call's view: media, localStream and localMedia are read and written here. */
  readonly view: CallView;
  /** Ended, or unable to go on: no leg is prepared any more. */
  isOver(): boolean;
  /** The signaling socket now: a publish goes out only on the socket that asked for it, once joined. */
  socket(): { generation: number; joined: boolean };
  /** The camera could not be had: said in the banner. */
  reportMedia(message: string): void;
  /** Something changed: show the call again. */
  emit(): void;
}

/**
 * The page's side of media negotiation: the agent's publisher leg prepared before `welcome`, the
 * publish once the camera is up, and the server's `published`, `subscribe-offer`, `subscribed`,
 * `media-moved` and `media-event` applied to the two legs (media-legs.ts; the trickle both ways is
 * theirs). Publishes and these frames run in the
 * call's message chain (message-chain.ts), but for the subscriber's answer, made beside it.
 */
export class MediaNegotiation {
  /** The subscriber's latest answer being made beside the chain; `subscribed` follows it. */
  private subscribing: Promise<void> = Promise.resolve();

  constructor(
    private readonly legs: MediaLegs,
    private readonly media: LocalMedia,
    private readonly chain: MessageChain,
    private readonly port: MediaNegotiationPort,
  ) {}

  /** Applies one negotiation frame (from the message chain). */
  async handle(msg: NegotiationFrame): Promise<void> {
    switch (msg.type) {
      case 'published':
        await this.legs.accept(msg.ref, msg.sdp);
        return;
      case 'subscribe-offer':
        // Beside the chain: a `published` right behind it (the joiner's own) need not wait for it.
        this.subscribing = this.chain.beside(() => this.legs.subscribe(msg.sdp)).then(() => this.port.emit());
        return;
      case 'subscribed':
        await this.subscribing;
        this.legs.subscribed();
        return;
      case 'media-moved':
        // The session moved to another media node: both legs start over there, on this socket.
        console.info('vident: the session moved to another media node; publishing there');
        this.legs.close();
        if (!this.port.view.consentPrompt) this.publishWhenMediaReady();
        return;
      case 'media-event':
        if (msg.event !== 'media') console.info(`vident: ${msg.leg} ${msg.event}${msg.detail ? `: ${msg.detail}` : ''}`);
        return;
      default:
        assertNever(msg);
    }
  }

  /**
   * As the socket connects: the agent's camera opens (never a customer's before `welcome`: see
   * mayOpenCamera); publishWhenMediaReady then shares this one request. Its publisher leg and offer
   * are built as soon as the camera is up (MediaLegs.prepare), so the publish after `welcome` need
   * not wait for them.
   */
  prepare(): void {
    if (!mayOpenCamera({ role: this.port.role, consent: null, acceptedOnThisPage: false })) return;
    void this.media.get().then(
      (stream) => {
        if (!this.port.isOver()) this.legs.prepare(stream);
      },
      () => undefined,
    );
  }

  /**
   * Gets the camera (a permission prompt can take a while, so outside the message chain: `session-ended`
   * must not wait for it), then publishes in the chain if this socket is still the joined one.
   */
  publishWhenMediaReady(): void {
    const { view } = this.port;
    const generation = this.port.socket().generation;
    if (this.media.current === null) view.media = 'acquiring';
    this.port.emit();
    this.media.get().then(
      (stream) => {
        markPhase('camera');
        view.media = 'ready';
        view.localStream = stream;
        this.chain.enqueue(async () => {
          const socket = this.port.socket();
          const stale = socket.generation !== generation || !socket.joined;
          if (stale || view.ended || view.consentPrompt) return;
          await this.legs.publish(stream, () => view.localMedia);
          this.port.emit();
        });
        this.port.emit();
      },
      (err: unknown) => {
        if (view.ended) return;
        view.media = 'failed';
        this.port.reportMedia(err instanceof Error ? err.message : String(err));
        this.port.emit();
      },
    );
  }
}
