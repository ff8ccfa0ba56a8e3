import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo, Env } from './cli-io.ts';
import { runCli, VERSION } from './commands.ts';
import { bankKeys, writePack } from './evidence-pack-fixture.ts';
import { ADMIN_ENV, BANK_ENV, enrolledNode, fakeControlPlane, NODE_PUBLIC_KEY, SESSION, type ServedPack } from './fake-control-plane.ts';

interface Ran {
  code: number;
  stdout: string[];
  stderr: string[];
  bars: { label: string; total: number; updates: number[]; stopped: boolean }[];
}

/** `vident <argv>` as the shell sees it: exit code, stdout and stderr lines, progress bars drawn. */
async function vident(argv: string[], o: { env?: Env; fetch?: typeof fetch; progress?: boolean } = {}): Promise<Ran> {
  const ran: Ran = { code: -1, stdout: [], stderr: [], bars: [] };
  const io: CliIo = {
    out: (line) => ran.stdout.push(line),
    err: (line) => ran.stderr.push(line),
    env: { VIDENT_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'vident-cli-config-')), ...o.env },
    ...(o.fetch ? { fetch: o.fetch } : {}),
    ...(o.progress
      ? {
          progress: (label, total) => {
            const bar = { label, total, updates: [] as number[], stopped: false };
            ran.bars.push(bar);
            return { update: (done) => void bar.updates.push(done), stop: () => void (bar.stopped = true) };
          },
        }
      : {}),
  };
  ran.code = await runCli(argv, io, 100);
  return ran;
}

const ENV = { ...BANK_ENV, ...ADMIN_ENV };

/** The commands a help text lists ("vident nodes drain <nodeId>  ..." → ["nodes", "drain"]). */
function listedCommands(help: string): string[][] {
  const section = help.split('\nCommands:\n')[1]?.split('\n\n')[0] ?? '';
  return section.split('\n').flatMap((line) => {
    const m = /^ {2}vident ((?:[a-z-]+ ?)+)/.exec(line);
    return m ? [m[1]!.trim().split(' ')] : [];
  });
}

describe('vident --help and --version', () => {
  it('--help on the command and every command and subcommand it lists: usage on stdout, exit 0', async () => {
    const top = await vident(['--help']);
    expect(top).toMatchObject({ code: 0, stderr: [] });
    const groups = listedCommands(top.stdout.join('\n'));
    expect(groups.map((g) => g.join(' '))).toEqual(['evidence', 'nodes', 'sessions', 'agents', 'completion']);
    const paths: string[][] = [];
    for (const group of groups) {
      const help = await vident([...group, '--help']);
      expect(help, group.join(' ')).toMatchObject({ code: 0, stderr: [] });
      expect(help.stdout.join('\n')).toMatch(new RegExp(`^vident ${group.join(' ')}\\b`));
      paths.push(...listedCommands(help.stdout.join('\n')));
    }
    expect(paths.map((p) => p.join(' '))).toEqual([
      'evidence download', 'evidence verify', 'evidence decrypt', 'evidence pin-key',
      'nodes list', 'nodes enrol', 'nodes revoke', 'nodes drain', 'nodes undrain',
      'sessions list', 'sessions timeline', 'agents revoke',
    ]);
    for (const path of paths) {
      for (const flag of ['--help', '-h']) {
        const help = await vident([...path, flag]);
        expect(help, `${path.join(' ')} ${flag}`).toMatchObject({ code: 0, stderr: [] });
        expect(help.stdout.join('\n')).toMatch(new RegExp(`^vident ${path.join(' ')}\\b`));
      }
    }
  });

  it('--help never runs the command, even with its arguments all there', async () => {
    const api = fakeControlPlane();
    expect(await vident(['nodes', 'drain', 'node-a', '--help'], { env: ENV, fetch: api.fetch })).toMatchObject({ code: 0, stderr: [] });
    expect(api.seen).toEqual([]);
  });

  it("--version prints the cli package's version", async () => {
    const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
    expect(VERSION).toBe(version);
    expect(await vident(['--version'])).toMatchObject({ code: 0, stdout: [version], stderr: [] });
  });
});

/** stdout is exactly one JSON document; returns it. */
function onlyJson(ran: Ran): unknown {
  expect(ran.stdout).toHaveLength(1);
  return JSON.parse(ran.stdout[0]!);
}

describe('vident ... --json', () => {
  it.each([
    [['nodes', 'list'], ['GET /v1/admin/nodes'], { nodes: [expect.objectContaining({ nodeId: 'node-a', status: 'drained' })], heartbeatTtlSeconds: 30 }],
    [['nodes', 'drain', 'node-a'], ['POST /v1/admin/nodes/node-a/drain'], expect.objectContaining({ nodeId: 'node-a', status: 'drained' })],
    [['nodes', 'undrain', 'node-a'], ['POST /v1/admin/nodes/node-a/undrain'], expect.objectContaining({ nodeId: 'node-a' })],
    [['nodes', 'revoke', 'node-a'], ['POST /v1/admin/nodes/node-a/revoke'], expect.objectContaining({ nodeId: 'node-a', revokedAt: '2026-11-24T11:00:00.000Z' })],
    [
      ['nodes', 'enrol', 'node-a', '--public-key', NODE_PUBLIC_KEY, '--url', 'https://node-a.example:7400', '--region', 'eu'],
      ['POST /v1/admin/nodes'],
      expect.objectContaining({ nodeId: 'node-a', region: 'eu', controlPlanePublicKey: enrolledNode.controlPlanePublicKey }),
    ],
    [['sessions', 'list', '--node', 'node-a'], ['GET /v1/admin/sessions?nodeId=node-a'], { sessions: [] }],
    [['sessions', 'timeline', SESSION], [`GET /v1/admin/sessions/${SESSION}/timeline`], { sessionId: SESSION, entries: [expect.objectContaining({ action: 'session.created' })] }],
    [['agents', 'revoke', 'kim.minji'], ['POST /v1/agents/kim.minji/revoke'], { agentId: 'kim.minji', revokedAt: '2026-12-03T09:00:00.000Z', sessionId: SESSION }],
  ])('%j: the API answer as one JSON document, nothing else', async (argv, requests, answer) => {
    const api = fakeControlPlane();
    const ran = await vident([...argv, '--json'], { env: ENV, fetch: api.fetch });
    expect(ran).toMatchObject({ code: 0, stderr: [] });
    expect(api.seen).toEqual(requests);
    expect(onlyJson(ran)).toEqual(answer);
    // The same command without --json speaks to people.
    const text = await vident(argv, { env: ENV, fetch: fakeControlPlane().fetch });
    expect(text.code).toBe(0);
    expect(() => JSON.parse(text.stdout.join('\n'))).toThrow();
  });

  it('evidence download, pin-key, verify and decrypt: JSON results; bars only when asked for', async () => {
    const pack = await writePack();
    const signingKey = JSON.parse(readFileSync(join(pack.dir, 'signing-key.json'), 'utf8'));
    const served: ServedPack = { dir: pack.dir, signingKey };
    const sessionId = JSON.parse(readFileSync(join(pack.dir, 'manifest.json'), 'utf8')).manifest.sessionId as string;
    const config = mkdtempSync(join(tmpdir(), 'vident-cli-config-'));
    const env = { ...BANK_ENV, VIDENT_CONFIG_DIR: config };
    const out = join(mkdtempSync(join(tmpdir(), 'vident-cli-pack-')), 'pack');

    const downloaded = await vident(['evidence', 'download', sessionId, '--out', out, '--json'], { env, fetch: fakeControlPlane(served).fetch, progress: true });
    expect(downloaded).toMatchObject({ code: 0, stderr: [] });
    const sizes = pack.artifacts.reduce((sum, a) => sum + a.size, 0);
    expect(onlyJson(downloaded)).toEqual({ sessionId, dir: out, artifacts: pack.artifacts.map((a) => a.fileName), signingKeyId: signingKey.keyId, signingKey: 'first_use' });
    expect(downloaded.bars).toEqual([{ label: 'downloading', total: sizes, updates: expect.any(Array), stopped: true }]);
    expect(downloaded.bars[0]!.updates.at(-1)).toBe(sizes);

    const verified = await vident(['evidence', 'verify', out, '--json'], { env });
    expect(verified).toMatchObject({ code: 0, stderr: [] });
    expect(onlyJson(verified)).toEqual({ valid: true });
    expect(onlyJson(await vident(['evidence', 'pin-key', '--signing-key', signingKey.publicKey, '--json'], { env }))).toEqual({
      keyId: signingKey.keyId, publicKey: signingKey.publicKey, added: false, file: join(config, 'signing-keys.json'),
    });

    const keyFile = join(pack.dir, 'bank.pem');
    writeFileSync(keyFile, bankKeys.privateKeyPem);
    const plain = join(pack.dir, 'plain');
    // A small pack decrypts without a bar even on a terminal.
    const decrypted = await vident(['evidence', 'decrypt', out, '--key', keyFile, '--out', plain, '--json'], { env, progress: true });
    expect(decrypted).toMatchObject({ code: 0, stderr: [], bars: [] });
    expect(onlyJson(decrypted)).toEqual({ files: ['recording-customer-01.webm', 'capture-id_front-art-capture-0001.jpg', 'assessment.json'].map((f) => join(plain, f)) });
  });

  it('decrypting a large pack shows a bar over its sealed bytes', async () => {
    const pack = await writePack(9 * 1024 * 1024);
    const config = mkdtempSync(join(tmpdir(), 'vident-cli-config-'));
    const keyFile = join(pack.dir, 'bank.pem');
    writeFileSync(keyFile, bankKeys.privateKeyPem);
    const ran = await vident(['evidence', 'decrypt', pack.dir, '--key', keyFile, '--signing-key', pack.signer.publicKey], { env: { VIDENT_CONFIG_DIR: config }, progress: true });
    expect(ran).toMatchObject({ code: 0, stderr: [] });
    expect(ran.stdout).toHaveLength(3);
    const total = pack.artifacts.reduce((sum, a) => sum + a.size, 0);
    expect(ran.bars).toEqual([{ label: 'decrypting', total, updates: expect.any(Array), stopped: true }]);
    const updates = ran.bars[0]!.updates;
    expect(updates.length).toBeGreaterThan(2);
    expect(updates).toEqual([...updates].sort((a, b) => a - b));
    expect(updates.at(-1)).toBe(total);
  });

  it('a pack that does not verify: {"valid": false} on stdout, exit 1, the code on stderr', async () => {
    const pack = await writePack();
    const ran = await vident(['evidence', 'verify', pack.dir, '--json']);
    expect(ran.code).toBe(1);
    expect(onlyJson(ran)).toEqual({ valid: false, problem: 'key', message: expect.stringContaining('not pinned') });
    expect(ran.stderr.map((l) => JSON.parse(l))).toEqual([{ error: { code: 'pack_not_valid', problem: 'key', message: expect.stringMatching(/^NOT VALID \(key\)/) } }]);
    const text = await vident(['evidence', 'verify', pack.dir]);
    expect(text).toMatchObject({ code: 1, stdout: [], stderr: [expect.stringMatching(/^vident: pack_not_valid: NOT VALID \(key\): signed with key [0-9a-f]{64}, which is not pinned/)] });
  });
});

describe('vident failures', () => {
  it.each([
    [['nodes', 'lst'], 'unknown command "lst". Did you mean list?', 'vident nodes --help'],
    [['nodes', 'drain'], 'Not enough non-option arguments: got 0, need at least 1', 'vident nodes drain --help'],
    [['sessions', 'list', '--bogus'], 'Unknown argument: bogus', 'vident sessions list --help'],
    [['nodes', 'drain', 'Node_A'], 'not a node id: Node_A', 'vident nodes drain --help'],
    [['agents', 'revoke', 'has space'], 'vident agents revoke: an agent id (1..64 of A-Z a-z 0-9 _ . @ -)', 'vident agents revoke --help'],
  ])('%j is a usage mistake: exit 2, the message and where help is, on stderr only', async (argv, message, help) => {
    const api = fakeControlPlane();
    const ran = await vident(argv, { env: ENV, fetch: api.fetch });
    expect(ran).toEqual({ code: 2, stdout: [], stderr: [`vident: usage: ${message}\nrun "${help}" for usage`], bars: [] });
    expect(api.seen).toEqual([]);
    const json = await vident([...argv, '--json'], { env: ENV, fetch: api.fetch });
    expect(json).toMatchObject({ code: 2, stdout: [] });
    expect(JSON.parse(json.stderr[0]!)).toEqual({ error: { code: 'usage', message } });
  });

  it.each([
    [['sessions', 'timeline', '6f9619ff-8b86-4011-b42d-00c04fc964ff'], ENV, 'api_refused', 'the vident API refused: 404 not_found: no such thing'],
    [['nodes', 'list'], BANK_ENV, 'missing_credentials', 'set VIDENT_ADMIN_KEY_ID and VIDENT_ADMIN_KEY_SECRET (or pass --state-dir for a local stack)'],
    [['nodes', 'list', '--state-dir', '/nonexistent'], {}, 'state_dir_unreadable', 'cannot read /nonexistent/secrets.json: ENOENT'],
    [['evidence', 'decrypt', '/nonexistent', '--key', 'k.pem', '--signing-key', NODE_PUBLIC_KEY], {}, 'pack_not_valid', expect.stringMatching(/^refusing to decrypt a pack that does not verify \(format\)/)],
  ])('%j fails at run time: exit 1, a stable code and a message on stderr', async (argv, env, code, message) => {
    const ran = await vident(argv, { env, fetch: fakeControlPlane().fetch });
    expect(ran).toMatchObject({ code: 1, stdout: [] });
    expect(ran.stderr).toHaveLength(1);
    expect(ran.stderr[0]).toEqual(typeof message === 'string' ? `vident: ${code}: ${message}` : expect.stringMatching(new RegExp(`^vident: ${code}: `)));
    const json = await vident([...argv, '--json'], { env, fetch: fakeControlPlane().fetch });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr[0]!)).toEqual({ error: expect.objectContaining({ code, message }) });
  });

  it('an unreachable control plane is a network_error (exit 1)', async () => {
    const refused: typeof fetch = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8787'), { code: 'ECONNREFUSED' }) });
    };
    expect(await vident(['nodes', 'list'], { env: ENV, fetch: refused })).toMatchObject({ code: 1, stderr: ['vident: network_error: cannot reach the control plane (ECONNREFUSED)'] });
  });

  it('prints no secret, whatever happens', async () => {
    const wrongKey = { ...ENV, VIDENT_ADMIN_KEY_SECRET: 'ops-secret-but-wrong-0123456789', VIDENT_KEY_SECRET: 'bank-secret-but-wrong-0123456789' };
    const secrets = [ENV.VIDENT_ADMIN_KEY_SECRET, ENV.VIDENT_KEY_SECRET, wrongKey.VIDENT_ADMIN_KEY_SECRET, wrongKey.VIDENT_KEY_SECRET];
    const printed: string[] = [];
    for (const env of [ENV, wrongKey]) {
      for (const argv of [['nodes', 'list'], ['agents', 'revoke', 'kim.minji'], ['nodes', 'enrol', 'node-a', '--public-key', NODE_PUBLIC_KEY, '--url', 'https://n.example'], ['nodes', 'list', '--bogus'], ['--help']]) {
        for (const json of [[], ['--json']]) {
          const ran = await vident([...argv, ...json], { env, fetch: fakeControlPlane().fetch });
          printed.push(...ran.stdout, ...ran.stderr);
        }
      }
    }
    expect(printed.join('\n')).toMatch(/401 unknown_key|401 bad_signature|401/); // the wrong keys were refused
    for (const secret of secrets) expect(printed.join('\n')).not.toContain(secret);
  });
});
