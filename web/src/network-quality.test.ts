import { describe, expect, it } from 'vitest';
import type { StatsEntry } from './call-stats.ts';
import publisherUdp from './fixtures/chromium-udp-publisher.json' with { type: 'json' };
import subscriberUdp from './fixtures/chromium-udp-subscriber.json' with { type: 'json' };
import { classifyNetworkQuality, measureNetwork, QUALITY_THRESHOLDS, readNetworkCounters, type NetworkCounters, type NetworkMeasure } from './network-quality.ts';

const pub = publisherUdp as StatsEntry[];
const sub = subscriberUdp as StatsEntry[];

/** The fixtures with every counter moved on by a later sample's amounts. */
function later(entries: StatsEntry[], bump: { bytes?: number; received?: number; lost?: number; rtt?: number; fractionLost?: number }): StatsEntry[] {
  return entries.map((e) => {
    if (e.type === 'outbound-rtp' && e.kind === 'video') return { ...e, bytesSent: Number(e.bytesSent) + (bump.bytes ?? 0) };
    if (e.type === 'inbound-rtp' && e.kind === 'video') {
      return { ...e, packetsReceived: Number(e.packetsReceived) + (bump.received ?? 0), packetsLost: Number(e.packetsLost) + (bump.lost ?? 0) };
    }
    if (e.type === 'remote-inbound-rtp' && bump.fractionLost !== undefined) return { ...e, fractionLost: bump.fractionLost };
    if (e.type === 'candidate-pair' && bump.rtt !== undefined) return { ...e, currentRoundTripTime: bump.rtt };
    return e;
  });
}

describe('readNetworkCounters (real Chromium getStats dumps)', () => {
  it('sums what the publisher sent, what the subscriber received, and takes the worse selected-pair RTT', () => {
    expect(readNetworkCounters({ publisher: pub, subscriber: sub }, 1000)).toEqual({
      at: 1000,
      bytesSent: 4117 + 105480,
      packetsLost: 0,
      packetsReceived: 88 + 130,
      upstreamFractionLost: 0,
      // Publisher's selected pair says 0 s, subscriber's 0.001 s.
      rttMs: 1,
      frozenSeconds: 0,
    });
  });

  it('has nothing to say before any leg exists', () => {
    const empty = readNetworkCounters({ publisher: null, subscriber: null }, 5);
    expect(empty).toEqual({ at: 5, bytesSent: null, packetsLost: 0, packetsReceived: 0, upstreamFractionLost: null, rttMs: null, frozenSeconds: 0 });
    expect(classifyNetworkQuality(measureNetwork(null, empty), { videoOn: true })).toBe('unknown');
  });
});

describe('measureNetwork', () => {
  const first = readNetworkCounters({ publisher: pub, subscriber: sub }, 10_000);

  it('turns two samples into bitrate, interval loss and RTT', () => {
    // 2 s later: 250 000 more bytes (1000 kbit/s), 95 packets received and 5 lost (5%), RTT 120 ms.
    const second = readNetworkCounters({ publisher: later(pub, { bytes: 250_000, rtt: 0.12 }), subscriber: later(sub, { received: 95, lost: 5, rtt: 0.12 }) }, 12_000);
    const m = measureNetwork(first, second);
    expect(m.bitrateKbps).toBeCloseTo(1000, 6);
    expect(m.lossPercent).toBeCloseTo(5, 6);
    expect(m.rttMs).toBeCloseTo(120, 6);
    expect(classifyNetworkQuality(m, { videoOn: true })).toBe('fair');
  });

  it('says how much of the interval the received video stood frozen: over TCP, where loss never shows as RTP loss', () => {
    // The lossy profile over ICE-TCP: no packet lost, the RTT short, but 300 ms frozen in 2 s.
    const frozen = (entries: StatsEntry[], seconds: number) => entries.map((e) => (e.type === 'inbound-rtp' && e.kind === 'video' ? { ...e, totalFreezesDuration: seconds } : e));
    const before = readNetworkCounters({ publisher: pub, subscriber: frozen(sub, 1.2) }, 10_000);
    expect(before.frozenSeconds).toBeCloseTo(1.2, 6);
    const after = readNetworkCounters({ publisher: later(pub, { bytes: 250_000 }), subscriber: frozen(later(sub, { received: 100 }), 1.5) }, 12_000);
    const m = measureNetwork(before, after);
    expect(m.lossPercent).toBe(0);
    expect(m.frozenPercent).toBeCloseTo(15, 6);
    expect(classifyNetworkQuality(m, { videoOn: true })).toBe('fair');
    expect(measureNetwork(null, after).frozenPercent).toBeNull();
  });

  it('takes upstream loss reported by the media node when it is worse', () => {
    const second = readNetworkCounters({ publisher: later(pub, { bytes: 250_000, fractionLost: 0.125 }), subscriber: later(sub, { received: 100 }) }, 12_000);
    expect(measureNetwork(first, second).lossPercent).toBeCloseTo(12.5, 6);
  });

  it('does not invent a bitrate without a previous sample or after the legs were rebuilt', () => {
    expect(measureNetwork(null, first).bitrateKbps).toBeNull();
    const rebuilt: NetworkCounters = { ...first, at: 12_000, bytesSent: 1000, packetsReceived: 10, packetsLost: 1 };
    const m = measureNetwork(first, rebuilt);
    expect(m.bitrateKbps).toBeNull();
    // Loss falls back to the new leg's totals.
    expect(m.lossPercent).toBeCloseTo((1 / 11) * 100, 6);
  });
});

describe('classifyNetworkQuality', () => {
  const good: NetworkMeasure = { bitrateKbps: 900, lossPercent: 0, rttMs: 20 };
  const on = { videoOn: true };

  it('is good when every number is healthy', () => {
    expect(classifyNetworkQuality(good, on)).toBe('good');
  });

  it('is as bad as the worst number, at the documented thresholds', () => {
    const { fair, poor } = QUALITY_THRESHOLDS;
    expect(classifyNetworkQuality({ ...good, lossPercent: fair.lossPercent - 0.01 }, on)).toBe('good');
    expect(classifyNetworkQuality({ ...good, lossPercent: fair.lossPercent }, on)).toBe('fair');
    expect(classifyNetworkQuality({ ...good, lossPercent: poor.lossPercent }, on)).toBe('poor');
    expect(classifyNetworkQuality({ ...good, rttMs: fair.rttMs }, on)).toBe('fair');
    expect(classifyNetworkQuality({ ...good, rttMs: poor.rttMs }, on)).toBe('poor');
    expect(classifyNetworkQuality({ ...good, bitrateKbps: fair.minVideoKbps }, on)).toBe('good');
    expect(classifyNetworkQuality({ ...good, bitrateKbps: fair.minVideoKbps - 1 }, on)).toBe('fair');
    expect(classifyNetworkQuality({ ...good, bitrateKbps: poor.minVideoKbps - 1 }, on)).toBe('poor');
    expect(classifyNetworkQuality({ bitrateKbps: 50, lossPercent: 1, rttMs: poor.rttMs + 1 }, on)).toBe('poor');
    expect(classifyNetworkQuality({ ...good, frozenPercent: 0 }, on)).toBe('good');
    expect(classifyNetworkQuality({ ...good, frozenPercent: fair.frozenPercent }, on)).toBe('fair');
    expect(classifyNetworkQuality({ ...good, frozenPercent: poor.frozenPercent }, on)).toBe('poor');
  });

  it('ignores a low bitrate while our camera is off (audio alone is small)', () => {
    expect(classifyNetworkQuality({ ...good, bitrateKbps: 40 }, { videoOn: false })).toBe('good');
    expect(classifyNetworkQuality({ bitrateKbps: 40, lossPercent: null, rttMs: null }, { videoOn: false })).toBe('unknown');
  });

  it('classifies from whatever was measured', () => {
    expect(classifyNetworkQuality({ bitrateKbps: null, lossPercent: null, rttMs: 700 }, on)).toBe('poor');
    expect(classifyNetworkQuality({ bitrateKbps: null, lossPercent: 0, rttMs: null }, on)).toBe('good');
  });
});
