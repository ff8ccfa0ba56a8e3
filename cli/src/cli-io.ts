/*
 * Where a command's output goes. Commands never touch process.stdout or process.env themselves:
 * main.ts passes the real ones, tests pass recorders, stubs and a fake control plane.
 */

export type Env = Record<string, string | undefined>;

/** A running progress bar (or one that shows nothing). */
export interface Progress {
  /** Total bytes done so far. */
  update(done: number): void;
  stop(): void;
}

export interface CliIo {
  /** One line of the command's result on stdout (with --json: the one JSON document). */
  out: (line: string) => void;
  /** Warnings and failures on stderr (console.error when absent). */
  err?: (line: string) => void;
  /** --json: results as JSON on stdout, nothing else there. */
  json?: boolean;
  env?: Env;
  fetch?: typeof fetch;
  /** A progress bar for `total` bytes; absent (tests, pipes, --json): no bar. */
  progress?: (label: string, total: number) => Progress;
}

/** Prints a command's result: `value` as one JSON line with --json, else the human text. */
export function emit(io: CliIo, value: unknown, text: () => string[]): void {
  if (io.json) io.out(JSON.stringify(value));
  else for (const line of text()) io.out(line);
}

/** A warning on stderr (with --json, a JSON object so a script reading stderr can still parse it). */
export function warn(io: CliIo, code: string, message: string): void {
  const err = io.err ?? ((line: string) => console.error(line));
  err(io.json ? JSON.stringify({ warning: { code, message } }) : `warning: ${message}`);
}

/** Writes to stderr. */
export function errorLine(io: CliIo, line: string): void {
  (io.err ?? ((l: string) => console.error(l)))(line);
}

export const noProgress: Progress = { update: () => undefined, stop: () => undefined };
