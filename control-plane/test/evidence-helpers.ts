import {
  ArtifactView,
  canonicalRequest,
  signCanonical,
  type RequestKey,
  importBankPrivateKey,
  importBankPublicKey,
  MIN_PART_SIZE,
  openBytes,
  PART_SHA256_HEADER,
  partCount,
  sealBytes,
  sha256Hex,
  SIGNATURE_HEADERS,
  uploadPartUrl,
  UploadStatus,
  type Role,
  type UploadUrls,
  type UploadStart,
} from '@vident/protocol';
import { runInDurableObject, SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { TEST_BANK_PRIVATE_KEY, TEST_BANK_PUBLIC_KEY } from './evidence-keys.ts';
import { nodeFetch, nodeSigning, ORIGIN, sessionStub } from './helpers.ts';

/** Bytes seeded from a number: distinct per artifact, cheap to make in any size. */
export function pattern(size: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Seals plaintext for the test bank key, as a media node or the agent's page would. */
export async function seal(plain: Uint8Array, contentType = 'video/webm'): Promise<Uint8Array<ArrayBuffer>> {
  return sealBytes(await importBankPublicKey(TEST_BANK_PUBLIC_KEY), contentType, plain);
}

/** Opens a sealed file with the test bank's private key. */
export async function open(sealed: Uint8Array): Promise<{ contentType: string; plain: Uint8Array }> {
  const { header, plain } = await openBytes(await importBankPrivateKey(TEST_BANK_PRIVATE_KEY), sealed);
  return { contentType: header.contentType, plain };
}

let counter = 0;

/** A node-style artifact id: rec-<first 8 of the session>-<participant>-<segment>-<8 hex>. */
export function recordingId(sessionId: string, participant: Role, segment: number): string {
  counter++;
  return `rec-${sessionId.slice(0, 8)}-${participant}-${segment}-${(counter * 2654435761 >>> 0).toString(16).padStart(8, '0').slice(0, 8)}`;
}

export async function uploadStart(
  sessionId: string,
  participant: Role,
  segment: number,
  sealed: Uint8Array,
  extra: Partial<UploadStart> = {},
): Promise<UploadStart> {
  const bank = await importBankPublicKey(TEST_BANK_PUBLIC_KEY);
  return {
    artifactId: recordingId(sessionId, participant, segment),
    sessionId,
    participant,
    segment,
    contentType: 'video/webm',
    size: sealed.length,
    sha256: await sha256Hex(sealed),
    bankKeyId: bank.keyId,
    partSize: MIN_PART_SIZE,
    startedAt: new Date(Date.now() - 60_000).toISOString(),
    durationMs: 60_000,
    ...extra,
  };
}

/** The part and complete URLs the last successful start of each artifact answered (by artifact id). */
const uploadUrls = new Map<string, UploadUrls>();

/** Remembers the URLs of a start's answer, so putPart and completeUpload use them as the node would. */
export async function rememberUrls(res: Response): Promise<void> {
  if (res.status !== 200) return;
  const status = UploadStatus.parse(await res.clone().json());
  if (status.urls) uploadUrls.set(status.artifactId, status.urls);
}

/** The URLs the control plane gave for an upload (throws when none was started in this test file). */
export function urlsOf(artifactId: string): UploadUrls {
  const urls = uploadUrls.get(artifactId);
  if (!urls) throw new Error(`no upload URLs for ${artifactId}: start it first`);
  return urls;
}

export async function startUpload(nodeId: string, start: UploadStart): Promise<Response> {
  const res = await nodeFetch(nodeId, `/v1/nodes/${nodeId}/uploads`, start);
  await rememberUrls(res);
  return res;
}

/** The part URL of an upload as its start answered it, or the bare path (no grant) when it never started. */
function partPath(nodeId: string, artifactId: string, partNumber: number): string {
  const urls = uploadUrls.get(artifactId);
  return urls ? uploadPartUrl(urls, partNumber) : `/v1/nodes/${nodeId}/uploads/${artifactId}/parts/${partNumber}`;
}

/**
 * PUTs one part signed the way a node signs it: the canonical request over the part's bytes, whose
 * SHA-256 it also declares in x-vident-part-sha256 (`declare` overrides it to test corruption). It
 * goes to the part URL the upload's start answered (`path` overrides it: a forged or foreign URL).
 */
export async function putPart(
  nodeId: string,
  artifactId: string,
  partNumber: number,
  bytes: Uint8Array<ArrayBuffer>,
  opts: { declare?: string; signedAs?: Uint8Array; secret?: RequestKey; path?: string } = {},
): Promise<Response> {
  const path = opts.path ?? partPath(nodeId, artifactId, partNumber);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = crypto.randomUUID().replace(/-/g, '');
  const signedBytes = opts.signedAs ?? bytes;
  const signature = await signCanonical(opts.secret ?? (await nodeSigning(nodeId)).secret, await canonicalRequest('PUT', path, timestamp, signedBytes, nonce));
  return SELF.fetch(`${ORIGIN}${path}`, {
    method: 'PUT',
    headers: {
      [SIGNATURE_HEADERS.keyId]: nodeId,
      [SIGNATURE_HEADERS.timestamp]: timestamp,
      [SIGNATURE_HEADERS.nonce]: nonce,
      [SIGNATURE_HEADERS.signature]: signature,
      [PART_SHA256_HEADER]: opts.declare ?? (await sha256Hex(signedBytes)),
      'content-type': 'application/octet-stream',
    },
    body: bytes,
  });
}

/** POSTs the completion to the URL the upload's start answered (the bare path when it never started). */
export function completeUpload(nodeId: string, artifactId: string): Promise<Response> {
  return nodeFetch(nodeId, uploadUrls.get(artifactId)?.complete ?? `/v1/nodes/${nodeId}/uploads/${artifactId}/complete`, {});
}

/** The whole upload protocol for one sealed file: start, every part the control plane lacks, complete. */
export async function uploadArtifact(nodeId: string, start: UploadStart, sealed: Uint8Array<ArrayBuffer>): Promise<ArtifactView> {
  const res = await startUpload(nodeId, start);
  expect(res.status, await res.clone().text()).toBe(200);
  const status = UploadStatus.parse(await res.json());
  for (let n = 1; n <= partCount(start.size, status.partSize); n++) {
    if (status.parts.some((p) => p.partNumber === n)) continue;
    const part = sealed.slice((n - 1) * status.partSize, Math.min(n * status.partSize, sealed.length));
    const put = await putPart(nodeId, start.artifactId, n, part);
    expect(put.status, await put.clone().text()).toBe(200);
  }
  const done = await completeUpload(nodeId, start.artifactId);
  expect(done.status, await done.clone().text()).toBe(200);
  return ArtifactView.parse(((await done.json()) as { artifact: unknown }).artifact);
}

/** Seals `plain` and uploads it as the participant's recording segment. */
export async function uploadRecording(nodeId: string, sessionId: string, participant: Role, segment: number, plain = pattern(4096, segment)): Promise<ArtifactView> {
  const sealed = await seal(plain);
  return uploadArtifact(nodeId, await uploadStart(sessionId, participant, segment, sealed), sealed);
}

/** Keys of every object the EVIDENCE bucket holds for a session. */
export async function objectsOf(sessionId: string): Promise<string[]> {
  const listed = await env.EVIDENCE.list({ prefix: `sessions/${sessionId}/` });
  return listed.objects.map((o) => o.key);
}

/** The bytes R2 holds under a key (null when absent). */
export async function objectBytes(key: string): Promise<Uint8Array | null> {
  const object = await env.EVIDENCE.get(key);
  return object ? new Uint8Array(await object.arrayBuffer()) : null;
}

/** The audit actions of a session, read inside its Durable Object (no bank call is added). */
export async function auditActions(sessionId: string): Promise<string[]> {
  return runInDurableObject(sessionStub(sessionId), (_, state) =>
    state.storage.sql.exec<{ action: string }>('SELECT action FROM audit ORDER BY seq').toArray().map((r) => r.action),
  );
}
