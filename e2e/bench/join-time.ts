/*
 * Join time: from both pages starting to load to the first decoded remote video frame on both
 * sides, full vident stack vs a bare page on the same Janus's WebSocket API, same run, calls
 * alternating so drifting machine load hits both paths alike.
 */
import type { Stack } from '../../infra/stack.ts';
import type { LaunchedBrowser } from '../src/browser.ts';
import { startBareJanusServer } from './bare-janus/server.ts';
import { bareJanusJoin, CALL_TIMEOUT_MS, fullStackJoin, type JoinMode, type JoinResult, type PagePhases } from './join-calls.ts';
import { CPU_GROUPS, cpuTotal, largestThreadDifferences, type CpuSpent } from './join-cpu.ts';
import type { BenchRow, BenchSection } from './report.ts';
import { loadNote, median, ms, outcome, pairedRatios, percentile, type LoadResult } from './stats.ts';

/** No new call starts after this, so a broken path cannot make the suite run away. */
const TOTAL_BOUND_MS = 20 * 60_000;

function emptyResult(): LoadResult {
  return { succeeded: 0, errors: [], errorCount: 0, skipped: 0, elapsedMs: 0, latencies: [] };
}

/**
 * Runs one call, adding its time (and the call to `calls`) or its error to `into`; cleanup problems
 * are kept apart. Answers the call's time, or null if it failed.
 */
async function record(into: LoadResult, problems: string[], call: () => Promise<JoinResult>, calls: JoinResult[] = []): Promise<number | null> {
  const t0 = performance.now();
  let took: number | null = null;
  try {
    const result = await call();
    into.latencies.push(result.ms);
    into.succeeded++;
    calls.push(result);
    if (result.cleanupProblem) problems.push(result.cleanupProblem);
    took = result.ms;
  } catch (error) {
    into.errorCount++;
    if (into.errors.length < 3) into.errors.push(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
  into.elapsedMs += performance.now() - t0;
  return took;
}

const seconds = (value: number) => `${(value / 1000).toFixed(2)} s`;

function ratioText(full: number, bare: number, goal: number): string {
  if (!Number.isFinite(full) || !Number.isFinite(bare) || bare === 0) return 'n/a';
  return `${(full / bare).toFixed(2)}× (goal ≤ ${goal}×)`;
}

/** Median of each phase over the calls, in JOIN_PHASES order (names of web/src/join-phases.ts). */
const PHASES = ['page-load', 'join', 'socket-open', 'welcome', 'camera', 'publish-sent', 'answer', 'ice-connected', 'subscribe-offer', 'first-frame'];
function phaseMedians(list: PagePhases[]): string {
  const parts: string[] = [];
  for (const phase of PHASES) {
    const values = list.map((p) => p[phase]).filter((v): v is number => typeof v === 'number');
    if (values.length) parts.push(`${phase} ${Math.round(median(values))}`);
  }
  return parts.join(', ') || 'none recorded';
}

const totalMedian = (list: CpuSpent[]) => Math.round(median(list.map(cpuTotal)));
/** Median core-ms in total, or n/a without calls. */
const coreMs = (list: CpuSpent[]) => (list.length ? `${totalMedian(list)} core-ms` : 'n/a');

/** Median core-ms in total and per process group, the groups that spent any (join-cpu.ts). */
function cpuMedians(list: CpuSpent[]): string {
  if (list.length === 0) return 'none recorded';
  const parts = [`total ${totalMedian(list)}`];
  for (const group of CPU_GROUPS) {
    const value = median(list.map((c) => c[group] ?? 0));
    if (value > 0) parts.push(`${group} ${Math.round(value)}`);
  }
  return parts.join(', ');
}

interface ModeFigures {
  full: LoadResult;
  bare: LoadResult;
  /** The calls that measured (their phases and CPU). */
  fullCalls: JoinResult[];
  bareCalls: JoinResult[];
  fullProblems: string[];
  bareProblems: string[];
  /** Full-stack calls with a leg on the TURN relay (see JoinResult.relayedLegs). */
  fullRelayed: number;
  /** Each pair's time (a vident call and the bare call right after it), null where that call failed. */
  fullPaired: (number | null)[];
  barePaired: (number | null)[];
}

async function runMode(stack: Stack, chromium: LaunchedBrowser, url: string, mode: JoinMode, calls: number, started: number): Promise<ModeFigures> {
  const f: ModeFigures = { full: emptyResult(), bare: emptyResult(), fullCalls: [], bareCalls: [], fullProblems: [], bareProblems: [], fullRelayed: 0, fullPaired: [], barePaired: [] };
  for (let i = 0; i < calls; i++) {
    if (performance.now() - started > TOTAL_BOUND_MS) {
      f.full.skipped++;
      f.bare.skipped++;
      continue;
    }
    const fullMs = await record(f.full, f.fullProblems, async () => {
      const result = await fullStackJoin(stack, chromium, mode);
      if (result.relayedLegs) f.fullRelayed++;
      return result;
    }, f.fullCalls);
    const bareMs = await record(f.bare, f.bareProblems, () => bareJanusJoin(url, chromium, mode), f.bareCalls);
    f.fullPaired.push(fullMs);
    f.barePaired.push(bareMs);
    console.log(`[bench] join time (${mode}) call ${i + 1}/${calls}: full ${fullMs?.toFixed(0) ?? '-'} ms, bare ${bareMs?.toFixed(0) ?? '-'} ms`);
  }
  const say = (who: string, list: JoinResult['phases'][], side: 'joiner' | 'waiting') => console.log(`[bench]   ${who}: ${phaseMedians(list.map((p) => p[side]))}`);
  console.log(`[bench] join time (${mode}), median phase times in ms since each page's navigation start:`);
  say('vident agent (joiner) ', f.fullCalls.map((c) => c.phases), 'joiner');
  say('bare page B (joiner)  ', f.bareCalls.map((c) => c.phases), 'joiner');
  // The waiting page on the joining page's time axis (negative: before the joiner started loading).
  const aligned = (p: JoinResult['phases']) => Object.fromEntries(Object.entries(p.waiting).map(([k, v]) => [k, v + (p.waiting.origin ?? 0) - (p.joiner.origin ?? 0)]));
  console.log(`[bench]   vident customer (on the agent's axis): ${phaseMedians(f.fullCalls.map((c) => aligned(c.phases)))}`);
  console.log(`[bench]   bare page A (on page B's axis)       : ${phaseMedians(f.bareCalls.map((c) => aligned(c.phases)))}`);
  console.log(`[bench] join time (${mode}), median CPU in core-ms from the clock's start to both decoding: vident ${cpuMedians(f.fullCalls.map((c) => c.cpu))}; bare ${cpuMedians(f.bareCalls.map((c) => c.cpu))}`);
  return f;
}

/** The median of each vident call's time over the bare call's right after it (stats.ts, pairedRatios). */
function pairedRow(label: string, goal: number, f: ModeFigures): BenchRow {
  const paired = pairedRatios(f.fullPaired, f.barePaired);
  const text = (x: number) => `${x.toFixed(2)}×`;
  return {
    figure: `${label}, paired: each vident call over the bare call right after it, median`,
    value: `${paired.ratios.length} pairs`,
    baseline: '',
    ratio: paired.ratios.length ? `${text(paired.median)} (goal ≤ ${goal}×)` : 'n/a',
    notes: paired.ratios.length ? `lowest ${text(paired.min)}, highest ${text(paired.max)}: each pair shares the load of its moment` : 'no pair measured',
  };
}

/** Threads named in the report's by-thread row. */
const THREAD_ROWS = 10;

function modeRows(label: string, goal: number, f: ModeFigures): BenchRow[] {
  const stats = (r: LoadResult) => ({ median: r.latencies.length ? median(r.latencies) : Number.NaN, p95: percentile(r.latencies, 95) });
  const full = stats(f.full);
  const bare = stats(f.bare);
  const [fullCpu, bareCpu] = [f.fullCalls.map((c) => c.cpu), f.bareCalls.map((c) => c.cpu)];
  const notes = (r: LoadResult, problems: string[]) =>
    [outcome(r), ...(problems.length ? [`${problems.length} cleanup problems, first: ${problems[0]!.replace(/\|/g, '/')}`] : [])].join('; ');
  return [
    { figure: `${label}, median`, value: seconds(full.median), baseline: `bare Janus pages: ${seconds(bare.median)}`, ratio: ratioText(full.median, bare.median, goal), notes: `full stack: ${notes(f.full, f.fullProblems)}; ${f.fullRelayed} on the TURN relay` },
    { figure: `${label}, p95`, value: seconds(full.p95), baseline: `bare Janus pages: ${seconds(bare.p95)}`, ratio: ratioText(full.p95, bare.p95, goal), notes: `bare: ${notes(f.bare, f.bareProblems)}` },
    pairedRow(label, goal, f),
    {
      figure: `${label}, joining page's phases (median ms since its navigation)`,
      value: '',
      baseline: '',
      ratio: '',
      notes: `vident agent: ${phaseMedians(f.fullCalls.map((c) => c.phases.joiner))}; bare page B: ${phaseMedians(f.bareCalls.map((c) => c.phases.joiner))}`,
    },
    {
      figure: `${label}, CPU of the whole machine until both decode (median core-ms by process group)`,
      value: coreMs(fullCpu),
      baseline: `bare Janus pages: ${coreMs(bareCpu)}`,
      ratio: '',
      notes: `vident: ${cpuMedians(fullCpu)}; bare: ${cpuMedians(bareCpu)}`,
    },
    {
      figure: `${label}, CPU by thread: the ${THREAD_ROWS} largest differences (median core-ms, vident − bare)`,
      value: '',
      baseline: '',
      ratio: '',
      notes: largestThreadDifferences(f.fullCalls.map((c) => c.threads), f.bareCalls.map((c) => c.threads), THREAD_ROWS).join('; ') || 'none recorded',
    },
  ];
}

export async function benchJoinTime(stack: Stack, chromium: LaunchedBrowser, calls = 20): Promise<BenchSection> {
  const note = loadNote();
  const server = await startBareJanusServer({ wsUrl: stack.janus.wsUrl, apiSecret: stack.secrets.janusApiSecret, adminKey: stack.secrets.janusAdminKey });
  const started = performance.now();
  let second: ModeFigures;
  let together: ModeFigures;
  try {
    // Not counted: first Chromium contexts, first workerd/DO start, first Janus room.
    const warmup = emptyResult();
    await record(warmup, [], () => fullStackJoin(stack, chromium));
    await record(warmup, [], () => bareJanusJoin(server.url, chromium));
    if (warmup.errorCount) console.log(`[bench] join time warm-up errors: ${warmup.errors.join('; ')}`);
    second = await runMode(stack, chromium, server.url, 'second', calls, started);
    together = await runMode(stack, chromium, server.url, 'together', calls, started);
  } finally {
    await server.close();
  }
  const rows: BenchRow[] = [
    ...modeRows('Second joiner (agent opens its link, customer waiting)', 1.2, second),
    ...modeRows('Both loading at once', 1.5, together),
    { figure: 'Median difference (second joiner / both at once)', value: `${ms(median(second.full.latencies) - median(second.bare.latencies), 0)} / ${ms(median(together.full.latencies) - median(together.bare.latencies), 0)}`, baseline: '', ratio: '', notes: note },
  ];
  return {
    title: 'Join time: page load to first decoded remote frame on both sides',
    method: [
      `${calls} calls of each kind on each path, alternating (full stack, then bare), after one uncounted warm-up call each; headless Chromium with fake media`,
      '(the same camera request on both paths: 1280×720 ideal at up to 30 fps, as vident asks since issue 17; until 2026-12-03 19:14Z the bare pages asked for 640×480), every context fresh (cold cache), UDP dropped in Janus\'s namespace and every selected ICE pair checked to be TCP on the browser\'s side',
      '(direct ICE-TCP, or the TURN relay reached over TCP by a page that gave up on direct: counted as "on the TURN relay").',
      'Second joiner: the first page (vident customer through its landing page, pre-call check and recording consent; bare page A, which creates the room)',
      'is already in the call with its publisher connected; the clock starts when the second page (vident agent; bare page B) starts loading.',
      'Both at once: the clock starts when both pages start loading at the same moment (two `page.goto` in parallel).',
      'CPU: each process\'s own user+system time from /proc between the clock\'s start and both pages decoding, by process group and by thread name (e2e/bench/join-cpu.ts; Chromium names its threads, the kernel keeps 15 characters of each name); since 2026-12-04 the stack\'s dev server runs without wrangler\'s DevTools inspector (infra/worker-dev.ts).',
      'The clock stops when BOTH pages report',
      `\`framesDecoded > 0\` on their remote video (getStats of the subscriber leg alone, one evaluate per page every 20 ms from the runner, on both paths alike since 2026-12-04T13:10Z; before, a vident page answered each poll with both legs' stats summarized, in two round trips; a call without frames within ${CALL_TIMEOUT_MS / 1000} s counts as an error).`,
      'Full stack: a session created through the signed bank API before the clock starts; the customer\'s Start, Continue and',
      'recording-consent buttons and the agent\'s Join are clicked from a script inside each page the moment each is shown and enabled',
      '(the agent\'s since 2026-12-03 16:10Z, the customer\'s since 2026-12-03 22:00Z; before, Playwright clicked them after the load event and its actionability checks, 150 to 300 ms of harness per click that the bare page does not have), so the figure includes those steps, the',
      'control plane (wrangler dev / workerd, session Durable Object), the sidecar and Janus; the recorded session is ended after each call and its',
      'evidence pack awaited before the next call so post-processing does not load it. Baseline: a static page from a node:http server on',
      '127.0.0.1 that talks to the same Janus over its WebSocket API (`janus-protocol`, `apisecret`): one page creates the VideoRoom room',
      '(admin_key, not recorded), both `joinandconfigure` as publishers and subscribe to the other\'s feed, UDP candidates stripped in both',
      'directions and trickle `completed`, as the sidecar does; the room is destroyed after each call. Phases: each page\'s',
      '`window.__videntPhases()` (web/src/join-phases.ts) and the bare page\'s same-named marks, median over the calls.',
      'Paired (since 2026-12-04): the median of each vident call\'s time over the bare call run right after it, which shares its moment\'s load; the machine\'s load moves between calls minutes apart.',
    ].join(' '),
    rows,
  };
}
