import * as protocol from '@vident/protocol';
import { ErrorBody, ErrorCode, sha256Hex, WEBHOOK_HEADERS, WebhookEvent, WebhookEventType } from '@vident/protocol';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { openApiDocument } from '../../src/api/openapi.ts';
import { EMPTY_BODY_SHA256 } from '../../src/api/openapi-security.ts';
import { STATUS_FOR_CODE } from '../../src/base/http-error.ts';

/*
 * The OpenAPI document checked in Node (project "node" of vitest.config.ts): the validator reads the
 * OpenAPI 3.1 JSON Schema from its package's files and compiles it with ajv (code generated with new
 * Function); inside workerd the first fails (tried: "no such file or directory") and the second is
 * refused. The document is built by the same function the Worker serves GET /v1/openapi.json from.
 */

type Json = Record<string, unknown>;
const doc = openApiDocument('test') as Json;
const schemas = (doc.components as Json).schemas as Record<string, Json>;

/** Every media-type object (`content['application/json']`) in the document, with where it is. */
function mediaTypes(node: unknown, path: string, out: Array<{ path: string; media: Json }> = []): Array<{ path: string; media: Json }> {
  if (typeof node !== 'object' || node === null) return out;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'content' && typeof value === 'object' && value !== null) {
      for (const [type, media] of Object.entries(value as Json)) out.push({ path: `${path}/${type}`, media: media as Json });
    } else {
      mediaTypes(value, `${path}/${key}`, out);
    }
  }
  return out;
}

/** The zod schema a component schema was generated from (components are named after protocol exports). */
function zodFor(ref: string): z.ZodType {
  const name = ref.replace('#/components/schemas/', '');
  const schema = (protocol as Record<string, unknown>)[name];
  if (!schema || typeof (schema as z.ZodType).safeParse !== 'function') throw new Error(`no protocol schema named ${name}`);
  return schema as z.ZodType;
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator), and the validator refuses a broken one', async () => {
    const result = await new Validator().validate(structuredClone(doc));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    // The check can fail: a security scheme of a type OpenAPI does not have, and a dangling $ref.
    const broken = structuredClone(doc) as { components: { securitySchemes: Record<string, Json> } };
    broken.components.securitySchemes.videntSignature!.type = 'hmac';
    expect((await new Validator().validate(broken)).valid).toBe(false);
    const dangling = structuredClone(doc) as Json;
    delete ((dangling.components as Json).schemas as Json).SessionView;
    expect((await new Validator().validate(dangling)).valid).toBe(false);
  });

  it('lists one webhook per event type the code can send, each with its body schema, the signature headers and an example', () => {
    const webhooks = doc.webhooks as Record<string, { post: Json }>;
    expect(Object.keys(webhooks).sort()).toEqual([...WebhookEventType.options].sort());
    for (const type of WebhookEventType.options) {
      const post = webhooks[type]!.post;
      const headers = (post.parameters as Array<{ name: string; in: string; required: boolean }>).filter((p) => p.in === 'header' && p.required);
      expect(headers.map((p) => p.name).sort(), type).toEqual(Object.values(WEBHOOK_HEADERS).sort());
      const media = (((post.requestBody as Json).content as Json)['application/json'] as Json);
      expect(JSON.stringify(media.schema), type).toContain('#/components/schemas/WebhookEvent');
      const example = WebhookEvent.parse(media.example);
      expect(example.type).toBe(type);
      // Never the decision note in a webhook, not even in an example.
      expect(JSON.stringify(example), type).not.toContain('"note"');
    }
  });

  it('documents every error code with the HTTP status it is answered with', () => {
    const codeSchema = schemas.ErrorCode!;
    expect(codeSchema.enum).toEqual(ErrorCode.options);
    expect(codeSchema['x-http-status']).toEqual(STATUS_FOR_CODE);
    const table = String(codeSchema.description);
    for (const code of ErrorCode.options) expect(table, code).toContain(`| \`${code}\` | ${STATUS_FOR_CODE[code]} |`);
    expect(JSON.stringify(schemas.ErrorBody)).toContain('"required":["code","message"]');
  });

  it('describes the request signature precisely in its security scheme', async () => {
    const schemes = (doc.components as Json).securitySchemes as Record<string, Json>;
    const text = String(schemes.videntSignature!.description);
    for (const line of ['METHOD', 'PATH_WITH_QUERY', 'TIMESTAMP', 'NONCE', 'BODY_SHA256', 'HMAC-SHA256', 'request_replayed', 'X-Vident-Nonce']) {
      expect(text).toContain(line);
    }
    expect(text).toContain(EMPTY_BODY_SHA256);
    expect(await sha256Hex('')).toBe(EMPTY_BODY_SHA256);
  });

  it('has examples for the main operations, and every example is accepted by the zod schema it documents', () => {
    const paths = doc.paths as Record<string, Record<string, Json>>;
    const exampleOf = (path: string, method: string, at: (op: Json) => unknown) => (at(paths[path]![method]!) as Json).example;
    const body = (op: Json) => ((op.requestBody as Json).content as Json)['application/json'];
    const response = (status: string) => (op: Json) => (((op.responses as Json)[status] as Json).content as Json)['application/json'];
    expect(exampleOf('/v1/sessions', 'post', body)).toBeDefined();
    expect(exampleOf('/v1/sessions', 'post', response('201'))).toBeDefined();
    expect(exampleOf('/v1/sessions', 'get', response('200'))).toBeDefined();
    expect(exampleOf('/v1/sessions/{id}', 'get', response('200'))).toBeDefined();
    expect(exampleOf('/v1/sessions/{id}', 'patch', body)).toBeDefined();

    let checked = 0;
    for (const { path, media } of mediaTypes(doc.paths, '#/paths')) {
      const ref = (media.schema as Json | undefined)?.$ref;
      if (typeof ref !== 'string') continue;
      const values = [
        ...(media.example === undefined ? [] : [media.example]),
        ...Object.values((media.examples ?? {}) as Record<string, { value: unknown }>).map((e) => e.value),
      ];
      for (const value of values) {
        const parsed = zodFor(ref).safeParse(value);
        expect(parsed.success, `${path}: ${parsed.error?.message}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('gives each error response an example per code it names, with that code', () => {
    const post = (doc.paths as Record<string, Record<string, Json>>)['/v1/sessions']!.post!;
    const unauthorized = ((((post.responses as Json)['401'] as Json).content as Json)['application/json'] as Json).examples as Record<string, { value: unknown }>;
    expect(Object.keys(unauthorized).sort()).toEqual(['key_revoked', 'request_replayed', 'signature_invalid', 'timestamp_out_of_window', 'unauthorized', 'unknown_key']);
    for (const [code, example] of Object.entries(unauthorized)) expect(ErrorBody.parse(example.value).error.code).toBe(code);
  });
});
