/*
 * What the `vident` command says when it fails. Exit 2 is kept for usage mistakes (unknown command
 * or option, a missing or malformed argument): a script can tell "I called it wrong" from "it ran
 * and failed" (exit 1). Every failure carries a stable code a script can match on stderr.
 */
import { EnvelopeError, VidentApiError } from '@vident/protocol';

/** A failure with a stable machine-readable code; exit 1 unless it is a usage mistake. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: 1 | 2 = 1,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad arguments: an unknown command or option, a missing or malformed argument (exit 2). */
export class UsageError extends CliError {
  constructor(message: string) {
    super('usage', message, 2);
    this.name = 'UsageError';
  }
}

export interface Failure {
  code: string;
  message: string;
  exitCode: 1 | 2;
  detail: Record<string, unknown>;
}

/** Any error thrown by a command, as the code, message and exit status the user sees. */
export function describeFailure(error: unknown): Failure {
  if (error instanceof CliError) return { code: error.code, message: error.message, exitCode: error.exitCode, detail: error.detail };
  if (error instanceof VidentApiError) {
    return { code: 'api_refused', message: `the vident API refused: ${error.message}`, exitCode: 1, detail: { status: error.status, apiCode: error.code } };
  }
  if (error instanceof EnvelopeError) return { code: 'envelope_invalid', message: error.message, exitCode: 1, detail: {} };
  if (error instanceof TypeError && error.message === 'fetch failed') {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    const why = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : 'no answer';
    return { code: 'network_error', message: `cannot reach the control plane (${why})`, exitCode: 1, detail: {} };
  }
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof Error && typeof errno === 'string' && /^E[A-Z]+$/.test(errno)) {
    return { code: 'file_error', message: error.message, exitCode: 1, detail: { errno } };
  }
  return { code: 'failed', message: error instanceof Error ? error.message : String(error), exitCode: 1, detail: {} };
}

/** The failure's stderr text: one JSON object with --json, else `vident: <code>: <message>` (a usage mistake adds a hint). */
export function failureText(failure: Failure, json: boolean, helpHint?: string): string {
  if (json) return JSON.stringify({ error: { code: failure.code, message: failure.message, ...failure.detail } });
  const hint = failure.exitCode === 2 && helpHint ? `\n${helpHint}` : '';
  return `vident: ${failure.code}: ${failure.message}${hint}`;
}
