import { describe, expect, it } from 'vitest';
import { run, UsageError } from './commands.ts';
import { BANK_ENV, fakeControlPlane, SESSION } from './fake-control-plane.ts';

describe('vident agents revoke', () => {
  it('signs with the bank key and says what was cut off', async () => {
    const api = fakeControlPlane();
    const lines: string[] = [];
    expect(await run(['agents', 'revoke', 'kim.minji'], { out: (l) => lines.push(l), env: BANK_ENV, fetch: api.fetch })).toBe(0);
    expect(api.seen).toEqual(['POST /v1/agents/kim.minji/revoke']);
    expect(lines.join('\n')).toMatch(new RegExp(`kim\\.minji revoked at 2026-12-03T09:00:00\\.000Z[\\s\\S]*${SESSION}`));
  });

  it.each([[['agents']], [['agents', 'list']], [['agents', 'revoke']], [['agents', 'revoke', 'has space']]])('%j is a usage error, before any request', async (argv) => {
    const api = fakeControlPlane();
    await expect(run(argv, { out: () => undefined, env: BANK_ENV, fetch: api.fetch })).rejects.toBeInstanceOf(UsageError);
    expect(api.seen).toEqual([]);
  });
});
