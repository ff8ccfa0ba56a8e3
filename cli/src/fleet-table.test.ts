import type { FleetNode } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { formatAge, formatNodes, formatSessions, formatTimeline, table } from './fleet-table.ts';

const node = (over: Partial<FleetNode> = {}): FleetNode => ({
  nodeId: 'node-seoul-1',
  url: 'http://10.0.0.1:7400',
  mediaAddress: '203.0.113.7',
  region: 'kr',
  capacity: 20,
  assignedSessions: 3,
  load: { sessions: 3, publishers: 6, subscribers: 6, bitrateKbps: 6480, cpuPercent: 12.345, uploadsPending: 0 },
  janusUp: true,
  version: '0.1.0',
  lastHeartbeatAt: '2026-11-24T10:00:00.000Z',
  heartbeatAgeSeconds: 4.2,
  draining: false,
  status: 'live',
  mediaSuspectUntil: null,
  ...over,
});

describe('table', () => {
  it('pads every column but the last to its widest cell', () => {
    expect(table(['A', 'BB'], [['xxx', 'y'], ['z', 'long value']])).toBe('A    BB\nxxx  y\nz    long value');
  });
});

describe('formatAge', () => {
  it.each([
    [0, '0s'],
    [4.9, '4s'],
    [59, '59s'],
    [125, '2m05s'],
    [3600 * 3 + 7 * 60, '3h07m'],
    [86_400 * 2 + 3600 * 4, '2d04h'],
    [-3, '0s'],
  ])('%s s is %s', (seconds, text) => {
    expect(formatAge(seconds)).toBe(text);
  });
});

describe('formatNodes', () => {
  it('shows id, region, status, sessions/capacity, cpu, version and heartbeat age', () => {
    const text = formatNodes([
      node(),
      node({ nodeId: 'node-b', region: 'default', status: 'silent', heartbeatAgeSeconds: 125, assignedSessions: 0, capacity: 5 }),
      node({ nodeId: 'node-c', status: 'draining', draining: true, janusUp: false }),
      node({ nodeId: 'node-d', mediaSuspectUntil: '2026-11-24T10:05:00.000Z' }),
    ]);
    expect(text.split('\n')).toEqual([
      'ID            REGION   STATUS                 SESSIONS  CPU    VERSION  HEARTBEAT',
      'node-seoul-1  kr       live                   3/20      12.3%  0.1.0    4s ago',
      'node-b        default  silent                 0/5       12.3%  0.1.0    2m05s ago',
      'node-c        kr       draining (janus down)  3/20      12.3%  0.1.0    4s ago',
      'node-d        kr       live (media suspect)   3/20      12.3%  0.1.0    4s ago',
    ]);
    expect(formatNodes([])).toBe('no media nodes registered');
  });
});

describe('formatSessions and formatTimeline', () => {
  it('lists sessions with node, state and who is connected', () => {
    const id = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
    const text = formatSessions([
      { sessionId: id, state: 'in_call', nodeId: 'node-a', createdAt: '2026-11-24T10:00:00.000Z', startedAt: null, expiresAt: '2026-11-24T10:30:00.000Z', connected: ['customer', 'agent'] },
    ]);
    expect(text.split('\n')[1]).toBe(`${id}  in_call  node-a  customer,agent  2026-11-24T10:00:00.000Z`);
    expect(formatSessions([])).toBe('no live sessions');
  });

  it('prints the timeline with offsets from creation', () => {
    const id = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
    const text = formatTimeline({
      sessionId: id,
      entries: [
        { seq: 1, at: '2026-11-24T10:00:00.000Z', offsetMs: 0, actor: 'bank', action: 'session.created' },
        { seq: 2, at: '2026-11-24T10:00:12.340Z', offsetMs: 12_340, actor: 'customer', action: 'participant.joined' },
      ],
    });
    expect(text.split('\n')).toEqual([
      `session ${id}`,
      'OFFSET  AT                        ACTOR     ACTION',
      '+0.0s   2026-11-24T10:00:00.000Z  bank      session.created',
      '+12.3s  2026-11-24T10:00:12.340Z  customer  participant.joined',
    ]);
  });
});
