import { describe, expect, it } from 'vitest';
import { browserSdpFor, candidateType, janusSdpFor, mayTrickle } from './candidate-policy.ts';

// Candidate lines as Chromium and Janus write them.
const browserHostUdp = 'a=candidate:3120 1 udp 2122260223 10.213.7.2 51515 typ host generation 0 network-id 1';
const browserHostTcp = 'a=candidate:4110 1 tcp 1518280447 10.213.7.2 9 typ host tcptype active generation 0 network-id 1';
const browserRelay =
  'a=candidate:1772 1 udp 41885439 10.213.7.1 49200 typ relay raddr 10.213.7.2 rport 51515 generation 0 network-id 1';
const janusUdp = 'a=candidate:1 1 udp 2015363327 10.213.7.1 20004 typ host';
const janusTcp = 'a=candidate:2 1 tcp 1015021823 10.213.7.1 20005 typ host tcptype passive';

const sdp = (...candidates: string[]) =>
  ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 'm=video 9 UDP/TLS/RTP/SAVPF 96', ...candidates, 'a=end-of-candidates', ''].join('\r\n');

describe('candidate policy', () => {
  it('reads the candidate type', () => {
    expect(candidateType(browserRelay)).toBe('relay');
    expect(candidateType(janusTcp)).toBe('host');
    expect(candidateType('garbage')).toBeNull();
  });

  it('direct: TCP only, both ways (and absent transport means direct)', () => {
    const fromBrowser = browserSdpFor(sdp(browserHostUdp, browserHostTcp, browserRelay));
    expect(fromBrowser).toContain(browserHostTcp);
    expect(fromBrowser).not.toContain(browserHostUdp);
    expect(fromBrowser).not.toContain(browserRelay);
    const fromJanus = janusSdpFor(sdp(janusUdp, janusTcp), 'direct');
    expect(fromJanus).toBe(sdp(janusTcp));
    expect(mayTrickle(browserRelay.slice(2))).toBe(false);
    expect(mayTrickle(browserHostTcp.slice(2), 'direct')).toBe(true);
  });

  it('relay: only the browser relay candidates reach Janus; Janus keeps its UDP host candidates', () => {
    expect(browserSdpFor(sdp(browserHostUdp, browserHostTcp, browserRelay), 'relay')).toBe(sdp(browserRelay));
    expect(janusSdpFor(sdp(janusUdp, janusTcp), 'relay')).toBe(sdp(janusUdp, janusTcp));
    expect(mayTrickle(browserRelay.slice(2), 'relay')).toBe(true);
    expect(mayTrickle(browserHostUdp.slice(2), 'relay')).toBe(false);
    expect(mayTrickle(browserHostTcp.slice(2), 'relay')).toBe(false);
    expect(mayTrickle('candidate:garbage', 'relay')).toBe(false);
  });
});
