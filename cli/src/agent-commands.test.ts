import { verifyRequest } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { run, UsageError } from './commands.ts';

const BANK = { VIDENT_KEY_ID: 'bank-1', VIDENT_KEY_SECRET: 'bank-secret-0123456789abcdef', VIDENT_URL: 'http://vident.test' };

/** Answers like the bank API would, after checking the request's signature with the bank secret. */
function bankApi(seen: string[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const ok = await verifyRequest({
      method: request.method,
      pathWithQuery: url.pathname + url.search,
      body: await request.text(),
      header: (n) => request.headers.get(n),
      secretFor: (k) => (k === BANK.VIDENT_KEY_ID ? BANK.VIDENT_KEY_SECRET : undefined),
    });
    if (!ok.ok) return Response.json({ error: { code: ok.code, message: ok.message } }, { status: 401 });
    seen.push(`${request.method} ${url.pathname}`);
    return Response.json({ agentId: 'kim.minji', revokedAt: '2026-12-03T09:00:00.000Z', sessionId: '7c9e6679-7425-40de-944b-e07fc1f90ae7' });
  };
}

describe('vident agents revoke', () => {
  it('signs with the bank key and says what was cut off', async () => {
    const seen: string[] = [];
    const lines: string[] = [];
    expect(await run(['agents', 'revoke', 'kim.minji'], { out: (l) => lines.push(l), env: BANK, fetch: bankApi(seen) })).toBe(0);
    expect(seen).toEqual(['POST /v1/agents/kim.minji/revoke']);
    expect(lines.join('\n')).toMatch(/kim\.minji revoked at 2026-12-03T09:00:00\.000Z[\s\S]*7c9e6679-7425-40de-944b-e07fc1f90ae7/);
  });

  it.each([[['agents']], [['agents', 'list']], [['agents', 'revoke']], [['agents', 'revoke', 'has space']]])('%j is a usage error, before any request', async (argv) => {
    const seen: string[] = [];
    await expect(run(argv, { out: () => undefined, env: BANK, fetch: bankApi(seen) })).rejects.toBeInstanceOf(UsageError);
    expect(seen).toEqual([]);
  });
});
