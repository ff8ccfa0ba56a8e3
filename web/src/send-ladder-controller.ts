import { summarizeLeg, type StatsEntry } from './call-stats.ts';
import { StatsSampler } from './stats-sampler.ts';
import { FACE_LADDER, initialLadder, nextLadder, type LadderState, type SendStep, type SenderSample } from './send-ladder.ts';

/*
 * Runs send-ladder.ts on one publisher leg: samples its stats every SAMPLE_INTERVAL_MS and tells
 * the leg when the face's step changes (the leg sets its sender's parameters). One per leg: a
 * republished leg starts again at the top, as the browser's estimate does.
 */

export const SAMPLE_INTERVAL_MS = 1000;

/** The encoder's running quantiser counters (outbound-rtp `qpSum`, `framesEncoded`). */
export interface QpCounters {
  qpSum: number;
  framesEncoded: number;
}

/** The largest outbound video stream's quantiser counters, or null when it reports none. */
function qpCounters(entries: readonly StatsEntry[]): QpCounters | null {
  let best: StatsEntry | null = null;
  for (const e of entries) {
    if (e.type !== 'outbound-rtp' || (e.kind ?? e.mediaType) !== 'video') continue;
    if (best === null || Number(e.bytesSent ?? 0) > Number(best.bytesSent ?? 0)) best = e;
  }
  return typeof best?.qpSum === 'number' && typeof best.framesEncoded === 'number' ? { qpSum: best.qpSum, framesEncoded: best.framesEncoded } : null;
}

/**
 * The bandwidth estimate, the CPU limitation and the mean quantiser since `previous` (the counters
 * of the sample before), from one publisher leg's report entries; `counters` are this sample's, for
 * the next one.
 */
export function readSenderSample(entries: readonly StatsEntry[], at: number, previous: QpCounters | null): { sample: SenderSample; counters: QpCounters | null } {
  const leg = summarizeLeg(entries);
  const bits = leg.selectedPair?.availableOutgoingBitrate ?? null;
  const counters = qpCounters(entries);
  const frames = counters !== null && previous !== null ? counters.framesEncoded - previous.framesEncoded : 0;
  const qp = frames > 0 ? (counters!.qpSum - previous!.qpSum) / frames : null;
  return {
    sample: { at, estimateKbps: bits === null ? null : bits / 1000, cpuLimited: leg.outboundVideo?.qualityLimitationReason === 'cpu', qp },
    counters,
  };
}

export class SendLadder extends StatsSampler {
  private state: LadderState = initialLadder();
  private counters: QpCounters | null = null;

  constructor(
    /** The leg's stats (none once it is closed). */
    private readonly stats: () => Promise<StatsEntry[]>,
    /** The step changed: set it on the sender. */
    private readonly onStep: (step: SendStep) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    super(SAMPLE_INTERVAL_MS);
  }

  /** The face's step now. */
  get step(): SendStep {
    return FACE_LADDER[this.state.step]!;
  }

  protected async sample(): Promise<void> {
    const entries = await this.stats();
    if (entries.length === 0) return;
    const { sample, counters } = readSenderSample(entries, this.now(), this.counters);
    this.counters = counters;
    const before = this.state.step;
    this.state = nextLadder(this.state, sample);
    if (this.state.step === before) return;
    const { height, maxFramerate } = this.step;
    const qp = sample.qp === null ? '' : `, quantiser ${sample.qp.toFixed(0)}`;
    console.info(`vident: face video sent at up to ${height}p, ${maxFramerate} fps (bandwidth estimate ${sample.estimateKbps?.toFixed(0) ?? '?'} kbit/s${qp}${sample.cpuLimited ? ', CPU limited' : ''})`);
    this.onStep(this.step);
  }
}
