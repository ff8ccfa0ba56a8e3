import { describe, expect, it } from 'vitest';
import { NodeCommand, NodeCommandResult, ProbeAnswer, ProbeReport, ProbeRequest, probeOfferProblem } from './index.ts';

/** The shape of Chromium's offer for `pc.createDataChannel('probe')` with candidates gathered. */
const DATA_OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=candidate:1 1 udp 2113937151 10.213.7.2 50000 typ host generation 0',
  'a=candidate:2 1 tcp 1518280447 10.213.7.2 9 typ host tcptype active generation 0',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:abcdefghijklmnopqrstuvwx',
  'a=fingerprint:sha-256 AA:BB',
  'a=setup:actpass',
  'a=mid:0',
  'a=sctp-port:5000',
  '',
].join('\r\n');

describe('probe messages', () => {
  it('accepts a data-channel-only offer and refuses media, garbage and missing credentials', () => {
    expect(probeOfferProblem(DATA_OFFER)).toBeNull();
    expect(probeOfferProblem(DATA_OFFER.replace(/\r\n/g, '\n'))).toBeNull();
    expect(probeOfferProblem('hello')).toMatch(/v=0/);
    expect(probeOfferProblem(DATA_OFFER.replace('m=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'm=audio 9 UDP/TLS/RTP/SAVPF 111'))).toMatch(/data channel/);
    expect(probeOfferProblem(`${DATA_OFFER}m=video 9 UDP/TLS/RTP/SAVPF 96\r\n`)).toMatch(/exactly one/);
    expect(probeOfferProblem(DATA_OFFER.replace(/a=fingerprint:.*\r\n/, ''))).toMatch(/fingerprint/);
    expect(probeOfferProblem(DATA_OFFER.replace(/a=ice-ufrag:.*\r\n/, ''))).toMatch(/ICE/);
  });

  it('bounds the request body and refuses extra fields', () => {
    expect(ProbeRequest.safeParse({ sdp: DATA_OFFER }).success).toBe(true);
    expect(ProbeRequest.safeParse({ sdp: '' }).success).toBe(false);
    expect(ProbeRequest.safeParse({ sdp: 'x'.repeat(64 * 1024 + 1) }).success).toBe(false);
    expect(ProbeRequest.safeParse({ sdp: DATA_OFFER, token: 'x' }).success).toBe(false);
    expect(ProbeRequest.safeParse({}).success).toBe(false);
  });

  it('names the path a probe tests: direct when absent, relay through TURN, nothing else', () => {
    expect(ProbeRequest.parse({ sdp: DATA_OFFER, transport: 'relay' })).toEqual({ sdp: DATA_OFFER, transport: 'relay' });
    expect(ProbeRequest.parse({ sdp: DATA_OFFER, transport: 'direct' }).transport).toBe('direct');
    expect(ProbeRequest.parse({ sdp: DATA_OFFER }).transport).toBeUndefined();
    expect(ProbeRequest.safeParse({ sdp: DATA_OFFER, transport: 'udp' }).success).toBe(false);
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
    const command = { type: 'probe', sessionId: crypto.randomUUID(), probeId: crypto.randomUUID(), sdp: DATA_OFFER };
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
