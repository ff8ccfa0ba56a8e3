import { afterAll, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADERS, signRequest, verifyAnswer, type RequestKey } from '@vident/protocol';
import { buildApp } from '../app.ts';
import { commandsWithoutJanus } from '../../test/support/commands-without-janus.ts';
import { testKeyPair, testKeys } from '../../test/support/test-keys.ts';

const keys = await testKeys();
const SESSION = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

const commands = commandsWithoutJanus();
const app = buildApp({ commands, keys: keys.app, janusUp: () => false });
afterAll(() => app.close());

async function signedPost(body: string, opts: { secret?: RequestKey; keyId?: string; path?: string; signedPath?: string } = {}) {
  const path = opts.path ?? '/v1/commands';
  const headers = await signRequest({
    keyId: opts.keyId ?? 'control-plane',
    secret: opts.secret ?? keys.controlPlane.privateKey,
    method: 'POST',
    pathWithQuery: opts.signedPath ?? path,
    body,
  });
  return app.inject({ method: 'POST', url: path, headers: { ...headers, 'content-type': 'application/json' }, payload: body });
}

describe('POST /v1/commands', () => {
  it('401 without signature headers', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/commands', payload: { type: 'leave' } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  });

  it('401 with another key, unknown key id or a path that differs from the signed one', async () => {
    const body = JSON.stringify({ type: 'destroy-room', sessionId: SESSION });
    expect((await signedPost(body, { secret: (await testKeyPair()).privateKey })).json().error.code).toBe('signature_invalid');
    expect((await signedPost(body, { keyId: 'local-1' })).json().error.code).toBe('unknown_key');
    const res = await signedPost(body, { path: '/v1/commands?x=1', signedPath: '/v1/commands' });
    expect(res.statusCode).toBe(401);
  });

  it('refuses a forged command: signed by any key but the pinned control plane key, or with the old shared-secret HMAC', async () => {
    const body = JSON.stringify({ type: 'destroy-room', sessionId: SESSION });
    const forged = await signedPost(body, { secret: (await testKeyPair()).privateKey });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error.code).toBe('signature_invalid');
    expect((await signedPost(body, { secret: 'a-leaked-fleet-secret-0123456789' })).json().error.code).toBe('signature_invalid');
  });

  it('refuses a replayed command: each signature is accepted once within the window', async () => {
    const body = JSON.stringify({ type: 'destroy-room', sessionId: SESSION });
    const headers = await signRequest({ keyId: 'control-plane', secret: keys.controlPlane.privateKey, method: 'POST', pathWithQuery: '/v1/commands', body });
    const send = () => app.inject({ method: 'POST', url: '/v1/commands', headers: { ...headers, 'content-type': 'application/json' }, payload: body });
    expect((await send()).statusCode).not.toBe(401);
    const replay = await send();
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('request_replayed');
  });

  it('signs each answer for the command it answers (request signature, status, body)', async () => {
    const body = JSON.stringify({ type: 'create-room', sessionId: SESSION, record: true });
    const headers = await signRequest({ keyId: 'control-plane', secret: keys.controlPlane.privateKey, method: 'POST', pathWithQuery: '/v1/commands', body });
    const res = await app.inject({ method: 'POST', url: '/v1/commands', headers: { ...headers, 'content-type': 'application/json' }, payload: body });
    const signature = res.headers[SIGNATURE_HEADERS.answerSignature] as string;
    const requestSignature = headers[SIGNATURE_HEADERS.signature]!;
    expect(await verifyAnswer(keys.node.publicKey, requestSignature, res.statusCode, res.body, signature)).toBe(true);
    expect(await verifyAnswer(keys.node.publicKey, requestSignature, res.statusCode, '{"sdp":"v=0 swapped"}', signature)).toBe(false);
    expect(await verifyAnswer(keys.node.publicKey, requestSignature, 200, res.body, signature)).toBe(res.statusCode === 200);
    // A refused (unverified) request gets no signature: the node vouches only for commands it accepted.
    const unsigned = await app.inject({ method: 'POST', url: '/v1/commands', payload: body });
    expect(unsigned.headers[SIGNATURE_HEADERS.answerSignature]).toBeUndefined();
  });

  it('401 when the body was altered after signing', async () => {
    const headers = await signRequest({ keyId: 'control-plane', secret: keys.controlPlane.privateKey, method: 'POST', pathWithQuery: '/v1/commands', body: '{"a":1}' });
    const res = await app.inject({ method: 'POST', url: '/v1/commands', headers, payload: '{"a":2}' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('signature_invalid');
  });

  it('400 invalid_json for a signed non-JSON body', async () => {
    const res = await signedPost('{not json');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_json');
  });

  it.each([
    ['unknown type', { type: 'explode', sessionId: SESSION }],
    ['bad session id', { type: 'create-room', sessionId: 'nope', record: true }],
    ['extra field', { type: 'create-room', sessionId: SESSION, record: true, rec_dir: '/etc' }],
    ['bad role', { type: 'leave', sessionId: SESSION, participant: 'admin' }],
    ['array', [1, 2]],
    ['null', null],
  ])('400 validation_failed for %s', async (_name, body) => {
    const res = await signedPost(JSON.stringify(body));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'validation_failed', message: expect.any(String) } });
  });

  it('400 for an empty signed body', async () => {
    const res = await signedPost('');
    expect(res.statusCode).toBe(400);
  });

  it('413 payload_too_large, not 500, for a huge body', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/commands', payload: 'x'.repeat(300 * 1024), headers: { 'content-type': 'text/plain' } });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
  });

  it('404 not_found for commands on an unknown session', async () => {
    for (const body of [
      { type: 'leave', sessionId: SESSION, participant: 'agent' },
      { type: 'trickle', sessionId: SESSION, participant: 'agent', leg: 'publisher', candidate: null },
      { type: 'subscribe-answer', sessionId: SESSION, participant: 'agent', sdp: 'v=0' },
    ]) {
      const res = await signedPost(JSON.stringify(body));
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
  });

  it('503 media_node_error when Janus is down (the control plane then moves the session)', async () => {
    const res = await signedPost(JSON.stringify({ type: 'create-room', sessionId: SESSION, record: true }));
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ error: { code: 'media_node_error', message: 'janus is not connected' } });
  });
});

describe('the error handler', () => {
  it('answers an unexpected failure with a bare 500: its details stay in the log', async () => {
    const failing = commandsWithoutJanus(() => {
      throw new Error('secret detail of a broken gateway');
    });
    const failingApp = buildApp({ commands: failing, keys: keys.app, janusUp: () => false });
    try {
      const body = JSON.stringify({ type: 'create-room', sessionId: SESSION, record: true });
      const headers = await signRequest({ keyId: 'control-plane', secret: keys.controlPlane.privateKey, method: 'POST', pathWithQuery: '/v1/commands', body });
      const res = await failingApp.inject({ method: 'POST', url: '/v1/commands', headers: { ...headers, 'content-type': 'application/json' }, payload: body });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ error: { code: 'internal', message: 'internal error' } });
      expect(res.body).not.toContain('secret detail');
    } finally {
      await failingApp.close();
    }
  });
});

describe('other routes', () => {
  it('GET /health answers without auth', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, janusUp: false });
  });

  it('unknown routes answer 404 not_found', async () => {
    const res = await app.inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });
});
