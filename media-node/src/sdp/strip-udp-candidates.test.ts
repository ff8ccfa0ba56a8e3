import { describe, expect, it } from 'vitest';
import { candidateTransport, isUdpCandidate, shouldForwardCandidate, stripUdpCandidates } from './strip-udp-candidates.ts';

const UDP_HOST = 'candidate:1467250027 1 udp 2122260223 192.168.1.5 46243 typ host generation 0';
const UDP_SRFLX = 'candidate:842163049 1 udp 1686052607 203.0.113.7 46243 typ srflx raddr 192.168.1.5 rport 46243 generation 0';
const UDP_RELAY = 'candidate:3 1 udp 41885439 198.51.100.9 61234 typ relay raddr 203.0.113.7 rport 46243';
const UDP_PRFLX = 'candidate:4 1 udp 1845501695 203.0.113.8 50000 typ prflx raddr 0.0.0.0 rport 0';
const UDP_IPV6 = 'candidate:5 1 udp 2122262783 2001:db8::1 51000 typ host generation 0';
const UDP_MDNS = 'candidate:6 1 udp 2122262783 4c0f3f7e-1b2d-4f5a-9d1e-0a1b2c3d4e5f.local 51001 typ host';
const TCP_ACTIVE = 'candidate:7 1 tcp 1518280447 192.168.1.5 9 typ host tcptype active generation 0';
const TCP_PASSIVE = 'candidate:8 1 tcp 1518280447 10.213.7.1 20001 typ host tcptype passive';
const TCP_SO = 'candidate:9 1 tcp 1518280447 10.213.7.1 20002 typ host tcptype so';
const TCP_IPV6 = 'candidate:10 1 tcp 1518283007 2001:db8::1 9 typ host tcptype active';
const TCP_RELAY = 'candidate:11 1 tcp 25108223 198.51.100.9 443 typ relay raddr 0.0.0.0 rport 0 tcptype passive';
const TCP_SRFLX = 'candidate:12 1 TCP 1518280447 203.0.113.7 9 typ srflx raddr 192.168.1.5 rport 9 tcptype active';

const UDP_ALL = [UDP_HOST, UDP_SRFLX, UDP_RELAY, UDP_PRFLX, UDP_IPV6, UDP_MDNS];
const TCP_ALL = [TCP_ACTIVE, TCP_PASSIVE, TCP_SO, TCP_IPV6, TCP_RELAY, TCP_SRFLX];

function sdpWith(candidates: string[], eol = '\r\n', endOfCandidates = true): string {
  const lines = [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'c=IN IP4 0.0.0.0',
    'a=mid:0',
    ...candidates.map((c) => `a=${c}`),
    ...(endOfCandidates ? ['a=end-of-candidates'] : []),
    'a=rtpmap:111 opus/48000/2',
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    'c=IN IP4 0.0.0.0',
    'a=mid:1',
    ...candidates.map((c) => `a=${c}`),
    ...(endOfCandidates ? ['a=end-of-candidates'] : []),
    'a=rtpmap:96 VP8/90000',
  ];
  return lines.join(eol) + eol;
}

describe('candidateTransport', () => {
  it.each(UDP_ALL)('udp: %s', (c) => {
    expect(candidateTransport(c)).toBe('udp');
    expect(candidateTransport(`a=${c}`)).toBe('udp');
  });
  it.each(TCP_ALL)('tcp: %s', (c) => {
    expect(candidateTransport(c)).toBe('tcp');
    expect(candidateTransport(`a=${c}`)).toBe('tcp');
  });
  it('is case-insensitive on the transport and the prefix', () => {
    expect(candidateTransport('CANDIDATE:1 1 UDP 1 1.2.3.4 5 typ host')).toBe('udp');
    expect(candidateTransport('A=candidate:1 1 Tcp 1 1.2.3.4 5 typ host tcptype passive')).toBe('tcp');
  });
  it('returns null for non-candidates and other for unknown transports', () => {
    expect(candidateTransport('')).toBeNull();
    expect(candidateTransport('a=end-of-candidates')).toBeNull();
    expect(candidateTransport('candidate:')).toBeNull();
    expect(candidateTransport('garbage udp')).toBeNull();
    expect(candidateTransport('candidate:1 1 sctp 1 1.2.3.4 5 typ host')).toBe('other');
  });
});

describe('isUdpCandidate / shouldForwardCandidate', () => {
  it.each(UDP_ALL)('drops udp %s', (c) => {
    expect(isUdpCandidate(c)).toBe(true);
    expect(shouldForwardCandidate(c)).toBe(false);
  });
  it.each(TCP_ALL)('forwards tcp %s', (c) => {
    expect(isUdpCandidate(c)).toBe(false);
    expect(shouldForwardCandidate(c)).toBe(true);
  });
  it('never forwards unparsable text', () => {
    expect(shouldForwardCandidate('not a candidate')).toBe(false);
    expect(shouldForwardCandidate('candidate:1 1 sctp 1 1.2.3.4 5 typ host')).toBe(false);
    expect(isUdpCandidate('')).toBe(false);
  });
  it('tolerates surrounding whitespace', () => {
    expect(isUdpCandidate(`  ${UDP_HOST}  `)).toBe(true);
    expect(shouldForwardCandidate(`\t${TCP_PASSIVE}\r\n`)).toBe(true);
  });
});

describe('stripUdpCandidates', () => {
  it('removes every UDP candidate type and keeps every TCP one (CRLF)', () => {
    const sdp = sdpWith([...UDP_ALL, ...TCP_ALL]);
    const result = stripUdpCandidates(sdp);
    expect(result.removed).toBe(UDP_ALL.length * 2);
    expect(result.kept).toBe(TCP_ALL.length * 2);
    expect(result.sdp).toBe(sdpWith(TCP_ALL));
    expect(result.sdp).not.toMatch(/ udp /i);
    expect(result.sdp.split('\r\n').filter((l) => l === 'a=end-of-candidates')).toHaveLength(2);
  });

  it('preserves CRLF exactly and keeps the trailing terminator', () => {
    const result = stripUdpCandidates(sdpWith([UDP_HOST, TCP_PASSIVE]));
    expect(result.sdp.endsWith('\r\n')).toBe(true);
    expect(result.sdp.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('preserves LF-only SDPs', () => {
    const result = stripUdpCandidates(sdpWith([UDP_HOST, TCP_ACTIVE], '\n'));
    expect(result.sdp).toBe(sdpWith([TCP_ACTIVE], '\n'));
    expect(result.sdp).not.toContain('\r');
  });

  it('handles a missing final line terminator', () => {
    const sdp = `v=0\r\na=${TCP_PASSIVE}\r\na=${UDP_HOST}`;
    expect(stripUdpCandidates(sdp).sdp).toBe(`v=0\r\na=${TCP_PASSIVE}\r\n`);
    const sdp2 = `v=0\r\na=${UDP_HOST}\r\na=${TCP_PASSIVE}`;
    expect(stripUdpCandidates(sdp2).sdp).toBe(`v=0\r\na=${TCP_PASSIVE}`);
  });

  it('leaves an SDP without candidates untouched (end-of-candidates included)', () => {
    const sdp = sdpWith([]);
    expect(stripUdpCandidates(sdp)).toEqual({ sdp, removed: 0, kept: 0 });
    const noEoc = sdpWith([], '\r\n', false);
    expect(stripUdpCandidates(noEoc).sdp).toBe(noEoc);
  });

  it('can remove every candidate (UDP-only SDP)', () => {
    const result = stripUdpCandidates(sdpWith(UDP_ALL));
    expect(result.kept).toBe(0);
    expect(result.sdp).toBe(sdpWith([]));
  });

  it('matches candidate lines case-insensitively', () => {
    const sdp = `v=0\r\nA=CANDIDATE:1 1 UDP 1 1.2.3.4 5 typ host\r\na=Candidate:2 1 TCP 1 1.2.3.4 9 typ host tcptype active\r\n`;
    expect(stripUdpCandidates(sdp).sdp).toBe('v=0\r\na=Candidate:2 1 TCP 1 1.2.3.4 9 typ host tcptype active\r\n');
  });

  it('does not touch lines that only mention udp', () => {
    const sdp = 'm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtcp:9 IN IP4 0.0.0.0\r\na=x-note:candidate udp\r\n';
    expect(stripUdpCandidates(sdp).sdp).toBe(sdp);
  });

  it('returns empty for empty input', () => {
    expect(stripUdpCandidates('')).toEqual({ sdp: '', removed: 0, kept: 0 });
  });
});
