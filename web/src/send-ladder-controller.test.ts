import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StatsEntry } from './call-stats.ts';
import { readSenderSample, SendLadder } from './send-ladder-controller.ts';
import { applyVideoPriority } from './video-priority.ts';
import { FakeSender } from './fake-call.ts';

/** A publisher leg's report: the selected pair's estimate and the outbound video's limitation. */
function report(estimateBits: number | undefined, limitation = 'bandwidth', qp = { qpSum: 0, framesEncoded: 0 }): StatsEntry[] {
  return [
    { id: 'T1', type: 'transport', selectedCandidatePairId: 'CP1' },
    { id: 'CP1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', state: 'succeeded', ...(estimateBits === undefined ? {} : { availableOutgoingBitrate: estimateBits }) },
    { id: 'L1', type: 'local-candidate', protocol: 'tcp', candidateType: 'host' },
    { id: 'R1', type: 'remote-candidate', protocol: 'tcp', candidateType: 'host' },
    { id: 'OV', type: 'outbound-rtp', kind: 'video', bytesSent: 1000, frameWidth: 1280, frameHeight: 720, qualityLimitationReason: limitation, ...qp },
  ];
}

afterEach(() => vi.restoreAllMocks());

describe('readSenderSample', () => {
  it('reads the bandwidth estimate in kbit/s, whether the CPU limits the encoder, and its mean quantiser since the sample before', () => {
    const first = readSenderSample(report(1_145_000, 'none', { qpSum: 1000, framesEncoded: 100 }), 5, null);
    expect(first).toEqual({ sample: { at: 5, estimateKbps: 1145, cpuLimited: false, qp: null }, counters: { qpSum: 1000, framesEncoded: 100 } });
    const next = readSenderSample(report(undefined, 'cpu', { qpSum: 1900, framesEncoded: 130 }), 6, first.counters);
    expect(next.sample).toEqual({ at: 6, estimateKbps: null, cpuLimited: true, qp: 30 });
    // No frame encoded since: no quantiser.
    expect(readSenderSample(report(1_000_000, 'none', { qpSum: 1900, framesEncoded: 130 }), 7, next.counters).sample.qp).toBeNull();
  });
});

describe('SendLadder on a camera sending 1280x720', () => {
  it('sets the face to 640x360 at 30 fps on a 3g path, and back to 1280x720 when the path clears', async () => {
    vi.spyOn(console, 'info').mockImplementation(() => undefined);
    let estimate = 1_145_000;
    let now = 0;
    // A busy encoder: a mean quantiser of 60 per frame.
    let frames = 0;
    const sender = new FakeSender({ kind: 'video', getSettings: () => ({ height: 720 }) } as never);
    const ladder = new SendLadder(
      async () => ((frames += 30), report(estimate, 'bandwidth', { qpSum: frames * 60, framesEncoded: frames })),
      (step) => void applyVideoPriority([sender], 'face', step),
      () => now,
    );
    await applyVideoPriority([sender], 'face', ladder.step);
    expect(sender.parameters).toMatchObject({ degradationPreference: 'maintain-resolution', encodings: [{ scaleResolutionDownBy: 1, maxFramerate: 30 }] });
    for (let i = 0; i < 3; i++) {
      now += 1000;
      await ladder.tick();
    }
    expect(sender.parameters).toMatchObject({ encodings: [{ scaleResolutionDownBy: 2, maxFramerate: 30, maxBitrate: 4_000_000 }] });
    estimate = 4_000_000;
    for (let i = 0; i < 5; i++) {
      now += 1000;
      await ladder.tick();
    }
    expect(sender.parameters).toMatchObject({ encodings: [{ scaleResolutionDownBy: 1, maxFramerate: 30 }] });
  });

  it('says nothing for a closed leg (no entries)', async () => {
    const steps: unknown[] = [];
    const ladder = new SendLadder(async () => [], (s) => steps.push(s));
    await ladder.tick();
    await ladder.tick();
    expect(steps).toEqual([]);
  });
});
