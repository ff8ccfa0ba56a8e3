import { describe, expect, it } from 'vitest';
import { isLive, placeSession, type NodeLoad } from './placement.ts';

const NOW = 1_750_000_000_000;
const TTL = 15_000;

const node = (nodeId: string, over: Partial<NodeLoad> = {}): NodeLoad => ({
  nodeId,
  capacity: 10,
  assigned: 0,
  lastSeenAt: NOW - 1000,
  janusUp: true,
  ...over,
});

describe('placeSession', () => {
  it('answers null without nodes', () => {
    expect(placeSession([], NOW, TTL)).toBeNull();
  });

  it('picks the least-loaded live node', () => {
    const nodes = [node('a', { assigned: 5 }), node('b', { assigned: 2 }), node('c', { assigned: 7 })];
    expect(placeSession(nodes, NOW, TTL)?.nodeId).toBe('b');
  });

  it('compares load relative to capacity', () => {
    const nodes = [node('small', { capacity: 2, assigned: 1 }), node('big', { capacity: 100, assigned: 10 })];
    expect(placeSession(nodes, NOW, TTL)?.nodeId).toBe('big');
  });

  it('skips nodes whose heartbeat is older than the TTL', () => {
    const nodes = [node('stale', { lastSeenAt: NOW - TTL - 1 }), node('fresh', { assigned: 9 })];
    expect(placeSession(nodes, NOW, TTL)?.nodeId).toBe('fresh');
    expect(isLive({ lastSeenAt: NOW - TTL }, NOW, TTL)).toBe(true);
    expect(isLive({ lastSeenAt: NOW - TTL - 1 }, NOW, TTL)).toBe(false);
  });

  it('skips full nodes and nodes reporting Janus down', () => {
    expect(placeSession([node('full', { capacity: 3, assigned: 3 })], NOW, TTL)).toBeNull();
    expect(placeSession([node('down', { janusUp: false })], NOW, TTL)).toBeNull();
    expect(placeSession([node('full', { capacity: 1, assigned: 1 }), node('ok', { capacity: 1 })], NOW, TTL)?.nodeId).toBe('ok');
  });

  it('breaks ties deterministically by node id', () => {
    expect(placeSession([node('b'), node('a'), node('c')], NOW, TTL)?.nodeId).toBe('a');
  });
});
