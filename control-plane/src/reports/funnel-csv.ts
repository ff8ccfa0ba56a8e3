import { FUNNEL_STEPS, FUNNEL_STOP_REASONS, type FunnelFigures, type FunnelReport } from '@vident/protocol';

/*
 * The funnel report as CSV (RFC 4180, CRLF): one row per UTC day and desk agent, then one `total`
 * row. Rejection reason codes in one cell as `CODE:count` joined by `;`. Pure.
 */

export const FUNNEL_CSV_COLUMNS = [
  'day',
  'agent_id',
  'sessions',
  ...FUNNEL_STEPS.map((s) => `reached_${s}`),
  ...FUNNEL_STOP_REASONS.map((r) => `stopped_${r}`),
  'wait_count',
  'wait_p50_s',
  'wait_p90_s',
  'call_count',
  'call_p50_s',
  'call_p90_s',
  'approved',
  'rejected',
  'approval_rate',
  'rejection_rate',
  'rejection_reasons',
] as const;

/** A cell quoted when it must be; ids and codes never need it, but a cell must never break a row. */
function cell(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function figureCells(f: FunnelFigures): Array<string | number | null> {
  return [
    f.sessions,
    ...FUNNEL_STEPS.map((s) => f.reached[s]),
    ...FUNNEL_STOP_REASONS.map((r) => f.stopped[r]),
    f.waitSeconds.count,
    f.waitSeconds.p50,
    f.waitSeconds.p90,
    f.callSeconds.count,
    f.callSeconds.p50,
    f.callSeconds.p90,
    f.approved,
    f.rejected,
    f.approvalRate,
    f.rejectionRate,
    f.rejectionReasons.map((r) => `${r.code}:${r.count}`).join(';'),
  ];
}

/** The report's rows (day × agent) and its total, with a header line. */
export function funnelCsv(report: FunnelReport): string {
  const lines = [FUNNEL_CSV_COLUMNS.join(',')];
  for (const row of report.rows) lines.push([row.day, row.agentId, ...figureCells(row)].map(cell).join(','));
  lines.push(['total', report.agent, ...figureCells(report.total)].map(cell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
