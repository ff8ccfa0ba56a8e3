import {
  FUNNEL_STEPS,
  FUNNEL_STOP_REASONS,
  type FunnelFacts,
  type FunnelFigures,
  type FunnelPercentiles,
  type FunnelReport,
  type FunnelStep,
  type FunnelStopReason,
} from '@vident/protocol';

/*
 * The funnel's figures from the sessions' funnel facts: counts per step and stop reason, wait and
 * call percentiles, decision rates with the rejections' reason codes; per day, per agent, per day
 * and agent, and in all. Pure: facts in, figures out.
 */

/**
 * The nearest-rank percentile (`p` in 0..100) of ascending `sorted`; null when empty. Nearest rank
 * picks a value that occurred, so a p90 of ten waits is the ninth longest, not an interpolation.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** p50 and p90 of durations in ms, in seconds to a tenth. */
export function percentilesOf(ms: readonly number[]): FunnelPercentiles {
  const sorted = [...ms].sort((a, b) => a - b);
  const seconds = (v: number | null) => (v === null ? null : Math.round(v / 100) / 10);
  return { count: sorted.length, p50: seconds(percentile(sorted, 50)), p90: seconds(percentile(sorted, 90)) };
}

const stepIndex = (step: FunnelStep) => FUNNEL_STEPS.indexOf(step);

/** The figures of one group of sessions. */
export function funnelFigures(facts: readonly FunnelFacts[]): FunnelFigures {
  const reached = Object.fromEntries(FUNNEL_STEPS.map((s) => [s, 0])) as Record<FunnelStep, number>;
  const stopped = Object.fromEntries(FUNNEL_STOP_REASONS.map((s) => [s, 0])) as Record<FunnelStopReason, number>;
  const waits: number[] = [];
  const calls: number[] = [];
  const reasons = new Map<string, number>();
  let approved = 0;
  let rejected = 0;
  for (const f of facts) {
    for (let i = 0; i <= stepIndex(f.lastStep); i++) reached[FUNNEL_STEPS[i]!] += 1;
    if (f.stopReason !== null) stopped[f.stopReason] += 1;
    if (f.waitMs !== null) waits.push(f.waitMs);
    if (f.callMs !== null) calls.push(f.callMs);
    if (f.decision === 'approved') approved += 1;
    if (f.decision === 'rejected') {
      rejected += 1;
      for (const code of f.reasonCodes) reasons.set(code, (reasons.get(code) ?? 0) + 1);
    }
  }
  const decided = approved + rejected;
  const share = (n: number) => (decided === 0 ? null : Math.round((n / decided) * 10_000) / 10_000);
  return {
    sessions: facts.length,
    reached,
    stopped,
    waitSeconds: percentilesOf(waits),
    callSeconds: percentilesOf(calls),
    approved,
    rejected,
    approvalRate: share(approved),
    rejectionRate: share(rejected),
    rejectionReasons: [...reasons]
      .map(([code, count]) => ({ code: code as FunnelFigures['rejectionReasons'][number]['code'], count }))
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
  };
}

function groupBy<K>(facts: readonly FunnelFacts[], key: (f: FunnelFacts) => K): Map<K, FunnelFacts[]> {
  const groups = new Map<K, FunnelFacts[]>();
  for (const f of facts) {
    const k = key(f);
    const list = groups.get(k);
    if (list) list.push(f);
    else groups.set(k, [f]);
  }
  return groups;
}

/** Agent ids in order, the sessions without a desk agent last. */
const byAgent = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a.localeCompare(b));

/** The whole report of `facts` (already filtered to the query's days and agent). */
export function funnelReport(
  facts: readonly FunnelFacts[],
  query: { from: string; to: string; agent?: string | undefined },
  generatedAt: string,
): FunnelReport {
  const days = [...groupBy(facts, (f) => f.day)].sort(([a], [b]) => a.localeCompare(b));
  const agents = [...groupBy(facts, (f) => f.agentId)].sort(([a], [b]) => byAgent(a, b));
  const rows = days.flatMap(([day, ofDay]) =>
    [...groupBy(ofDay, (f) => f.agentId)].sort(([a], [b]) => byAgent(a, b)).map(([agentId, group]) => ({ day, agentId, ...funnelFigures(group) })),
  );
  return {
    from: query.from,
    to: query.to,
    agent: query.agent ?? null,
    generatedAt,
    total: funnelFigures(facts),
    days: days.map(([day, group]) => ({ day, ...funnelFigures(group) })),
    agents: agents.map(([agentId, group]) => ({ agentId, ...funnelFigures(group) })),
    rows,
  };
}
