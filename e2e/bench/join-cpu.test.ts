import { describe, expect, it } from 'vitest';
import { cpuGroupOf, cpuSpent, cpuTotal, largestThreadDifferences, ownTicks, threadName, threadSpent } from './join-cpu.ts';
import { CLOCK_TICKS_PER_SECOND } from './proc-cpu.ts';

const none = new Set<number>();

describe('cpuGroupOf', () => {
  it('sorts Chromium processes by their --type', () => {
    const chrome = '/root/.cache/ms-playwright/chromium-1200/chrome-linux/chrome';
    expect(cpuGroupOf([chrome, '--type=renderer', '--renderer-client-id=7'], '/', 10, none)).toBe('chromium renderers');
    expect(cpuGroupOf([chrome, '--type=gpu-process'], '/', 11, none)).toBe('chromium gpu');
    expect(cpuGroupOf([chrome, '--type=utility', '--utility-sub-type=network.mojom.NetworkService'], '/', 12, none)).toBe('chromium utility');
    expect(cpuGroupOf([chrome, '--headless', '--remote-debugging-pipe'], '/', 13, none)).toBe('chromium browser');
  });

  it('reads a child whose command line Chromium rewrote into one string', () => {
    const rewritten = 'playwright_chromiumdev_profile-KrZH1w --change-stack-guard-on-fork=enable --type=renderer --renderer-client-id=17';
    expect(cpuGroupOf([rewritten], '/', 14, none)).toBe('chromium renderers');
  });

  it('names the stack: workerd, wrangler and its esbuild, the sidecar by its folder, Janus', () => {
    expect(cpuGroupOf(['/work/main/node_modules/@cloudflare/workerd-linux-64/bin/workerd', 'serve'], '/', 20, none)).toBe('workerd');
    expect(cpuGroupOf(['node', '/work/main/node_modules/wrangler/wrangler-dist/cli.js', 'dev'], '/work/main/control-plane', 21, none)).toBe('wrangler');
    expect(cpuGroupOf(['/work/main/node_modules/@esbuild/linux-x64/bin/esbuild', '--service=0.24.2'], '/', 22, none)).toBe('wrangler');
    expect(cpuGroupOf(['node', '--require', '/x/tsx/dist/preflight.cjs', 'infra/worker-dev.ts', '--port', '8787'], '/work/main', 26, none)).toBe('wrangler');
    expect(cpuGroupOf(['node', '--import', 'tsx', 'src/main.ts'], '/work/main/media-node', 23, none)).toBe('sidecar');
    expect(cpuGroupOf(['node', '--require', '/x/tsx/dist/preflight.cjs', 'media-node/src/main.ts'], '/work/main', 25, none)).toBe('sidecar');
    expect(cpuGroupOf(['janus', '-F', '/tmp/janus-1'], '/', 24, none)).toBe('janus');
  });

  it('counts the runner apart, whatever its command line', () => {
    expect(cpuGroupOf(['node', 'e2e/bench/run.ts'], '/work/main/media-node', 30, new Set([30]))).toBe('bench runner');
    expect(cpuGroupOf(['turnserver', '-c', 'x'], '/', 31, none)).toBe('other');
  });
});

describe('ownTicks', () => {
  it('takes utime and stime, not the reaped children (cutime, cstime)', () => {
    const line = '4242 (chrome (zygote)) S 1 4242 4242 0 -1 4194560 100 0 0 0 300 45 9000 800 20 0 1 0';
    expect(ownTicks(line)).toBe(345);
  });
});

describe('cpuSpent', () => {
  it('sums tick deltas per group in core-milliseconds; a process new in the window counts whole', () => {
    const tick = 1000 / CLOCK_TICKS_PER_SECOND;
    const before = new Map([
      [1, { group: 'janus' as const, ticks: 100 }],
      [2, { group: 'chromium renderers' as const, ticks: 50 }],
      [3, { group: 'workerd' as const, ticks: 7 }],
    ]);
    const after = new Map([
      [1, { group: 'janus' as const, ticks: 103 }],
      [2, { group: 'chromium renderers' as const, ticks: 60 }],
      [3, { group: 'workerd' as const, ticks: 7 }],
      [4, { group: 'chromium renderers' as const, ticks: 20 }],
    ]);
    const spent = cpuSpent(before, after);
    expect(spent).toEqual({ janus: 3 * tick, 'chromium renderers': 30 * tick });
    expect(cpuTotal(spent)).toBe(33 * tick);
  });
});

describe('by thread', () => {
  const tick = 1000 / CLOCK_TICKS_PER_SECOND;
  const stat = (name: string, utime: number) => `77 (${name}) S 1 77 77 0 -1 4194560 100 0 0 0 ${utime} 0 0 0 20 0 1 0`;

  it('names a thread from its stat line, a pool worker\'s number dropped', () => {
    expect(threadName(stat('VideoFrameCompo', 1))).toBe('VideoFrameCompo');
    expect(threadName(stat('ThreadPoolForeg', 1))).toBe('ThreadPoolForeg');
    expect(threadName(stat('hloop 12', 1))).toBe('hloop');
    expect(threadName(stat('Worker (x) 3', 1))).toBe('Worker (x)');
  });

  it('sums each "group / thread" over processes; a thread new in the window counts whole', () => {
    const threads = (...list: [number, string, number][]) => new Map(list.map(([tid, name, ticks]) => [tid, { name, ticks }]));
    const before = new Map([
      [1, { group: 'chromium renderers' as const, ticks: 0, threads: threads([1, 'chromium', 10], [2, 'Compositor', 5]) }],
      [2, { group: 'chromium renderers' as const, ticks: 0, threads: threads([3, 'chromium', 4]) }],
    ]);
    const after = new Map([
      [1, { group: 'chromium renderers' as const, ticks: 0, threads: threads([1, 'chromium', 30], [2, 'Compositor', 5], [9, 'ThreadPoolForeg', 2]) }],
      [2, { group: 'chromium renderers' as const, ticks: 0, threads: threads([3, 'chromium', 14]) }],
      [3, { group: 'janus' as const, ticks: 0 }],
    ]);
    expect(threadSpent(before, after)).toEqual({ 'chromium renderers / chromium': 30 * tick, 'chromium renderers / ThreadPoolForeg': 2 * tick });
  });

  it('lists the threads whose medians differ most, largest first, either way', () => {
    const vident = [{ 'r / main': 900, 'gpu / Viz': 300, 'r / audio': 50 }, { 'r / main': 1100, 'gpu / Viz': 340, 'r / audio': 50 }];
    const bare = [{ 'r / main': 600, 'gpu / Viz': 60, 'r / audio': 50, 'r / encoder': 500 }, { 'r / main': 800, 'gpu / Viz': 60, 'r / audio': 50, 'r / encoder': 500 }];
    expect(largestThreadDifferences(vident, bare, 3)).toEqual(['r / encoder -500 (0 / 500)', 'r / main +300 (1000 / 700)', 'gpu / Viz +260 (320 / 60)']);
    // Equal medians are not differences.
    expect(largestThreadDifferences(vident, bare, 10)).toHaveLength(3);
  });
});
