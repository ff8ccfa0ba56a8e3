import type { ErrorCode } from '@vident/protocol';
import type { Failure } from '../base/http-error.ts';

/** A refusal a session answers over RPC; the Worker turns it into an HTTP error (fromFailure). */
export function failure(code: ErrorCode, message: string): Failure {
  return { ok: false, code, message };
}

export const noSession = (): Failure => failure('not_found', 'no such session');
