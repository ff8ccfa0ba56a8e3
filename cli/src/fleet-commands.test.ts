import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { verifyRequest, type FleetNode } from '@vident/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { run, UsageError } from './commands.ts';
import { adminCredentials, bankCredentials } from './credentials.ts';

const ADMIN = { VIDENT_ADMIN_KEY_ID: 'ops-1', VIDENT_ADMIN_KEY_SECRET: 'ops-secret-0123456789abcdef', VIDENT_URL: 'http://vident.test' };
const SESSION = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

const drained: FleetNode = {
  nodeId: 'node-a', url: 'http://10.0.0.1:7400', mediaAddress: null, region: 'default', capacity: 10, assignedSessions: 0,
  load: { sessions: 0, publishers: 0, subscribers: 0, bitrateKbps: 0, cpuPercent: 0, uploadsPending: 0 },
  janusUp: true, version: '0.1.0', lastHeartbeatAt: '2026-11-24T10:00:00.000Z', heartbeatAgeSeconds: 1, draining: true, status: 'drained',
  mediaSuspectUntil: null,
};

const PUBLIC_KEY = 'cu2yNVZYBJGij6ZML+5t4AdKj/RP6tdkYeXtYDdRr3M=';
const enrolled = {
  nodeId: 'node-a', publicKey: PUBLIC_KEY, url: 'https://node-a.example:7400', region: 'default', enrolledAt: '2026-11-24T10:00:00.000Z',
  revokedAt: null, controlPlanePublicKey: '777sAIGl/lxvsRv+55+COdYIDRRiCDskM1ShfpAg5OI=',
};

/** Answers like the admin API would, after checking the request's signature with the admin secret. */
function adminApi(seen: string[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = await request.text();
    const ok = await verifyRequest({
      method: request.method,
      pathWithQuery: url.pathname + url.search,
      body,
      header: (n) => request.headers.get(n),
      secretFor: (k) => (k === ADMIN.VIDENT_ADMIN_KEY_ID ? ADMIN.VIDENT_ADMIN_KEY_SECRET : undefined),
    });
    if (!ok.ok) return Response.json({ error: { code: ok.code, message: ok.message } }, { status: 401 });
    seen.push(`${request.method} ${url.pathname}${url.search}`);
    if (url.pathname.endsWith('/drain')) return Response.json(drained);
    if (url.pathname === '/v1/admin/nodes' && request.method === 'POST') return Response.json({ ...enrolled, ...JSON.parse(body) }, { status: 201 });
    if (url.pathname.endsWith('/revoke')) return Response.json({ ...enrolled, revokedAt: '2026-11-24T11:00:00.000Z' });
    if (url.pathname === '/v1/admin/sessions') return Response.json({ sessions: [] });
    return Response.json({ error: { code: 'not_found', message: 'no such node' } }, { status: 404 });
  };
}

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('vident nodes / sessions arguments', () => {
  it.each([
    [['nodes']],
    [['nodes', 'restart', 'node-a']],
    [['nodes', 'drain']],
    [['nodes', 'drain', 'Node_A']],
    [['nodes', 'list', 'extra']],
    [['sessions', 'timeline']],
    [['sessions', 'timeline', 'not-a-uuid']],
    [['nodes', 'list', '--node', 'node-a']],
    [['sessions', 'list', '--bogus']],
    [['fleet', 'list']],
    [['nodes', 'enrol', 'node-a', '--url', 'https://node-a.example:7400']],
    [['nodes', 'enrol', 'node-a', '--public-key', 'not-a-key', '--url', 'https://node-a.example:7400']],
    [['nodes', 'revoke', 'node-a', '--url', 'https://node-a.example:7400']],
  ])('%j is a usage error, before any request', async (argv) => {
    const seen: string[] = [];
    await expect(run(argv, { out: () => undefined, env: ADMIN, fetch: adminApi(seen) })).rejects.toBeInstanceOf(UsageError);
    expect(seen).toEqual([]);
  });

  it('asks for the admin key by name when none is given', async () => {
    await expect(run(['nodes', 'list'], { out: () => undefined, env: {} })).rejects.toThrow(/VIDENT_ADMIN_KEY_ID and VIDENT_ADMIN_KEY_SECRET/);
  });

  it('signs with the admin key and prints what the API answered', async () => {
    const seen: string[] = [];
    const lines: string[] = [];
    expect(await run(['nodes', 'drain', 'node-a'], { out: (l) => lines.push(l), env: ADMIN, fetch: adminApi(seen) })).toBe(0);
    expect(seen).toEqual(['POST /v1/admin/nodes/node-a/drain']);
    expect(lines.join('\n')).toContain('node-a is drained: safe to stop');
    expect(await run(['sessions', 'list', '--node', 'node-a'], { out: (l) => lines.push(l), env: ADMIN, fetch: adminApi(seen) })).toBe(0);
    expect(seen.at(-1)).toBe('GET /v1/admin/sessions?nodeId=node-a');
    expect(lines.at(-1)).toBe('no live sessions');
    // The API's error comes back with its code.
    await expect(run(['sessions', 'timeline', SESSION], { out: () => undefined, env: ADMIN, fetch: adminApi(seen) })).rejects.toThrow(/404 not_found/);
  });
});

describe('vident nodes enrol / revoke', () => {
  it('enrols a node with its key and URL, prints the key to pin, and revokes it', async () => {
    const seen: string[] = [];
    const lines: string[] = [];
    const out = (l: string) => lines.push(l);
    const argv = ['nodes', 'enrol', 'node-a', '--public-key', PUBLIC_KEY, '--url', 'https://node-a.example:7400', '--region', 'eu'];
    expect(await run(argv, { out, env: ADMIN, fetch: adminApi(seen) })).toBe(0);
    expect(seen).toEqual(['POST /v1/admin/nodes']);
    expect(lines.join('\n')).toContain('node-a enrolled: commands go to https://node-a.example:7400 (region eu)');
    expect(lines.join('\n')).toContain(`CONTROL_PLANE_PUBLIC_KEY=${enrolled.controlPlanePublicKey}`);
    expect(await run(['nodes', 'revoke', 'node-a'], { out, env: ADMIN, fetch: adminApi(seen) })).toBe(0);
    expect(seen.at(-1)).toBe('POST /v1/admin/nodes/node-a/revoke');
    expect(lines.at(-1)).toContain('node-a revoked at 2026-11-24T11:00:00.000Z');
  });
});

describe('credentials', () => {
  it("reads a local stack's secrets.json: adminKeyId/adminSecret and bankKeyId/bankSecret", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vident-cli-'));
    await writeFile(path.join(dir, 'secrets.json'), JSON.stringify({ adminKeyId: 'ops', adminSecret: 's1', bankKeyId: 'bank', bankSecret: 's2' }));
    expect(adminCredentials(dir, {})).toEqual({ baseUrl: 'http://127.0.0.1:8787', keyId: 'ops', secret: 's1' });
    expect(bankCredentials(dir, { VIDENT_URL: 'http://x.test' })).toEqual({ baseUrl: 'http://x.test', keyId: 'bank', secret: 's2' });
    await writeFile(path.join(dir, 'secrets.json'), JSON.stringify({ bankKeyId: 'bank', bankSecret: 's2' }));
    expect(() => adminCredentials(dir!, {})).toThrow(/has no adminKeyId\/adminSecret/);
    expect(() => adminCredentials(path.join(dir!, 'missing'), {})).toThrow(UsageError);
  });

  it('takes the environment otherwise', () => {
    expect(adminCredentials(undefined, ADMIN)).toEqual({ baseUrl: 'http://vident.test', keyId: 'ops-1', secret: ADMIN.VIDENT_ADMIN_KEY_SECRET });
    expect(() => bankCredentials(undefined, ADMIN)).toThrow(/VIDENT_KEY_ID/);
  });
});
