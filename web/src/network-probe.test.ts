import { describe, expect, it } from 'vitest';
import { ProbeReport, type IceServer, type ProbeFailure } from '@vident/protocol';
import type { CandidateSummary } from './call-stats.ts';
import { echoMatches, pairFits, reportOf, shouldProbeRelay, type ProbeOutcome } from './network-probe.ts';

const candidate = (c: Partial<CandidateSummary>): CandidateSummary => ({
  protocol: null, candidateType: 'host', tcpType: null, relayProtocol: null, address: null, port: null, ...c,
});
const pair = (local: Partial<CandidateSummary>) => ({ local: candidate(local), remote: candidate({ protocol: 'tcp' }), state: 'succeeded' });

describe('network probe', () => {
  it('accepts the nonce back behind Janus’s EchoTest greeting, nothing else', () => {
    expect(echoMatches('Janus EchoTest here! You wrote: 0a1b', '0a1b')).toBe(true);
    expect(echoMatches('0a1b', '0a1b')).toBe(true);
    expect(echoMatches('0a1b-other', '0a1b')).toBe(false);
    expect(echoMatches(new ArrayBuffer(4), '0a1b')).toBe(false);
  });

  it('passes a direct probe only over the browser’s own TCP candidate', () => {
    expect(pairFits(pair({ protocol: 'tcp', tcpType: 'active' }), 'direct')).toBe(true);
    expect(pairFits(pair({ protocol: 'tcp', candidateType: 'prflx' }), 'direct')).toBe(true);
    expect(pairFits(pair({ protocol: 'udp' }), 'direct')).toBe(false);
    // A relay is not the direct path, however it is reached.
    expect(pairFits(pair({ protocol: 'udp', candidateType: 'relay', relayProtocol: 'tcp' }), 'direct')).toBe(false);
    expect(pairFits(null, 'direct')).toBe(false);
  });

  it('passes a relay probe only over a TURN relay reached over TCP or TLS', () => {
    expect(pairFits(pair({ protocol: 'udp', candidateType: 'relay', relayProtocol: 'tcp' }), 'relay')).toBe(true);
    expect(pairFits(pair({ protocol: 'udp', candidateType: 'relay', relayProtocol: 'tls' }), 'relay')).toBe(true);
    expect(pairFits(pair({ protocol: 'udp', candidateType: 'relay', relayProtocol: 'udp' }), 'relay')).toBe(false);
    expect(pairFits(pair({ protocol: 'tcp', tcpType: 'active' }), 'relay')).toBe(false);
    expect(pairFits(null, 'relay')).toBe(false);
  });

  it('probes again through TURN only after a direct probe failed on the way, and only with TURN servers named', () => {
    const turn: IceServer[] = [{ urls: ['turn:10.213.7.1:443?transport=tcp'], username: '1790000000:abcd1234-customer', credential: 'c2VjcmV0' }];
    const failed = (failure: ProbeFailure, transport: 'direct' | 'relay' = 'direct'): ProbeOutcome => ({ result: 'fail', transport, failure });
    for (const failure of ['timeout', 'ice_failed', 'no_echo', 'not_tcp', 'error'] as const) {
      expect(shouldProbeRelay(failed(failure), turn), failure).toBe(true);
      expect(shouldProbeRelay(failed(failure), []), `${failure} without TURN`).toBe(false);
    }
    // The server said no (rate limit, session over, node down) or the browser has no WebRTC: TURN changes nothing.
    expect(shouldProbeRelay({ result: 'fail', transport: 'direct', failure: 'refused', code: 'rate_limited' }, turn)).toBe(false);
    expect(shouldProbeRelay(failed('unsupported'), turn)).toBe(false);
    expect(shouldProbeRelay({ result: 'pass', transport: 'direct', echoMs: 20 }, turn)).toBe(false);
    // Once: a failed relay probe is the end of the check.
    expect(shouldProbeRelay(failed('timeout', 'relay'), turn)).toBe(false);
  });

  it('reports outcomes in the audited shape with their path, without the server’s error codes', () => {
    expect(reportOf({ result: 'pass', transport: 'direct', echoMs: 12.6 })).toEqual({ result: 'pass', transport: 'direct', echoMs: 13 });
    expect(reportOf({ result: 'pass', transport: 'relay', echoMs: 80.2 })).toEqual({ result: 'pass', transport: 'relay', echoMs: 80 });
    expect(reportOf({ result: 'fail', transport: 'direct', failure: 'refused', code: 'rate_limited' })).toEqual({ result: 'fail', transport: 'direct', failure: 'refused' });
    const outcomes: ProbeOutcome[] = [
      { result: 'pass', transport: 'relay', echoMs: 3 },
      { result: 'fail', transport: 'direct', failure: 'timeout' },
      { result: 'fail', transport: 'direct', failure: 'ice_failed' },
    ];
    for (const outcome of outcomes) expect(ProbeReport.safeParse(reportOf(outcome)).success).toBe(true);
  });
});
