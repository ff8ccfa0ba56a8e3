/*
 * Resident memory of the workerd process(es) the stack's `wrangler dev` runs, read from /proc.
 * Only descendants of this process count, so another stack on the machine is never measured.
 */
import { readdirSync, readFileSync } from 'node:fs';

function field(pid: number, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

function parentOf(pid: number): number | null {
  const stat = field(pid, 'stat');
  // The command name is in parentheses and may hold spaces: the fields after its last ')' are fixed.
  const rest = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = rest ? Number(rest[1]) : Number.NaN;
  return Number.isInteger(ppid) && ppid > 0 ? ppid : null;
}

function descendsFromUs(pid: number): boolean {
  for (let p: number | null = pid, hops = 0; p !== null && hops < 32; p = parentOf(p), hops++) {
    if (p === process.pid) return true;
  }
  return false;
}

/** Our workerd processes, with VmRSS in KiB each; empty when none is found (e.g. not Linux). */
export function workerdMemory(): Array<{ pid: number; rssKiB: number }> {
  let pids: number[];
  try {
    pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
  } catch {
    return [];
  }
  const found: Array<{ pid: number; rssKiB: number }> = [];
  for (const pid of pids) {
    if (field(pid, 'comm')?.trim() !== 'workerd' || !descendsFromUs(pid)) continue;
    const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(field(pid, 'status') ?? '');
    if (rss) found.push({ pid, rssKiB: Number(rss[1]) });
  }
  return found;
}

/** Total RSS of our workerd processes in MiB, or null when none is findable. */
export function workerdRssMiB(): number | null {
  const found = workerdMemory();
  return found.length ? found.reduce((n, p) => n + p.rssKiB, 0) / 1024 : null;
}
