import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run, UsageError } from './commands.ts';
import { adminCredentials, bankCredentials } from './credentials.ts';
import { ADMIN_ENV as ADMIN, enrolledNode as enrolled, fakeControlPlane, NODE_PUBLIC_KEY as PUBLIC_KEY } from './fake-control-plane.ts';

/** A session the fake control plane does not know. */
const UNKNOWN_SESSION = '6f9619ff-8b86-4011-b42d-00c04fc964ff';

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
    const api = fakeControlPlane();
    await expect(run(argv, { out: () => undefined, env: ADMIN, fetch: api.fetch })).rejects.toBeInstanceOf(UsageError);
    expect(api.seen).toEqual([]);
  });

  it('asks for the admin key by name when none is given', async () => {
    await expect(run(['nodes', 'list'], { out: () => undefined, env: {} })).rejects.toThrow(/VIDENT_ADMIN_KEY_ID and VIDENT_ADMIN_KEY_SECRET/);
  });

  it('signs with the admin key and prints what the API answered', async () => {
    const { fetch, seen } = fakeControlPlane();
    const lines: string[] = [];
    expect(await run(['nodes', 'drain', 'node-a'], { out: (l) => lines.push(l), env: ADMIN, fetch })).toBe(0);
    expect(seen).toEqual(['POST /v1/admin/nodes/node-a/drain']);
    expect(lines.join('\n')).toContain('node-a is drained: safe to stop');
    expect(await run(['sessions', 'list', '--node', 'node-a'], { out: (l) => lines.push(l), env: ADMIN, fetch })).toBe(0);
    expect(seen.at(-1)).toBe('GET /v1/admin/sessions?nodeId=node-a');
    expect(lines.at(-1)).toBe('no live sessions');
    // The API's error comes back with its code.
    await expect(run(['sessions', 'timeline', UNKNOWN_SESSION], { out: () => undefined, env: ADMIN, fetch })).rejects.toThrow(/404 not_found/);
  });
});

describe('vident nodes enrol / revoke', () => {
  it('enrols a node with its key and URL, prints the key to pin, and revokes it', async () => {
    const { fetch, seen } = fakeControlPlane();
    const lines: string[] = [];
    const out = (l: string) => lines.push(l);
    const argv = ['nodes', 'enrol', 'node-a', '--public-key', PUBLIC_KEY, '--url', 'https://node-a.example:7400', '--region', 'eu'];
    expect(await run(argv, { out, env: ADMIN, fetch })).toBe(0);
    expect(seen).toEqual(['POST /v1/admin/nodes']);
    expect(lines.join('\n')).toContain('node-a enrolled: commands go to https://node-a.example:7400 (region eu)');
    expect(lines.join('\n')).toContain(`CONTROL_PLANE_PUBLIC_KEY=${enrolled.controlPlanePublicKey}`);
    expect(await run(['nodes', 'revoke', 'node-a'], { out, env: ADMIN, fetch })).toBe(0);
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
    expect(() => adminCredentials(path.join(dir!, 'missing'), {})).toThrow(expect.objectContaining({ code: 'state_dir_unreadable', exitCode: 1 }));
  });

  it('never quotes a damaged secrets.json (JSON.parse would show a piece of it)', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vident-cli-'));
    await writeFile(path.join(dir, 'secrets.json'), '{"adminKeyId": "ops", "adminSecret": s3cr3t-value}');
    let message = '';
    try {
      adminCredentials(dir, {});
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/is not valid JSON$/);
    expect(message).not.toContain('s3cr3t');
  });

  it('takes the environment otherwise', () => {
    expect(adminCredentials(undefined, ADMIN)).toEqual({ baseUrl: 'http://vident.test', keyId: 'ops-1', secret: ADMIN.VIDENT_ADMIN_KEY_SECRET });
    expect(() => bankCredentials(undefined, ADMIN)).toThrow(/VIDENT_KEY_ID/);
  });
});
