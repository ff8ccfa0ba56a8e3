import { describe, expect, it } from 'vitest';
import type { IceCandidate } from '@vident/protocol';
import { isUdpCandidate, TrickleQueue } from './trickle-queue.ts';

const c = (n: number): IceCandidate => ({
  candidate: `candidate:${n} 1 tcp 1518280447 10.0.0.2 9 typ host tcptype active`,
  sdpMid: '0',
  sdpMLineIndex: 0,
});

describe('TrickleQueue', () => {
  it('holds candidates until released, then flushes in order and passes later ones through', () => {
    const sent: IceCandidate[] = [];
    const q = new TrickleQueue((x) => sent.push(x));
    q.push(c(1));
    q.push(c(2));
    expect(sent).toEqual([]);
    expect(q.buffered).toBe(2);
    q.release();
    expect(sent).toEqual([c(1), c(2)]);
    q.push(c(3));
    q.push(null);
    expect(sent).toEqual([c(1), c(2), c(3), null]);
  });

  it('keeps the end-of-candidates marker last even when gathering finished before release', () => {
    const sent: IceCandidate[] = [];
    const q = new TrickleQueue((x) => sent.push(x));
    q.push(c(1));
    q.push(null);
    q.push(null);
    q.release();
    q.release();
    expect(sent).toEqual([c(1), null]);
  });

  it('drops candidates reported after completion', () => {
    const sent: IceCandidate[] = [];
    const q = new TrickleQueue((x) => sent.push(x));
    q.release();
    q.push(null);
    q.push(c(9));
    expect(sent).toEqual([null]);
  });
});

describe('isUdpCandidate', () => {
  it('tells UDP candidate lines from TCP ones, in trickle and SDP form', () => {
    expect(isUdpCandidate('candidate:1 1 udp 2122260223 10.0.0.2 54321 typ host generation 0')).toBe(true);
    expect(isUdpCandidate('a=candidate:1 1 UDP 2122260223 10.0.0.2 54321 typ host')).toBe(true);
    expect(isUdpCandidate('candidate:2 1 tcp 1518280447 10.0.0.2 9 typ host tcptype active')).toBe(false);
    expect(isUdpCandidate('candidate:3 1 udp 41885439 203.0.113.7 3478 typ relay raddr 0.0.0.0 rport 0')).toBe(true);
    expect(isUdpCandidate('')).toBe(false);
  });
});
