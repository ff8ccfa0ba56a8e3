import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  GENESIS_HASH,
  artifactFileName,
  EvidenceAssessment,
  fromBase64,
  generateBankKeyPair,
  generateEvidenceSigningKey,
  hashAuditEntry,
  importBankPublicKey,
  sealBytes,
  sha256Hex,
  signManifest,
  signingKeyId,
  SignedManifest,
  type AuditEntry,
  type BankClient,
  type EvidenceManifest,
} from '@vident/protocol';
import { runEvidence } from './evidence-commands.ts';
import { decryptPackDir, downloadPack, verifyPackDir } from './evidence-pack-files.ts';
import { TrustedSigningKeys } from './trusted-keys.ts';

const bankKeys = await generateBankKeyPair(2048);
const bank = await importBankPublicKey(bankKeys.publicKeyPem);

/** The session's review in full, as the control plane seals it (kind `assessment`). */
const assessment = {
  v: 1,
  sessionId: '6f9619ff-8b86-4011-b42d-00c04fc964ff',
  document: {
    type: 'kr-resident-card',
    fields: { name: '홍길동', residentNumber: '800101-1234560' },
    sources: { residentNumber: 'agent' },
    plausibility: [],
    confirmedAt: '2026-11-23T10:00:05.000Z',
  },
  checks: [{ kind: 'id-authenticity', result: 'pass', reference: 'MOIS-1', checkedAt: '2026-11-23T10:00:06.000Z' }],
  faceMatches: [],
  faceMatchThresholds: { match: 0.5, noMatch: 0.4 },
  sealedAt: '2026-11-23T10:00:10.000Z',
};

/** A pack folder as `download` writes it: three artifacts (one spanning several chunks, one the sealed assessment), audit, key. */
async function writePack() {
  const dir = mkdtempSync(join(tmpdir(), 'vident-pack-test-'));
  const signer = await generateEvidenceSigningKey();
  const priv = await crypto.subtle.importKey('pkcs8', fromBase64(signer.privateKey), { name: 'Ed25519' }, false, ['sign']);
  const e1: Omit<AuditEntry, 'hash'> = { seq: 1, at: '2026-11-23T10:00:00.000Z', actor: 'system', action: 'session.created', detail: {}, from: null, prevHash: GENESIS_HASH };
  const audit = [{ ...e1, hash: await hashAuditEntry(e1) }];
  const video = new Uint8Array(3 * 1024 * 1024 + 123).map((_, i) => (i * 13) & 0xff);
  const jpeg = new Uint8Array(5000).map((_, i) => (i * 7) & 0xff);
  const sessionId = '6f9619ff-8b86-4011-b42d-00c04fc964ff';
  const plain = new Map<string, Uint8Array>();
  const artifacts = [];
  for (const [kind, capture, contentType, bytes] of [
    ['recording', null, 'video/webm', video],
    ['capture', 'id_front', 'image/jpeg', jpeg],
    ['assessment', null, 'application/json', new TextEncoder().encode(JSON.stringify(assessment))],
  ] as const) {
    const sealed = await sealBytes(bank, contentType, bytes);
    const a = {
      artifactId: `art-${kind}-0001`,
      sessionId,
      kind,
      participant: 'customer' as const,
      capture,
      segment: kind === 'recording' ? 1 : null,
      fileName: '',
      contentType,
      size: sealed.length,
      sha256: await sha256Hex(sealed),
      bankKeyId: bank.keyId,
      startedAt: '2026-11-23T10:00:01.000Z',
      offsetMs: kind === 'recording' ? 0 : null,
      durationMs: kind === 'recording' ? 9000 : null,
      nodeId: null,
      storedAt: '2026-11-23T10:01:00.000Z',
    };
    a.fileName = artifactFileName(a);
    writeFileSync(join(dir, a.fileName), sealed);
    plain.set(a.fileName, bytes);
    artifacts.push(a);
  }
  const manifest: EvidenceManifest = {
    v: 1,
    sessionId,
    externalRef: 'ref',
    state: 'decided',
    outcome: { state: 'decided', decision: 'approved', reasonCodes: [], note: '', decidedBy: 'agent' },
    createdAt: '2026-11-23T10:00:00.000Z',
    startedAt: '2026-11-23T10:00:01.000Z',
    endedAt: '2026-11-23T10:00:10.000Z',
    consent: { version: 'v1', at: '2026-11-23T10:00:00.500Z' },
    artifacts,
    audit: { length: 1, head: audit[0]!.hash },
    generatedAt: '2026-11-23T10:02:00.000Z',
    signingKeyId: await signingKeyId(fromBase64(signer.publicKey)),
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(await signManifest(manifest, priv)));
  writeFileSync(join(dir, 'audit.json'), JSON.stringify(audit));
  writeFileSync(join(dir, 'signing-key.json'), JSON.stringify({ alg: 'Ed25519', keyId: manifest.signingKeyId, publicKey: signer.publicKey }));
  return { dir, signer, plain, artifacts };
}

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

