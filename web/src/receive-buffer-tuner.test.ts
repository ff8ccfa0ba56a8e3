import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StatsEntry } from './call-stats.ts';
import { JITTER_FLOOR } from './jitter-floor.ts';
import { readReceiverSample, ReceiveBufferTuner, type TunedConnection } from './receive-buffer-tuner.ts';

/** A subscriber leg's report: the selected pair over `protocol` and the inbound video's counters. */
function report(protocol: 'tcp' | 'udp', video: { framesDecoded: number; freezeCount: number; totalFreezesDuration: number }, relayProtocol?: string): StatsEntry[] {
  return [
    { id: 'T1', type: 'transport', selectedCandidatePairId: 'CP1' },
    { id: 'CP1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', state: 'succeeded' },
    { id: 'L1', type: 'local-candidate', protocol, candidateType: relayProtocol ? 'relay' : 'host', ...(relayProtocol ? { relayProtocol } : {}) },
    { id: 'R1', type: 'remote-candidate', protocol, candidateType: 'host' },
    { id: 'IV', type: 'inbound-rtp', kind: 'video', ...video },
  ];
}

function fakeConnection(entries: () => StatsEntry[]) {
  const video: { track: { kind: string }; jitterBufferTarget: number | null } = { track: { kind: 'video' }, jitterBufferTarget: null };
  const audio: { track: { kind: string }; jitterBufferTarget: number | null } = { track: { kind: 'audio' }, jitterBufferTarget: null };
  const pc: TunedConnection = {
    getStats: async () => new Map(entries().map((e) => [e.id, e])) as unknown as RTCStatsReport,
    getReceivers: () => [video, audio],
  };
  return { pc, video, audio };
}

afterEach(() => vi.restoreAllMocks());

describe('readReceiverSample', () => {
  it('reads the inbound video counters and says whether the leg runs over TCP (direct or a relay over TCP/TLS)', () => {
    const counters = { framesDecoded: 40, freezeCount: 2, totalFreezesDuration: 0.5 };
    expect(readReceiverSample(report('tcp', counters), 7)).toEqual({ sample: { at: 7, ...counters }, tcp: true });
    expect(readReceiverSample(report('udp', counters), 7).tcp).toBe(false);
    expect(readReceiverSample(report('udp', counters, 'tls'), 7).tcp).toBe(true);
    expect(readReceiverSample(report('udp', counters, 'udp'), 7).tcp).toBe(false);
  });

  it('has no sample before video arrives', () => {
    expect(readReceiverSample(report('tcp', { framesDecoded: 0, freezeCount: 0, totalFreezesDuration: 0 }).filter((e) => e.type !== 'inbound-rtp'), 1).sample).toBeNull();
  });
});

describe('ReceiveBufferTuner', () => {
  it('sets the floor on the video receiver only when a TCP stall froze the picture, and takes it off when calm', async () => {
    vi.spyOn(console, 'info').mockImplementation(() => undefined);
    let now = 0;
    let counters = { framesDecoded: 0, freezeCount: 0, totalFreezesDuration: 0 };
    const { pc, video, audio } = fakeConnection(() => report('tcp', counters));
    const tuner = new ReceiveBufferTuner(pc, () => now);
    const second = async (freeze?: number) => {
      now += 1000;
      counters = {
        framesDecoded: counters.framesDecoded + 20,
        freezeCount: counters.freezeCount + (freeze ? 1 : 0),
        totalFreezesDuration: counters.totalFreezesDuration + (freeze ?? 0) / 1000,
      };
      await tuner.tick();
    };
    await second();
    await second();
    expect(video.jitterBufferTarget).toBeNull();
    // One freeze could be the CPU: no floor yet.
    await second(250);
    expect(video.jitterBufferTarget).toBeNull();
    // A second one within the window: the path keeps stalling; 250 ms + 50 ms margin.
    await second(250);
    expect(video.jitterBufferTarget).toBe(300);
    expect(tuner.floorMs).toBe(300);
    expect(audio.jitterBufferTarget).toBeNull();
    for (let i = 0; i < (2 * JITTER_FLOOR.calmMs) / 1000; i++) await second();
    expect(video.jitterBufferTarget).toBeNull();
    expect(tuner.floorMs).toBe(0);
  });

  it('leaves a receiver without jitterBufferTarget (an older browser) alone', async () => {
    vi.spyOn(console, 'info').mockImplementation(() => undefined);
    let counters = { framesDecoded: 20, freezeCount: 0, totalFreezesDuration: 0 };
    const receiver: { track: { kind: string }; jitterBufferTarget?: number | null } = { track: { kind: 'video' } };
    const tuner = new ReceiveBufferTuner({ getStats: async () => new Map(report('tcp', counters).map((e) => [e.id, e])) as unknown as RTCStatsReport, getReceivers: () => [receiver] }, () => counters.framesDecoded * 50);
    await tuner.tick();
    counters = { framesDecoded: 40, freezeCount: 2, totalFreezesDuration: 0.6 };
    await tuner.tick();
    expect(tuner.floorMs).toBe(350);
    expect('jitterBufferTarget' in receiver).toBe(false);
  });
});
