import { CreateSessionRequest, SIGNATURE_WINDOW_SECONDS } from '@vident/protocol';
import { SELF } from 'cloudflare:test';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { app } from '../src/api/app.ts';
import { SIGNED_WINDOW_SECONDS } from '../src/base/signed-request.ts';
import { ORIGIN } from './helpers.ts';

type Schema = Record<string, unknown>;

/**
 * Just enough JSON Schema 2020-12 for what z.toJSONSchema emits for the request bodies (no new
 * dependency): true when `value` satisfies `schema`. The OpenAPI validator (test/node/, in Node:
 * ajv cannot run in workerd) checks the document's shape against the 3.1 schema, not values
 * against the document's schemas; this checks the generated body schema is never stricter than zod.
 */
function accepts(schema: Schema, value: unknown, root: Schema): boolean {
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return accepts(((root.components as Schema).schemas as Record<string, Schema>)[name]!, value, root);
  }
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) return false;
  if ('const' in schema && schema.const !== value) return false;
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return false;
      if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) return false;
      if (typeof schema.maxLength === 'number' && [...value].length > schema.maxLength) return false;
      if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) return false;
      return true;
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || (schema.type === 'integer' && !Number.isInteger(value))) return false;
      return !(typeof schema.minimum === 'number' && value < schema.minimum) && !(typeof schema.maximum === 'number' && value > schema.maximum);
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      const record = value as Record<string, unknown>;
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      for (const name of (schema.required ?? []) as string[]) if (!(name in record)) return false;
      for (const [name, v] of Object.entries(record)) {
        if (schema.propertyNames && !accepts(schema.propertyNames as Schema, name, root)) return false;
        // Own keys only: a generated key like `toString` must not find Object.prototype's.
        if (Object.hasOwn(properties, name)) {
          if (!accepts(properties[name]!, v, root)) return false;
        } else if (schema.additionalProperties === false) {
          return false;
        } else if (typeof schema.additionalProperties === 'object' && !accepts(schema.additionalProperties as Schema, v, root)) {
          return false;
        }
      }
      return true;
    }
    default:
      throw new Error(`validator does not know ${JSON.stringify(schema)}`);
  }
}

async function fetchDocument(): Promise<Schema> {
  const res = await SELF.fetch(`${ORIGIN}/v1/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('application/json');
  const text = await res.text();
  expect(text).not.toMatch(/secret-0123|test-token|test-node/);
  return JSON.parse(text) as Schema;
}

describe('GET /v1/openapi.json', () => {
  it('is a public OpenAPI 3.1 document with the signature headers as security schemes', async () => {
    const doc = await fetchDocument();
    expect(doc.openapi).toBe('3.1.0');
    const schemes = (doc.components as Schema).securitySchemes as Record<string, Schema>;
    const headers = Object.values(schemes).filter((s) => s.type === 'apiKey');
    expect(headers.map((s) => s.name).sort()).toEqual(['x-vident-key-id', 'x-vident-signature', 'x-vident-timestamp']);
    // The agent's capture upload is the one route authenticated by a participant token.
    expect(schemes.participantToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    const errorBody = ((doc.components as Schema).schemas as Record<string, Schema>).ErrorBody!;
    expect(JSON.stringify(errorBody)).toContain('request_replayed');
    // The scheme's description states the window from the protocol's constant: the one enforced.
    expect(SIGNED_WINDOW_SECONDS).toBe(SIGNATURE_WINDOW_SECONDS);
    expect(String(schemes.videntSignature!.description)).toContain(`More than ${SIGNED_WINDOW_SECONDS} s`);
  });

  it('documents every route the app serves to banks, each with an ErrorBody response when signed', async () => {
    const doc = await fetchDocument();
    const paths = doc.paths as Record<string, Record<string, Schema>>;
    const served = app.routes
      .filter((r) => ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'].includes(r.method))
      .filter((r) => !r.path.startsWith('/v1/nodes') && !r.path.startsWith('/v1/demo') && !r.path.endsWith('/ws'))
      .map((r) => ({ method: r.method.toLowerCase(), path: r.path.replace(/:(\w+)/g, '{$1}').replace(/\/$/, '') }));
    expect(served.length).toBeGreaterThanOrEqual(15);
    for (const route of served) {
      const operation = paths[route.path]?.[route.method];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      const security = operation!.security as unknown[];
      if (security.length) expect(JSON.stringify(operation!.responses)).toContain('#/components/schemas/ErrorBody');
    }
    const list = paths['/v1/sessions']!.get!.parameters as Array<{ name: string }>;
    expect(list.map((p) => p.name).sort()).toEqual(['createdAfter', 'createdBefore', 'cursor', 'externalRef', 'limit', 'state']);
  });

  it("POST /v1/sessions' body schema accepts everything CreateSessionRequest accepts", async () => {
    const doc = await fetchDocument();
    const body = (((doc.paths as Schema)['/v1/sessions'] as Schema).post as Schema).requestBody as Schema;
    const schema = ((body.content as Schema)['application/json'] as Schema).schema as Schema;
    const text = fc.oneof(fc.string({ maxLength: 140 }), fc.string({ minLength: 1, maxLength: 8, unit: 'grapheme' }));
    const candidate = fc.record(
      {
        externalRef: text,
        customerName: text,
        locale: fc.constantFrom('ko', 'en', 'fr'),
        record: fc.oneof(fc.boolean(), fc.constant('yes')),
        metadata: fc.dictionary(fc.string({ maxLength: 70 }), fc.string({ maxLength: 600 }), { maxKeys: 5 }),
        extra: fc.anything(),
      },
      { requiredKeys: [] },
    );
    let valid = 0;
    fc.assert(
      fc.property(candidate, (value) => {
        const zodAccepts = CreateSessionRequest.safeParse(value).success;
        if (zodAccepts) valid++;
        // The schema may be looser (it cannot express trim), never stricter.
        if (zodAccepts) expect(accepts(schema, value, doc)).toBe(true);
      }),
      { numRuns: 1500 },
    );
    expect(valid).toBeGreaterThan(20);
    expect(accepts(schema, { externalRef: 'a', customerName: 'b', surprise: 1 }, doc)).toBe(false);
  });
});
