import { ErrorBody, ErrorCode, signRequest } from '@vident/protocol';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import worker from '../src/index.ts';
import { BANK_KEY, ORIGIN, type SignedOptions } from './helpers.ts';

/**
 * The Worker's own fetch handler with the real bindings (same app, same Durable Objects). Not
 * SELF.fetch for the thousands of fuzz requests: under vitest-pool-workers every SELF.fetch gets
 * slower the more came before it in the runtime (cloudflare/workers-sdk#15446; measured here: 7 ms
 * -> 170 ms per /health after 800 requests), which would slow every later test file too.
 */
export async function call(input: string | URL, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(input, init) as Request<unknown, IncomingRequestCfProperties>, env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** signedFetch's twin over `call`. */
export async function signedCall(method: string, pathWithQuery: string, body?: string | object, opts: SignedOptions = {}): Promise<Response> {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const headers = await signRequest({ keyId: opts.keyId ?? BANK_KEY.keyId, secret: opts.secret ?? BANK_KEY.secret, method, pathWithQuery, body: text });
  return call(`${ORIGIN}${pathWithQuery}`, { method, headers: { ...headers, ...(text ? { 'content-type': 'application/json' } : {}) }, ...(text ? { body: text } : {}) });
}

/** Asserts the invariant every answer must satisfy (never a 5xx; 4xx = a known ErrorBody); returns the status. */
export async function wellFormed(res: Response): Promise<number> {
  const text = await res.text();
  expect(res.status, text.slice(0, 300)).toBeLessThan(500);
  if (res.status >= 400) {
    const body = ErrorBody.safeParse(JSON.parse(text));
    expect(body.success, text).toBe(true);
    expect(ErrorCode.options).toContain(body.data!.error.code);
    expect(body.data!.error.message.length).toBeGreaterThan(0);
  }
  return res.status;
}
