/*
 * The CPU a join costs the whole machine, by process group (issue 16): on two cores the join is
 * bound by CPU (a page's main thread waits for a core most of its first second), so what each
 * process spends from the moment the joining page starts loading until both pages decode says
 * where the time goes, the same way for the vident stack and the bare Janus pages. Read from /proc
 * (utime + stime of every live process, without its reaped children's: a browser context closed
 * before the window would otherwise land its renderers' whole lives in the window), in milliseconds
 * of one core. Each process's threads are read too, by name (Chromium names its threads: the renderer's
 * main thread, its compositor, the video encoder's pool...), to say which part of a group spent it.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { CLOCK_TICKS_PER_SECOND } from './proc-cpu.ts';
import { median } from './report.ts';

export const CPU_GROUPS = [
  'chromium renderers',
  'chromium gpu',
  'chromium browser',
  'chromium utility',
  'workerd',
  'wrangler',
  'sidecar',
  'janus',
  'bench runner',
  'other',
] as const;
export type CpuGroup = (typeof CPU_GROUPS)[number];
export type CpuSpent = Partial<Record<CpuGroup, number>>;
/** Core-ms by "group / thread name" (numbers at the end of a name dropped: a pool's workers are one entry). */
export type ThreadSpent = Record<string, number>;

interface ProcessTicks {
  group: CpuGroup;
  ticks: number;
  /** By thread id: its name and own ticks (absent when not read). */
  threads?: Map<number, { name: string; ticks: number }>;
}
type Snapshot = Map<number, ProcessTicks>;

/** Which group a process belongs to, from its command line and working directory (pure). */
export function cpuGroupOf(cmdline: readonly string[], cwd: string, pid: number, runnerPids: ReadonlySet<number>): CpuGroup {
  if (runnerPids.has(pid)) return 'bench runner';
  // Chromium rewrites its child processes' command lines into one space-separated string.
  const argv = cmdline.length === 1 ? cmdline[0]!.split(' ') : cmdline;
  const type = argv.find((a) => a.startsWith('--type='))?.slice('--type='.length);
  const exe = (argv[0] ?? '').split('/').pop() ?? '';
  if (type === 'renderer') return 'chromium renderers';
  if (type === 'gpu-process') return 'chromium gpu';
  if (type === 'utility' || type === 'zygote') return 'chromium utility';
  if (/chrom/i.test(exe) || argv.some((a) => a.startsWith('--remote-debugging-pipe'))) return 'chromium browser';
  if (exe === 'workerd') return 'workerd';
  if (exe === 'janus') return 'janus';
  if (argv.some((a) => a.includes('wrangler') || a.endsWith('infra/worker-dev.ts')) || exe === 'esbuild') return 'wrangler';
  if (/\/media-node$/.test(cwd) || argv.some((a) => a.endsWith('media-node/src/main.ts'))) return 'sidecar';
  return 'other';
}

/** Every live process's ticks, grouped. */
export function cpuSnapshot(runnerPids: ReadonlySet<number> = new Set([process.pid, process.ppid])): Snapshot {
  const out: Snapshot = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    try {
      const ticks = ownTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (argv.length === 0) continue; // a kernel thread
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        // another user's process
      }
      out.set(pid, { group: cpuGroupOf(argv, cwd, pid, runnerPids), ticks, threads: threadTicks(pid) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Each thread's name and ticks, as far as they could be read. */
function threadTicks(pid: number): Map<number, { name: string; ticks: number }> {
  const threads = new Map<number, { name: string; ticks: number }>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      threads.set(Number(tid), { name: threadName(stat), ticks: ownTicks(stat) });
    } catch {
      // ended meanwhile
    }
  }
  return threads;
}

/** A thread's name from its stat line (the kernel keeps 15 characters), a worker's number dropped. */
export function threadName(statLine: string): string {
  return statLine.slice(statLine.indexOf('(') + 1, statLine.lastIndexOf(')')).replace(/[\d/]+$/, '').trim() || '?';
}

/** utime + stime of a /proc/<pid>/stat line (fields 14 and 15), without the reaped children's. */
export function ownTicks(statLine: string): number {
  const fields = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[14 - 3]) + Number(fields[15 - 3]);
  if (!Number.isFinite(ticks)) throw new Error('malformed /proc stat line');
  return ticks;
}

/**
 * Core-milliseconds each group spent between two snapshots. A process that started in between
 * counts whole (it started in the window); one that ended in between is lost.
 */
export function cpuSpent(before: Snapshot, after: Snapshot): CpuSpent {
  const spent: CpuSpent = {};
  for (const [pid, now] of after) {
    const ticks = now.ticks - (before.get(pid)?.ticks ?? 0);
    if (ticks <= 0) continue;
    spent[now.group] = (spent[now.group] ?? 0) + (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  }
  return spent;
}

/** Core-milliseconds by "group / thread name" between two snapshots (the same rules as cpuSpent, per thread). */
export function threadSpent(before: Snapshot, after: Snapshot): ThreadSpent {
  const spent: ThreadSpent = {};
  for (const [pid, now] of after) {
    const earlier = before.get(pid)?.threads;
    for (const [tid, thread] of now.threads ?? []) {
      const ticks = thread.ticks - (earlier?.get(tid)?.ticks ?? 0);
      if (ticks <= 0) continue;
      const key = `${now.group} / ${thread.name}`;
      spent[key] = (spent[key] ?? 0) + (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
    }
  }
  return spent;
}

/**
 * The `count` threads whose median core-ms differ most between two lists of calls (`a` minus `b`),
 * largest difference first, as "name +diff (a / b)".
 */
export function largestThreadDifferences(a: readonly ThreadSpent[], b: readonly ThreadSpent[], count: number): string[] {
  const medianOf = (list: readonly ThreadSpent[], key: string) => (list.length ? median(list.map((t) => t[key] ?? 0)) : 0);
  const keys = new Set([...a, ...b].flatMap((t) => Object.keys(t)));
  return [...keys]
    .map((key) => ({ key, a: Math.round(medianOf(a, key)), b: Math.round(medianOf(b, key)) }))
    .sort((x, y) => Math.abs(y.a - y.b) - Math.abs(x.a - x.b) || x.key.localeCompare(y.key))
    .slice(0, count)
    .filter((d) => d.a !== d.b)
    .map((d) => `${d.key} ${d.a - d.b >= 0 ? '+' : ''}${d.a - d.b} (${d.a} / ${d.b})`);
}

export function cpuTotal(spent: CpuSpent): number {
  return Object.values(spent).reduce((sum, ms) => sum + (ms ?? 0), 0);
}
