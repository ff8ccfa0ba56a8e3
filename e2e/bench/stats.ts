/* Small statistics and a bounded load runner shared by the benchmarks. */
import { cpus, loadavg } from 'node:os';
import { median } from './report.ts';

/** Nearest-rank percentile (p in 0..100) of a non-empty sample. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export const ms = (value: number, digits = 2): string => `${value.toFixed(digits)} ms`;

export interface LoadResult {
  /** Tasks that finished without error. */
  succeeded: number;
  /** The first few error messages, and how many there were in all. */
  errors: string[];
  errorCount: number;
  /** Tasks not started because the time bound ran out. */
  skipped: number;
  elapsedMs: number;
  /** Per successful task, in ms. */
  latencies: number[];
}

/**
 * Runs `task(0..count-1)` with at most `concurrency` in flight, starting no new task once
 * `timeBoundMs` has passed, so a slow or broken target cannot make the benchmark run away.
 */
export async function runBounded(count: number, concurrency: number, timeBoundMs: number, task: (i: number) => Promise<void>): Promise<LoadResult> {
  const started = performance.now();
  const result: LoadResult = { succeeded: 0, errors: [], errorCount: 0, skipped: 0, elapsedMs: 0, latencies: [] };
  let nextIndex = 0;
  const worker = async () => {
    for (;;) {
      const i = nextIndex++;
      if (i >= count) return;
      if (performance.now() - started > timeBoundMs) {
        result.skipped++;
        continue;
      }
      const t0 = performance.now();
      try {
        await task(i);
        result.latencies.push(performance.now() - t0);
        result.succeeded++;
      } catch (error) {
        result.errorCount++;
        if (result.errors.length < 5) result.errors.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  result.elapsedMs = performance.now() - started;
  return result;
}

/** Operations per second of the successful tasks over the whole run. */
export const perSecond = (r: LoadResult): number => r.succeeded / (r.elapsedMs / 1000);

/** "N ok, 0 errors" or the errors themselves: a figure with errors is not a clean result. */
export function outcome(r: LoadResult): string {
  const parts = [`${r.succeeded} ok`, `${r.errorCount} errors`];
  if (r.skipped) parts.push(`${r.skipped} not started (time bound)`);
  if (r.errors.length) parts.push(`first: ${r.errors.map((e) => e.replace(/\|/g, '/').slice(0, 120)).join('; ')}`);
  return parts.join(', ');
}

export { median };

/** The 1-minute load average: the machine is shared, so a figure is read next to it. */
export function loadNote(): string {
  const [one] = loadavg();
  return `1-min load average when this section started: ${one!.toFixed(2)} on ${cpus().length} cores.`;
}

/**
 * Each pair's ratio (a / b) where both sides of the pair measured (null: that call failed), with
 * the ratios' median, lowest and highest. Calls run in alternating pairs share the machine's load of
 * that moment, so the pairs' median drifts less than the ratio of the two sides' medians when the
 * load moves during a run.
 */
export function pairedRatios(a: readonly (number | null)[], b: readonly (number | null)[]): { ratios: number[]; median: number; min: number; max: number } {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === null || x === undefined || y === null || y === undefined || !(y > 0)) continue;
    ratios.push(x / y);
  }
  if (ratios.length === 0) return { ratios, median: Number.NaN, min: Number.NaN, max: Number.NaN };
  return { ratios, median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}
