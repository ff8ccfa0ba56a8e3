/*
 * Reads a Chrome trace (the CDP Tracing domain's events) and sums the main thread's work of one
 * page's renderer from its navigation start: self time per event name (wall and thread CPU), the
 * uninstrumented tasks by where they were posted from, the JS call sites, and busy time per 100 ms.
 * `tsx e2e/bench/trace-summary.ts <trace.json> [windowMs]` prints it for a saved trace.
 */
import { readFileSync } from 'node:fs';

export interface TraceEvent { name: string; cat: string; ph: string; ts: number; dur?: number; tdur?: number; pid: number; tid: number; args?: any }

interface Span { name: string; key: string; start: number; end: number; cpu: number; child: number; childCpu: number }

export function summarise(events: TraceEvent[], opts: { urlPart: string; windowMs: number }): string {
  // The agent page's renderer: the one that parsed the page's HTML during the trace.
  const parse = events.find((e) => e.name === 'ParseHTML' && String(e.args?.beginData?.url ?? '').includes(opts.urlPart));
  if (!parse) return `no ParseHTML for ${opts.urlPart}`;
  const pid = parse.pid;
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === pid && e.args?.name === 'CrRendererMain');
  const tid = main?.tid ?? parse.tid;
  const nav = events.filter((e) => e.pid === pid && e.name === 'navigationStart' && e.ts <= parse.ts).sort((a, b) => b.ts - a.ts)[0];
  const t0 = nav?.ts ?? parse.ts;
  const end = t0 + opts.windowMs * 1000;
  const keyOf = (e: TraceEvent) => {
    if (e.name === 'ThreadControllerImpl::RunTask') return `task ${String(e.args?.src_file ?? '').replace(/.*\//, '')}:${e.args?.src_func ?? ''}`;
    if (e.name === 'FunctionCall') return `js ${e.args?.data?.functionName || '(anon)'} ${String(e.args?.data?.url ?? '').replace(/.*\//, '')}`;
    return e.name;
  };
  // Only spans that start in the window (each kept whole: a task is not split at the window's end).
  const spans: Span[] = events
    .filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.dur !== undefined && e.ts >= t0 && e.ts < end && e.name !== 'RunTask')
    .map((e) => ({ name: e.name, key: keyOf(e), start: e.ts, end: e.ts + e.dur!, cpu: e.tdur ?? e.dur!, child: 0, childCpu: 0 }))
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const self = new Map<string, { wall: number; cpu: number; n: number }>();
  const buckets = new Map<number, number>();
  const stack: Span[] = [];
  const close = (s: Span) => {
    const a = self.get(s.key) ?? { wall: 0, cpu: 0, n: 0 };
    a.wall += Math.max(0, s.end - s.start - s.child);
    a.cpu += Math.max(0, s.cpu - s.childCpu);
    a.n++;
    self.set(s.key, a);
  };
  let busy = 0, busyCpu = 0;
  for (const s of spans) {
    while (stack.length && stack[stack.length - 1]!.end <= s.start) close(stack.pop()!);
    const parent = stack[stack.length - 1];
    if (parent) { parent.child += Math.min(s.end, parent.end) - s.start; parent.childCpu += s.cpu; }
    else {
      busy += s.end - s.start; busyCpu += s.cpu;
      for (let b = Math.floor((s.start - t0) / 100000) * 100000; b < s.end - t0; b += 100000)
        buckets.set(b / 1000, (buckets.get(b / 1000) ?? 0) + Math.max(0, Math.min(s.end, t0 + b + 100000) - Math.max(s.start, t0 + b)));
    }
    stack.push(s);
  }
  while (stack.length) close(stack.pop()!);
  const ms = (us: number) => (us / 1000).toFixed(1);
  const lines = [`main thread, tasks started in the first ${opts.windowMs} ms: wall ${ms(busy)} ms, thread CPU ${ms(busyCpu)} ms`];
  lines.push('  self ms by name: wall / cpu (count)');
  for (const [name, a] of [...self].sort((x, y) => y[1].cpu - x[1].cpu).slice(0, 30)) lines.push(`    ${name.slice(0, 70).padEnd(70)} ${ms(a.wall).padStart(7)} / ${ms(a.cpu).padStart(6)} (${a.n})`);
  lines.push('  busy wall ms per 100 ms: ' + [...buckets].sort((a, b) => a[0] - b[0]).filter(([b]) => b < opts.windowMs + 500).map(([b, v]) => `${b}:${ms(v)}`).join(' '));
  return lines.join('\n');
}

/** Thread CPU of every traced thread of the browser in the same window (top-level tasks' tdur), busiest first. */
export function threadCpu(events: TraceEvent[], opts: { urlPart: string; windowMs: number }): string {
  const parse = events.find((e) => e.name === 'ParseHTML' && String(e.args?.beginData?.url ?? '').includes(opts.urlPart));
  if (!parse) return '';
  const pid = parse.pid;
  const t0 = events.filter((e) => e.pid === pid && e.name === 'navigationStart' && e.ts <= parse.ts).sort((a, b) => b.ts - a.ts)[0]?.ts ?? parse.ts;
  const pname = new Map<number, string>(), tname = new Map<string, string>();
  for (const e of events) if (e.ph === 'M') { if (e.name === 'process_name') pname.set(e.pid, e.args.name); if (e.name === 'thread_name') tname.set(`${e.pid}:${e.tid}`, e.args.name); }
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) if (e.ph === 'X' && e.dur && e.ts >= t0 && e.ts < t0 + opts.windowMs * 1000) { const k = `${e.pid}:${e.tid}`; (byThread.get(k) ?? byThread.set(k, []).get(k)!).push(e); }
  const rows: [string, number][] = [];
  let agent = 0, all = 0;
  for (const [k, list] of byThread) {
    list.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    let end = 0, cpu = 0;
    for (const e of list) if (e.ts >= end) { cpu += e.tdur ?? 0; end = e.ts + e.dur!; }
    const p = Number(k.split(':')[0]);
    const label = `${p === pid ? 'agent' : (pname.get(p) ?? String(p)).replace('Renderer', 'other renderer')} ${tname.get(k) ?? k}`;
    rows.push([label, cpu]); all += cpu; if (p === pid) agent += cpu;
  }
  const merged = new Map<string, number>();
  for (const [l, v] of rows) merged.set(l, (merged.get(l) ?? 0) + v);
  const ms = (us: number) => (us / 1000).toFixed(0);
  return `  thread CPU ms (all traced ${ms(all)}, agent renderer ${ms(agent)}): ` + [...merged].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([l, v]) => `${l}=${ms(v)}`).join(', ');
}

if (process.argv[1]?.endsWith('trace-summary.ts')) {
  const events = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as TraceEvent[];
  const opts = { urlPart: process.argv[4] ?? '/join', windowMs: Number(process.argv[3] ?? 1500) };
  console.log(summarise(events, opts));
  console.log(threadCpu(events, opts));
}
