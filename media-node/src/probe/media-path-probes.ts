/*
 * The customer's pre-call TCP probe on the media node: one Janus EchoTest handle per probe, data
 * channel only, outside every VideoRoom room. Candidates are filtered both ways by the probe's
 * transport exactly as for a call leg (sdp/candidate-policy.ts: `direct` TCP only; `relay` the
 * browser's TURN relay candidates only), so a passing probe proves exactly the path the call will
 * take, the TURN fallback included. Every handle is detached when
 * Janus hangs it up (the browser closed its PeerConnection, ICE failed) or after `maxLifetimeMs`,
 * whichever comes first: a probe can never leave an orphan handle behind.
 */
import { probeOfferProblem, type NodeCommand, type NodeCommandResult } from '@vident/protocol';
import { MediaNodeError } from '../errors.ts';
import type { EchoTestHandle, MediaGateway } from '../janus/media-gateway.ts';
import { browserSdpFor, janusSdpFor } from '../sdp/candidate-policy.ts';

/** The browser gives up after 10 s; the handle is kept a little longer, never more than this. */
export const PROBE_MAX_LIFETIME_MS = 30_000;

export interface MediaPathProbesDeps {
  /** The live gateway; throws (502) while Janus is unreachable. */
  gateway: () => MediaGateway;
  log: { info(obj: object, msg: string): void };
  maxLifetimeMs?: number;
}

interface LiveProbe {
  handle: EchoTestHandle;
  sessionId: string;
  timer: ReturnType<typeof setTimeout>;
}

export class MediaPathProbes {
  private readonly live = new Map<string, LiveProbe>();

  constructor(private readonly deps: MediaPathProbesDeps) {}

  /** Probes whose EchoTest handle is still attached (tests and metrics). */
  get liveCount(): number {
    return this.live.size;
  }

  /** Answers a probe offer with Janus's answer (the candidates the probe's transport allows). */
  async answer(command: Extract<NodeCommand, { type: 'probe' }>): Promise<NodeCommandResult<'probe'>> {
    const problem = probeOfferProblem(command.sdp);
    if (problem !== null) throw new MediaNodeError('validation_failed', problem, 400);
    if (this.live.has(command.probeId)) throw new MediaNodeError('conflict', `probe ${command.probeId} is already running`, 409);
    const handle = await this.deps.gateway().attachEchoTest();
    const timer = setTimeout(() => void this.end(command.probeId, 'lifetime'), this.deps.maxLifetimeMs ?? PROBE_MAX_LIFETIME_MS);
    timer.unref?.();
    this.live.set(command.probeId, { handle, sessionId: command.sessionId, timer });
    handle.onGone((reason) => void this.end(command.probeId, reason));
    try {
      const transport = command.transport ?? 'direct';
      const answer = await handle.answerDataOffer(browserSdpFor(command.sdp, transport));
      return { sdp: janusSdpFor(answer, transport) };
    } catch (err) {
      await this.end(command.probeId, 'echotest refused');
      throw err;
    }
  }

  /** Janus's session is gone and every handle with it: forget them without asking Janus. */
  forgetAll(): void {
    for (const probe of this.live.values()) clearTimeout(probe.timer);
    this.live.clear();
  }

  /** Detaches every live probe (shutdown). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.live.keys()].map((id) => this.end(id, 'shutdown')));
  }

  private async end(probeId: string, reason: string): Promise<void> {
    const probe = this.live.get(probeId);
    if (!probe) return;
    this.live.delete(probeId);
    clearTimeout(probe.timer);
    await probe.handle.close();
    this.deps.log.info({ sessionId: probe.sessionId, probeId, reason }, 'probe ended');
  }
}
