import { DEFAULT_QUALITY_THRESHOLDS, type QualityGate } from '@vident/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallStats, InboundVideoSummary } from '../call-stats.ts';
import { CallQualityMonitor, type QualityFrame } from './call-quality-monitor.ts';

const inbound = (v: Partial<InboundVideoSummary>): CallStats =>
  ({
    publisher: null,
    subscriber: {
      selectedPair: null,
      inboundAudio: null,
      outbound: { bytesSent: 0, audioBytesSent: 0, videoBytesSent: 0 },
      inboundVideo: { framesDecoded: 100, frameWidth: 1280, frameHeight: 720, framesPerSecond: 25, freezeCount: 0, totalFreezesDuration: 0, jitterBufferDelay: null, jitterBufferEmittedCount: null, ...v },
    },
  }) as CallStats;

describe("the agent page's quality monitor", () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('reports a sample every 10 s and the gate when it changes, from getStats (freezes as a share of the time since the last tick)', async () => {
    let stats = inbound({});
    const frames: QualityFrame[] = [];
    const gates: QualityGate[] = [];
    const monitor = new CallQualityMonitor({
      side: 'received',
      video: () => null,
      stats: async () => stats,
      inCall: () => true,
      thresholds: () => ({ ...DEFAULT_QUALITY_THRESHOLDS, holdMs: 4_000 }),
      send: (f) => frames.push(f) > 0,
      onGate: (g) => gates.push(g),
    });
    monitor.start();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(frames).toEqual([{ type: 'quality-sample', sample: { width: 1280, height: 720, fps: 25, freezeShare: null, brightness: null, sharpness: null } }]);
    expect(gates.at(-1)).toEqual({ state: 'green', causes: [] });

    // From t=4 s: 640x360 fine, but 1.5 s frozen in every 2 s and 4 fps.
    let frozen = 0;
    stats = inbound({ frameWidth: 640, frameHeight: 360, framesPerSecond: 4, totalFreezesDuration: 0 });
    for (let t = 4; t <= 12; t += 2) {
      await vi.advanceTimersByTimeAsync(2_000);
      frozen += 1.5;
      stats = inbound({ frameWidth: 640, frameHeight: 360, framesPerSecond: 4, totalFreezesDuration: frozen });
    }
    const gateFrames = frames.filter((f) => f.type === 'quality-gate');
    expect(gateFrames).toEqual([{ type: 'quality-gate', gate: { state: 'red', causes: ['frame_rate', 'freezes'] } }]);
    const samples = frames.filter((f) => f.type === 'quality-sample');
    expect(samples).toHaveLength(2);
    expect(samples[1]).toMatchObject({ sample: { width: 640, fps: 4, freezeShare: 0.75 } });
    expect(monitor.gate.state).toBe('red');
    monitor.stop();
  });

  it('measures nothing before the call or before a frame was decoded', async () => {
    const frames: QualityFrame[] = [];
    let inCall = false;
    const monitor = new CallQualityMonitor({
      side: 'received',
      video: () => null,
      stats: async () => inbound({ framesDecoded: 0 }),
      inCall: () => inCall,
      thresholds: () => DEFAULT_QUALITY_THRESHOLDS,
      send: (f) => frames.push(f) > 0,
      onGate: () => undefined,
    });
    monitor.start();
    await vi.advanceTimersByTimeAsync(6_000);
    inCall = true;
    await vi.advanceTimersByTimeAsync(6_000);
    expect(frames).toEqual([]);
    monitor.stop();
  });
});
