import { describe, expect, it } from 'vitest';
import { cpuPercent, isIpv4TcpCandidate, isRtp, keepOneTcpPassiveCandidate, keepTcpActiveCandidates, payloadTypeOf, rampSteps, readRtpHeader, SequenceLoss, statTicks, stopReason, windowLoss } from './capacity-math.ts';

/** A minimal RTP packet: V=2, marker, PT, sequence, timestamp, SSRC, 4 payload bytes. */
function rtp(pt: number, seq: number, ssrc: number, marker = false): Buffer {
  const b = Buffer.alloc(16);
  b[0] = 0x80;
  b[1] = (marker ? 0x80 : 0) | pt;
  b.writeUInt16BE(seq, 2);
  b.writeUInt32BE(123456, 4);
  b.writeUInt32BE(ssrc, 8);
  b.set([1, 2, 3, 4], 12);
  return b;
}

describe('isRtp', () => {
  it('tells RTP from RTCP and junk', () => {
    expect(isRtp(rtp(96, 1, 1))).toBe(true);
    const rtcp = Buffer.from([0x81, 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(isRtp(rtcp)).toBe(false);
    expect(isRtp(Buffer.from([0x80, 96]))).toBe(false);
    expect(isRtp(Buffer.alloc(12))).toBe(false);
  });
});

describe('SequenceLoss', () => {
  const feed = (seqs: number[]) => {
    const loss = new SequenceLoss();
    for (const s of seqs) loss.push(s);
    return loss.count();
  };

  it('counts no loss for a contiguous run', () => {
    expect(feed([10, 11, 12, 13])).toEqual({ expected: 4, received: 4 });
  });

  it('counts gaps', () => {
    expect(feed([10, 11, 14, 15])).toEqual({ expected: 6, received: 4 });
  });

  it('extends across the 16-bit wrap-around', () => {
    expect(feed([65533, 65534, 65535, 0, 1, 3])).toEqual({ expected: 7, received: 6 });
  });

  it('does not move back for a late packet, also across the wrap', () => {
    expect(feed([65534, 0, 65535, 1])).toEqual({ expected: 4, received: 4 });
  });

  it('is empty before the first packet', () => {
    expect(feed([])).toEqual({ expected: 0, received: 0 });
  });

  it('windowLoss uses only the packets inside the window', () => {
    const loss = new SequenceLoss();
    for (let s = 0; s < 100; s++) if (s % 2 === 1) loss.push(s); // 50% lost before the window, up to 99
    const before = loss.count();
    for (let s = 100; s < 200; s++) if (s !== 150) loss.push(s); // 1 lost in 100 inside it
    expect(windowLoss(before, loss.count())).toBeCloseTo(0.01, 5);
    expect(windowLoss(before, before)).toBe(0);
  });
});

describe('statTicks and cpuPercent', () => {
  it('reads utime+stime+cutime+cstime and ppid, even with ") " in the command name', () => {
    const line = '4242 (evil) name) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 1 0 100 1000 10';
    expect(statTicks(line)).toEqual({ ticks: 310, ppid: 17 });
  });

  it('turns ticks into % of one core', () => {
    expect(cpuPercent(50, 100, 10_000)).toBeCloseTo(5);
    expect(cpuPercent(10, 100, 0)).toBe(0);
  });
});

describe('ramp', () => {
  it('goes 1, 2, 4, 6, ... up to the bound', () => {
    expect(rampSteps(10)).toEqual([1, 2, 4, 8]);
    expect(rampSteps(40)).toEqual([1, 2, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40]);
    expect(rampSteps(1)).toEqual([1]);
  });

  it('stops at a join failure or loss above 1%', () => {
    expect(stopReason({ calls: 4, joinFailures: 0, worstLoss: 0.005 })).toBeNull();
    expect(stopReason({ calls: 4, joinFailures: 1, worstLoss: 0 })).toBe('1 of 4 calls failed to join');
    expect(stopReason({ calls: 4, joinFailures: 0, worstLoss: 0.02 })).toBe('packet loss 2.00% > 1%');
    expect(stopReason({ calls: 4, joinFailures: 0, worstLoss: 0.01 })).toBeNull();
  });
});

describe('payloadTypeOf', () => {
  it('finds the negotiated payload type of a codec', () => {
    const sdp = 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 109\r\na=rtpmap:109 opus/48000/2\r\nm=video 9 UDP/TLS/RTP/SAVPF 100\r\na=rtpmap:100 VP8/90000\r\n';
    expect(payloadTypeOf(sdp, 'vp8')).toBe(100);
    expect(payloadTypeOf(sdp, 'opus')).toBe(109);
    expect(payloadTypeOf(sdp, 'H264')).toBeNull();
  });
});

describe('IPv4 TCP candidates', () => {
  const TCP4 = 'a=candidate:4 1 TCP 1288699135 10.213.7.1 20003 typ host tcptype passive';
  const TCP6 = 'a=candidate:3 1 TCP 1289747967 fd00::2 9 typ host tcptype active';
  const UDP4 = 'a=candidate:1 1 UDP 2114977791 10.213.7.1 20001 typ host';

  it('tells IPv4 TCP candidates from the rest, with or without the a= prefix', () => {
    expect(isIpv4TcpCandidate(TCP4)).toBe(true);
    expect(isIpv4TcpCandidate(TCP4.slice(2))).toBe(true);
    expect(isIpv4TcpCandidate(TCP6)).toBe(false);
    expect(isIpv4TcpCandidate(UDP4)).toBe(false);
    expect(isIpv4TcpCandidate('a=mid:0')).toBe(false);
  });

  it('keeps only the first IPv4 TCP passive candidate of an SDP, other lines and line endings untouched', () => {
    const ACTIVE = 'a=candidate:2 1 tcp 1015021823 10.213.7.1 0 typ host tcptype active';
    const sdp = ['v=0', 'm=video 9 UDP/TLS/RTP/SAVPF 96', UDP4, ACTIVE, TCP6, TCP4, 'a=end-of-candidates', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', ACTIVE, TCP4, ''].join('\r\n');
    expect(keepOneTcpPassiveCandidate(sdp)).toBe(['v=0', 'm=video 9 UDP/TLS/RTP/SAVPF 96', TCP4, 'a=end-of-candidates', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', ''].join('\r\n'));
  });

  it('keeps only IPv4 TCP active candidates of a werift offer, in every m-line', () => {
    const ACTIVE = 'a=candidate:b8c0 1 tcp 1776287743 192.0.2.2 9 typ host tcptype active generation 0 ufrag 97f0';
    const PASSIVE = 'a=candidate:a1 1 tcp 1776287743 192.0.2.2 40001 typ host tcptype passive generation 0 ufrag 97f0';
    const UDP = 'a=candidate:c2 1 udp 2130706431 192.0.2.2 50000 typ host generation 0 ufrag 97f0';
    const sdp = ['v=0', 'm=video 9 UDP/TLS/RTP/SAVPF 96', UDP, PASSIVE, ACTIVE, TCP6, 'a=end-of-candidates', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', UDP, ACTIVE, ''].join('\r\n');
    expect(keepTcpActiveCandidates(sdp)).toBe(['v=0', 'm=video 9 UDP/TLS/RTP/SAVPF 96', ACTIVE, 'a=end-of-candidates', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', ACTIVE, ''].join('\r\n'));
  });
});
