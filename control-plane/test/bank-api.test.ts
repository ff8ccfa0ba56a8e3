import { ErrorBody, SessionList, SessionView, SystemStatus } from '@vident/protocol';
import { SELF } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { BANK_KEY, clearIndexes, createSession, ORIGIN, registerNode, signedFetch, tokenOf } from './helpers.ts';
import { TEST_BANK_PUBLIC_KEY, TEST_EVIDENCE_SIGNING_KEY } from './evidence-keys.ts';

async function expectError(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  const body = ErrorBody.parse(await res.json());
  expect(body.error.code).toBe(code);
}

beforeEach(async () => {
  await clearIndexes();
});

describe('bank API signatures', () => {
  const body = { externalRef: 'case-9', customerName: 'Lee' };

  it('accepts a correctly signed request', async () => {
    await registerNode('node-a');
    const res = await signedFetch('POST', '/v1/sessions', body);
    expect(res.status).toBe(201);
  });

  it('refuses a missing signature', async () => {
    const res = await SELF.fetch(`${ORIGIN}/v1/sessions`, { method: 'POST', body: JSON.stringify(body) });
    await expectError(res, 401, 'unauthorized');
  });

  it('refuses a bad signature', async () => {
    await expectError(await signedFetch('GET', '/v1/sessions', undefined, { secret: 'wrong-secret-0123456789abcdef' }), 401, 'signature_invalid');
  });

  it('refuses an unknown key', async () => {
    await expectError(await signedFetch('GET', '/v1/sessions', undefined, { keyId: 'nobody' }), 401, 'unknown_key');
    // Prototype keys are not keys.
    await expectError(await signedFetch('GET', '/v1/sessions', undefined, { keyId: '__proto__' }), 401, 'unknown_key');
  });

  it('refuses a stale timestamp', async () => {
    await expectError(await signedFetch('GET', '/v1/sessions', undefined, { now: Date.now() - 6 * 60_000 }), 401, 'timestamp_out_of_window');
  });

  it('refuses a tampered body', async () => {
    const res = await signedFetch('POST', '/v1/sessions', { ...body, customerName: 'Mallory' }, { signedBody: JSON.stringify(body) });
    await expectError(res, 401, 'signature_invalid');
  });

  it('refuses a tampered query string', async () => {
    const { signRequest } = await import('@vident/protocol');
    const headers = await signRequest({ ...BANK_KEY, method: 'GET', pathWithQuery: '/v1/sessions?state=waiting' });
    await expectError(await SELF.fetch(`${ORIGIN}/v1/sessions?state=ended`, { headers }), 401, 'signature_invalid');
  });
});

describe('bank API input errors', () => {
  it('answers invalid_json, validation_failed and payload_too_large', async () => {
    await expectError(await signedFetch('POST', '/v1/sessions', '{"externalRef":'), 400, 'invalid_json');
    const invalid = await signedFetch('POST', '/v1/sessions', { externalRef: '', customerName: 'x', extra: 1 });
    // The message names each issue in zod's English texts (useEnglishIssueMessages), not zod/mini's
    // generic "Invalid input", and echoes no input value.
    const message = ErrorBody.parse(await invalid.clone().json()).error.message;
    expect(message).toContain('externalRef: Too small: expected string to have >=1 characters');
    expect(message).toContain('Unrecognized key: "extra"');
    await expectError(invalid, 400, 'validation_failed');
    const huge = await signedFetch('POST', '/v1/sessions', { externalRef: 'x', customerName: 'y', metadata: { big: 'z'.repeat(70_000) } });
    await expectError(huge, 413, 'payload_too_large');
    await expectError(await signedFetch('GET', '/v1/sessions/not-a-uuid'), 400, 'validation_failed');
    await expectError(await signedFetch('GET', `/v1/sessions/${crypto.randomUUID()}`), 404, 'not_found');
    await expectError(await SELF.fetch(`${ORIGIN}/v1/nope`), 404, 'not_found');
  });

  it('answers 503 no_media_node without a live node', async () => {
    await expectError(await signedFetch('POST', '/v1/sessions', { externalRef: 'a', customerName: 'b' }), 503, 'no_media_node');
  });
});

describe('session lifecycle over the bank API', () => {
  it('create -> get -> patch -> list -> delete', async () => {
    await registerNode('node-a');
    const created = await createSession({ metadata: { branch: 'seoul' } });
    expect(created.customerUrl).toMatch(new RegExp(`^${ORIGIN}/join\\?lang=ko#token=`));
    expect(created.agentUrl).toMatch(new RegExp(`^${ORIGIN}/join\\?lang=ko#token=`));
    expect(tokenOf(created.customerUrl)).not.toBe(tokenOf(created.agentUrl));
    const expiresIn = Date.parse(created.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(29 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(30 * 60_000);

    const got = SessionView.parse(await (await signedFetch('GET', `/v1/sessions/${created.sessionId}`)).json());
    expect(got).toMatchObject({
      sessionId: created.sessionId,
      externalRef: 'case-1',
      customerName: 'Kim Minji',
      locale: 'ko',
      record: true,
      metadata: { branch: 'seoul' },
      state: 'created',
      endReason: null,
      nodeId: 'node-a',
      expiresAt: created.expiresAt,
    });
    expect(got.participants).toEqual([
      { role: 'customer', connected: false, joinedAt: null, leftAt: null },
      { role: 'agent', connected: false, joinedAt: null, leftAt: null },
    ]);

    const patched = await signedFetch('PATCH', `/v1/sessions/${created.sessionId}`, { customerName: 'Kim Min-ji', metadata: { a: 'b' } });
    expect(patched.status).toBe(200);
    expect(SessionView.parse(await patched.json())).toMatchObject({ customerName: 'Kim Min-ji', metadata: { a: 'b' } });
    await expectError(await signedFetch('PATCH', `/v1/sessions/${created.sessionId}`, {}), 400, 'validation_failed');

    const second = await createSession({ externalRef: 'case-2' });
    const list = SessionList.parse(await (await signedFetch('GET', '/v1/sessions')).json());
    expect(list.sessions.map((s) => s.sessionId)).toEqual([second.sessionId, created.sessionId]);
    expect(list.sessions[1]).toMatchObject({ customerName: 'Kim Min-ji' });

    const deleted = await signedFetch('DELETE', `/v1/sessions/${created.sessionId}`);
    expect(deleted.status).toBe(200);
    const final = SessionView.parse(await deleted.json());
    expect(final).toMatchObject({ state: 'cancelled', endReason: 'cancelled_by_bank', outcome: { state: 'cancelled', by: 'bank' } });
    expect(final.endedAt).not.toBeNull();

    const ended = SessionList.parse(await (await signedFetch('GET', '/v1/sessions?state=cancelled')).json());
    expect(ended.sessions.map((s) => s.sessionId)).toEqual([created.sessionId]);
    const limited = SessionList.parse(await (await signedFetch('GET', '/v1/sessions?limit=1')).json());
    expect(limited.sessions).toHaveLength(1);
    await expectError(await signedFetch('GET', '/v1/sessions?state=bogus'), 400, 'validation_failed');

    // Deleting twice keeps the first outcome; patching an ended session is refused.
    const again = SessionView.parse(await (await signedFetch('DELETE', `/v1/sessions/${created.sessionId}`)).json());
    expect(again.endedAt).toBe(final.endedAt);
    await expectError(await signedFetch('PATCH', `/v1/sessions/${created.sessionId}`, { customerName: 'x' }), 409, 'session_ended');

    // The node slot was released: status counts only the live session.
    const status = SystemStatus.parse(await (await signedFetch('GET', '/v1/status')).json());
    expect(status.activeSessions).toBe(1);
    expect(status.nodes).toEqual([expect.objectContaining({ nodeId: 'node-a', live: true, sessions: 1, capacity: 10 })]);
  });

  it('places each session on exactly one live node with a free slot', async () => {
    await registerNode('node-a', undefined, 1);
    await registerNode('node-b', undefined, 1);
    const one = await createSession();
    const two = await createSession();
    await expectError(await signedFetch('POST', '/v1/sessions', { externalRef: 'a', customerName: 'b' }), 503, 'no_media_node');
    const nodes = await Promise.all(
      [one, two].map(async (s) => SessionView.parse(await (await signedFetch('GET', `/v1/sessions/${s.sessionId}`)).json()).nodeId),
    );
    expect(nodes.sort()).toEqual(['node-a', 'node-b']);
  });
});

describe('public endpoints', () => {
  it('health and config need no signature and carry nothing secret', async () => {
    expect(await (await SELF.fetch(`${ORIGIN}/health`)).json()).toEqual({ ok: true });
    const res = await SELF.fetch(`${ORIGIN}/v1/config`);
    const text = await res.text();
    // The bank's evidence key is public by nature (pages seal captures with it); the signing key is not.
    expect(JSON.parse(text)).toEqual({ version: '0.1.0', locales: ['ko', 'en', 'zh'], maxSessionMinutes: 30, iceTransportPolicy: 'all', evidencePublicKey: TEST_BANK_PUBLIC_KEY });
    expect(text).not.toContain('secret');
    expect(text).not.toContain(TEST_EVIDENCE_SIGNING_KEY);
  });

  it('status and recordings need a signature', async () => {
    await expectError(await SELF.fetch(`${ORIGIN}/v1/status`), 401, 'unauthorized');
    await expectError(await SELF.fetch(`${ORIGIN}/v1/recordings`), 401, 'unauthorized');
    expect(await (await signedFetch('GET', '/v1/recordings')).json()).toEqual({ recordings: [] });
  });
});
