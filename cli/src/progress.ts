/*
 * Progress bars for the long commands (evidence download, decrypting a large pack). They go to
 * stderr, only when a person watches it: never into a pipe, a log file or --json output.
 */
import cliProgress from 'cli-progress';
import type { Progress } from './cli-io.ts';

/** Decrypting below this many sealed bytes takes a moment: no bar. */
export const LARGE_PACK_BYTES = 8 * 1024 * 1024;

/** Bars only on a terminal and never with --json. */
export function showsProgress(a: { stderrIsTTY: boolean | undefined; json: boolean }): boolean {
  return a.stderrIsTTY === true && !a.json;
}

/** 734 B, 12.0 KiB, 3.4 MiB, 1.20 GiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 && unit >= 2 ? 2 : 1)} ${units[unit]}`;
}

/** A cli-progress bar on stderr. */
export function terminalProgress(label: string, total: number): Progress {
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label} [{bar}] {percentage}% | {done} of {size} | {eta_formatted}`, hideCursor: true, barsize: 30 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(total, 1), 0, { done: formatBytes(0), size: formatBytes(total) });
  return {
    update: (done) => bar.update(Math.min(done, Math.max(total, 1)), { done: formatBytes(done) }),
    stop: () => bar.stop(),
  };
}

/** A fetch whose response bodies report every chunk's size as they are read. */
export function countingFetch(doFetch: typeof fetch, onBytes: (bytes: number) => void): typeof fetch {
  return async (input, init) => {
    const response = await doFetch(input, init);
    if (!response.body) return response;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          onBytes(chunk.byteLength);
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
