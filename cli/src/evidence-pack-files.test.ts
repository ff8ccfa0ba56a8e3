import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { EvidenceAssessment, generateEvidenceSigningKey, SignedManifest, type BankClient } from '@vident/protocol';
import { runEvidence } from './evidence-commands.ts';
import { bankKeys, writePack } from './evidence-pack-fixture.ts';
import { decryptPackDir, downloadPack, verifyPackDir } from './evidence-pack-files.ts';
import { TrustedSigningKeys } from './trusted-keys.ts';

describe('evidence pack folders', () => {
  it('verify accepts an intact pack and decrypt restores every artifact byte for byte', async () => {
    const pack = await writePack();
    expect(await verifyPackDir(pack.dir, pack.signer.publicKey)).toEqual({ ok: true });
    const out = join(pack.dir, 'out');
    const written = await decryptPackDir(pack.dir, bankKeys.privateKeyPem, out);
    expect(written.map((f) => f.slice(out.length + 1)).sort()).toEqual(['assessment.json', 'capture-id_front-art-capture-0001.jpg', 'recording-customer-01.webm']);
    expect(readFileSync(join(out, 'recording-customer-01.webm')).equals(Buffer.from(pack.plain.get('recording-customer-01.webm.venc')!))).toBe(true);
    // The review in full, only behind the bank's key: the sealed file holds no number in clear.
    expect(EvidenceAssessment.parse(JSON.parse(readFileSync(join(out, 'assessment.json'), 'utf8'))).document?.fields.residentNumber).toBe('800101-1234560');
    expect(readFileSync(join(pack.dir, 'assessment.json.venc')).includes('1234560')).toBe(false);
  });

  it('verify refuses a tampered manifest, a corrupted artifact and a pinned key that is not the signer', async () => {
    const pack = await writePack();
    const manifestPath = join(pack.dir, 'manifest.json');
    const original = readFileSync(manifestPath, 'utf8');
    writeFileSync(manifestPath, original.replace('"approved"', '"rejected"'));
    expect(await verifyPackDir(pack.dir, pack.signer.publicKey)).toMatchObject({ ok: false, problem: 'signature' });
    writeFileSync(manifestPath, original);

    const other = await generateEvidenceSigningKey();
    expect(await verifyPackDir(pack.dir, other.publicKey)).toMatchObject({ ok: false, problem: 'key' });

    const file = join(pack.dir, pack.artifacts[1]!.fileName);
    const bytes = readFileSync(file);
    bytes[bytes.length - 3]! ^= 0xff;
    writeFileSync(file, bytes);
    expect(await verifyPackDir(pack.dir, pack.signer.publicKey)).toMatchObject({ ok: false, problem: 'artifact' });
  });

  it('decrypt refuses a file altered after its hash was taken, leaving no plaintext behind', async () => {
    const pack = await writePack();
    const file = join(pack.dir, pack.artifacts[0]!.fileName);
    const bytes = readFileSync(file);
    bytes[bytes.length - 40]! ^= 1;
    writeFileSync(file, bytes);
    await expect(decryptPackDir(pack.dir, bankKeys.privateKeyPem, join(pack.dir, 'out'))).rejects.toThrow(/altered/);
    expect(() => readFileSync(join(pack.dir, 'out', 'recording-customer-01.webm'))).toThrow();
  });

  it('download refuses a pack whose file name would land outside the folder, fetching and writing nothing', async () => {
    const pack = await writePack();
    const signed = SignedManifest.parse(JSON.parse(readFileSync(join(pack.dir, 'manifest.json'), 'utf8')));
    const outer = mkdtempSync(join(tmpdir(), 'vident-pack-escape-'));
    const fetched: string[] = [];
    // Only the two calls download makes; a server (or a path to it) naming a file outside the pack.
    const hostile: Pick<BankClient, 'evidence' | 'signingKey'> = {
      evidence: async () => ({
        signed,
        audit: [],
        downloads: [{ artifactId: 'art-recording-0001', fileName: '../escaped.venc', url: 'http://127.0.0.1:9/x', expiresAt: '2026-11-23T10:05:00.000Z' }],
      }),
      signingKey: async () => ({ alg: 'Ed25519', keyId: signed.manifest.signingKeyId, publicKey: pack.signer.publicKey }),
    };
    const fetchStub: typeof fetch = async (url) => {
      fetched.push(String(url));
      return new Response('plaintext?');
    };
    await expect(downloadPack(hostile as BankClient, signed.manifest.sessionId, join(outer, 'pack'), fetchStub)).rejects.toThrow(/not a file name of an evidence pack/);
    expect(fetched).toEqual([]);
    expect(existsSync(join(outer, 'escaped.venc'))).toBe(false);
  });

  it('decrypt refuses a manifest naming a file outside the pack', async () => {
    const pack = await writePack();
    const manifestPath = join(pack.dir, 'manifest.json');
    writeFileSync(manifestPath, readFileSync(manifestPath, 'utf8').replace('"recording-customer-01.webm.venc"', '"../../recording-customer-01.webm.venc"'));
    await expect(decryptPackDir(pack.dir, bankKeys.privateKeyPem, join(pack.dir, 'out'))).rejects.toThrow(/not a file name of an evidence pack/);
  });
});

describe('pinned signing keys', () => {
  /** `vident evidence <args>` with its own config folder; what it printed. */
  async function evidence(configDir: string, args: Partial<Parameters<typeof runEvidence>[0]>) {
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    const err = vi.spyOn(console, 'error').mockImplementation((line: string) => void out.push(line));
    try {
      const code = await runEvidence({ command: undefined, target: undefined, out: undefined, key: undefined, signingKey: undefined, stateDir: undefined, ...args }, { VIDENT_CONFIG_DIR: configDir });
      return { code, out: out.join('\n') };
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  }

  it("verify never trusts the key a pack carries: unpinned is refused, pinned is valid", async () => {
    const pack = await writePack();
    const config = mkdtempSync(join(tmpdir(), 'vident-cli-config-'));
    // The pack's signing-key.json is the real signer's, and still not enough.
    expect(await evidence(config, { command: 'verify', target: pack.dir })).toMatchObject({ code: 1, out: expect.stringMatching(/NOT VALID \(key\).*not pinned/) });
    expect(await evidence(config, { command: 'decrypt', target: pack.dir, key: '/nonexistent.pem' })).toMatchObject({ code: 1 });
    expect(await evidence(config, { command: 'pin-key', signingKey: pack.signer.publicKey })).toMatchObject({ code: 0, out: expect.stringMatching(/^pinned/) });
    expect(await evidence(config, { command: 'verify', target: pack.dir })).toMatchObject({ code: 0, out: expect.stringMatching(/^valid/) });
    expect(await evidence(config, { command: 'pin-key', signingKey: pack.signer.publicKey })).toMatchObject({ code: 0, out: expect.stringMatching(/^already pinned/) });
  });

  it('a pack re-signed by someone else, with their key beside it, is refused under the pinned key', async () => {
    const genuine = await writePack();
    const forged = await writePack();
    const config = mkdtempSync(join(tmpdir(), 'vident-cli-config-'));
    await evidence(config, { command: 'pin-key', signingKey: genuine.signer.publicKey });
    expect(await evidence(config, { command: 'verify', target: forged.dir })).toMatchObject({ code: 1, out: expect.stringContaining('not pinned') });
  });

  it('refuses to pin a key whose id is not its own hash, and a damaged key file is an error, not "no keys"', async () => {
    const config = mkdtempSync(join(tmpdir(), 'vident-cli-config-'));
    const store = new TrustedSigningKeys(join(config, 'signing-keys.json'));
    const key = await generateEvidenceSigningKey();
    await expect(store.pin({ alg: 'Ed25519', keyId: 'f'.repeat(64), publicKey: key.publicKey })).rejects.toThrow(/does not match/);
    expect(store.list()).toEqual([]);
    writeFileSync(store.file, '{"not":"a list"}');
    expect(() => store.list()).toThrow(/not a list of pinned signing keys/);
  });
});

