import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeStatus } from './fleet-status.ts';
import { compareLoad, isEligible, isLive, placeSession, type NodeLoad } from './placement.ts';

const NOW = 1_750_000_000_000;
const TTL = 15_000;

const node = (nodeId: string, over: Partial<NodeLoad> = {}): NodeLoad => ({
  nodeId,
  capacity: 10,
  assigned: 0,
  lastSeenAt: NOW - 1000,
  janusUp: true,
  region: 'default',
  draining: false,
  cpuPercent: 0,
  mediaSuspectUntil: null,
  ...over,
});

const place = (nodes: NodeLoad[], region?: string) => placeSession(nodes, { now: NOW, ttlMs: TTL, region });

describe('placeSession', () => {
  it('answers null without nodes', () => {
    expect(place([])).toBeNull();
  });

  it('picks the least-loaded live node', () => {
    expect(place([node('a', { assigned: 5 }), node('b', { assigned: 2 }), node('c', { assigned: 7 })])?.nodeId).toBe('b');
  });

  it('compares load relative to capacity', () => {
    expect(place([node('small', { capacity: 2, assigned: 1 }), node('big', { capacity: 100, assigned: 10 })])?.nodeId).toBe('big');
  });

  it('skips nodes whose heartbeat is older than the TTL', () => {
    expect(place([node('stale', { lastSeenAt: NOW - TTL - 1 }), node('fresh', { assigned: 9 })])?.nodeId).toBe('fresh');
    expect(isLive({ lastSeenAt: NOW - TTL }, NOW, TTL)).toBe(true);
    expect(isLive({ lastSeenAt: NOW - TTL - 1 }, NOW, TTL)).toBe(false);
  });

  it('skips full, Janus-down and draining nodes', () => {
    expect(place([node('full', { capacity: 3, assigned: 3 })])).toBeNull();
    expect(place([node('down', { janusUp: false })])).toBeNull();
    expect(place([node('draining', { draining: true })])).toBeNull();
    expect(place([node('full', { capacity: 1, assigned: 1 }), node('ok', { capacity: 1 })])?.nodeId).toBe('ok');
  });

  it('prefers the region, even more loaded, and falls back to another region', () => {
    const nodes = [node('seoul', { region: 'kr', assigned: 8 }), node('tokyo', { region: 'jp', assigned: 1 })];
    expect(place(nodes, 'kr')?.nodeId).toBe('seoul');
    expect(place(nodes)?.nodeId).toBe('tokyo');
    expect(place([node('seoul', { region: 'kr', draining: true }), node('tokyo', { region: 'jp' })], 'kr')?.nodeId).toBe('tokyo');
    expect(place(nodes, 'us')?.nodeId).toBe('tokyo');
  });

  it('breaks ties by Janus CPU, then deterministically by node id', () => {
    expect(place([node('b'), node('a'), node('c')])?.nodeId).toBe('a');
    expect(place([node('a', { cpuPercent: 40 }), node('b', { cpuPercent: 3 })])?.nodeId).toBe('b');
  });

  it('skips a node whose media path is suspect until the suspicion runs out', () => {
    const suspect = node('a', { mediaSuspectUntil: NOW + 1 });
    expect(place([suspect, node('b', { assigned: 9 })])?.nodeId).toBe('b');
    expect(place([suspect])).toBeNull();
    expect(place([node('a', { mediaSuspectUntil: NOW }), node('b', { assigned: 9 })])?.nodeId).toBe('a');
  });
});

const REGIONS = ['kr', 'jp', 'us'];

const arbitraryNode = fc.record({
  nodeId: fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/),
  capacity: fc.integer({ min: 1, max: 50 }),
  assigned: fc.integer({ min: 0, max: 60 }),
  lastSeenAt: fc.integer({ min: NOW - 3 * TTL, max: NOW }),
  janusUp: fc.boolean(),
  region: fc.constantFrom(...REGIONS),
  draining: fc.boolean(),
  cpuPercent: fc.integer({ min: 0, max: 400 }),
  mediaSuspectUntil: fc.option(fc.integer({ min: NOW - TTL, max: NOW + TTL }), { nil: null }),
});
// Node ids are unique in the registry (its primary key).
const fleet = fc.uniqueArray(arbitraryNode, { selector: (n) => n.nodeId, maxLength: 12 });
const wanted = fc.option(fc.constantFrom(...REGIONS, 'elsewhere'), { nil: undefined });

describe('placeSession properties', () => {
  it('never picks an ineligible node and always picks one when one is eligible', () => {
    fc.assert(
      fc.property(fleet, wanted, (nodes, region) => {
        const chosen = place(nodes, region);
        const eligible = nodes.filter((n) => isEligible(n, NOW, TTL));
        if (eligible.length === 0) {
          expect(chosen).toBeNull();
          return;
        }
        expect(chosen).not.toBeNull();
        expect(isEligible(chosen!, NOW, TTL)).toBe(true);
        // Spelled out, not via isEligible: the rules themselves.
        expect(chosen!.draining).toBe(false);
        expect(chosen!.janusUp).toBe(true);
        expect(NOW - chosen!.lastSeenAt).toBeLessThanOrEqual(TTL);
        expect(chosen!.assigned).toBeLessThan(chosen!.capacity);
      }),
      { numRuns: 2000 },
    );
  });

  it('prefers the region and picks the minimum load among the preferred', () => {
    fc.assert(
      fc.property(fleet, wanted, (nodes, region) => {
        const chosen = place(nodes, region);
        if (chosen === null) return;
        const eligible = nodes.filter((n) => isEligible(n, NOW, TTL));
        const local = eligible.filter((n) => n.region === region);
        const pool = local.length > 0 ? local : eligible;
        if (local.length > 0) expect(chosen.region).toBe(region);
        for (const other of pool) expect(compareLoad(chosen, other)).toBeLessThanOrEqual(0);
        // Minimum of the primary measure, not just of the ordering.
        expect(chosen.assigned / chosen.capacity).toBe(Math.min(...pool.map((n) => n.assigned / n.capacity)));
      }),
      { numRuns: 2000 },
    );
  });

  it('is independent of the order nodes are listed in', () => {
    fc.assert(
      fc.property(fleet, wanted, (nodes, region) => {
        const reversed = [...nodes].reverse();
        expect(place(reversed, region)?.nodeId).toBe(place(nodes, region)?.nodeId);
      }),
      { numRuns: 500 },
    );
  });
});

describe('nodeStatus', () => {
  it('derives live, silent, draining and drained', () => {
    expect(nodeStatus(node('a'), NOW, TTL)).toBe('live');
    expect(nodeStatus(node('a', { lastSeenAt: NOW - TTL - 1 }), NOW, TTL)).toBe('silent');
    expect(nodeStatus(node('a', { draining: true, assigned: 2 }), NOW, TTL)).toBe('draining');
    expect(nodeStatus(node('a', { draining: true, assigned: 0 }), NOW, TTL)).toBe('drained');
    // A drained node that was then stopped is still drained; a silent one with calls is silent.
    expect(nodeStatus(node('a', { draining: true, assigned: 0, lastSeenAt: 0 }), NOW, TTL)).toBe('drained');
    expect(nodeStatus(node('a', { draining: true, assigned: 1, lastSeenAt: 0 }), NOW, TTL)).toBe('silent');
  });

  it('no node with a status other than live is ever placed on', () => {
    fc.assert(
      fc.property(fleet, wanted, (nodes, region) => {
        const chosen = place(nodes, region);
        if (chosen) expect(nodeStatus(chosen, NOW, TTL)).toBe('live');
      }),
      { numRuns: 1000 },
    );
  });
});
