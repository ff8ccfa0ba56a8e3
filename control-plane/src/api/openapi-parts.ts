import { z } from 'zod';
import { MAX_BODY_BYTES } from '../base/http-error.ts';

/* Building blocks of the OpenAPI document (openapi.ts, openapi-admin.ts). */

export type JsonSchema = Record<string, unknown>;

export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export function json(name: string, description: string) {
  return { description, content: { 'application/json': { schema: ref(name) } } };
}

export const error = (description: string) => json('ErrorBody', description);

/** Responses every signed route may give besides its own. */
export const signedErrors = {
  '400': error('invalid_json or validation_failed'),
  '401': error('unauthorized, signature_invalid, timestamp_out_of_window, unknown_key, key_revoked or request_replayed'),
  '413': error(`payload_too_large: the body exceeds ${MAX_BODY_BYTES} bytes`),
  '500': error('internal'),
};

export function queryParameters(shape: Record<string, z.ZodType>) {
  return Object.entries(shape).map(([name, schema]) => ({
    name,
    in: 'query',
    required: !schema.safeParse(undefined).success,
    schema: jsonSchema(schema, 'input'),
  }));
}

export const sessionIdParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };

export const signed = [{ videntSignature: [], videntKeyId: [], videntTimestamp: [] }];

export const sealedBytes = (description: string) => ({ description, content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } });

