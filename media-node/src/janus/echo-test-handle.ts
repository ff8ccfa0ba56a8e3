/*
 * An EchoTest handle over janode: the customer's pre-call probe (data channel only, outside every
 * VideoRoom room), every request bounded (janode-request.ts).
 */
import { JANODE_EVENT } from './janode-binding.ts';
import { bounded } from './janode-request.ts';
import type { JanodeEchoTestHandle } from './janode-types.ts';
import { JanusError } from './janus-error.ts';
import type { EchoTestHandle } from './media-gateway.ts';

/** One EchoTest plugin handle in Janus, driven through janode. */
export class JanusEchoTestHandle implements EchoTestHandle {
  readonly id: string;
  private closed = false;

  constructor(
    private readonly handle: JanodeEchoTestHandle,
    private readonly timeoutMs: number,
  ) {
    this.id = String(handle.id);
  }

  async answerDataOffer(offerSdp: string): Promise<string> {
    // Raw message rather than janode's start(): it cannot say `data: true` or `trickle: false`.
    // trickle false: the offer carries every candidate, so Janus does not wait for more (FIELD-NOTES).
    const response = await bounded(
      'echotest',
      this.timeoutMs,
      this.handle.message({ audio: false, video: false, data: true }, { type: 'offer', sdp: offerSdp, trickle: false }),
    );
    if (!response.jsep?.sdp) throw new JanusError('janus answered the echotest without an SDP answer', undefined);
    return response.jsep.sdp;
  }

  onGone(listener: (reason: string) => void): void {
    let told = false;
    const once = (reason: string) => {
      if (told) return;
      told = true;
      listener(reason);
    };
    this.handle.on(JANODE_EVENT.HANDLE_HANGUP, (d) => once(String(d.reason ?? 'hangup')));
    this.handle.once(JANODE_EVENT.HANDLE_DETACHED, () => once('detached'));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await bounded('hangup', this.timeoutMs, this.handle.hangup()).catch(() => undefined);
    await bounded('detach', this.timeoutMs, this.handle.detach()).catch(() => undefined);
  }
}
