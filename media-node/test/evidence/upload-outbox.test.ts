/*
 * The upload loop against a real HTTP server that implements the upload contract in memory
 * (upload-contract-server.ts): what ends up stored (bytes, SHA-256, and the plaintext opened
 * with the bank's private key), which parts crossed the wire, and what is left on disk.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateBankKeyPair, importBankPrivateKey, importBankPublicKey, MIN_PART_SIZE, openBytes, sealBytes } from '@vident/protocol';
import { ControlPlaneClient } from '../../src/control-plane/control-plane-client.ts';
import { ByteRateLimiter } from '../../src/evidence/byte-rate-limiter.ts';
import { enqueueSealedFile, entryPath, recordingArtifactId, type OutboxEntry } from '../../src/evidence/outbox-entry.ts';
import { UploadOutbox } from '../../src/evidence/upload-outbox.ts';
import { UploadContractServer } from './upload-contract-server.ts';
import { testKeys } from '../support/test-keys.ts';

const NODE_ID = 'node-test-1';
const nodeKeys = await testKeys();
const SESSION = randomUUID();
const keys = await generateBankKeyPair(2048);
const bank = await importBankPublicKey(keys.publicKeyPem);
const privateKey = await importBankPrivateKey(keys.privateKeyPem);
/** 12 MiB of plaintext seals to three 5 MiB parts (5 + 5 + ~2). */
const PLAIN = randomBytes(12 * 1024 * 1024);
const SEALED = Buffer.from(await sealBytes(bank, 'video/webm', PLAIN));
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let root: string;
let dir: string;
let server: UploadContractServer;
const outboxes: UploadOutbox[] = [];
type LogLine = { level: 'info' | 'warn'; msg: string } & Record<string, unknown>;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'vident-outbox-'));
  dir = path.join(root, 'outbox');
  server = await new UploadContractServer(NODE_ID, nodeKeys.node.publicKey).listen();
});

afterEach(async () => {
  await Promise.all(outboxes.splice(0).map((o) => o.stop()));
  await server.close();
  await rm(root, { recursive: true, force: true });
});

async function enqueue(sealed: Uint8Array = SEALED, segment = 1): Promise<OutboxEntry> {
  const source = path.join(root, `source-${randomBytes(4).toString('hex')}.venc`);
  await writeFile(source, sealed);
  return enqueueSealedFile({
    outboxDir: dir,
    sealedFile: source,
    artifactId: recordingArtifactId(SESSION, 'customer', segment),
    sessionId: SESSION,
    participant: 'customer',
    segment,
    partSize: MIN_PART_SIZE,
    startedAt: '2026-11-24T10:00:00.123Z',
    durationMs: 61_234,
  });
}

function startOutbox(opts: { limiter?: ByteRateLimiter; backoffMaxMs?: number } = {}) {
  const api = new ControlPlaneClient({ baseUrl: server.url, nodeId: NODE_ID, signingKey: nodeKeys.node.privateKey, uploadLimiter: opts.limiter });
  const logs: LogLine[] = [];
  const outbox = new UploadOutbox({
    dir,
    api,
    log: { info: (o, msg) => logs.push({ level: 'info', msg, ...o }), warn: (o, msg) => logs.push({ level: 'warn', msg, ...o }) },
    scanIntervalMs: 50,
    backoffBaseMs: 20,
    backoffMaxMs: opts.backoffMaxMs ?? 200,
    rejectedRetryMs: 300,
  });
  outboxes.push(outbox);
  outbox.start();
  return { outbox, logs };
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const stored = (id: string) => server.uploads.get(id)?.state === 'stored';
const localFilesOf = (e: OutboxEntry) => [existsSync(entryPath(dir, e.upload.artifactId)), existsSync(e.file)];

/** The stored object is our sealed file, and the bank's private key opens it to the original plaintext. */
async function expectStoredIntact(e: OutboxEntry, plain: Uint8Array = PLAIN): Promise<void> {
  const object = server.uploads.get(e.upload.artifactId)?.object;
  expect(object).toBeDefined();
  expect(object!.length).toBe(e.upload.size);
  expect(sha256(object!)).toBe(e.upload.sha256);
  const opened = await openBytes(privateKey, object!);
  expect(Buffer.from(opened.plain).equals(Buffer.from(plain))).toBe(true);
}

describe('upload outbox', () => {
  it('uploads an entry in parts, verifies it and only then deletes the local copy', async () => {
    const e = await enqueue();
    expect(e.upload).toMatchObject({ size: SEALED.length, sha256: sha256(SEALED), bankKeyId: bank.keyId, contentType: 'video/webm' });
    let filesAtComplete: boolean[] = [];
    server.onComplete = () => (filesAtComplete = localFilesOf(e));
    const { outbox } = startOutbox();
    await until('stored and cleaned', () => stored(e.upload.artifactId) && !existsSync(e.file));
    await expectStoredIntact(e);
    expect(server.partsReceived(e.upload.artifactId)).toEqual([1, 2, 3]);
    expect(filesAtComplete).toEqual([true, true]);
    expect(localFilesOf(e)).toEqual([false, false]);
    await until('pending drops to 0', () => outbox.pending === 0);
    // Parts and the completion went to the URLs the start answered (they name the session).
    const sent = server.requests.filter((r) => r.kind !== 'start').map((r) => r.url);
    expect(sent).toEqual([
      ...[1, 2, 3].map((n) => `/v1/nodes/${NODE_ID}/uploads/${e.upload.artifactId}/parts/${n}?session=${SESSION}&grant=g1`),
      `/v1/nodes/${NODE_ID}/uploads/${e.upload.artifactId}/complete?session=${SESSION}&grant=g1`,
    ]);
  });

  it('starts again at once for new URLs when the old ones expired mid-upload, sending only the parts not yet held', async () => {
    const e = await enqueue();
    server.onPartStart = (_id, n) => {
      if (n !== 2) return;
      server.onPartStart = undefined;
      server.expireGrants();
    };
    const { logs } = startOutbox();
    await until('stored and cleaned', () => stored(e.upload.artifactId) && !existsSync(e.file));
    await expectStoredIntact(e);
    expect(server.requests.filter((r) => r.outcome === 403).map((r) => [r.kind, r.partNumber])).toEqual([['part', 2]]);
    expect(server.grantsGiven).toBe(2);
    expect(server.partsReceived(e.upload.artifactId)).toEqual([1, 2, 3]);
    expect(logs.filter((l) => l.msg.startsWith('upload URLs refused'))).toEqual([expect.objectContaining({ code: 'upload_url_expired', times: 1 })]);
    // Renewed at once, not after the slow retry of a refused upload.
    expect(logs.some((l) => l.msg === 'upload refused, files kept')).toBe(false);
  });

  it('uploads to a control plane from before issue 16 (no URLs in the start answer) at the bare paths', async () => {
    server.urlsGiven = false;
    const e = await enqueue();
    startOutbox();
    await until('stored and cleaned', () => stored(e.upload.artifactId) && !existsSync(e.file));
    await expectStoredIntact(e);
    expect(server.requests.find((r) => r.kind === 'complete')?.url).toBe(`/v1/nodes/${NODE_ID}/uploads/${e.upload.artifactId}/complete`);
  });

  it('loses nothing while the control plane answers 503 or drops connections, and backs off doubling up to the cap', async () => {
    const e = await enqueue();
    server.faults.push(
      { fault: 503, kind: 'start' },
      { fault: 'drop', kind: 'start' },
      { fault: 503, kind: 'start' },
      { fault: 503, kind: 'start' },
      { fault: 'drop', kind: 'part' },
      { fault: 503, kind: 'complete' },
    );
    const { logs } = startOutbox({ backoffMaxMs: 100 });
    await until('stored and cleaned', () => stored(e.upload.artifactId) && !existsSync(e.file));
    await expectStoredIntact(e);
    const retries = logs.filter((l) => l.msg === 'upload interrupted, will resume').map((l) => l.retryInMs);
    expect(retries.slice(0, 4)).toEqual([20, 40, 80, 100]);
    expect(retries).toHaveLength(6);
    expect(server.faults).toHaveLength(0);
    // The dropped part was sent again; every part is stored once.
    expect(server.partsReceived(e.upload.artifactId).sort()).toEqual([1, 2, 3]);
  });

  it('sends only the parts the control plane does not already hold with our checksum', async () => {
    const e = await enqueue();
    const part = (n: number) => SEALED.subarray((n - 1) * MIN_PART_SIZE, Math.min(n * MIN_PART_SIZE, SEALED.length));
    server.seed(e.upload, { 1: Buffer.from(part(1)), 2: Buffer.from(part(2)) });
    startOutbox();
    await until('stored', () => stored(e.upload.artifactId) && !existsSync(e.file));
    expect(server.partsReceived(e.upload.artifactId)).toEqual([3]);
    await expectStoredIntact(e);

    const other = await enqueue(SEALED, 2);
    server.seed(other.upload, { 1: Buffer.alloc(MIN_PART_SIZE), 3: Buffer.from(part(3)) });
    await until('second stored', () => stored(other.upload.artifactId) && !existsSync(other.file));
    expect(server.partsReceived(other.upload.artifactId)).toEqual([1, 2]);
    await expectStoredIntact(other);
  });

  it('starts again from part 1 when the stored object fails its checksum on complete', async () => {
    const e = await enqueue();
    server.corruptCompletions = 1;
    const { logs } = startOutbox();
    await until('stored', () => stored(e.upload.artifactId) && !existsSync(e.file));
    expect(server.partsReceived(e.upload.artifactId)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(logs.some((l) => l.msg.startsWith('stored object failed its checksum'))).toBe(true);
    await expectStoredIntact(e);
  });

  it('drops the local copy when the bank deleted the evidence (410), before or during the upload', async () => {
    const before = await enqueue();
    server.seed(before.upload, {});
    server.uploads.get(before.upload.artifactId)!.state = 'deleted';
    const during = await enqueue(SEALED, 2);
    server.faults.push({ fault: { status: 410, code: 'evidence_deleted' }, kind: 'part' });
    startOutbox();
    await until('both dropped', () => localFilesOf(before).concat(localFilesOf(during)).every((x) => !x));
    expect(server.uploads.get(before.upload.artifactId)?.object).toBeUndefined();
    expect(stored(during.upload.artifactId)).toBe(false);
  });

  it('keeps the files on another 4xx, logs the code, and retries slowly', async () => {
    const e = await enqueue();
    server.faults.push({ fault: { status: 409, code: 'conflict' }, kind: 'start' });
    const { logs } = startOutbox();
    const refused = await until('refusal logged', () => logs.find((l) => l.msg === 'upload refused, files kept'));
    expect(refused).toMatchObject({ status: 409, code: 'conflict', artifactId: e.upload.artifactId, retryInMs: 300 });
    expect(localFilesOf(e)).toEqual([true, true]);
    await new Promise((r) => setTimeout(r, 150));
    expect(server.requests.filter((r) => r.kind === 'start')).toHaveLength(1);
    await until('stored after the slow retry', () => stored(e.upload.artifactId) && !existsSync(e.file));
  });

  it('keeps the files when the completed artifact does not carry our checksum', async () => {
    const e = await enqueue();
    server.lieOnComplete = 'f'.repeat(64);
    const { logs } = startOutbox();
    const refused = await until('mismatch logged', () => logs.find((l) => l.msg === 'upload refused, files kept'));
    expect(refused).toMatchObject({ code: 'checksum_mismatch' });
    expect(localFilesOf(e)).toEqual([true, true]);
  });

  it('resumes after being killed mid-part: no completed part is sent again, files kept until the verified complete', async () => {
    const e = await enqueue();
    let arrived!: () => void;
    const partTwoStarted = new Promise<void>((r) => (arrived = r));
    server.onPartStart = (_id, n) => n === 2 && arrived();
    // Paced at 8 MiB/s, a 5 MiB part takes ~0.6 s: the stop lands inside its body.
    const first = startOutbox({ limiter: new ByteRateLimiter(8 * 1024 * 1024) });
    await partTwoStarted;
    await new Promise((r) => setTimeout(r, 150));
    await first.outbox.stop();
    await until('aborted part seen by the server', () => server.requests.some((r) => r.partNumber === 2 && r.outcome === 'client-aborted'));
    expect(server.partsReceived(e.upload.artifactId)).toEqual([1]);
    expect(localFilesOf(e)).toEqual([true, true]);

    server.onPartStart = undefined;
    let filesAtComplete: boolean[] = [];
    server.onComplete = () => (filesAtComplete = localFilesOf(e));
    startOutbox();
    await until('stored after the restart', () => stored(e.upload.artifactId) && !existsSync(e.file));
    expect(server.partsReceived(e.upload.artifactId)).toEqual([1, 2, 3]);
    expect(filesAtComplete).toEqual([true, true]);
    await expectStoredIntact(e);
  });

  it('uploads one artifact at a time, oldest first, and counts what is pending', async () => {
    const small = Buffer.from(await sealBytes(bank, 'video/webm', PLAIN.subarray(0, 200_000)));
    const a = await enqueue(small, 1);
    await new Promise((r) => setTimeout(r, 5));
    const b = await enqueue(small, 2);
    for (let i = 0; i < 1000; i++) server.faults.push({ fault: 503 });
    const { outbox } = startOutbox({ backoffMaxMs: 20 });
    await until('both counted as pending', () => outbox.pending === 2);
    server.faults.length = 0;
    await until('both stored', () => stored(a.upload.artifactId) && stored(b.upload.artifactId) && !existsSync(b.file));
    expect(server.maxInFlight).toBe(1);
    const completes = server.requests.filter((r) => r.kind === 'complete').map((r) => r.artifactId);
    expect(completes).toEqual([a.upload.artifactId, b.upload.artifactId]);
    await until('nothing pending', () => outbox.pending === 0);
  });

  it('picks up an entry written by another process on its rescan, and ignores invalid entries', async () => {
    const { logs } = startOutbox();
    await new Promise((r) => setTimeout(r, 100));
    await writeFile(path.join(dir, 'rec-garbage-entry.json'), '{"v":1}');
    const e = await enqueue(Buffer.from(await sealBytes(bank, 'video/webm', PLAIN.subarray(0, 1000))));
    await until('stored', () => stored(e.upload.artifactId) && !existsSync(e.file));
    expect(logs.filter((l) => l.msg === 'ignoring an invalid outbox entry')).toHaveLength(1);
    expect(existsSync(path.join(dir, 'rec-garbage-entry.json'))).toBe(true);
    expect(await readFile(path.join(dir, 'rec-garbage-entry.json'), 'utf8')).toBe('{"v":1}');
  });
});
