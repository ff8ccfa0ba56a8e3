import { ErrorBody, SessionList, signRequest, SIGNATURE_HEADERS } from '@vident/protocol';
import { runInDurableObject, SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { replayShardName, type ReplayGuard } from '../src/base/replay-guard.ts';
import { MAX_BODY_BYTES } from '../src/base/http-error.ts';
import { BANK_KEY, clearIndexes, createSession, enrolNode, nodeSigning, ORIGIN, registerNode, sessionStub, signedFetch } from './helpers.ts';

const NEXT_KEY = { keyId: 'bank-next', secret: 'test-bank-next-secret-0123456789' };
const REVOKED_KEY = { keyId: 'bank-old', secret: 'test-bank-old-secret-0123456789a' };

async function expectError(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(ErrorBody.parse(await res.json()).error.code).toBe(code);
}

async function sessionCount(): Promise<number> {
  return runInDurableObject(env.DIRECTORY.get(env.DIRECTORY.idFromName('global')), (_, state) =>
    Number(state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM sessions').one().n),
  );
}

/** Sends exactly these headers and body (a captured request, as an attacker would resend it). */
function resend(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Response> {
  return SELF.fetch(`${ORIGIN}${path}`, {
    method,
    headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body } : {}),
  });
}

beforeEach(async () => {
  await clearIndexes();
});

describe('replay protection', () => {
  const body = JSON.stringify({ externalRef: 'replay-1', customerName: 'Park' });

  it('accepts a signed POST once and refuses the identical request again', async () => {
    await registerNode('node-r');
    const headers = await signRequest({ ...BANK_KEY, method: 'POST', pathWithQuery: '/v1/sessions', body });
    expect((await resend('POST', '/v1/sessions', headers, body)).status).toBe(201);
    await expectError(await resend('POST', '/v1/sessions', headers, body), 401, 'request_replayed');
    // The same signature in upper case is the same MAC: still a replay.
    const upper = { ...headers, [SIGNATURE_HEADERS.signature]: headers[SIGNATURE_HEADERS.signature]!.toUpperCase() };
    await expectError(await resend('POST', '/v1/sessions', upper, body), 401, 'request_replayed');
    expect(await sessionCount()).toBe(1);
  });

  it('refuses replayed GETs and node requests, also when signed without a nonce', async () => {
    const get = await signRequest({ ...BANK_KEY, method: 'GET', pathWithQuery: '/v1/sessions', nonce: false });
    expect((await resend('GET', '/v1/sessions', get)).status).toBe(200);
    await expectError(await resend('GET', '/v1/sessions', get), 401, 'request_replayed');

    const reg = JSON.stringify({ nodeId: 'node-replay', url: 'http://127.0.0.1:9/', capacity: 1, version: 't' });
    expect((await enrolNode('node-replay', 'http://127.0.0.1:9/')).status).toBe(201);
    const nodeHeaders = await signRequest({ ...(await nodeSigning('node-replay')), method: 'POST', pathWithQuery: '/v1/nodes/register', body: reg });
    expect((await resend('POST', '/v1/nodes/register', nodeHeaders, reg)).status).toBe(200);
    await expectError(await resend('POST', '/v1/nodes/register', nodeHeaders, reg), 401, 'request_replayed');
  });

  it("refuses a replayed node event in the session it names, without a ReplayGuard round trip", async () => {
    await registerNode('node-ev-replay');
    const s = await createSession();
    const nodeId = await runInDurableObject(sessionStub(s.sessionId), (instance) => instance['core'].conduct!.record.nodeId);
    const path = `/v1/nodes/${nodeId}/events`;
    const event = JSON.stringify({ type: 'media', sessionId: s.sessionId, participant: 'customer', leg: 'publisher', event: 'hangup' });
    const headers = await signRequest({ ...(await nodeSigning(nodeId)), method: 'POST', pathWithQuery: path, body: event });
    const shard = env.REPLAY.get(env.REPLAY.idFromName(replayShardName(headers[SIGNATURE_HEADERS.signature]!)));
    const before = await shard.size();
    expect((await resend('POST', path, headers, event)).status).toBe(200);
    await expectError(await resend('POST', path, headers, event), 401, 'request_replayed');
    const upper = { ...headers, [SIGNATURE_HEADERS.signature]: headers[SIGNATURE_HEADERS.signature]!.toUpperCase() };
    await expectError(await resend('POST', path, upper, event), 401, 'request_replayed');
    // The session claimed it (node-event-claims.ts): the event's path to the session has no ReplayGuard call.
    expect(await shard.size()).toBe(before);
  });

  it('lets identical requests with fresh nonces through (a client repeating a read)', async () => {
    for (let i = 0; i < 3; i++) expect((await signedFetch('GET', '/v1/sessions')).status).toBe(200);
  });

  it('does not remember refused requests, and prunes expired signatures by alarm', async () => {
    const headers = await signRequest({ ...BANK_KEY, secret: 'wrong-secret-0123456789abcdef', method: 'GET', pathWithQuery: '/v1/status' });
    const shard = env.REPLAY.get(env.REPLAY.idFromName(replayShardName(headers[SIGNATURE_HEADERS.signature]!)));
    const before = await shard.size();
    await expectError(await resend('GET', '/v1/status', headers), 401, 'signature_invalid');
    expect(await shard.size()).toBe(before);

    const now = Date.now();
    const fresh = await signRequest({ ...BANK_KEY, method: 'GET', pathWithQuery: '/v1/status' });
    const sig = fresh[SIGNATURE_HEADERS.signature]!;
    // Typed with the class (the binding carries only its RPC interface): the test runs its alarm.
    const guard = env.REPLAY.get(env.REPLAY.idFromName(replayShardName(sig))) as unknown as DurableObjectStub<ReplayGuard>;
    expect(await guard.claim('a'.repeat(64), now - 1, now - 10)).toBe(true);
    expect(await guard.claim(sig, now + 60_000)).toBe(true);
    expect(await guard.claim(sig, now + 60_000)).toBe(false);
    await runInDurableObject(guard, async (instance) => {
      await instance.alarm();
      await instance.alarm();
    });
    await runInDurableObject(guard, (_, state) => {
      const left = state.storage.sql.exec<{ signature: string }>('SELECT signature FROM seen').toArray().map((r) => r.signature);
      expect(left).toContain(sig);
      expect(left).not.toContain('a'.repeat(64));
    });
    // An expired entry no longer blocks (its timestamp is refused by the window check anyway).
    expect(await guard.claim('b'.repeat(64), now - 1, now - 10)).toBe(true);
    expect(await guard.claim('b'.repeat(64), now + 1000, now)).toBe(true);
  });
});

describe('key rotation and revocation', () => {
  it('accepts every configured key at once', async () => {
    await registerNode('node-k');
    for (const key of [BANK_KEY, NEXT_KEY]) {
      const res = await signedFetch('POST', '/v1/sessions', { externalRef: key.keyId, customerName: 'Choi' }, key);
      expect(res.status).toBe(201);
    }
    const list = SessionList.parse(await (await signedFetch('GET', '/v1/sessions', undefined, NEXT_KEY)).json());
    expect(list.sessions.map((s) => s.externalRef).sort()).toEqual(['bank-next', 'bank-test']);
  });

  it('refuses a revoked key with key_revoked even though its signature is valid', async () => {
    await registerNode('node-k');
    await expectError(await signedFetch('GET', '/v1/sessions', undefined, REVOKED_KEY), 401, 'key_revoked');
    const res = await signedFetch('POST', '/v1/sessions', { externalRef: 'x', customerName: 'y' }, REVOKED_KEY);
    await expectError(res, 401, 'key_revoked');
    expect(await sessionCount()).toBe(0);
    // A key's secret used under another key id is not that key.
    await expectError(await signedFetch('GET', '/v1/sessions', undefined, { keyId: NEXT_KEY.keyId, secret: BANK_KEY.secret }), 401, 'signature_invalid');
  });
});

describe('body size limit', () => {
  const big = JSON.stringify({ externalRef: 'x', customerName: 'y', metadata: { big: 'z'.repeat(MAX_BODY_BYTES) } });

  function chunked(text: string): ReadableStream<Uint8Array> {
    const bytes = new TextEncoder().encode(text);
    let offset = 0;
    return new ReadableStream({
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(offset, offset + 8192));
        offset += 8192;
      },
    });
  }

  it('answers 413 for POST and PATCH bodies over the limit, with or without Content-Length', async () => {
    await registerNode('node-s');
    const session = await createSession();
    const patchPath = `/v1/sessions/${session.sessionId}`;
    await expectError(await signedFetch('POST', '/v1/sessions', big), 413, 'payload_too_large');
    await expectError(await signedFetch('PATCH', patchPath, big), 413, 'payload_too_large');
    for (const [method, path] of [
      ['POST', '/v1/sessions'],
      ['PATCH', patchPath],
      ['POST', '/v1/nodes/register'],
    ] as const) {
      const headers = await signRequest({ ...BANK_KEY, method, pathWithQuery: path, body: big });
      const res = await SELF.fetch(`${ORIGIN}${path}`, { method, headers, body: chunked(big), duplex: 'half' } as RequestInit);
      await expectError(res, 413, 'payload_too_large');
    }
    expect(await sessionCount()).toBe(1);
  });

  it('accepts a chunked body under the limit', async () => {
    await registerNode('node-s');
    const text = JSON.stringify({ externalRef: 'chunked', customerName: 'Yoon', metadata: { pad: 'p'.repeat(400) } });
    const headers = await signRequest({ ...BANK_KEY, method: 'POST', pathWithQuery: '/v1/sessions', body: text });
    const res = await SELF.fetch(`${ORIGIN}/v1/sessions`, { method: 'POST', headers, body: chunked(text), duplex: 'half' } as RequestInit);
    expect(res.status).toBe(201);
  });
});
