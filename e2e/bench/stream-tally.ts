/*
 * What a subscriber leg received: RTP counted per SSRC, with its loss from sequence numbers, for
 * the two subscribed media. Pure (headers in, counts out); stream-tally.test.ts covers it.
 */
import { SequenceLoss, windowLoss, type LossCount } from './capacity-math.ts';
import type { MediaKind } from './rtp-source.ts';

export class StreamTally {
  private readonly streams = new Map<number, { kind: MediaKind; loss: SequenceLoss }>();
  /** Payload types that arrived but are neither the subscribed VP8 nor Opus (e.g. RTX). */
  readonly unmatched = new Set<number>();
  /** Every RTP packet seen, to tell "nothing arrives" from "nothing matches". */
  delivered = 0;

  /** `pt`: the payload types the subscribe offer gave VP8 and Opus. */
  constructor(private readonly pt: Record<MediaKind, number | null>) {}

  push(payloadType: number, ssrc: number, sequence: number): void {
    this.delivered++;
    const kind = payloadType === this.pt.video ? 'video' : payloadType === this.pt.audio ? 'audio' : null;
    // Anything else (a retransmission stream) is not part of the loss figure.
    if (kind === null) {
      this.unmatched.add(payloadType);
      return;
    }
    let stream = this.streams.get(ssrc);
    if (!stream) this.streams.set(ssrc, (stream = { kind, loss: new SequenceLoss() }));
    stream.loss.push(sequence);
  }

  /** Both audio and video have arrived. */
  get flowing(): boolean {
    const kinds = new Set([...this.streams.values()].map((s) => s.kind));
    return kinds.has('video') && kinds.has('audio');
  }

  describe(): string {
    return `${this.delivered} RTP packets, streams ${[...this.streams.values()].map((s) => s.kind).join('+') || 'none'}, other PTs ${[...this.unmatched].join(',') || 'none'}`;
  }

  /** Per-SSRC counts now, for a measurement window. */
  counts(): Map<number, LossCount> {
    return new Map([...this.streams].map(([ssrc, s]) => [ssrc, s.loss.count()]));
  }

  /** Worst per-SSRC loss since `before`; a stream that went silent, or never came, counts as fully lost. */
  worstLossSince(before: Map<number, LossCount>): { loss: number; packets: number } {
    let worst = 0;
    let packets = 0;
    for (const [ssrc, after] of this.counts()) {
      const start = before.get(ssrc) ?? { expected: 0, received: 0 };
      packets += after.received - start.received;
      if (after.received === start.received) worst = 1;
      else worst = Math.max(worst, windowLoss(start, after));
    }
    if (this.streams.size < 2) worst = 1;
    return { loss: worst, packets };
  }
}
