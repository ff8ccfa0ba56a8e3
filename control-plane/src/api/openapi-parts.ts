import { ErrorCode, type ErrorBody } from '@vident/protocol';
import { z } from 'zod';
import { MAX_BODY_BYTES } from '../base/http-error.ts';

/* Building blocks of the OpenAPI document (openapi.ts, openapi-admin.ts). */

export type JsonSchema = Record<string, unknown>;

export function jsonSchema(schema: z.core.$ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** A JSON response of a named schema, with an example body when given. */
export function json(name: string, description: string, example?: unknown) {
  return { description, content: { 'application/json': { schema: ref(name), ...(example === undefined ? {} : { example }) } } };
}

/** A required JSON request body of a named schema, with an example when given. */
export function jsonBody(name: string, example?: unknown) {
  return { required: true, content: { 'application/json': { schema: ref(name), ...(example === undefined ? {} : { example }) } } };
}

/** The messages the API really answers for the common codes (the examples of error responses). */
const EXAMPLE_MESSAGES: Partial<Record<ErrorCode, string>> = {
  invalid_json: 'request body is not valid JSON',
  validation_failed: 'customerName: Too small: expected string to have >=1 characters',
  unauthorized: 'missing X-Vident-Key-Id, X-Vident-Timestamp or X-Vident-Signature',
  signature_invalid: 'signature does not match',
  timestamp_out_of_window: 'timestamp outside the accepted window',
  unknown_key: 'unknown key id',
  key_revoked: 'this key id has been revoked',
  request_replayed: 'this signed request was already received',
  payload_too_large: `request body exceeds ${MAX_BODY_BYTES} bytes`,
  internal: 'internal error',
};

/**
 * An ErrorBody response whose description names its codes: each code named becomes an example
 * body, so a reader (and the API reference page) sees what the answer looks like.
 */
export function error(description: string) {
  const codes = ErrorCode.options.filter((code) => new RegExp(`\\b${code}\\b`).test(description));
  const examples = Object.fromEntries(
    codes.map((code) => [code, { value: { error: { code, message: EXAMPLE_MESSAGES[code] ?? description } } satisfies ErrorBody }]),
  );
  return { description, content: { 'application/json': { schema: ref('ErrorBody'), ...(codes.length ? { examples } : {}) } } };
}

/** Responses every signed route may give besides its own. */
export const signedErrors = {
  '400': error('invalid_json or validation_failed'),
  '401': error('unauthorized, signature_invalid, timestamp_out_of_window, unknown_key, key_revoked or request_replayed'),
  '413': error(`payload_too_large: the body exceeds ${MAX_BODY_BYTES} bytes`),
  '500': error('internal'),
};

export function queryParameters(shape: Record<string, z.core.$ZodType>) {
  return Object.entries(shape).map(([name, schema]) => ({
    name,
    in: 'query',
    required: !z.safeParse(schema, undefined).success,
    schema: jsonSchema(schema, 'input'),
  }));
}

export const sessionIdParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };

export const signed = [{ videntSignature: [], videntKeyId: [], videntTimestamp: [] }];

export const sealedBytes = (description: string) => ({ description, content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } });

