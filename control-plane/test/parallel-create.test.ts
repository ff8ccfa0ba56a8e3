import { ErrorBody, SessionList, signRequest, SIGNATURE_HEADERS } from '@vident/protocol';
import { runDurableObjectAlarm, runInDurableObject, SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { replayShardName } from '../src/base/replay-guard.ts';
import type { Env } from '../src/base/env.ts';
import type { MediaNodeRegistryRpc } from '../src/fleet/media-node-registry-rpc.ts';
import type { SessionDirectoryRpc } from '../src/session/session-directory-rpc.ts';
import { BANK_KEY, clearIndexes, ORIGIN, registerNode, sessionStub, signedFetch } from './helpers.ts';

/*
 * Session creation is one round trip to the new session's object, which claims the request's replay
 * ticket while it places itself (create-session.ts, bank-calls.ts): what a refused request leaves
 * behind. A bad signature is refused before either starts; a replay is refused after the placement
 * ran, which must then be released; neither may block the bank's next request. The directory's row
 * is written alongside the session's own, and a failed write is not lost.
 */

const NODE = 'node-parallel';

let logLines: string[] = [];
beforeEach(async () => {
  logLines = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logLines.push(args.map(String).join(' '));
  });
  await clearIndexes();
  await registerNode(NODE, undefined, 2);
});

afterEach(() => {
  vi.restoreAllMocks();
});


/**
 * Makes the session object `sessionId` (not created yet) reach a singleton binding through `fake`,
 * built over the real stub: a failure the session sees without one thrown inside the singleton.
 */
async function seeingSingleton<B extends 'NODES' | 'DIRECTORY'>(
  sessionId: string,
  binding: B,
  fake: (real: ReturnType<Env[B]['get']>) => Partial<ReturnType<Env[B]['get']>>,
): Promise<void> {
  await runInDurableObject(sessionStub(sessionId), (instance) => {
    const core = instance['core'];
    const namespace = core.env[binding];
    const real = namespace.get(namespace.idFromName('global')) as ReturnType<Env[B]['get']>;
    const stub = fake(real);
    Object.assign(core, { env: { ...core.env, [binding]: { idFromName: () => null, get: () => stub } } });
  });
}

/** The next session id the Worker draws, so a test can look at a session whose creation failed. */
function nextSessionId(): string {
  const id = crypto.randomUUID();
  vi.spyOn(crypto, 'randomUUID').mockReturnValueOnce(id);
  return id;
}

async function listed(): Promise<string[]> {
  const res = await signedFetch('GET', '/v1/sessions?limit=100');
  expect(res.status).toBe(200);
  return SessionList.parse(await res.json()).sessions.map((s) => s.sessionId);
}

/** What the bank sees of a session: its status and error code (or 'ok'). */
async function bankSees(sessionId: string): Promise<[number, string]> {
  const res = await signedFetch('GET', `/v1/sessions/${sessionId}`);
  return [res.status, res.ok ? 'ok' : await codeOf(res)];
}

/** The sessions the registry holds a slot for. */
function placed(): Promise<number> {
  return runInDurableObject(env.NODES.get(env.NODES.idFromName('global')), (_, state) =>
    Number(state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM assignments').one().n),
  );
}

function sessions(): Promise<number> {
  return runInDurableObject(env.DIRECTORY.get(env.DIRECTORY.idFromName('global')), (_, state) =>
    Number(state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM sessions').one().n),
  );
}

function post(headers: Record<string, string>, body: string, extra: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(`${ORIGIN}/v1/sessions`, { method: 'POST', headers: { ...headers, ...extra, 'content-type': 'application/json' }, body });
}

async function codeOf(res: Response): Promise<string> {
  return ErrorBody.parse(await res.json()).error.code;
}

describe('parallel session creation', () => {
  const body = JSON.stringify({ externalRef: 'parallel-1', customerName: 'Lee' });

  it('refuses a bad signature without placing, claiming or creating anything', async () => {
    const headers = await signRequest({ ...BANK_KEY, secret: 'wrong-secret-0123456789abcdef', method: 'POST', pathWithQuery: '/v1/sessions', body });
    const shard = env.REPLAY.get(env.REPLAY.idFromName(replayShardName(headers[SIGNATURE_HEADERS.signature]!)));
    const claimed = await shard.size();
    const res = await post(headers, body);
    expect([res.status, await codeOf(res)]).toEqual([401, 'signature_invalid']);
    expect([await placed(), await sessions(), await shard.size()]).toEqual([0, 0, claimed]);
    // The bank's corrected request goes through at once.
    const good = await signRequest({ ...BANK_KEY, method: 'POST', pathWithQuery: '/v1/sessions', body });
    expect((await post(good, body)).status).toBe(201);
    expect([await placed(), await sessions()]).toEqual([1, 1]);
  });

  it('releases the placement of a replayed creation and creates no second session', async () => {
    const headers = await signRequest({ ...BANK_KEY, method: 'POST', pathWithQuery: '/v1/sessions', body });
    expect((await post(headers, body)).status).toBe(201);
    const replay = await post(headers, body);
    expect([replay.status, await codeOf(replay)]).toEqual([401, 'request_replayed']);
    expect([await placed(), await sessions()]).toEqual([1, 1]);
    // The node had two slots: the refused request holds none, so a fresh request still fits.
    const fresh = await signRequest({ ...BANK_KEY, method: 'POST', pathWithQuery: '/v1/sessions', body });
    expect((await post(fresh, body)).status).toBe(201);
    expect([await placed(), await sessions()]).toEqual([2, 2]);
  });

  it('answers a replayed idempotent creation as a replay, not with the stored answer', async () => {
    const key = { 'idempotency-key': 'parallel-idem-1' };
    const headers = await signRequest({ ...BANK_KEY, method: 'POST', pathWithQuery: '/v1/sessions', body });
    const first = await post(headers, body, key);
    expect(first.status).toBe(201);
    const replay = await post(headers, body, key);
    expect([replay.status, await codeOf(replay)]).toEqual([401, 'request_replayed']);
    // A retry the bank signs anew gets the first answer, as before.
    const retry = await post(await signRequest({ ...BANK_KEY, method: 'POST', pathWithQuery: '/v1/sessions', body }), body, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect([await placed(), await sessions()]).toEqual([1, 1]);
  });

  it('leaves the other sessions placed when no node has room', async () => {
    for (let i = 0; i < 2; i++) expect((await post(await signRequest({ ...BANK_KEY, method: 'POST', pathWithQuery: '/v1/sessions', body }), body)).status).toBe(201);
    const res = await post(await signRequest({ ...BANK_KEY, method: 'POST', pathWithQuery: '/v1/sessions', body }), body);
    expect([res.status, await codeOf(res)]).toEqual([503, 'no_media_node']);
    expect([await placed(), await sessions()]).toEqual([2, 2]);
  });

  it('stores nothing of a session whose node had no room', async () => {
    for (let i = 0; i < 2; i++) expect((await post(await signRequest({ ...BANK_KEY, method: 'POST', pathWithQuery: '/v1/sessions', body }), body)).status).toBe(201);
    const headers = await signRequest({ ...BANK_KEY, method: 'POST', pathWithQuery: '/v1/sessions', body });
    const id = nextSessionId();
    const res = await post(headers, body);
    expect([res.status, await codeOf(res)]).toEqual([503, 'no_media_node']);
    expect(vi.mocked(crypto.randomUUID)).toHaveReturnedWith(id);
    expect(await bankSees(id)).toEqual([404, 'not_found']);
    expect(await listed()).not.toContain(id);
  });

  it('leaves no half-made session when the placement fails, and frees the slot it may have taken', async () => {
    const headers = await signRequest({ ...BANK_KEY, method: 'POST', pathWithQuery: '/v1/sessions', body });
    const id = nextSessionId();
    // The registry takes the slot, then its answer is lost (once).
    await seeingSingleton(id, 'NODES', (real) => ({
      place: async (...args: Parameters<MediaNodeRegistryRpc['place']>) => {
        await real.place(...args);
        throw new Error('registry failed');
      },
      release: (sessionId: string) => real.release(sessionId),
    }));
    const res = await post(headers, body);
    expect([res.status, await codeOf(res)]).toEqual([500, 'internal']);
    expect(vi.mocked(crypto.randomUUID)).toHaveReturnedWith(id);
    expect(await bankSees(id)).toEqual([404, 'not_found']);
    expect([await placed(), await sessions()]).toEqual([0, 0]);
    expect(await listed()).not.toContain(id);
    // Both slots are still there for the bank's next requests.
    for (let i = 0; i < 2; i++) expect((await post(await signRequest({ ...BANK_KEY, method: 'POST', pathWithQuery: '/v1/sessions', body }), body)).status).toBe(201);
  });

  it("creates the session when the directory's first write fails, and its alarm writes the row", async () => {
    // The directory's first two writes fail; the object itself is fine.
    let refused = 0;
    const headers = await signRequest({ ...BANK_KEY, method: 'POST', pathWithQuery: '/v1/sessions', body });
    const id = nextSessionId();
    await seeingSingleton(id, 'DIRECTORY', (real) => ({
      upsert: async (...args: Parameters<SessionDirectoryRpc['upsert']>) => {
        if (refused++ < 2) throw new Error('directory unavailable');
        return real.upsert(...args);
      },
    }));
    const res = await post(headers, body);
    expect(res.status).toBe(201);
    const { sessionId } = (await res.json()) as { sessionId: string };
    expect(sessionId).toBe(id);
    expect(await bankSees(sessionId)).toEqual([200, 'ok']);
    expect(await listed()).not.toContain(sessionId);
    expect(logLines.some((l) => l.includes('"directory_update_failed"'))).toBe(true);
    // The retry is the session's next alarm, a second away (not the link expiry, an hour away).
    const retryAt = await runInDurableObject(sessionStub(sessionId), (_, state) => state.storage.getAlarm());
    expect(retryAt).not.toBeNull();
    expect(retryAt! - Date.now()).toBeLessThanOrEqual(1_000);
    // The first retry fails too: the next one waits twice as long.
    const retried = Date.now();
    expect(await runDurableObjectAlarm(sessionStub(sessionId))).toBe(true);
    expect(await listed()).not.toContain(sessionId);
    const secondRetryAt = await runInDurableObject(sessionStub(sessionId), (_, state) => state.storage.getAlarm());
    expect(secondRetryAt! - retried).toBeGreaterThanOrEqual(2_000);
    expect(secondRetryAt! - Date.now()).toBeLessThanOrEqual(2_000);
    expect(await runDurableObjectAlarm(sessionStub(sessionId))).toBe(true);
    expect(await listed()).toContain(sessionId);
    // Written: the alarm is back on the session's own timer (its link expiry).
    const timerAt = await runInDurableObject(sessionStub(sessionId), (_, state) => state.storage.getAlarm());
    expect(timerAt! - Date.now()).toBeGreaterThan(60_000);
  });
});
