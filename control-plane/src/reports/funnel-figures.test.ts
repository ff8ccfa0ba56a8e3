import type { FunnelFacts } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { funnelCsv, FUNNEL_CSV_COLUMNS } from './funnel-csv.ts';
import { funnelFigures, funnelReport, percentile, percentilesOf } from './funnel-figures.ts';

let n = 0;
function facts(f: Partial<FunnelFacts>): FunnelFacts {
  n += 1;
  return {
    sessionId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    day: '2026-12-01',
    agentId: null,
    lastStep: 'created',
    stopReason: 'expired',
    waitMs: null,
    callMs: null,
    decision: null,
    reasonCodes: [],
    ...f,
  };
}

const approved = (agentId: string, waitMs: number, callMs: number, day = '2026-12-01') =>
  facts({ day, agentId, lastStep: 'decided', stopReason: null, waitMs, callMs, decision: 'approved' });
const rejected = (agentId: string, reasonCodes: FunnelFacts['reasonCodes'], day = '2026-12-01') =>
  facts({ day, agentId, lastStep: 'decided', stopReason: null, waitMs: 60_000, callMs: 300_000, decision: 'rejected', reasonCodes });

describe('percentiles (nearest rank)', () => {
  it('picks a value that occurred', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([7], 90)).toBe(7);
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(ten, 50)).toBe(5);
    expect(percentile(ten, 90)).toBe(9);
    expect(percentile([1, 2, 3], 50)).toBe(2);
    expect(percentile([1, 2, 3], 90)).toBe(3);
    expect(percentile([10, 20], 0)).toBe(10);
    expect(percentile([10, 20], 100)).toBe(20);
  });

  it('in seconds to a tenth, unsorted input', () => {
    expect(percentilesOf([30_000, 10_000, 20_049])).toEqual({ count: 3, p50: 20, p90: 30 });
    expect(percentilesOf([])).toEqual({ count: 0, p50: null, p90: null });
  });
});

describe('funnel figures', () => {
  it('counts every step a session passed, stop reasons, decisions and rejection reasons', () => {
    const f = funnelFigures([
      facts({ lastStep: 'created', stopReason: 'expired' }),
      facts({ lastStep: 'link_opened', stopReason: 'permission_refused' }),
      facts({ lastStep: 'link_opened', stopReason: 'network_check_failed' }),
      facts({ lastStep: 'precheck_passed', stopReason: 'consent_declined' }),
      facts({ lastStep: 'queued', stopReason: 'left_queue' }),
      facts({ lastStep: 'in_call', stopReason: 'abandoned', waitMs: 30_000, callMs: 10_000 }),
      approved('a', 60_000, 200_000),
      rejected('a', ['ID_MISMATCH', 'SUSPECTED_FRAUD']),
      rejected('b', ['ID_MISMATCH']),
    ]);
    expect(f.sessions).toBe(9);
    expect(f.reached).toEqual({ created: 9, link_opened: 8, precheck_passed: 6, consent_given: 5, queued: 5, in_call: 4, decided: 3 });
    expect(f.stopped).toEqual({
      permission_refused: 1,
      network_check_failed: 1,
      consent_declined: 1,
      left_queue: 1,
      abandoned: 1,
      expired: 1,
      cancelled_by_bank: 0,
      cancelled_by_agent: 0,
      failed: 0,
    });
    expect(f.waitSeconds).toEqual({ count: 4, p50: 60, p90: 60 });
    expect(f.callSeconds).toEqual({ count: 4, p50: 200, p90: 300 });
    expect(f).toMatchObject({ approved: 1, rejected: 2, approvalRate: 0.3333, rejectionRate: 0.6667 });
    expect(f.rejectionReasons).toEqual([
      { code: 'ID_MISMATCH', count: 2 },
      { code: 'SUSPECTED_FRAUD', count: 1 },
    ]);
  });

  it('no sessions: zeros, null percentiles and rates', () => {
    const f = funnelFigures([]);
    expect(f).toMatchObject({ sessions: 0, approvalRate: null, rejectionRate: null, rejectionReasons: [] });
    expect(f.waitSeconds.p50).toBeNull();
    expect(Object.values(f.reached).every((v) => v === 0)).toBe(true);
  });

  it('groups by day, by agent (no desk agent last) and by both', () => {
    const report = funnelReport(
      [approved('b', 1000, 2000, '2026-12-02'), approved('a', 1000, 2000, '2026-12-01'), rejected('a', ['POOR_QUALITY'], '2026-12-02'), facts({ day: '2026-12-01' })],
      { from: '2026-12-01', to: '2026-12-03' },
      '2026-12-03T10:00:00.000Z',
    );
    expect(report.total.sessions).toBe(4);
    expect(report.days.map((d) => [d.day, d.sessions])).toEqual([
      ['2026-12-01', 2],
      ['2026-12-02', 2],
    ]);
    expect(report.agents.map((a) => [a.agentId, a.sessions])).toEqual([
      ['a', 2],
      ['b', 1],
      [null, 1],
    ]);
    expect(report.rows.map((r) => [r.day, r.agentId, r.sessions])).toEqual([
      ['2026-12-01', 'a', 1],
      ['2026-12-01', null, 1],
      ['2026-12-02', 'a', 1],
      ['2026-12-02', 'b', 1],
    ]);
    expect(report).toMatchObject({ from: '2026-12-01', to: '2026-12-03', agent: null, generatedAt: '2026-12-03T10:00:00.000Z' });
  });

  it('as CSV: a header, a row per day and agent, a total; reason codes in one cell', () => {
    const report = funnelReport([rejected('a', ['ID_MISMATCH', 'POOR_QUALITY']), facts({ lastStep: 'queued', stopReason: 'left_queue' })], { from: '2026-12-01', to: '2026-12-01' }, '2026-12-01T12:00:00.000Z');
    const lines = funnelCsv(report).split('\r\n');
    expect(lines.at(-1)).toBe('');
    const [header, ...rows] = lines.slice(0, -1);
    expect(header!.split(',')).toEqual([...FUNNEL_CSV_COLUMNS]);
    const record = (line: string) => Object.fromEntries(line.split(',').map((v, i) => [FUNNEL_CSV_COLUMNS[i], v]));
    expect(rows.map(record)).toEqual([
      expect.objectContaining({ day: '2026-12-01', agent_id: 'a', sessions: '1', reached_decided: '1', rejected: '1', rejection_rate: '1', rejection_reasons: 'ID_MISMATCH:1;POOR_QUALITY:1', wait_p50_s: '60' }),
      expect.objectContaining({ day: '2026-12-01', agent_id: '', sessions: '1', reached_queued: '1', reached_in_call: '0', stopped_left_queue: '1', approval_rate: '', wait_p50_s: '' }),
      expect.objectContaining({ day: 'total', agent_id: '', sessions: '2', reached_created: '2', reached_decided: '1', rejection_rate: '1' }),
    ]);
  });
});
