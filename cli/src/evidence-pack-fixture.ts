/*
 * A signed, sealed evidence pack folder as `vident evidence download` writes it, for tests:
 * three artifacts (a recording spanning several envelope chunks, a capture, the sealed assessment),
 * the audit trail, the signer's key beside it, and the bank key pair that opens it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GENESIS_HASH,
  artifactFileName,
  fromBase64,
  generateBankKeyPair,
  generateEvidenceSigningKey,
  hashAuditEntry,
  importBankPublicKey,
  sealBytes,
  sha256Hex,
  signManifest,
  signingKeyId,
  type AuditEntry,
  type EvidenceManifest,
} from '@vident/protocol';

/** The bank's key pair every fixture pack is sealed for (2048 bits: quick to make). */
export const bankKeys = await generateBankKeyPair(2048);
const bank = await importBankPublicKey(bankKeys.publicKeyPem);

/** The session's review in full, as the control plane seals it (kind `assessment`). */
export const assessment = {
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

/** Writes a fresh pack into a new temporary folder; `recordingBytes` sizes the recording's plaintext. */
export async function writePack(recordingBytes = 3 * 1024 * 1024 + 123) {
  const dir = mkdtempSync(join(tmpdir(), 'vident-pack-test-'));
  const signer = await generateEvidenceSigningKey();
  const priv = await crypto.subtle.importKey('pkcs8', fromBase64(signer.privateKey), { name: 'Ed25519' }, false, ['sign']);
  const e1: Omit<AuditEntry, 'hash'> = { seq: 1, at: '2026-11-23T10:00:00.000Z', actor: 'system', action: 'session.created', detail: {}, from: null, prevHash: GENESIS_HASH };
  const audit = [{ ...e1, hash: await hashAuditEntry(e1) }];
  const video = new Uint8Array(recordingBytes).map((_, i) => (i * 13) & 0xff);
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
