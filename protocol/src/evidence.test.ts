import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashAuditEntry, type AuditEntry } from './audit.ts';
import {
  EnvelopeError,
  generateBankKeyPair,
  importBankPrivateKey,
  importBankPublicKey,
  openBytes,
  sealBytes,
  toBase64,
} from './evidence-crypto.ts';
import { artifactFileName, generateEvidenceSigningKey, PackFileName, signManifest, signingKeyId, verifyEvidencePack, type EvidenceManifest } from './evidence.ts';
import { fromBase64 } from './evidence-crypto.ts';
import { sha256Hex } from './signing.ts';

const keys = await generateBankKeyPair(2048);
const bank = await importBankPublicKey(keys.publicKeyPem);
const priv = await importBankPrivateKey(keys.privateKeyPem);

function bytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

describe('evidence envelope', () => {
  it.each([0, 1, 1023, 1024, 1025, 4096, 5000])('round-trips %i bytes in 1 KiB chunks', async (n) => {
    const plain = bytes(n);
    const sealed = await sealBytes(bank, 'video/webm', plain, 1024);
    expect(sealed.length).toBeGreaterThan(n);
    const opened = await openBytes(priv, sealed);
    expect(opened.header.contentType).toBe('video/webm');
    expect(opened.header.bankKeyId).toBe(bank.keyId);
    expect(Buffer.from(opened.plain).equals(Buffer.from(plain))).toBe(true);
  });

  it('never repeats a key: the same plaintext seals differently', async () => {
    const a = await sealBytes(bank, 'image/jpeg', bytes(100));
    const b = await sealBytes(bank, 'image/jpeg', bytes(100));
    expect(toBase64(a)).not.toBe(toBase64(b));
  });

  it('refuses a flipped byte, a truncation at a chunk boundary, swapped chunks and a changed header', async () => {
    const sealed = await sealBytes(bank, 'video/webm', bytes(4096), 1024);
    const headerLength = 8 + new DataView(sealed.buffer).getUint32(4);
    const flipped = sealed.slice();
    flipped[headerLength + 5]! ^= 1;
    await expect(openBytes(priv, flipped)).rejects.toThrow(EnvelopeError);
    const truncated = sealed.slice(0, headerLength + 2 * 1040);
    await expect(openBytes(priv, truncated)).rejects.toThrow(/altered, truncated or reordered/);
    const swapped = sealed.slice();
    swapped.set(sealed.subarray(headerLength, headerLength + 1040), headerLength + 1040);
    swapped.set(sealed.subarray(headerLength + 1040, headerLength + 2080), headerLength);
    await expect(openBytes(priv, swapped)).rejects.toThrow(EnvelopeError);
    const text = new TextDecoder().decode(sealed.subarray(8, headerLength)).replace('video/webm', 'video/xebm');
    const reheaded = new Uint8Array([...sealed.subarray(0, 8), ...new TextEncoder().encode(text), ...sealed.subarray(headerLength)]);
    await expect(openBytes(priv, reheaded)).rejects.toThrow(EnvelopeError);
  });

  it('says so when another bank key is used', async () => {
    const other = await generateBankKeyPair(2048);
    const sealed = await sealBytes(bank, 'image/jpeg', bytes(10));
    await expect(openBytes(await importBankPrivateKey(other.privateKeyPem), sealed)).rejects.toThrow(/wrong bank key/);
    await expect(importBankPublicKey('not a key')).rejects.toThrow(EnvelopeError);
  });
});

describe('evidence manifest', () => {
  async function fixture() {
    const signer = await generateEvidenceSigningKey();
    const priv = await crypto.subtle.importKey('pkcs8', fromBase64(signer.privateKey), { name: 'Ed25519' }, false, ['sign']);
    const e1: Omit<AuditEntry, 'hash'> = { seq: 1, at: '2026-11-23T10:00:00.000Z', actor: 'system', action: 'session.created', detail: {}, from: null, prevHash: GENESIS_HASH };
    const audit: AuditEntry[] = [{ ...e1, hash: await hashAuditEntry(e1) }];
    const file = bytes(300);
    const artifact = {
      artifactId: 'a1b2c3d4e5f6',
      sessionId: '6f9619ff-8b86-4011-b42d-00c04fc964ff',
      kind: 'recording' as const,
      participant: 'customer' as const,
      capture: null,
      segment: 1,
      fileName: '',
      contentType: 'video/webm',
      size: file.length,
      sha256: await sha256Hex(file),
      bankKeyId: bank.keyId,
      startedAt: '2026-11-23T10:00:01.000Z',
      offsetMs: 0,
      durationMs: 12000,
      nodeId: 'local-1',
      storedAt: '2026-11-23T10:01:00.000Z',
    };
    artifact.fileName = artifactFileName(artifact);
    const manifest: EvidenceManifest = {
      v: 1,
      sessionId: artifact.sessionId,
      externalRef: 'ref-1',
      state: 'decided',
      outcome: { state: 'decided', decision: 'approved', reasonCodes: [], note: '', decidedBy: 'agent' },
      createdAt: '2026-11-23T10:00:00.000Z',
      startedAt: '2026-11-23T10:00:01.000Z',
      endedAt: '2026-11-23T10:00:13.000Z',
      consent: { version: 'v', at: '2026-11-23T10:00:00.500Z' },
      artifacts: [artifact],
      audit: { length: 1, head: audit[0]!.hash },
      generatedAt: '2026-11-23T10:02:00.000Z',
      signingKeyId: await signingKeyId(fromBase64(signer.publicKey)),
    };
    const signed = await signManifest(manifest, priv);
    const files = new Map([[artifact.fileName, file]]);
    const shaOf = async (name: string) => (files.has(name) ? sha256Hex(files.get(name)!) : null);
    return { signer, signed, audit, files, shaOf };
  }

  it('verifies an intact pack', async () => {
    const f = await fixture();
    expect(await verifyEvidencePack({ signed: f.signed, audit: f.audit, publicKey: f.signer.publicKey }, f.shaOf)).toEqual({ ok: true });
  });

  it('fails a tampered manifest, a tampered artifact, a missing artifact, an altered audit entry and another key', async () => {
    const f = await fixture();
    const tampered = structuredClone(f.signed);
    tampered.manifest.outcome = { state: 'decided', decision: 'rejected', reasonCodes: ['ID_MISMATCH'], note: '', decidedBy: 'agent' };
    expect(await verifyEvidencePack({ signed: tampered, audit: f.audit, publicKey: f.signer.publicKey }, f.shaOf)).toMatchObject({ ok: false, problem: 'signature' });

    const name = f.signed.manifest.artifacts[0]!.fileName;
    f.files.get(name)![10]! ^= 1;
    expect(await verifyEvidencePack({ signed: f.signed, audit: f.audit, publicKey: f.signer.publicKey }, f.shaOf)).toMatchObject({ ok: false, problem: 'artifact' });
    f.files.delete(name);
    expect(await verifyEvidencePack({ signed: f.signed, audit: f.audit, publicKey: f.signer.publicKey }, f.shaOf)).toMatchObject({ ok: false, problem: 'artifact' });

    const audit = structuredClone(f.audit);
    audit[0]!.actor = 'agent';
    expect(await verifyEvidencePack({ signed: f.signed, audit, publicKey: f.signer.publicKey }, f.shaOf)).toMatchObject({ ok: false, problem: 'audit' });

    const other = await generateEvidenceSigningKey();
    expect(await verifyEvidencePack({ signed: f.signed, audit: f.audit, publicKey: other.publicKey }, f.shaOf)).toMatchObject({ ok: false, problem: 'key' });
    expect(await verifyEvidencePack({ signed: { nope: 1 }, audit: f.audit, publicKey: f.signer.publicKey }, f.shaOf)).toMatchObject({ ok: false, problem: 'format' });
  });
});

describe('PackFileName', () => {
  it('accepts every name artifactFileName gives and nothing with a path in it', () => {
    const names = [
      artifactFileName({ kind: 'recording', participant: 'customer', capture: null, segment: 1, artifactId: 'rec-6f9619ff-customer-1-0a1b2c3d' }),
      artifactFileName({ kind: 'recording', participant: 'agent', capture: null, segment: 12, artifactId: 'rec-6f9619ff-agent-12-0a1b2c3d' }),
      artifactFileName({ kind: 'capture', participant: 'customer', capture: 'id_front', segment: null, artifactId: 'cap-6f9619ff-id_front-0a1b2c3d'.replace('_', '-') }),
      artifactFileName({ kind: 'assessment', participant: 'customer', capture: null, segment: null, artifactId: 'asm-6f9619ff-0a1b2c3d4e5f' }),
    ];
    expect(names[3]).toBe('assessment.json.venc');
    for (const name of names) expect(PackFileName.safeParse(name).success, name).toBe(true);
    for (const bad of ['../recording-agent-01.webm.venc', '/etc/passwd', 'recording-agent-01.webm.venc/../../x', '..', 'capture-face-../../x.venc', 'manifest.json', 'recording-agent-01.webm', 'assessment.json', '../assessment.json.venc']) {
      expect(PackFileName.safeParse(bad).success, bad).toBe(false);
    }
  });
});
