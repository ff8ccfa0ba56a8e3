/*
 * The media node's durable outbox on the real stack: a sealed artifact of several parts is being
 * uploaded (capped at 4 MiB/s by the stack) when the sidecar is killed with SIGKILL. Its supervisor
 * starts it again, as systemd would; the upload resumes from the parts the control plane holds and
 * completes. The stored object is byte-identical, stored once, and the local copy is gone.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import {
  MIN_PART_SIZE,
  UploadStatus,
  createBankClient,
  importBankPrivateKey,
  importBankPublicKey,
  openBytes,
  sealBytes,
  sha256Hex,
  importEd25519PrivateKey,
  signRequest,
  type UploadStart,
} from '@vident/protocol';
import { enqueueSealedFile, entryPath, sealedPath } from '../../media-node/src/evidence/outbox-entry.ts';
import { waitUntil } from './call-page.ts';

const stack = inject('stack');
const bank = createBankClient({ baseUrl: stack.baseUrl, keyId: stack.bankKeyId, secret: stack.bankSecret });
const secrets = JSON.parse(readFileSync(join(stack.stateDir, 'secrets.json'), 'utf8')) as { bankEvidencePublicKeyPem: string };
// The first node's own key, as infra/stack.ts made and enrolled it.
const nodeKey = await importEd25519PrivateKey(readFileSync(join(stack.stateDir, 'node-key.pem'), 'utf8'));

/** What the control plane holds of an upload, asked the way the node asks (idempotent start). */
async function partsHeld(start: UploadStart): Promise<UploadStatus> {
  const path = `/v1/nodes/${stack.nodeId}/uploads`;
  const body = JSON.stringify(start);
  const headers = await signRequest({ keyId: stack.nodeId, secret: nodeKey, method: 'POST', pathWithQuery: path, body });
  const response = await fetch(stack.baseUrl + path, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
  expect(response.status).toBe(200);
  return UploadStatus.parse(await response.json());
}

function sidecarPid(): number {
  return Number(readFileSync(stack.sidecarPidFile, 'utf8'));
}

describe('the media node outbox', () => {
  it('finishes an upload after the sidecar is killed in the middle of it: checksums match, nothing duplicated or lost', async () => {
    const created = await bank.createSession({ externalRef: `e2e-upload-${Date.now()}`, customerName: 'Upload Test', locale: 'en' });
    await bank.deleteSession(created.sessionId);

    // 18 MiB + a tail: four parts of 5 MiB at the stack's 4 MiB/s cap, about five seconds of upload.
    const plain = randomBytes(18 * 1024 * 1024 + 12_345);
    const sealed = await sealBytes(await importBankPublicKey(secrets.bankEvidencePublicKeyPem), 'video/webm', plain);
    const sha256 = await sha256Hex(sealed);
    const scratch = mkdtempSync(join(tmpdir(), 'vident-e2e-upload-'));
    writeFileSync(join(scratch, 'artifact.venc'), sealed);
    const outboxDir = join(stack.recordingsDir, 'outbox');
    const artifactId = `rec-e2e-${randomBytes(6).toString('hex')}`;
    const entry = await enqueueSealedFile({
      outboxDir,
      sealedFile: join(scratch, 'artifact.venc'),
      artifactId,
      sessionId: created.sessionId,
      participant: 'customer',
      segment: 1,
      partSize: MIN_PART_SIZE,
      startedAt: new Date().toISOString(),
      durationMs: 60_000,
    });
    expect(entry.upload.sha256).toBe(sha256);

    // Wait until the first part is stored, then kill the sidecar's whole process group.
    let held: UploadStatus | undefined;
    await waitUntil('first part stored', async () => {
      held = await partsHeld(entry.upload);
      return held.parts.length >= 1;
    }, 60_000);
    const killed = sidecarPid();
    process.kill(-killed, 'SIGKILL');
    const atKill = await partsHeld(entry.upload);
    expect(atKill.state).toBe('uploading');
    expect(atKill.parts.length).toBeLessThan(4);
    // The local copy is still there: it goes only after the stored object's checksum is verified.
    expect(existsSync(sealedPath(outboxDir, artifactId))).toBe(true);
    expect(existsSync(entryPath(outboxDir, artifactId))).toBe(true);

    await waitUntil('sidecar restarted', async () => sidecarPid() !== killed, 30_000);
    await waitUntil('artifact stored', async () => (await partsHeld(entry.upload)).state === 'stored', 90_000);
    await waitUntil('local copy removed', async () => !existsSync(sealedPath(outboxDir, artifactId)) && !existsSync(entryPath(outboxDir, artifactId)), 30_000);

    const artifacts = (await bank.artifacts(created.sessionId)).artifacts.filter((a) => a.artifactId === artifactId);
    expect(artifacts).toHaveLength(1);
    expect(artifacts[0]).toMatchObject({ state: 'stored', size: sealed.length, sha256 });

    // The stored bytes are the sealed bytes, and the bank's key opens them to the original.
    const pack = await bank.evidence(created.sessionId);
    const download = pack.downloads.find((d) => d.artifactId === artifactId)!;
    const stored = new Uint8Array(await (await fetch(download.url)).arrayBuffer());
    expect(await sha256Hex(stored)).toBe(sha256);
    const opened = await openBytes(await importBankPrivateKey(readFileSync(stack.bankPrivateKeyFile, 'utf8')), stored);
    expect(Buffer.from(opened.plain).equals(plain)).toBe(true);

    const audit = await bank.sessionAudit(created.sessionId);
    expect(audit.entries.filter((e) => e.action === 'artifact.stored' && e.detail.artifactId === artifactId)).toHaveLength(1);
  });
});
