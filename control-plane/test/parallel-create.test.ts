import { ErrorBody, signRequest, SIGNATURE_HEADERS } from '@vident/protocol';
import { runInDurableObject, SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { replayShardName } from '../src/base/replay-guard.ts';
import { BANK_KEY, clearIndexes, ORIGIN, registerNode } from './helpers.ts';

/*
 * Session creation runs its replay claim alongside the placement (create-session.ts): what a refused
 * request leaves behind. A bad signature is refused before either starts; a replay is refused after
 * the placement ran, which must then be released; neither may block the bank's next request.
 */

const NODE = 'node-parallel';

beforeEach(async () => {
  await clearIndexes();
  await registerNode(NODE, undefined, 2);
});

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
});
