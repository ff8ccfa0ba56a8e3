import { describe, expect, it } from 'vitest';
import { NodeCommand, NodeCommandResult, ProbeAnswer, ProbeReport, ProbeRequest, probeOfferProblem } from './index.ts';
import { PROBE_OFFER } from './test-fixtures.ts';

describe('probe messages', () => {
  it('accepts a data-channel-only offer and refuses media, garbage and missing credentials', () => {
    expect(probeOfferProblem(PROBE_OFFER)).toBeNull();
    expect(probeOfferProblem(PROBE_OFFER.replace(/\r\n/g, '\n'))).toBeNull();
    expect(probeOfferProblem('hello')).toMatch(/v=0/);
    expect(probeOfferProblem(PROBE_OFFER.replace('m=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'm=audio 9 UDP/TLS/RTP/SAVPF 111'))).toMatch(/data channel/);
    expect(probeOfferProblem(`${PROBE_OFFER}m=video 9 UDP/TLS/RTP/SAVPF 96\r\n`)).toMatch(/exactly one/);
    expect(probeOfferProblem(PROBE_OFFER.replace(/a=fingerprint:.*\r\n/, ''))).toMatch(/fingerprint/);
    expect(probeOfferProblem(PROBE_OFFER.replace(/a=ice-ufrag:.*\r\n/, ''))).toMatch(/ICE/);
  });

  it('bounds the request body and refuses extra fields', () => {
    expect(ProbeRequest.safeParse({ sdp: PROBE_OFFER }).success).toBe(true);
    expect(ProbeRequest.safeParse({ sdp: '' }).success).toBe(false);
    expect(ProbeRequest.safeParse({ sdp: 'x'.repeat(64 * 1024 + 1) }).success).toBe(false);
    expect(ProbeRequest.safeParse({ sdp: PROBE_OFFER, token: 'x' }).success).toBe(false);
    expect(ProbeRequest.safeParse({}).success).toBe(false);
  });

  it('names the path a probe tests: direct when absent, relay through TURN, nothing else', () => {
    expect(ProbeRequest.parse({ sdp: PROBE_OFFER, transport: 'relay' })).toEqual({ sdp: PROBE_OFFER, transport: 'relay' });
    expect(ProbeRequest.parse({ sdp: PROBE_OFFER, transport: 'direct' }).transport).toBe('direct');
    expect(ProbeRequest.parse({ sdp: PROBE_OFFER }).transport).toBeUndefined();
    expect(ProbeRequest.safeParse({ sdp: PROBE_OFFER, transport: 'udp' }).success).toBe(false);
  });

  it('answers with the TURN servers for the relay probe: TCP-only TURN URLs, none when TURN is off', () => {
    const probeId = crypto.randomUUID();
    const turn = { urls: ['turn:10.213.7.1:443?transport=tcp'], username: '1790000000:abcd1234-customer', credential: 'c2VjcmV0' };
    expect(ProbeAnswer.parse({ probeId, sdp: 'v=0', iceServers: [turn] }).iceServers).toEqual([turn]);
    expect(ProbeAnswer.parse({ probeId, sdp: 'v=0', iceServers: [] }).iceServers).toEqual([]);
    // An answer without the field (a control plane before the relay probe) means no TURN.
    expect(ProbeAnswer.parse({ probeId, sdp: 'v=0' }).iceServers).toEqual([]);
    expect(ProbeAnswer.safeParse({ probeId, sdp: 'v=0', iceServers: [{ ...turn, urls: ['turn:10.213.7.1:3478'] }] }).success).toBe(false);
    expect(ProbeAnswer.safeParse({ probeId, sdp: 'v=0', iceServers: [{ ...turn, urls: ['stun:10.213.7.1:3478'] }] }).success).toBe(false);
  });

  it('carries the probe to the media node as a command with a UUID probe id, answered by an SDP', () => {
    const command = { type: 'probe', sessionId: crypto.randomUUID(), probeId: crypto.randomUUID(), sdp: PROBE_OFFER };
    expect(NodeCommand.parse(command)).toEqual(command);
    expect(NodeCommand.safeParse({ ...command, probeId: 'not-a-uuid' }).success).toBe(false);
    expect(NodeCommand.safeParse({ ...command, participant: 'customer' }).success).toBe(false);
    expect(NodeCommand.parse({ ...command, transport: 'relay' })).toEqual({ ...command, transport: 'relay' });
    expect(NodeCommand.safeParse({ ...command, transport: 'udp' }).success).toBe(false);
    expect(NodeCommandResult.probe.safeParse({ sdp: 'v=0' }).success).toBe(true);
    expect(NodeCommandResult.probe.safeParse({}).success).toBe(false);
  });

  it('takes the browser’s report: a result, an optional failure kind and echo time, nothing else', () => {
    expect(ProbeReport.parse({ result: 'pass', echoMs: 42 })).toEqual({ result: 'pass', echoMs: 42 });
    expect(ProbeReport.parse({ result: 'fail', failure: 'timeout' })).toEqual({ result: 'fail', failure: 'timeout' });
    expect(ProbeReport.parse({ result: 'pass', transport: 'relay', echoMs: 80 })).toEqual({ result: 'pass', transport: 'relay', echoMs: 80 });
    expect(ProbeReport.parse({ result: 'fail', transport: 'direct', failure: 'ice_failed' })).toEqual({ result: 'fail', transport: 'direct', failure: 'ice_failed' });
    for (const bad of [
      { result: 'maybe' },
      { result: 'fail', failure: 'gremlins' },
      { result: 'pass', echoMs: -1 },
      { result: 'pass', note: 'x' },
      { result: 'pass', transport: 'carrier-pigeon' },
    ]) {
      expect(ProbeReport.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
