/*
 * Janus's CPU use from /proc/<pid>/stat (Linux): utime + stime in clock ticks, sampled twice.
 * The pid comes from JANUS_PID_FILE (janus --pid-file / systemd PIDFile). Without a pid file, or
 * when the process is gone, the answer is 0: "unknown" must never look like "busy".
 */
import { readFile } from 'node:fs/promises';

/** USER_HZ: 100 on every mainstream Linux architecture (the kernel's ABI for /proc). */
export const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime of a /proc/<pid>/stat line, in clock ticks; null if the line is not one. */
export function cpuTicksOf(stat: string): number | null {
  // The command name (field 2) is in parentheses and may contain spaces or ')': fields after the last ')'.
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  const fields = stat.slice(close + 2).trim().split(/\s+/);
  // Fields 3.. are here from index 0: utime is field 14, stime field 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : null;
}

/** Percent of one core used between two samples (may exceed 100 on several cores). */
export function cpuPercentBetween(
  previous: { ticks: number; atMs: number },
  current: { ticks: number; atMs: number },
  ticksPerSecond: number = CLOCK_TICKS_PER_SECOND,
): number {
  const seconds = (current.atMs - previous.atMs) / 1000;
  const used = (current.ticks - previous.ticks) / ticksPerSecond;
  if (seconds <= 0 || used < 0) return 0;
  return Math.round((used / seconds) * 1000) / 10;
}

/** Samples a process's CPU use; each call answers the use since the previous one. */
export class JanusCpuSampler {
  private previous: { pid: number; ticks: number; atMs: number } | null = null;
  private last = 0;

  constructor(
    private readonly pidFile: string | undefined,
    private readonly proc: string = '/proc',
  ) {}

  /** Percent of one core since the previous sample; 0 without a pid, on the first sample, or on any read failure. */
  async sample(now: number = Date.now()): Promise<number> {
    if (!this.pidFile) return 0;
    try {
      const pid = Number((await readFile(this.pidFile, 'utf8')).trim());
      if (!Number.isInteger(pid) || pid <= 0) return this.reset();
      const ticks = cpuTicksOf(await readFile(`${this.proc}/${pid}/stat`, 'utf8'));
      if (ticks === null) return this.reset();
      const previous = this.previous;
      this.previous = { pid, ticks, atMs: now };
      // A restarted Janus has another pid: its counters start over, so no rate across the two.
      if (!previous || previous.pid !== pid) return (this.last = 0);
      // Samples closer than 100 ms apart say little; keep the last rate.
      if (now - previous.atMs < 100) {
        this.previous = previous;
        return this.last;
      }
      return (this.last = cpuPercentBetween(previous, { ticks, atMs: now }));
    } catch {
      return this.reset();
    }
  }

  private reset(): number {
    this.previous = null;
    this.last = 0;
    return 0;
  }
}
