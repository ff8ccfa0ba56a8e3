import { FUNNEL_STEPS, FUNNEL_STOP_REASONS, type FunnelFigures, type FunnelReport, type Locale } from '@vident/protocol';
import { formatSeconds } from './desk-session.ts';
import { reasonCodeKey, translate, type MessageKey } from './i18n.ts';

/*
 * The supervisor's funnel as table rows of text (pure): the tables are the charts' text equivalent,
 * so both come from here. Percentiles arrive in seconds, rates as 0..1.
 */

export interface FunnelRow {
  id: string;
  cells: string[];
}

/** The last `days` UTC days up to today, as the date inputs take them. */
export function defaultFunnelRange(now: number, days = 7): { from: string; to: string } {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: day(now - (days - 1) * 86_400_000), to: day(now) };
}

/** A share as a whole percentage (one decimal under 10 %), or a dash without a base. */
export function percentText(part: number, whole: number | null): string {
  if (whole === null || whole === 0) return '—';
  const pct = (part / whole) * 100;
  return `${pct < 10 && pct !== 0 ? pct.toFixed(1) : Math.round(pct)}%`;
}

const seconds = (s: number | null) => (s === null ? '—' : formatSeconds(s));

export function stepRows(f: FunnelFigures, locale: Locale): FunnelRow[] {
  return FUNNEL_STEPS.map((step) => ({
    id: `funnel-step-${step}`,
    cells: [translate(locale, `funnel.step.${step}`), String(f.reached[step]), percentText(f.reached[step], f.sessions)],
  }));
}

export function stopRows(f: FunnelFigures, locale: Locale): FunnelRow[] {
  return FUNNEL_STOP_REASONS.map((reason) => ({ id: `funnel-stop-${reason}`, cells: [translate(locale, `funnel.stop.${reason}`), String(f.stopped[reason])] }));
}

export function timeRows(f: FunnelFigures, locale: Locale): FunnelRow[] {
  return (['wait', 'call'] as const).map((kind) => {
    const p = kind === 'wait' ? f.waitSeconds : f.callSeconds;
    return { id: `funnel-time-${kind}`, cells: [translate(locale, `funnel.times.${kind}`), String(p.count), seconds(p.p50), seconds(p.p90)] };
  });
}

export function decisionRows(f: FunnelFigures, locale: Locale): FunnelRow[] {
  const decided = f.approved + f.rejected;
  const rows: Array<[string, MessageKey, string]> = [
    ['approved', 'funnel.decisions.approved', String(f.approved)],
    ['rejected', 'funnel.decisions.rejected', String(f.rejected)],
    ['approval-rate', 'funnel.decisions.approvalRate', percentText(f.approved, decided)],
    ['rejection-rate', 'funnel.decisions.rejectionRate', percentText(f.rejected, decided)],
  ];
  return [
    ...rows.map(([id, key, value]) => ({ id: `funnel-decision-${id}`, cells: [translate(locale, key), value] })),
    ...f.rejectionReasons.map((r) => ({
      id: `funnel-reason-${r.code}`,
      cells: [translate(locale, 'funnel.decisions.reason', { reason: translate(locale, reasonCodeKey(r.code)) }), String(r.count)],
    })),
  ];
}

export function dayRows(report: FunnelReport, locale: Locale): FunnelRow[] {
  return report.rows.map((r) => ({
    id: `funnel-day-${r.day}-${r.agentId ?? 'none'}`,
    cells: [
      r.day,
      r.agentId ?? translate(locale, 'funnel.agent.none'),
      String(r.sessions),
      String(r.reached.in_call),
      String(r.approved),
      String(r.rejected),
      seconds(r.waitSeconds.p50),
      seconds(r.callSeconds.p50),
    ],
  }));
}

/**
 * A chart axis label in at most two lines (chart.js draws an array as lines): a long label is broken
 * at the space nearest its middle, so a narrow (phone) chart does not cut it off.
 */
export function chartLabel(text: string, max = 14): string | string[] {
  if (text.length <= max) return text;
  const spaces = [...text.matchAll(/ /g)].map((m) => m.index);
  if (spaces.length === 0) return text;
  const middle = text.length / 2;
  const at = spaces.reduce((best, i) => (Math.abs(i - middle) < Math.abs(best - middle) ? i : best));
  return [text.slice(0, at), text.slice(at + 1)];
}
