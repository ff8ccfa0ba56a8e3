import { describe, expect, it } from 'vitest';
import { ProbeReport } from '@vident/protocol';
import type { CandidateSummary } from './call-stats.ts';
import { echoMatches, pairIsTcp, reportOf } from './network-probe.ts';

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

  it('passes only a TCP pair (or a relay reached over TCP/TLS)', () => {
    expect(pairIsTcp(pair({ protocol: 'tcp', tcpType: 'active' }))).toBe(true);
    expect(pairIsTcp(pair({ protocol: 'udp' }))).toBe(false);
    expect(pairIsTcp(pair({ protocol: 'udp', candidateType: 'relay', relayProtocol: 'tcp' }))).toBe(true);
    expect(pairIsTcp(pair({ protocol: 'udp', candidateType: 'relay', relayProtocol: 'udp' }))).toBe(false);
    expect(pairIsTcp(null)).toBe(false);
  });

  it('reports outcomes in the audited shape, without the server’s error codes', () => {
    expect(reportOf({ result: 'pass', echoMs: 12.6 })).toEqual({ result: 'pass', echoMs: 13 });
    expect(reportOf({ result: 'fail', failure: 'refused', code: 'rate_limited' })).toEqual({ result: 'fail', failure: 'refused' });
    for (const outcome of [{ result: 'pass', echoMs: 3 }, { result: 'fail', failure: 'timeout' }] as const) {
      expect(ProbeReport.safeParse(reportOf(outcome)).success).toBe(true);
    }
  });
});
