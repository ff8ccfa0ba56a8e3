/*
 * CPU time of other processes from /proc, for the capacity benchmark: Janus (one pid) and the
 * sidecar, which runs as a process tree (tsx launcher -> node, plus janus-pp-rec/ffmpeg children
 * while it converts recordings), so its figure sums the whole tree.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { statTicks } from './capacity-math.ts';

export const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function readStat(pid: number): { ticks: number; ppid: number } | null {
  try {
    return statTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null; // gone meanwhile
  }
}

/** Ticks (user+system, plus reaped children's) of one process; 0 if it is gone. */
export function processTicks(pid: number): number {
  return readStat(pid)?.ticks ?? 0;
}

/** Ticks of a process and all its live descendants (children that exited are in their parent's cutime). */
export function treeTicks(root: number): number {
  const parents = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (!stat) continue;
    ticks.set(Number(name), stat.ticks);
    const siblings = parents.get(stat.ppid) ?? [];
    siblings.push(Number(name));
    parents.set(stat.ppid, siblings);
  }
  let total = 0;
  const pending = [root];
  while (pending.length) {
    const pid = pending.pop()!;
    total += ticks.get(pid) ?? 0;
    pending.push(...(parents.get(pid) ?? []));
  }
  return total;
}
