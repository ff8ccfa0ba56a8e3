import { describe, expect, it } from 'vitest';
import { agentsOnline, chooseUniform, eligibleAgents, estimateSeconds, plannedAssignments, queueEntries, queueStatuses, type AgentRow, type WaitingRow } from './desk-queue.ts';

const T0 = Date.UTC(2026, 4, 1, 9, 0, 0);
const sid = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const row = (n: number, at: number, extra: Partial<WaitingRow> = {}): WaitingRow => ({
  sessionId: sid(n),
  externalRef: `case-${n}`,
  locale: 'ko',
  waitingSince: T0 + at,
  assignedTo: null,
  ...extra,
});
const agent = (id: string, extra: Partial<AgentRow> = {}): AgentRow => ({
  agentId: id,
  name: id,
  role: 'agent',
  locales: ['ko', 'en'],
  status: 'available',
  connected: true,
  sessionId: null,
  since: T0,
  ...extra,
});

describe('queue positions', () => {
  it('are first come first served, from 1', () => {
    const entries = queueEntries([row(3, 300), row(1, 100), row(2, 200)]);
    expect(entries.map((e) => [e.externalRef, e.position])).toEqual([
      ['case-1', 1],
      ['case-2', 2],
      ['case-3', 3],
    ]);
    expect(entries[0]!.waitingSince).toBe(new Date(T0 + 100).toISOString());
  });
});

describe('the estimate', () => {
  it('is position x average handle time / agents online', () => {
    expect(estimateSeconds(3, 240_000, 2)).toBe(360);
    expect(estimateSeconds(1, 100_000, 3)).toBe(33);
  });

  it('is null without history or without an agent online', () => {
    expect(estimateSeconds(1, null, 4)).toBeNull();
    expect(estimateSeconds(1, 120_000, 0)).toBeNull();
  });

  it('counts agents available or in a call, never supervisors, away or disconnected ones', () => {
    const agents = [
      agent('a'),
      agent('b', { status: 'busy', connected: false, sessionId: sid(9) }),
      agent('c', { status: 'away' }),
      agent('d', { connected: false }),
      agent('s', { role: 'supervisor' }),
    ];
    expect(agentsOnline(agents)).toBe(2);
    const statuses = queueStatuses([row(1, 0), row(2, 10)], 60_000, 2);
    expect(statuses.get(sid(2))).toEqual({ position: 2, estimateSeconds: 60, agentsOnline: 2 });
  });
});

describe('random assignment', () => {
  it('only considers connected, available agents of the locale, never a supervisor', () => {
    const agents = [
      agent('ko-only', { locales: ['ko'] }),
      agent('en-only', { locales: ['en'] }),
      agent('away', { status: 'away' }),
      agent('busy', { status: 'busy' }),
      agent('gone', { connected: false }),
      agent('boss', { role: 'supervisor' }),
    ];
    expect(eligibleAgents(agents, 'en').map((a) => a.agentId)).toEqual(['en-only']);
    expect(eligibleAgents(agents, 'ko').map((a) => a.agentId)).toEqual(['ko-only']);
  });

  it('is uniform over the eligible agents', () => {
    const items = ['a', 'b', 'c', 'd'];
    expect([0, 0.25, 0.5, 0.99999].map((r) => chooseUniform(items, () => r))).toEqual(['a', 'b', 'c', 'd']);
    expect(chooseUniform([], () => 0.5)).toBeNull();
    let seed = 7;
    const lcg = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const pick = chooseUniform(items, lcg)!;
      counts.set(pick, (counts.get(pick) ?? 0) + 1);
    }
    for (const item of items) expect(counts.get(item)).toBeGreaterThan(850);
  });

  it('gives the oldest customers out first, one per agent, skipping taken ones', () => {
    const plan = plannedAssignments(
      [row(1, 0, { assignedTo: 'x' }), row(2, 10), row(3, 20), row(4, 30, { locale: 'en' })],
      [agent('a', { locales: ['ko'] }), agent('b', { locales: ['ko'] })],
      () => 0,
    );
    expect(plan).toEqual([
      { sessionId: sid(2), agentId: 'a' },
      { sessionId: sid(3), agentId: 'b' },
    ]);
  });
});
