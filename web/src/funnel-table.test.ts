import type { FunnelFigures, FunnelReport } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { chartLabel, dayRows, decisionRows, defaultFunnelRange, percentText, stepRows, stopRows, timeRows } from './funnel-table.ts';

const figures: FunnelFigures = {
  sessions: 8,
  reached: { created: 8, link_opened: 7, precheck_passed: 5, consent_given: 4, queued: 4, in_call: 2, decided: 1 },
  stopped: { permission_refused: 1, network_check_failed: 0, consent_declined: 1, left_queue: 1, abandoned: 1, expired: 3, cancelled_by_bank: 0, cancelled_by_agent: 0, failed: 0 },
  waitSeconds: { count: 2, p50: 65, p90: 3725.4 },
  callSeconds: { count: 0, p50: null, p90: null },
  approved: 0,
  rejected: 1,
  approvalRate: 0,
  rejectionRate: 1,
  rejectionReasons: [{ code: 'ID_MISMATCH', count: 1 }],
};

describe('the funnel as table rows', () => {
  it('defaults to the last seven UTC days', () => {
    expect(defaultFunnelRange(Date.parse('2026-12-03T00:30:00Z'))).toEqual({ from: '2026-11-27', to: '2026-12-03' });
  });

  it('shares: whole percent, a decimal under 10 %, a dash without a base', () => {
    expect(percentText(7, 8)).toBe('88%');
    expect(percentText(1, 16)).toBe('6.3%');
    expect(percentText(0, 8)).toBe('0%');
    expect(percentText(1, 0)).toBe('—');
    expect(percentText(1, null)).toBe('—');
  });

  it('steps, stop reasons, times and decisions in both languages', () => {
    expect(stepRows(figures, 'en').map((r) => r.cells)).toEqual([
      ['Created', '8', '100%'],
      ['Link opened', '7', '88%'],
      ['Pre-call check passed', '5', '63%'],
      ['Consent given', '4', '50%'],
      ['Queued', '4', '50%'],
      ['In call', '2', '25%'],
      ['Decided', '1', '13%'],
    ]);
    expect(stepRows(figures, 'ko')[1]!.cells[0]).toBe('링크 열림');
    expect(stopRows(figures, 'en').find((r) => r.id === 'funnel-stop-expired')!.cells).toEqual(['Expired', '3']);
    expect(timeRows(figures, 'en').map((r) => r.cells)).toEqual([
      ['Waiting time', '2', '1:05', '1:02:05'],
      ['Call time', '0', '—', '—'],
    ]);
    expect(decisionRows(figures, 'en').map((r) => r.cells)).toEqual([
      ['Approved', '0'],
      ['Rejected', '1'],
      ['Approval rate', '0%'],
      ['Rejection rate', '100%'],
      [expect.stringMatching(/^Rejected for: \S/), '1'],
    ]);
    expect(decisionRows(figures, 'ko')[4]!.cells[0]).toMatch(/^거절 사유: /);
  });

  it('a row per day and agent; no desk agent named as such', () => {
    const report = { rows: [{ ...figures, day: '2026-12-01', agentId: null }, { ...figures, day: '2026-12-02', agentId: 'agent-7' }] } as unknown as FunnelReport;
    expect(dayRows(report, 'en').map((r) => [r.id, ...r.cells])).toEqual([
      ['funnel-day-2026-12-01-none', '2026-12-01', '(no desk agent)', '8', '2', '0', '1', '1:05', '—'],
      ['funnel-day-2026-12-02-agent-7', '2026-12-02', 'agent-7', '8', '2', '0', '1', '1:05', '—'],
    ]);
  });

  it('breaks a long chart label into two lines at the middle space', () => {
    expect(chartLabel('Queued')).toBe('Queued');
    expect(chartLabel('Camera or microphone refused')).toEqual(['Camera or', 'microphone refused']);
    expect(chartLabel('카메라·마이크 권한 거부', 8)).toEqual(['카메라·마이크', '권한 거부']);
    expect(chartLabel('Verylonglabelwithoutspaces')).toBe('Verylonglabelwithoutspaces');
  });
});
