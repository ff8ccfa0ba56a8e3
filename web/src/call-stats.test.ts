import { describe, expect, it } from 'vitest';
import { summarizeCallStats, summarizeLeg, type StatsEntry } from './call-stats.ts';
import publisherUdp from './fixtures/chromium-udp-publisher.json' with { type: 'json' };
import subscriberUdp from './fixtures/chromium-udp-subscriber.json' with { type: 'json' };

/*
 * Fixtures are real Chromium getStats() dumps (two loopback peers over UDP, recorded once). The TCP case, as against Janus (browser `tcptype active` -> Janus passive), is
 * derived from them by rewriting the selected pair's candidates, since two Chromium peers cannot
 * pair over TCP with each other.
 */
const pub = publisherUdp as StatsEntry[];
const sub = subscriberUdp as StatsEntry[];

function selectedPairIds(entries: StatsEntry[]): { local: string; remote: string; pairId: string } {
  const transport = entries.find((e) => e.type === 'transport')!;
  const pair = entries.find((e) => e.id === transport.selectedCandidatePairId)!;
  return { pairId: pair.id, local: String(pair.localCandidateId), remote: String(pair.remoteCandidateId) };
}

/** The recording as it would look over ICE-TCP to a Janus node at 10.77.0.1:20004. */
function asTcpToJanus(entries: StatsEntry[]): StatsEntry[] {
  const ids = selectedPairIds(entries);
  return entries.map((e) => {
    if (e.id === ids.local) return { ...e, protocol: 'tcp', tcpType: 'active', address: '10.77.0.2', port: 41234 };
    if (e.id === ids.remote) {
      return { ...e, protocol: 'tcp', tcpType: 'passive', candidateType: 'host', address: '10.77.0.1', port: 20004 };
    }
    return e;
  });
}

describe('summarizeLeg on a recorded Chromium publisher', () => {
  it('finds the transport-selected pair and its candidates', () => {
    const s = summarizeLeg(pub);
    expect(s.selectedPair).toEqual({
      local: { protocol: 'udp', candidateType: 'host', tcpType: null, relayProtocol: null, address: '192.0.2.2', port: 53007 },
      remote: { protocol: 'udp', candidateType: 'host', tcpType: null, relayProtocol: null, address: '127.0.0.1', port: 51774 },
      state: 'succeeded',
      currentRoundTripTime: 0,
      availableOutgoingBitrate: 3480000,
    });
  });
  it('sums outbound bytes per kind and receives nothing', () => {
    const s = summarizeLeg(pub);
    expect(s.outbound).toEqual({ bytesSent: 4117 + 105480, audioBytesSent: 4117, videoBytesSent: 105480 });
    expect(s.outboundVideo).toEqual({ frameWidth: 640, frameHeight: 480, framesPerSecond: 20, qualityLimitationReason: 'none' });
    expect(s.inboundVideo).toBeNull();
    expect(s.inboundAudio).toBeNull();
  });
});

describe('summarizeLeg on a recorded Chromium subscriber', () => {
  it('reports decoded video frames and size, and inbound audio', () => {
    const s = summarizeLeg(sub);
    expect(s.inboundVideo).toEqual({
      framesDecoded: 33,
      frameWidth: 640,
      frameHeight: 480,
      framesPerSecond: 19,
      freezeCount: 0,
      totalFreezesDuration: 0,
      jitterBufferDelay: 0.19891299999999998,
      jitterBufferEmittedCount: 33,
    });
    expect(s.inboundAudio).toEqual({ totalSamplesReceived: 0, audioLevel: 0 });
    expect(s.outbound.bytesSent).toBe(0);
  });
  it('picks the pair the transport selected, not another nominated one', () => {
    // The recording has two nominated succeeded pairs; only one is the transport's.
    expect(sub.filter((e) => e.type === 'candidate-pair' && e.nominated === true)).toHaveLength(2);
    expect(summarizeLeg(sub).selectedPair?.local.port).toBe(51774);
  });
});

describe('summarizeLeg over ICE-TCP', () => {
  it('reports tcp with the browser active and Janus passive', () => {
    const s = summarizeLeg(asTcpToJanus(pub));
    expect(s.selectedPair?.local).toEqual({
      protocol: 'tcp',
      candidateType: 'host',
      tcpType: 'active',
      relayProtocol: null,
      address: '10.77.0.2',
      port: 41234,
    });
    expect(s.selectedPair?.remote).toEqual({
      protocol: 'tcp',
      candidateType: 'host',
      tcpType: 'passive',
      relayProtocol: null,
      address: '10.77.0.1',
      port: 20004,
    });
  });
});

describe('selected pair fallbacks', () => {
  it('uses a pair flagged selected when the transport names none (Firefox)', () => {
    const ids = selectedPairIds(pub);
    const firefoxish = pub
      .filter((e) => e.type !== 'transport')
      .map((e) => (e.type === 'candidate-pair' ? { ...e, selected: e.id === ids.pairId, nominated: false } : e));
    expect(summarizeLeg(firefoxish).selectedPair?.local.address).toBe('192.0.2.2');
  });
  it('falls back to a nominated succeeded pair', () => {
    const ids = selectedPairIds(sub);
    const noTransport = sub
      .filter((e) => e.type !== 'transport')
      .map((e) => (e.type === 'candidate-pair' ? { ...e, nominated: e.id === ids.pairId } : e));
    const pair = summarizeLeg(noTransport).selectedPair;
    expect([pair?.local.port, pair?.remote.candidateType, pair?.remote.port]).toEqual([51774, 'prflx', 53007]);
  });
  it('has no pair before ICE selects one, and tolerates the legacy `ip` field', () => {
    expect(summarizeLeg(pub.filter((e) => e.type !== 'transport' && e.type !== 'candidate-pair')).selectedPair).toBeNull();
    const legacy: StatsEntry[] = [
      { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
      { id: 'P', type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'R', state: 'succeeded' },
      { id: 'L', type: 'local-candidate', protocol: 'TCP', ip: '10.0.0.2', port: 9, candidateType: 'host', tcpType: 'active' },
    ];
    const s = summarizeLeg(legacy).selectedPair;
    expect(s?.local).toEqual({ protocol: 'tcp', candidateType: 'host', tcpType: 'active', relayProtocol: null, address: '10.0.0.2', port: 9 });
    expect(s?.remote).toEqual({ protocol: null, candidateType: null, tcpType: null, relayProtocol: null, address: null, port: null });
  });
  it('ignores a dangling selectedCandidatePairId', () => {
    expect(summarizeLeg([{ id: 'T', type: 'transport', selectedCandidatePairId: 'gone' }]).selectedPair).toBeNull();
  });
});

describe('summarizeCallStats', () => {
  it('summarizes both legs and leaves a missing leg null', () => {
    const s = summarizeCallStats({ publisher: pub, subscriber: null });
    expect(s.subscriber).toBeNull();
    expect(s.publisher?.outbound.videoBytesSent).toBe(105480);
    const both = summarizeCallStats({ publisher: pub, subscriber: sub });
    expect(both.subscriber?.inboundVideo?.framesDecoded).toBe(33);
  });
  it('is JSON-serializable (it crosses page.evaluate)', () => {
    const s = summarizeCallStats({ publisher: pub, subscriber: sub });
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
