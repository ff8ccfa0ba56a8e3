/*
 * Join time: from both pages starting to load to the first decoded remote video frame on both
 * sides, full vident stack vs a bare page on the same Janus's WebSocket API, same run, calls
 * alternating so drifting machine load hits both paths alike.
 */
import type { Stack } from '../../infra/stack.ts';
import type { LaunchedBrowser } from '../src/browser.ts';
import { startBareJanusServer } from './bare-janus/server.ts';
import { bareJanusJoin, CALL_TIMEOUT_MS, fullStackJoin, type JoinResult } from './join-calls.ts';
import type { BenchRow, BenchSection } from './report.ts';
import { loadNote, median, ms, outcome, percentile, type LoadResult } from './stats.ts';

/** No new call starts after this, so a broken path cannot make the suite run away. */
const TOTAL_BOUND_MS = 20 * 60_000;

function emptyResult(): LoadResult {
  return { succeeded: 0, errors: [], errorCount: 0, skipped: 0, elapsedMs: 0, latencies: [] };
}

/** Runs one call, adding its time or its error to `into`; cleanup problems are kept apart. */
async function record(into: LoadResult, problems: string[], call: () => Promise<JoinResult>): Promise<void> {
  const t0 = performance.now();
  try {
    const result = await call();
    into.latencies.push(result.ms);
    into.succeeded++;
    if (result.cleanupProblem) problems.push(result.cleanupProblem);
  } catch (error) {
    into.errorCount++;
    if (into.errors.length < 3) into.errors.push(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
  into.elapsedMs += performance.now() - t0;
}

const seconds = (value: number) => `${(value / 1000).toFixed(2)} s`;

function ratioText(full: number, bare: number): string {
  if (!Number.isFinite(full) || !Number.isFinite(bare) || bare === 0) return 'n/a';
  const overhead = ((full - bare) / bare) * 100;
  return `${(full / bare).toFixed(2)}× (${overhead >= 0 ? '+' : ''}${overhead.toFixed(0)}%, goal < +10%)`;
}

export async function benchJoinTime(stack: Stack, chromium: LaunchedBrowser, calls = 20): Promise<BenchSection> {
  const note = loadNote();
  const server = await startBareJanusServer({ wsUrl: stack.janus.wsUrl, apiSecret: stack.secrets.janusApiSecret, adminKey: stack.secrets.janusAdminKey });
  const full = emptyResult();
  const bare = emptyResult();
  const fullProblems: string[] = [];
  const bareProblems: string[] = [];
  const started = performance.now();
  try {
    // Not counted: first Chromium contexts, first workerd/DO start, first Janus room.
    const warmup = emptyResult();
    await record(warmup, [], () => fullStackJoin(stack, chromium));
    await record(warmup, [], () => bareJanusJoin(server.url, chromium));
    if (warmup.errorCount) console.log(`[bench] join time warm-up errors: ${warmup.errors.join('; ')}`);
    for (let i = 0; i < calls; i++) {
      if (performance.now() - started > TOTAL_BOUND_MS) {
        full.skipped++;
        bare.skipped++;
        continue;
      }
      await record(full, fullProblems, () => fullStackJoin(stack, chromium));
      await record(bare, bareProblems, () => bareJanusJoin(server.url, chromium));
      console.log(`[bench] join time call ${i + 1}/${calls}: full ${full.latencies.at(-1)?.toFixed(0) ?? '-'} ms, bare ${bare.latencies.at(-1)?.toFixed(0) ?? '-'} ms`);
    }
  } finally {
    await server.close();
  }
  const stats = (r: LoadResult) => ({ median: r.latencies.length ? median(r.latencies) : Number.NaN, p95: percentile(r.latencies, 95) });
  const f = stats(full);
  const b = stats(bare);
  const notes = (r: LoadResult, problems: string[]) =>
    [outcome(r), ...(problems.length ? [`${problems.length} cleanup problems, first: ${problems[0]!.replace(/\|/g, '/')}`] : [])].join('; ');
  const rows: BenchRow[] = [
    { figure: 'Join time, median', value: seconds(f.median), baseline: `bare Janus page: ${seconds(b.median)}`, ratio: ratioText(f.median, b.median), notes: `full stack: ${notes(full, fullProblems)}` },
    { figure: 'Join time, p95', value: seconds(f.p95), baseline: `bare Janus page: ${seconds(b.p95)}`, ratio: ratioText(f.p95, b.p95), notes: `bare: ${notes(bare, bareProblems)}` },
    {
      figure: 'Median difference',
      value: ms(f.median - b.median, 0),
      baseline: '',
      ratio: '',
      notes: note,
    },
  ];
  return {
    title: 'Join time: page load to first decoded remote frame on both sides',
    method: [
      `${calls} calls on each path, alternating (full stack, then bare), after one uncounted warm-up call each; headless Chromium with fake media`,
      '(640×480 camera request on both paths), every context fresh (cold cache), UDP dropped in Janus\'s namespace and every selected ICE pair checked to be TCP.',
      'The clock starts when both pages start loading at the same moment (two `page.goto` in parallel) and stops when BOTH pages report',
      `\`framesDecoded > 0\` on their remote video (getStats, polled every 20 ms from the runner; a call without frames within ${CALL_TIMEOUT_MS / 1000} s counts as an error).`,
      'Full stack: a session created through the signed bank API before the clock starts; the customer page loads the web app, its Join and',
      'recording-consent buttons are clicked as soon as they appear, the agent page\'s Join likewise, so the figure includes those steps, the',
      'control plane (wrangler dev / workerd, session Durable Object), the sidecar and Janus; the recorded session is ended after each call and its',
      'evidence pack awaited before the next call so post-processing does not load it. Baseline: a static page from a node:http server on',
      '127.0.0.1 that talks to the same Janus over its WebSocket API (`janus-protocol`, `apisecret`): one page creates the VideoRoom room',
      '(admin_key, not recorded), both `joinandconfigure` as publishers and subscribe to the other\'s feed, UDP candidates stripped in both',
      'directions and trickle `completed`, as the sidecar does; the room is destroyed after each call.',
    ].join(' '),
    rows,
  };
}
