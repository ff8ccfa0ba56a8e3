import { describeIssues, type ErrorBody, type ErrorCode } from '@vident/protocol';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { log } from './log.ts';

/** The one error type of the control plane: a stable code, an HTTP status and a safe message. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    readonly status: ContentfulStatusCode,
    message: string,
  ) {
    super(message);
  }
}

/** Largest request body any route accepts. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The status each code is answered with when it crosses an RPC boundary as a plain result. */
export const STATUS_FOR_CODE: Record<ErrorCode, ContentfulStatusCode> = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 400,
  unauthorized: 401,
  signature_invalid: 401,
  timestamp_out_of_window: 401,
  unknown_key: 401,
  key_revoked: 401,
  node_not_enrolled: 401,
  node_url_mismatch: 409,
  answer_unauthenticated: 502,
  request_replayed: 401,
  token_invalid: 401,
  token_expired: 401,
  token_revoked: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  session_ended: 409,
  invalid_transition: 409,
  no_media_node: 503,
  media_node_error: 502,
  payload_too_large: 413,
  checksum_mismatch: 422,
  consent_required: 409,
  rate_limited: 429,
  limit_reached: 409,
  bank_check_required: 409,
  thresholds_mismatch: 409,
  still_not_requested: 409,
  one_time_code_required: 409,
  one_time_code_closed: 409,
  quality_gate_red: 409,
  upload_url_invalid: 403,
  upload_url_expired: 403,
  evidence_not_ready: 409,
  evidence_deleted: 410,
  not_configured: 503,
  internal: 500,
};

/** A failure result as Durable Object RPC methods return it (errors thrown across RPC lose their type). */
export type Failure = { ok: false; code: ErrorCode; message: string };

export function fromFailure(failure: Failure): ApiError {
  return new ApiError(failure.code, STATUS_FOR_CODE[failure.code], failure.message);
}

export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

/** Hono onError: ApiErrors become their JSON body; anything else is logged and hidden behind 500. */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    if (err.status >= 500) log('api_error', { code: err.code, status: err.status, path: c.req.path });
    return c.json(errorBody(err.code, err.message), err.status);
  }
  log('unhandled_error', { path: c.req.path, name: err.name, message: err.message });
  return c.json(errorBody('internal', 'internal error'), 500);
}

export function handleNotFound(c: Context): Response {
  return c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404);
}

/** Parses raw JSON text against a schema, throwing invalid_json / validation_failed ApiErrors. */
export function parseJsonBody<S extends z.core.$ZodType>(schema: S, raw: string): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ApiError('invalid_json', 400, 'request body is not valid JSON');
  }
  const parsed = z.safeParse(schema, value);
  if (!parsed.success) throw new ApiError('validation_failed', 400, describeIssues(parsed.error));
  return parsed.data;
}

/** Parses query/path input against a schema, throwing validation_failed. */
export function parseInput<S extends z.core.$ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = z.safeParse(schema, value);
  if (!parsed.success) throw new ApiError('validation_failed', 400, describeIssues(parsed.error));
  return parsed.data;
}

/** A request body as received: the exact bytes (what signatures cover) and their UTF-8 text. */
export interface RawBody {
  bytes: Uint8Array;
  text: string;
}

/** Reads a body of at most `limit` bytes (413 payload_too_large beyond it, declared or actual). */
export async function readBounded(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const tooLarge = () => new ApiError('payload_too_large', 413, `request body exceeds ${limit} bytes`);
  if (Number(request.headers.get('content-length') ?? '0') > limit) throw tooLarge();
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Reads the body, refusing more than MAX_BODY_BYTES (declared or actual) and invalid UTF-8. */
export async function readBody(request: Request): Promise<RawBody> {
  const bytes = await readBounded(request, MAX_BODY_BYTES);
  try {
    // ignoreBOM keeps a leading BOM so the text is exactly what was signed.
    return { bytes, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    throw new ApiError('invalid_json', 400, 'request body is not valid UTF-8');
  }
}
