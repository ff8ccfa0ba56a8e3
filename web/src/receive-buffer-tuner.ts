import { reportEntries, summarizeLeg, type StatsEntry } from './call-stats.ts';
import { initialJitterFloor, nextJitterFloor, type JitterFloorState, type ReceiverSample } from './jitter-floor.ts';
import { StatsSampler } from './stats-sampler.ts';

/*
 * Runs jitter-floor.ts on one subscriber leg: samples its getStats every TUNE_INTERVAL_MS and sets
 * the floor on the leg's video receivers (RTCRtpReceiver.jitterBufferTarget; a browser without it
 * keeps its own buffer). One tuner per leg: a rebuilt leg starts without a floor.
 */

export const TUNE_INTERVAL_MS = 1000;

/** The part of RTCPeerConnection the tuner needs. */
export interface TunedConnection {
  getStats(): Promise<RTCStatsReport>;
  getReceivers(): Array<{ track: { kind: string }; jitterBufferTarget?: number | null }>;
}

/** The inbound video counters and whether media comes over TCP, from one leg's report entries. */
export function readReceiverSample(entries: readonly StatsEntry[], at: number): { sample: ReceiverSample | null; tcp: boolean } {
  const leg = summarizeLeg(entries);
  const v = leg.inboundVideo;
  const local = leg.selectedPair?.local;
  // Direct ICE-TCP, or a relay reached over TCP or TLS: either way one TCP connection carries it all.
  const tcp = local?.protocol === 'tcp' || local?.relayProtocol === 'tcp' || local?.relayProtocol === 'tls';
  if (v === null || v.freezeCount === null || v.totalFreezesDuration === null) return { sample: null, tcp };
  return { sample: { at, framesDecoded: v.framesDecoded, freezeCount: v.freezeCount, totalFreezesDuration: v.totalFreezesDuration }, tcp };
}

export class ReceiveBufferTuner extends StatsSampler {
  private state: JitterFloorState;
  private applied = 0;

  constructor(
    private readonly pc: TunedConnection,
    private readonly now: () => number = () => performance.now(),
  ) {
    super(TUNE_INTERVAL_MS);
    this.state = initialJitterFloor(now());
  }

  /** The floor now, ms (0: none). */
  get floorMs(): number {
    return this.state.targetMs;
  }

  protected async sample(): Promise<void> {
    const { sample, tcp } = readReceiverSample(reportEntries(await this.pc.getStats()), this.now());
    if (sample === null) return;
    this.state = nextJitterFloor(this.state, sample, { tcp });
    if (this.state.targetMs !== this.applied) this.apply(this.state.targetMs);
  }

  private apply(targetMs: number): void {
    for (const receiver of this.pc.getReceivers()) {
      if (receiver.track.kind !== 'video' || !('jitterBufferTarget' in receiver)) continue;
      receiver.jitterBufferTarget = targetMs === 0 ? null : targetMs;
    }
    this.applied = targetMs;
    console.info(`vident: video receive buffer floor ${targetMs === 0 ? 'off' : `${targetMs} ms`} (stalls on the TCP path)`);
  }
}
