import { describe, expect, it } from 'vitest';
import vectors from '../test-vectors/signing.json' with { type: 'json' };
import { canonicalRequest, sha256Hex, signRequest, verifyRequest } from './signing.ts';
import { signWebhook, verifyWebhook } from './webhooks.ts';

/*
 * The published vectors (protocol/test-vectors/signing.json) that the Java, Python and shell
 * examples also check themselves against. They were computed with node:crypto, not with this code:
 * a change of the canonical form or of either signature fails here before any bank's client breaks.
 */

/** The vectors name headers as sent (X-Vident-Key-Id); signRequest answers them lowercase. */
const lowerKeys = (headers: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).flatMap(([k, v]) => (v === undefined ? [] : [[k.toLowerCase(), v]])));

describe('request signing vectors', () => {
  it.each(vectors.requestSigning.cases)('$name', async (v) => {
    expect(v.pathWithQuery).toBe(v.query ? `${v.path}?${v.query}` : v.path);
    expect(await sha256Hex(v.body)).toBe(v.bodySha256);
    const nonce = v.nonce ?? undefined;
    expect(await canonicalRequest(v.method, v.pathWithQuery, String(v.timestamp), v.body, nonce)).toBe(v.canonical);
    const headers = await signRequest({
      keyId: v.keyId,
      secret: v.secret,
      method: v.method,
      pathWithQuery: v.pathWithQuery,
      body: v.body,
      now: v.timestamp * 1000,
      nonce: nonce ?? false,
    });
    expect(headers).toEqual(lowerKeys(v.headers));
    const verified = await verifyRequest({
      method: v.method,
      pathWithQuery: v.pathWithQuery,
      body: v.body,
      header: (name) => lowerKeys(v.headers)[name.toLowerCase()],
      secretFor: (keyId) => (keyId === v.keyId ? v.secret : undefined),
      now: v.timestamp * 1000,
    });
    expect(verified).toEqual({ ok: true, keyId: v.keyId });
  });

  it('covers a Korean UTF-8 body, an empty body, a query string and a request without a nonce', () => {
    const cases = vectors.requestSigning.cases;
    expect(cases.some((v) => /[\uac00-\ud7a3]/.test(v.body))).toBe(true);
    expect(cases.some((v) => v.body === '')).toBe(true);
    expect(cases.some((v) => v.query !== '')).toBe(true);
    expect(cases.some((v) => v.nonce === null)).toBe(true);
  });
});

describe('webhook signing vectors', () => {
  it.each(vectors.webhookSigning.cases)('$name', async (v) => {
    expect(v.signedContent).toBe(`${v.id}.${v.timestamp}.${v.body}`);
    expect(await signWebhook({ secret: v.secret, id: v.id, timestamp: v.timestamp, body: v.body })).toEqual(v.headers);
    expect(v.headers['webhook-signature']).toBe(v.signature);
  });

  it.each(vectors.webhookVerification.cases)('verification: $name is $expect', async (v) => {
    const headers: Record<string, string> = v.headers;
    const result = await verifyWebhook({
      secret: v.secret,
      header: (name) => headers[name],
      body: v.body,
      now: v.now,
      toleranceSeconds: vectors.webhookVerification.toleranceSeconds,
    });
    expect(result.ok ? 'ok' : result.reason).toBe(v.expect);
  });
});
