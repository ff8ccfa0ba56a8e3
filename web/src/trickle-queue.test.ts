import { describe, expect, it } from 'vitest';
import type { IceCandidate } from '@vident/protocol';
import { TrickleQueue } from './trickle-queue.ts';

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
