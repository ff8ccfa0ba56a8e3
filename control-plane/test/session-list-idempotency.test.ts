import { createBankClient, ErrorBody, SessionList, VidentApiError, type SessionView } from '@vident/protocol';
import { runInDurableObject, SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_RETENTION_MS, type IdempotencyLedger } from '../src/api/idempotency-ledger.ts';
import { BANK_KEY, clearIndexes, createSession, ORIGIN, registerNode, signedFetch } from './helpers.ts';

const bank = createBankClient({ baseUrl: ORIGIN, ...BANK_KEY, fetch: (input, init) => SELF.fetch(input, init) });

async function expectError(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(ErrorBody.parse(await res.json()).error.code).toBe(code);
}

async function sessionCount(): Promise<number> {
  return runInDurableObject(env.DIRECTORY.get(env.DIRECTORY.idFromName('global')), (_, state) =>
    Number(state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM sessions').one().n),
  );
}

async function list(query: string): Promise<SessionList> {
  const res = await signedFetch('GET', `/v1/sessions${query}`);
  expect(res.status).toBe(200);
  return SessionList.parse(await res.json());
}

beforeEach(async () => {
  await clearIndexes();
  await registerNode('node-l', undefined, 100);
});

describe('GET /v1/sessions filters and cursor pagination', () => {
  it('pages through every session newest first, each exactly once', async () => {
    for (let i = 0; i < 7; i++) await createSession({ externalRef: `page-${i}` });
    const all = await list('?limit=100');
    expect(all.nextCursor).toBeNull();
    expect(all.sessions).toHaveLength(7);
    const created = all.sessions.map((s) => s.createdAt);
    expect([...created].sort().reverse()).toEqual(created);

    const seen: SessionView[] = [];
    let cursor: string | null | undefined;
    let pages = 0;
    do {
      const page = await bank.listSessions({ limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.sessions);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((s) => s.sessionId)).toEqual(all.sessions.map((s) => s.sessionId));
  });

  it('filters by externalRef, state and creation time (exclusive bounds, any ISO offset)', async () => {
    const a = await createSession({ externalRef: 'ref-a' });
    await new Promise((r) => setTimeout(r, 5));
    const b = await createSession({ externalRef: 'ref-b' });
    await new Promise((r) => setTimeout(r, 5));
    const c = await createSession({ externalRef: 'ref-a' });
    expect((await list('?externalRef=ref-a')).sessions.map((s) => s.sessionId)).toEqual([c.sessionId, a.sessionId]);

    const ended = await (await signedFetch('DELETE', `/v1/sessions/${b.sessionId}`)).json() as SessionView;
    expect((await list(`?state=${ended.state}`)).sessions.map((s) => s.sessionId)).toEqual([b.sessionId]);
    expect((await list('?state=created')).sessions.map((s) => s.sessionId)).toEqual([c.sessionId, a.sessionId]);

    const bAt = (await list('?externalRef=ref-b')).sessions[0]!.createdAt;
    expect((await list(`?createdAfter=${bAt}`)).sessions.map((s) => s.sessionId)).toEqual([c.sessionId]);
    expect((await list(`?createdBefore=${bAt}`)).sessions.map((s) => s.sessionId)).toEqual([a.sessionId]);
    // The same instant with a +09:00 offset and without milliseconds.
    const kst = new Date(Date.parse(bAt) + 9 * 3600_000).toISOString().replace('Z', '+09:00');
    expect((await list(`?createdAfter=${encodeURIComponent(kst)}&externalRef=ref-a`)).sessions.map((s) => s.sessionId)).toEqual([c.sessionId]);
  });

  it('refuses bad filters and forged cursors with validation_failed', async () => {
    for (const q of ['?state=bogus', '?createdAfter=yesterday', '?limit=0', '?limit=501', '?cursor=%21%21', '?cursor=e30', '?unknown=1', `?externalRef=${'x'.repeat(129)}`]) {
      await expectError(await signedFetch('GET', `/v1/sessions${q}`), 400, 'validation_failed');
    }
  });
});

describe('Idempotency-Key on POST /v1/sessions', () => {
  const request = { externalRef: 'idem-1', customerName: 'Jung' };

  it('returns the same session on a retry with the same key and body', async () => {
    const key = crypto.randomUUID();
    const first = await bank.createSession(request, { idempotencyKey: key });
    expect((await signedFetch('POST', '/v1/sessions', request)).status).toBe(201); // no key: a new session
    const retry = await SELF.fetch(`${ORIGIN}/v1/sessions`, await retryInit(key, request));
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toEqual(first);
    expect(await bank.createSession(request, { idempotencyKey: key })).toEqual(first);
    // One session from the keyed requests plus the one unkeyed request.
    expect(await sessionCount()).toBe(2);
  });

  it('answers 409 conflict for the same key with another body, and scopes keys per bank key', async () => {
    const key = 'order-42';
    const first = await bank.createSession(request, { idempotencyKey: key });
    const err = await bank.createSession({ ...request, customerName: 'Someone else' }, { idempotencyKey: key }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VidentApiError);
    expect(err).toMatchObject({ status: 409, code: 'conflict' });
    const other = createBankClient({
      baseUrl: ORIGIN,
      keyId: 'bank-next',
      secret: 'test-bank-next-secret-0123456789',
      fetch: (input, init) => SELF.fetch(input, init),
    });
    const otherBank = await other.createSession(request, { idempotencyKey: key });
    expect(otherBank.sessionId).not.toBe(first.sessionId);
    expect(await sessionCount()).toBe(2);
  });

  it('refuses malformed keys and keeps no claim when creation fails', async () => {
    for (const bad of ['', 'x'.repeat(129), 'has space', 'tab\there']) {
      const res = await SELF.fetch(`${ORIGIN}/v1/sessions`, await retryInit(bad, request));
      await expectError(res, 400, 'validation_failed');
    }
    await clearIndexes(); // no live node: creation fails with 503
    const key = crypto.randomUUID();
    await expectError(await SELF.fetch(`${ORIGIN}/v1/sessions`, await retryInit(key, request)), 503, 'no_media_node');
    await registerNode('node-l2');
    const res = await SELF.fetch(`${ORIGIN}/v1/sessions`, await retryInit(key, request));
    expect(res.status).toBe(201);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
  });

  it('keeps keys for at least 24 h, then forgets them by alarm', async () => {
    const key = crypto.randomUUID();
    const first = await bank.createSession(request, { idempotencyKey: key });
    // Typed with the class (the binding carries only its RPC interface): the test runs its alarm.
    const ledger = env.IDEMPOTENCY.get(env.IDEMPOTENCY.idFromName(BANK_KEY.keyId)) as unknown as DurableObjectStub<IdempotencyLedger>;
    const hash = await runInDurableObject(ledger, (_, state) =>
      state.storage.sql.exec<{ body_hash: string }>('SELECT body_hash FROM idempotency_keys WHERE idem_key = ?', key).one().body_hash,
    );
    expect(await ledger.claim(key, hash, Date.now() + IDEMPOTENCY_RETENTION_MS - 60_000)).toEqual({ kind: 'replay', response: first });
    await runInDurableObject(ledger, (_, state) => {
      state.storage.sql.exec('UPDATE idempotency_keys SET created_at = ? WHERE idem_key = ?', Date.now() - IDEMPOTENCY_RETENTION_MS - 1, key);
    });
    await runInDurableObject(ledger, (instance) => instance.alarm());
    const left = await runInDurableObject(ledger, (_, state) =>
      state.storage.sql.exec('SELECT 1 FROM idempotency_keys WHERE idem_key = ?', key).toArray().length,
    );
    expect(left).toBe(0);
  });
});

async function retryInit(idempotencyKey: string, body: unknown): Promise<RequestInit> {
  const { signRequest } = await import('@vident/protocol');
  const text = JSON.stringify(body);
  const headers = await signRequest({ ...BANK_KEY, method: 'POST', pathWithQuery: '/v1/sessions', body: text });
  return { method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': idempotencyKey }, body: text };
}
